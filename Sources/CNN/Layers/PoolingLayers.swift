/// Keras' `MaxPooling2D(pool_size, strides, padding)`: the largest value of each window, per
/// channel. No parameters; the stride defaults to the window.
public final class MaxPooling2D: ShareableLayer {
    public var name = "max_pooling2d"
    public let typeName = "MaxPooling2D"
    public let poolSize: (Int, Int)
    public let strides: (Int, Int)
    public let padding: Padding
    /// The last caching forward pass, for `backward`.
    private var lastPass: Pass?

    /// What one caching forward pass keeps for its backward pass.
    enum Pass {
        /// A 2x2 window with stride 2 and no padding: each window's winner (0 to 3).
        case winners([Float], WindowGeometry)
        /// Any other window: x and y, from which the backward pass finds the winners again.
        case windows(input: Tensor, output: Tensor, WindowGeometry)
    }

    public init(poolSize: (Int, Int) = (2, 2), strides: (Int, Int)? = nil, padding: Padding = .valid) {
        self.poolSize = poolSize
        self.strides = strides ?? poolSize
        self.padding = padding
    }

    /// A square window: `MaxPooling2D(2)`.
    public convenience init(_ poolSize: Int, strides: Int? = nil, padding: Padding = .valid) {
        self.init(poolSize: (poolSize, poolSize), strides: strides.map { ($0, $0) }, padding: padding)
    }

    public func inputShapeProblem(_ inputShape: [Int]) -> String? {
        windowProblem(name, typeName, inputShape: inputShape, kernelSize: poolSize, strides: strides, padding: padding)
    }

    public func takeCache() -> Any? {
        defer { lastPass = nil }
        return lastPass
    }

    public func restoreCache(_ cache: Any?) { lastPass = cache as? Pass }

    public func outputShape(inputShape: [Int]) -> [Int] {
        let g = WindowGeometry(
            inputShape: [1] + inputShape, kernelSize: poolSize, strides: strides, padding: padding, operation: name)
        return [g.outputHeight, g.outputWidth, inputShape[2]]
    }

    public func forward(_ x: Tensor, mode: ForwardMode) -> Tensor {
        let g = WindowGeometry(
            inputShape: x.shape, kernelSize: poolSize, strides: strides, padding: padding, operation: name)
        if g.isTwoByTwoValid {
            let (y, winners) = maxPool2x2Forward(x, g, keepWinners: mode.keepsCache)
            if mode.keepsCache { lastPass = .winners(winners, g) }
            return y
        }
        let y = maxPool2dForward(x, g)
        if mode.keepsCache { lastPass = .windows(input: x, output: y, g) }
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor {
        guard let pass = lastPass else {
            fatalError(
                "\(name): backward called before a forward pass of its own in training mode (a model runs a ReLU Conv2D and the 2x2 MaxPooling2D after it as one pass: take gradients through the model, or call this layer's forward(_:mode:) before its backward)"
            )
        }
        let g: WindowGeometry
        switch pass {
        case .winners(_, let geometry), .windows(_, _, let geometry): g = geometry
        }
        require(
            dy.shape == [g.batch, g.outputHeight, g.outputWidth, g.channels],
            "\(name): output gradient \(dy.shape) does not match the output [\(g.batch), \(g.outputHeight), \(g.outputWidth), \(g.channels)]"
        )
        switch pass {
        case .winners(let winners, _): return maxPool2x2Backward(winners: winners, outputGradient: dy, g)
        case .windows(let x, let y, _): return maxPool2dBackward(input: x, output: y, outputGradient: dy, g)
        }
    }

    /// Forgets the last caching pass: a model ran this layer inside the convolution's pass before
    /// it (`Conv2D.forward(_:pooledBy:mode:)`), and keeps that pass itself.
    func forgetLastPass() { lastPass = nil }
}

/// Keras' `AveragePooling2D(pool_size, strides, padding)`: the mean of each window, per channel.
public final class AveragePooling2D: ShareableLayer {
    public var name = "average_pooling2d"
    public let typeName = "AveragePooling2D"
    public let poolSize: (Int, Int)
    public let strides: (Int, Int)
    public let padding: Padding
    private var inputShape: [Int] = []

    public init(poolSize: (Int, Int) = (2, 2), strides: (Int, Int)? = nil, padding: Padding = .valid) {
        self.poolSize = poolSize
        self.strides = strides ?? poolSize
        self.padding = padding
    }

    public convenience init(_ poolSize: Int, strides: Int? = nil, padding: Padding = .valid) {
        self.init(poolSize: (poolSize, poolSize), strides: strides.map { ($0, $0) }, padding: padding)
    }

    public func inputShapeProblem(_ inputShape: [Int]) -> String? {
        windowProblem(name, typeName, inputShape: inputShape, kernelSize: poolSize, strides: strides, padding: padding)
    }

    public func takeCache() -> Any? {
        defer { inputShape = [] }
        return inputShape
    }
    public func restoreCache(_ cache: Any?) { inputShape = cache as? [Int] ?? [] }

    public func outputShape(inputShape: [Int]) -> [Int] {
        let g = WindowGeometry(
            inputShape: [1] + inputShape, kernelSize: poolSize, strides: strides, padding: padding, operation: name)
        return [g.outputHeight, g.outputWidth, inputShape[2]]
    }

    public func forward(_ x: Tensor, mode: ForwardMode) -> Tensor {
        if mode.keepsCache { inputShape = x.shape }
        return avgPool2d(x, poolSize: poolSize, strides: strides, padding: padding)
    }

    public func backward(_ dy: Tensor) -> Tensor {
        require(!inputShape.isEmpty, "\(name): backward called before a forward pass in training mode")
        return avgPool2dBackward(
            inputShape: inputShape, outputGradient: dy, poolSize: poolSize, strides: strides, padding: padding)
    }
}

/// Keras' `GlobalAveragePooling2D()`: [N, H, W, C] to [N, C].
public final class GlobalAveragePooling2D: ShareableLayer {
    public var name = "global_average_pooling2d"
    public let typeName = "GlobalAveragePooling2D"
    private var inputShape: [Int] = []
    public init() {}
    public func inputShapeProblem(_ inputShape: [Int]) -> String? {
        inputShape.count == 3 ? nil : "\(name): GlobalAveragePooling2D takes [H, W, C] inputs, got \(inputShape)"
    }
    public func takeCache() -> Any? {
        defer { inputShape = [] }
        return inputShape
    }
    public func restoreCache(_ cache: Any?) { inputShape = cache as? [Int] ?? [] }
    public func outputShape(inputShape: [Int]) -> [Int] { [inputShape[2]] }
    public func forward(_ x: Tensor, mode: ForwardMode) -> Tensor {
        if mode.keepsCache { inputShape = x.shape }
        return globalAvgPool2d(x)
    }
    public func backward(_ dy: Tensor) -> Tensor { globalAvgPool2dBackward(inputShape: inputShape, outputGradient: dy) }
}
