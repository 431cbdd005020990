/// A 2-D convolution layer, as Keras' `Conv2D(filters, kernel_size, strides, padding, activation)`.
/// Input [N, H, W, C], kernel [KH, KW, C, filters], bias [filters], output [N, OH, OW, filters].
public final class Conv2D: ActivatedLayer, RegularizedLayer, ShareableLayer {
    public var name = "conv2d"
    public let typeName = "Conv2D"
    public let filters: Int
    public let kernelSize: (Int, Int)
    public let strides: (Int, Int)
    public let padding: Padding
    public let activation: ActivationFunction
    public let useBias: Bool
    public let kernelInitializer: Initializer
    public let biasInitializer: Initializer
    /// The kernel's weight penalty (Keras' `kernel_regularizer`), if any.
    public let kernelRegularizer: Regularizer?
    public let declaredInputShape: [Int]?
    /// Whether `backward` computes dL/dinput; the model turns it off for its first layer, whose
    /// input is the data (dL/dimage is not needed to train, and is the most expensive to compute).
    public var computesInputGradient = true
    public private(set) var kernel: Parameter?
    public private(set) var bias: Parameter?

    // From the last caching forward pass: the im2col matrix, z and y.
    private var cols: [Float] = []
    /// x, when the forward pass ran through oneDNN: the backward pass runs through oneDNN from it
    /// (or, should oneDNN refuse, lays it out as `cols` itself).
    private var colsInput: Tensor?
    private var geometry: WindowGeometry?
    private var inputShape: [Int] = []
    /// z, from the last caching pass through `forwardWithPreActivation`. A plain `forward` with
    /// ReLU (or no activation) keeps only y: it computes y = max(0, z) inside the convolution
    /// (bias and ReLU fused, as Keras does) and never stores z, whose sign y already records.
    public private(set) var preActivation: Tensor?
    private var output: Tensor?

    public init(
        _ filters: Int, kernelSize: (Int, Int), strides: (Int, Int) = (1, 1), padding: Padding = .valid,
        activation: ActivationFunction = .linear, useBias: Bool = true,
        kernelInitializer: Initializer = .glorotUniform, biasInitializer: Initializer = .zeros,
        kernelRegularizer: Regularizer? = nil, inputShape: [Int]? = nil
    ) {
        require(filters >= 1, "Conv2D: filters must be at least 1, got \(filters)")
        self.filters = filters
        self.kernelSize = kernelSize
        self.strides = strides
        self.padding = padding
        self.activation = activation
        self.useBias = useBias
        self.kernelInitializer = kernelInitializer
        self.biasInitializer = biasInitializer
        self.kernelRegularizer = kernelRegularizer
        self.declaredInputShape = inputShape
    }

    /// A square kernel and stride: `Conv2D(32, kernelSize: 3, activation: .relu)`.
    public convenience init(
        _ filters: Int, kernelSize: Int, strides: Int = 1, padding: Padding = .valid,
        activation: ActivationFunction = .linear, useBias: Bool = true,
        kernelInitializer: Initializer = .glorotUniform, biasInitializer: Initializer = .zeros,
        kernelRegularizer: Regularizer? = nil, inputShape: [Int]? = nil
    ) {
        self.init(
            filters, kernelSize: (kernelSize, kernelSize), strides: (strides, strides), padding: padding,
            activation: activation, useBias: useBias, kernelInitializer: kernelInitializer,
            biasInitializer: biasInitializer, kernelRegularizer: kernelRegularizer, inputShape: inputShape)
    }

    public var parameters: [Parameter] { [kernel, bias].compactMap { $0 } }

    public func build(inputShape: [Int], generator: inout RandomGenerator) {
        require(inputShape.count == 3, "\(name): Conv2D takes [H, W, C] inputs, got \(inputShape)")
        let shape = [kernelSize.0, kernelSize.1, inputShape[2], filters]
        kernel = Parameter(name: "kernel", value: kernelInitializer.make(shape, generator: &generator))
        bias = useBias ? Parameter(name: "bias", value: biasInitializer.make([filters], generator: &generator)) : nil
    }

    public func inputShapeProblem(_ inputShape: [Int]) -> String? {
        if let problem = windowProblem(
            name, typeName, inputShape: inputShape, kernelSize: kernelSize, strides: strides, padding: padding)
        {
            return problem
        }
        if let kernel, kernel.value.shape[2] != inputShape[2] {
            return
                "\(name): input has \(inputShape[2]) channels but the kernel expects \(kernel.value.shape[2]) (a layer called twice shares its weights)"
        }
        return nil
    }

    /// Every field a backward pass reads, for a model that calls this layer at several places.
    private struct Cache {
        var cols: [Float], colsInput: Tensor?, geometry: WindowGeometry?, inputShape: [Int]
        var preActivation: Tensor?, output: Tensor?,
            pooledCache: (cache: ConvolutionPoolingCache, pool: ObjectIdentifier)?
    }

    public func takeCache() -> Any? {
        let cache = Cache(
            cols: cols, colsInput: colsInput, geometry: geometry, inputShape: inputShape,
            preActivation: preActivation, output: output, pooledCache: pooledCache)
        clearCache()
        return cache
    }

    public func restoreCache(_ cache: Any?) {
        guard let cache = cache as? Cache else {
            clearCache()
            return
        }
        cols = cache.cols
        colsInput = cache.colsInput
        geometry = cache.geometry
        inputShape = cache.inputShape
        preActivation = cache.preActivation
        output = cache.output
        pooledCache = cache.pooledCache
    }

    public func outputShape(inputShape: [Int]) -> [Int] {
        let g = WindowGeometry(
            inputShape: [1] + inputShape, kernelSize: kernelSize, strides: strides, padding: padding, operation: name)
        return [g.outputHeight, g.outputWidth, filters]
    }

    public func forwardWithPreActivation(_ x: Tensor, mode: ForwardMode) -> (output: Tensor, preActivation: Tensor) {
        let kernel = requireBuilt(kernel, name)
        let g = WindowGeometry(
            inputShape: x.shape, kernelSize: kernelSize, strides: strides, padding: padding, operation: name)
        var localCols: [Float] = []
        let z =
            mode.keepsCache
            ? conv2dForward(x, kernel: kernel.value, bias: bias?.value, geometry: g, cols: &cols)
            : conv2dForward(x, kernel: kernel.value, bias: bias?.value, geometry: g, cols: &localCols)
        let y = activation(z)
        if mode.keepsCache {
            pooledCache = nil
            colsInput = nil
            geometry = g
            inputShape = x.shape
            preActivation = z
            output = y
        }
        return (y, z)
    }

    /// The forward pass; with ReLU or no activation, the fused one (see `preActivation`): through
    /// oneDNN when `Runtime.usesOneDNN` (bias and ReLU as its post-op; the backward pass then runs
    /// through oneDNN too), else im2col + GEMM with bias and ReLU applied per block of the product.
    public func forward(_ x: Tensor, mode: ForwardMode) -> Tensor {
        guard activation == .relu || activation == .linear else {
            return forwardWithPreActivation(x, mode: mode).output
        }
        let kernel = requireBuilt(kernel, name)
        let g = WindowGeometry(
            inputShape: x.shape, kernelSize: kernelSize, strides: strides, padding: padding, operation: name)
        var localCols: [Float] = []
        let relu = activation == .relu
        let y: Tensor
        if Runtime.usesOneDNN,
            let fast = oneDNNPlan(relu: relu).forward(x, kernel: kernel.value, bias: bias?.value, geometry: g)
        {
            y = fast
            // The backward pass lays x out as columns itself.
            colsInput = mode.keepsCache ? x : nil
        } else {
            y =
                mode.keepsCache
                ? conv2dForward(x, kernel: kernel.value, bias: bias?.value, geometry: g, cols: &cols, relu: relu)
                : conv2dForward(x, kernel: kernel.value, bias: bias?.value, geometry: g, cols: &localCols, relu: relu)
            if mode.keepsCache { colsInput = nil }
        }
        if mode.keepsCache {
            pooledCache = nil
            geometry = g
            inputShape = x.shape
            preActivation = nil
            output = y
        }
        return y
    }

    /// The layer's oneDNN primitives, made on first use for each input shape (see `DNNLConvolutionPlan`).
    private var plans: [DNNLConvolutionPlan] = []

    private func oneDNNPlan(relu: Bool) -> DNNLConvolutionPlan {
        if let found = plans.first(where: { $0.relu == relu }) { return found }
        let made = DNNLConvolutionPlan(filters: filters, hasBias: useBias, relu: relu)
        plans.append(made)
        return made
    }

    public func backward(_ dy: Tensor) -> Tensor {
        requireOwnPass()
        let y = requireForward(output, name)
        guard let z = preActivation else {
            // The fused pass kept only y: ReLU passes the gradient where y > 0 (exactly where z > 0).
            return backwardFromOutput(dy, reluOutput: activation == .relu ? y : nil)
        }
        return backward(preActivationGradient: activation.backward(input: z, output: y, outputGradient: dy))
    }

    public func backward(preActivationGradient dz: Tensor) -> Tensor {
        requireOwnPass()
        return backwardFromOutput(dz, reluOutput: nil)
    }

    /// A backward pass of this layer alone after the model ran it together with its pooling.
    private func requireOwnPass() {
        require(
            pooledCache == nil,
            "\(name): its last forward pass ran together with the max pooling after it (a model runs a ReLU Conv2D and 2x2 MaxPooling2D as one pass); take gradients through the model, or call this layer's forward(_:mode:) before its backward"
        )
    }

    /// From the last caching pass through `forward(_:pooledBy:mode:)`, and the pooling it ran with.
    private var pooledCache: (cache: ConvolutionPoolingCache, pool: ObjectIdentifier)?

    /// This layer and the 2x2 max pooling after it, in one pass slice by slice (see
    /// ConvolutionPooling.swift): the pooling's output. nil when they are not that pair (a ReLU
    /// convolution through oneDNN, a 2x2 window with stride 2 and no padding) or oneDNN refuses
    /// the shape; the caller then runs the two layers one after the other.
    func forward(_ x: Tensor, pooledBy pool: MaxPooling2D, mode: ForwardMode) -> Tensor? {
        guard activation == .relu, Runtime.usesOneDNN, pool.poolSize == (2, 2), pool.strides == (2, 2),
            pool.padding == .valid
        else { return nil }
        let kernel = requireBuilt(kernel, name)
        let g = WindowGeometry(
            inputShape: x.shape, kernelSize: kernelSize, strides: strides, padding: padding, operation: name)
        guard g.outputHeight >= 2, g.outputWidth >= 2,
            let (pooled, cache) = oneDNNPlan(relu: true).forwardPooled(
                x, kernel: kernel.value, bias: bias?.value, geometry: g,
                keepCache: mode.keepsCache)
        else { return nil }
        if mode.keepsCache, let cache {
            // Only the pair's cache: a backward pass of either layer alone would have nothing to
            // start from, and says so, instead of using an older pass.
            clearCache()
            pool.clearCache(ranWithConvolution: true)
            pooledCache = (cache, ObjectIdentifier(pool))
        }
        return pooled
    }

    /// The backward pass of this layer and the pooling after it from dL/d(pooled output), after
    /// `forward(_:pooledBy:mode:)`; nil if the last caching pass was not that one (or oneDNN
    /// refuses: the layers' own passes cannot follow either, so that fails loudly).
    func backward(_ dy: Tensor, pooledBy pool: MaxPooling2D) -> Tensor? {
        guard let (cache, ranWith) = pooledCache, ranWith == ObjectIdentifier(pool) else { return nil }
        let kernel = requireBuilt(kernel, name)
        guard
            let grads = oneDNNPlan(relu: true).backwardPooled(
                cache, kernel: kernel.value, outputGradient: dy,
                computesInputGradient: computesInputGradient)
        else {
            fatalError("\(name): oneDNN ran the forward pass but refuses its backward pass")
        }
        kernel.gradient = grads.kernel
        bias?.gradient = grads.bias
        return grads.input
    }

    /// How the last caching forward pass ran, for tests: through oneDNN fused with its pooling,
    /// through oneDNN, or through im2col + GEMM; nil before any.
    var lastForwardPath: String? {
        if pooledCache != nil { return "oneDNN + pooling" }
        if colsInput != nil { return "oneDNN" }
        return geometry == nil ? nil : "im2col"
    }

    private func clearCache() {
        cols = []
        colsInput = nil
        geometry = nil
        preActivation = nil
        output = nil
        pooledCache = nil
    }

    /// From dL/dz, or from dL/dy and y when `reluOutput` is y of the fused ReLU pass.
    private func backwardFromOutput(_ gradient: Tensor, reluOutput: Tensor?) -> Tensor {
        let kernel = requireBuilt(kernel, name)
        let g = requireForward(geometry, name)
        if let x = colsInput {
            // The forward pass ran through oneDNN: so do both backward passes, if oneDNN takes them.
            let (dz, dBias) = preActivationAndBiasGradients(
                gradient, reluOutput: reluOutput, positions: g.positions, filters: filters)
            if let grads = oneDNNPlan(relu: activation == .relu).backward(
                input: x, kernel: kernel.value, outputGradient: dz, geometry: g,
                computesInputGradient: computesInputGradient)
            {
                kernel.gradient = grads.kernel
                bias?.gradient = dBias
                return grads.input
            }
            let count = g.positions * kernelSize.0 * kernelSize.1 * g.channels
            if cols.count != count { cols = uninitializedFloats(count) }  // im2col writes every value
            x.scalars.withUnsafeBufferPointer { xp in
                cols.withUnsafeMutableBufferPointer { c in im2col(xp.baseAddress!, g, c.baseAddress!) }
            }
            colsInput = nil
        }
        let grads = conv2dBackward(
            cols: cols, inputShape: inputShape, kernel: kernel.value, outputGradient: gradient, geometry: g,
            needInputGradient: computesInputGradient, reluOutput: reluOutput)
        kernel.gradient = grads.kernel
        bias?.gradient = grads.bias
        return grads.input
    }
}
