/// Keras' `MaxPooling2D(pool_size, strides, padding)`: the largest value of each window, per
/// channel. No parameters; the stride defaults to the window.
public final class MaxPooling2D: ShareableLayer {
    public var name = "max_pooling2d"
    public let typeName = "MaxPooling2D"
    public let poolSize: (Int, Int)
    public let strides: (Int, Int)
    public let padding: Padding
    // From the last caching forward pass: each window's winner (2x2 windows), or x and y, from
    // which the backward pass finds the winners again (any other window).
    private var winners: [Float]?
    private var input: Tensor?
    private var output: Tensor?
    private var geometry: WindowGeometry?

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
        defer { clearCache() }
        return (winners, input, output, geometry, ranWithConvolution)
    }

    public func restoreCache(_ cache: Any?) {
        guard let cache = cache as? ([Float]?, Tensor?, Tensor?, WindowGeometry?, Bool) else {
            clearCache()
            return
        }
        (winners, input, output, geometry, ranWithConvolution) = cache
    }

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
            if mode.keepsCache {
                clearCache()
                self.winners = winners
                geometry = g
            }
            return y
        }
        let y = maxPool2dForward(x, g)
        if mode.keepsCache {
            clearCache()
            input = x
            output = y
            geometry = g
        }
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor {
        require(
            !ranWithConvolution,
            "\(name): its last forward pass ran together with the convolution before it (a model runs a ReLU Conv2D and 2x2 MaxPooling2D as one pass); take gradients through the model, or call this layer's forward(_:mode:) before its backward"
        )
        let g = requireForward(geometry, name)
        require(
            dy.shape == [g.batch, g.outputHeight, g.outputWidth, g.channels],
            "\(name): output gradient \(dy.shape) does not match the output [\(g.batch), \(g.outputHeight), \(g.outputWidth), \(g.channels)]"
        )
        if let winners { return maxPool2x2Backward(winners: winners, outputGradient: dy, g) }
        return maxPool2dBackward(
            input: requireForward(input, name), output: requireForward(output, name), outputGradient: dy, g)
    }

    /// Whether the last caching pass was the convolution's fused one (`Conv2D.forward(_:pooledBy:mode:)`).
    private var ranWithConvolution = false

    /// Forgets the last caching pass; `ranWithConvolution` says whether the fused pass replaced it.
    func clearCache(ranWithConvolution: Bool = false) {
        winners = nil
        input = nil
        output = nil
        geometry = nil
        self.ranWithConvolution = ranWithConvolution
    }
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
