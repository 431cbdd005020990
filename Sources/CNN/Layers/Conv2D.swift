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

    /// The last caching forward pass of this layer, for `backward`: one value per pass (see `Pass`).
    private var lastPass: Pass?

    /// z, from the last caching pass through `forwardWithPreActivation`. A plain `forward` with
    /// ReLU (or no activation) keeps only y: it computes y = max(0, z) inside the convolution
    /// (bias and ReLU fused, as Keras does) and never stores z, whose sign y already records.
    public var preActivation: Tensor? { lastPass?.preActivation }

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

    /// The last caching pass, handed over and forgotten (a model keeps one per call of a shared layer).
    public func takeCache() -> Any? {
        defer { lastPass = nil }
        return lastPass
    }

    public func restoreCache(_ cache: Any?) { lastPass = cache as? Pass }

    public func outputShape(inputShape: [Int]) -> [Int] {
        let g = WindowGeometry(
            inputShape: [1] + inputShape, kernelSize: kernelSize, strides: strides, padding: padding, operation: name)
        return [g.outputHeight, g.outputWidth, filters]
    }

    public func forwardWithPreActivation(_ x: Tensor, mode: ForwardMode) -> (output: Tensor, preActivation: Tensor) {
        var columns = mode.keepsCache ? takeColumns() : []
        let (y, z, pass) = passWithPreActivation(x, mode: mode, columns: &columns)
        if mode.keepsCache { lastPass = pass }
        return (y, z)
    }

    /// The forward pass; with ReLU or no activation, the fused one (see `preActivation`): through
    /// oneDNN when `Runtime.usesOneDNN` (bias and ReLU as its post-op; the backward pass then runs
    /// through oneDNN too), else im2col + GEMM with bias and ReLU applied per block of the product.
    public func forward(_ x: Tensor, mode: ForwardMode) -> Tensor {
        var columns = mode.keepsCache ? takeColumns() : []
        let (y, pass) = self.pass(x, mode: mode, columns: &columns)
        if mode.keepsCache { lastPass = pass }
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor { backward(dy, through: ownPass()) }

    public func backward(preActivationGradient dz: Tensor) -> Tensor {
        backward(preActivationGradient: dz, through: ownPass())
    }

    /// How the last caching forward pass ran, for tests: through oneDNN fused with its pooling,
    /// through oneDNN, or through im2col + GEMM; nil before any.
    var lastForwardPath: String? { lastPass?.path }

    /// The last caching pass, which `backward` goes back through: the layer's own.
    private func ownPass() -> Pass {
        let pass = requireForward(lastPass, name)
        if case .pooled = pass {
            require(
                false,
                "\(name): its last forward pass ran together with the max pooling after it (a model runs a ReLU Conv2D and 2x2 MaxPooling2D as one pass); take gradients through the model, or call this layer's forward(_:mode:) before its backward"
            )
        }
        return pass
    }

    /// The im2col matrix of the last pass, for the next caching pass to write over (a buffer of
    /// the same size is reused, not allocated and faulted in again); the last pass is forgotten.
    private func takeColumns() -> [Float] {
        guard case .columns(let columns, _, _, _) = lastPass else { return [] }
        lastPass = nil
        return columns
    }

    /// The layer's oneDNN primitives, made on first use for each input shape (see `DNNLConvolutionPlan`).
    private var plans: [DNNLConvolutionPlan] = []

    private func oneDNNPlan(relu: Bool) -> DNNLConvolutionPlan {
        if let found = plans.first(where: { $0.relu == relu }) { return found }
        let made = DNNLConvolutionPlan(filters: filters, hasBias: useBias, relu: relu)
        plans.append(made)
        return made
    }

    private func geometry(_ x: Tensor) -> WindowGeometry {
        WindowGeometry(inputShape: x.shape, kernelSize: kernelSize, strides: strides, padding: padding, operation: name)
    }
}

extension Conv2D {
    /// What one caching forward pass keeps for its backward pass: each forward pass below returns
    /// it, and `backward(_:through:)` takes it. The layer keeps the last one of its own passes
    /// (`forward`, `forwardWithPreActivation`); a model keeps the ones it must tell apart (each
    /// call of a shared layer, a convolution run with its pooling; see `Tape`).
    enum Pass {
        /// Through im2col + GEMM: x laid out as columns, and y; z too when the activation ran
        /// apart from the product (else nil: ReLU or no activation ran inside it, and y records
        /// where z > 0).
        case columns([Float], geometry: WindowGeometry, preActivation: Tensor?, output: Tensor)
        /// Through oneDNN, bias and ReLU applied as y was written: x itself (the backward pass runs
        /// through oneDNN from it, or lays it out as columns should oneDNN refuse), and y.
        case oneDNN(input: Tensor, geometry: WindowGeometry, output: Tensor)
        /// Through oneDNN together with the 2x2 max pooling after it (ConvolutionPooling.swift):
        /// the backward pass starts from dL/d(pooled output).
        case pooled(ConvolutionPoolingCache)

        var preActivation: Tensor? {
            if case .columns(_, _, let z, _) = self { return z }
            return nil
        }

        /// How the pass ran: "im2col", "oneDNN" or "oneDNN + pooling".
        var path: String {
            switch self {
            case .columns: return "im2col"
            case .oneDNN: return "oneDNN"
            case .pooled: return "oneDNN + pooling"
            }
        }
    }

    /// y and, when `mode` keeps caches, its pass; with ReLU or no activation, the fused pass (see
    /// `forward(_:mode:)`). A caching pass through im2col writes its columns into `columns`.
    func pass(_ x: Tensor, mode: ForwardMode, columns: inout [Float]) -> (output: Tensor, pass: Pass?) {
        guard activation == .relu || activation == .linear else {
            let (y, _, pass) = passWithPreActivation(x, mode: mode, columns: &columns)
            return (y, pass)
        }
        let kernel = requireBuilt(kernel, name)
        let g = geometry(x)
        let relu = activation == .relu
        if Runtime.usesOneDNN,
            let y = oneDNNPlan(relu: relu).forward(x, kernel: kernel.value, bias: bias?.value, geometry: g)
        {
            return (y, mode.keepsCache ? .oneDNN(input: x, geometry: g, output: y) : nil)
        }
        guard mode.keepsCache else {
            var local: [Float] = []
            return (
                conv2dForward(x, kernel: kernel.value, bias: bias?.value, geometry: g, cols: &local, relu: relu), nil
            )
        }
        let y = conv2dForward(x, kernel: kernel.value, bias: bias?.value, geometry: g, cols: &columns, relu: relu)
        return (y, .columns(columns, geometry: g, preActivation: nil, output: y))
    }

    /// y = activation(z), z and, when `mode` keeps caches, the pass (z kept), through im2col + GEMM.
    func passWithPreActivation(_ x: Tensor, mode: ForwardMode, columns: inout [Float]) -> (
        output: Tensor, preActivation: Tensor, pass: Pass?
    ) {
        let kernel = requireBuilt(kernel, name)
        let g = geometry(x)
        guard mode.keepsCache else {
            var local: [Float] = []
            let z = conv2dForward(x, kernel: kernel.value, bias: bias?.value, geometry: g, cols: &local)
            return (activation(z), z, nil)
        }
        let z = conv2dForward(x, kernel: kernel.value, bias: bias?.value, geometry: g, cols: &columns)
        let y = activation(z)
        return (y, z, .columns(columns, geometry: g, preActivation: z, output: y))
    }

    /// This layer and the 2x2 max pooling after it, in one pass slice by slice (see
    /// ConvolutionPooling.swift): the pooling's output and, when `mode` keeps caches, the pass
    /// (`backward(_:through:)` takes dL/d(pooled output) back to dL/dx). nil when they are not
    /// that pair (a ReLU convolution through oneDNN, a 2x2 window with stride 2 and no padding) or
    /// oneDNN refuses the shape; the caller then runs the two layers one after the other.
    func forward(_ x: Tensor, pooledBy pool: MaxPooling2D, mode: ForwardMode) -> (output: Tensor, pass: Pass?)? {
        guard activation == .relu, Runtime.usesOneDNN, pool.poolSize == (2, 2), pool.strides == (2, 2),
            pool.padding == .valid
        else { return nil }
        let kernel = requireBuilt(kernel, name)
        let g = geometry(x)
        guard g.outputHeight >= 2, g.outputWidth >= 2,
            let (pooled, cache) = oneDNNPlan(relu: true).forwardPooled(
                x, kernel: kernel.value, bias: bias?.value, geometry: g, keepCache: mode.keepsCache)
        else { return nil }
        guard mode.keepsCache, let cache else { return (pooled, nil) }
        // The layers' own last passes: a backward pass of either alone has nothing of its own to
        // start from, and says so, instead of going back through an older pass.
        lastPass = .pooled(cache)
        pool.forgetLastPass()
        return (pooled, .pooled(cache))
    }

    /// dL/dx from dL/dy through `pass` (from dL/d(pooled output) through a pass run with its
    /// pooling), leaving dL/dkernel and dL/dbias in the parameters' `gradient`s.
    func backward(_ dy: Tensor, through pass: Pass) -> Tensor {
        switch pass {
        case .pooled(let cache):
            let kernel = requireBuilt(kernel, name)
            guard
                let grads = oneDNNPlan(relu: true).backwardPooled(
                    cache, kernel: kernel.value, outputGradient: dy, computesInputGradient: computesInputGradient)
            else {
                fatalError("\(name): oneDNN ran the forward pass but refuses its backward pass")
            }
            kernel.gradient = grads.kernel
            bias?.gradient = grads.bias
            return grads.input
        case .columns(_, _, let z?, let y):
            return backward(
                preActivationGradient: activation.backward(input: z, output: y, outputGradient: dy), through: pass)
        case .columns(_, _, nil, let y), .oneDNN(_, _, let y):
            // The fused pass kept only y: ReLU passes the gradient where y > 0 (exactly where z > 0).
            return backwardFromOutput(dy, reluOutput: activation == .relu ? y : nil, through: pass)
        }
    }

    /// dL/dx from dL/dz through `pass` (not one run with its pooling).
    func backward(preActivationGradient dz: Tensor, through pass: Pass) -> Tensor {
        backwardFromOutput(dz, reluOutput: nil, through: pass)
    }

    /// From dL/dz, or from dL/dy and y when `reluOutput` is y of the fused ReLU pass.
    private func backwardFromOutput(_ gradient: Tensor, reluOutput: Tensor?, through pass: Pass) -> Tensor {
        let kernel = requireBuilt(kernel, name)
        let g: WindowGeometry
        var columns: [Float]
        switch pass {
        case .pooled:
            fatalError("\(name): a pass run with its pooling goes back from dL/d(pooled output)")
        case .columns(let cols, let geometry, _, _):
            (columns, g) = (cols, geometry)
        case .oneDNN(let x, let geometry, _):
            // The forward pass ran through oneDNN: so do both backward passes, if oneDNN takes them.
            g = geometry
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
            // oneDNN refuses them: x laid out as columns, as the im2col forward pass would have
            // (uninitialised: im2col writes every value).
            columns = uninitializedFloats(g.positions * kernelSize.0 * kernelSize.1 * g.channels)
            x.scalars.withUnsafeBufferPointer { xp in
                columns.withUnsafeMutableBufferPointer { c in im2col(xp.baseAddress!, g, c.baseAddress!) }
            }
        }
        let grads = conv2dBackward(
            cols: columns, inputShape: [g.batch, g.height, g.width, g.channels], kernel: kernel.value,
            outputGradient: gradient, geometry: g, needInputGradient: computesInputGradient, reluOutput: reluOutput)
        kernel.gradient = grads.kernel
        bias?.gradient = grads.bias
        return grads.input
    }
}
