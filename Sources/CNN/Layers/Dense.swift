/// A fully connected layer, as Keras' `Dense(units, activation)`: y = f(x · W + b), with
/// x [N, I], W [I, units], b [units].
public final class Dense: ActivatedLayer, RegularizedLayer, ShareableLayer {
    public var name = "dense"
    public let typeName = "Dense"
    public let units: Int
    public let activation: ActivationFunction
    public let useBias: Bool
    public let kernelInitializer: Initializer
    public let biasInitializer: Initializer
    /// The kernel's weight penalty (Keras' `kernel_regularizer`), if any.
    public let kernelRegularizer: Regularizer?
    public let declaredInputShape: [Int]?
    public private(set) var kernel: Parameter?
    public private(set) var bias: Parameter?

    private var input: Tensor?
    public private(set) var preActivation: Tensor?
    private var output: Tensor?

    public init(
        _ units: Int, activation: ActivationFunction = .linear, useBias: Bool = true,
        kernelInitializer: Initializer = .glorotUniform, biasInitializer: Initializer = .zeros,
        kernelRegularizer: Regularizer? = nil, inputShape: [Int]? = nil
    ) {
        require(units >= 1, "Dense: units must be at least 1, got \(units)")
        self.units = units
        self.activation = activation
        self.useBias = useBias
        self.kernelInitializer = kernelInitializer
        self.biasInitializer = biasInitializer
        self.kernelRegularizer = kernelRegularizer
        self.declaredInputShape = inputShape
    }

    public var parameters: [Parameter] { [kernel, bias].compactMap { $0 } }

    public func build(inputShape: [Int], generator: inout RandomGenerator) {
        require(
            inputShape.count == 1,
            "\(name): Dense takes flat [features] inputs, got \(inputShape); add Flatten() before it")
        kernel = Parameter(
            name: "kernel", value: kernelInitializer.make([inputShape[0], units], generator: &generator))
        bias = useBias ? Parameter(name: "bias", value: biasInitializer.make([units], generator: &generator)) : nil
    }

    public func outputShape(inputShape: [Int]) -> [Int] { [units] }

    public func inputShapeProblem(_ inputShape: [Int]) -> String? {
        guard inputShape.count == 1 else {
            return "\(name): Dense takes flat [features] inputs, got \(inputShape); add Flatten() before it"
        }
        if let kernel, kernel.value.shape[0] != inputShape[0] {
            return
                "\(name): input has \(inputShape[0]) features but the kernel expects \(kernel.value.shape[0]) (a layer called twice shares its weights)"
        }
        return nil
    }

    public func takeCache() -> Any? {
        defer {
            input = nil
            preActivation = nil
            output = nil
        }
        return (input, preActivation, output)
    }

    public func restoreCache(_ cache: Any?) {
        let cache = cache as? (Tensor?, Tensor?, Tensor?)
        (input, preActivation, output) = cache ?? (nil, nil, nil)
    }

    public func forwardWithPreActivation(_ x: Tensor, mode: ForwardMode) -> (output: Tensor, preActivation: Tensor) {
        let kernel = requireBuilt(kernel, name)
        let z = dense(x, weights: kernel.value, bias: bias?.value)
        let y = activation(z)
        if mode.keepsCache {
            input = x
            preActivation = z
            output = y
        }
        return (y, z)
    }

    public func backward(_ dy: Tensor) -> Tensor {
        let z = requireForward(preActivation, name)
        let y = requireForward(output, name)
        return backward(preActivationGradient: activation.backward(input: z, output: y, outputGradient: dy))
    }

    public func backward(preActivationGradient dz: Tensor) -> Tensor {
        let kernel = requireBuilt(kernel, name)
        let x = requireForward(input, name)
        let grads = denseBackward(input: x, weights: kernel.value, outputGradient: dz)
        kernel.gradient = grads.weights
        bias?.gradient = grads.bias
        return grads.input
    }
}
