/// Keras' `Flatten()`: [N, H, W, C] to [N, H*W*C].
public final class Flatten: ShareableLayer {
    public var name = "flatten"
    public let typeName = "Flatten"
    public let declaredInputShape: [Int]?
    private var inputShape: [Int] = []
    public init(inputShape: [Int]? = nil) { declaredInputShape = inputShape }
    public func outputShape(inputShape: [Int]) -> [Int] { [inputShape.reduce(1, *)] }
    public func takeCache() -> Any? {
        defer { inputShape = [] }
        return inputShape
    }
    public func restoreCache(_ cache: Any?) { inputShape = cache as? [Int] ?? [] }
    public func forward(_ x: Tensor, mode: ForwardMode) -> Tensor {
        if mode.keepsCache { inputShape = x.shape }
        return flatten(x)
    }
    public func backward(_ dy: Tensor) -> Tensor { dy.reshaped(inputShape) }
}

/// Keras' `Activation(fn)`: an activation function as a layer of its own.
public final class Activation: ActivatedLayer, ShareableLayer {
    public var name = "activation"
    public let typeName = "Activation"
    public let activation: ActivationFunction
    public private(set) var preActivation: Tensor?
    private var output: Tensor?
    public init(_ activation: ActivationFunction) { self.activation = activation }
    public func takeCache() -> Any? {
        defer {
            preActivation = nil
            output = nil
        }
        return (preActivation, output)
    }
    public func restoreCache(_ cache: Any?) { (preActivation, output) = cache as? (Tensor?, Tensor?) ?? (nil, nil) }
    public func outputShape(inputShape: [Int]) -> [Int] { inputShape }
    public func forwardWithPreActivation(_ x: Tensor, mode: ForwardMode) -> (output: Tensor, preActivation: Tensor) {
        let y = activation(x)
        if mode.keepsCache {
            preActivation = x
            output = y
        }
        return (y, x)
    }
    public func backward(_ dy: Tensor) -> Tensor {
        activation.backward(
            input: requireForward(preActivation, name), output: requireForward(output, name), outputGradient: dy)
    }
    public func backward(preActivationGradient dz: Tensor) -> Tensor { dz }
}

/// Keras' `Dropout(rate)`: in training, zeroes each value with probability `rate` (scaling the
/// rest by 1 / (1 - rate)); at inference, passes values through.
public final class Dropout: ShareableLayer {
    public var name = "dropout"
    public let typeName = "Dropout"
    public let rate: Float
    private var generator: RandomGenerator
    private var mask: Tensor?

    public init(_ rate: Float, seed: UInt64 = 0) {
        require(rate >= 0 && rate < 1, "Dropout: rate must be in [0, 1), got \(rate)")
        self.rate = rate
        self.generator = RandomGenerator(seed: seed)
    }

    public func build(inputShape: [Int], generator: inout RandomGenerator) { self.generator = generator.split() }
    public func takeCache() -> Any? {
        defer { mask = nil }
        return mask
    }
    public func restoreCache(_ cache: Any?) { mask = cache as? Tensor }
    public func outputShape(inputShape: [Int]) -> [Int] { inputShape }
    public func forward(_ x: Tensor, mode: ForwardMode) -> Tensor {
        guard mode.isTraining, rate > 0 else {
            if mode.keepsCache { mask = nil }  // the backward pass of the identity
            return x
        }
        let (y, m) = dropout(x, rate: rate, generator: &generator)
        mask = m
        return y
    }
    public func backward(_ dy: Tensor) -> Tensor {
        guard let mask else { return dy }
        return dy * mask
    }
}

/// Keras' `BatchNormalization(momentum: 0.99, epsilon: 0.001)` over the last (channel) axis.
/// Training normalises with the batch's statistics and updates the running ones:
/// running = momentum * running + (1 - momentum) * batch. Inference uses the running ones.
public final class BatchNormalization: ShareableLayer {
    public var name = "batch_normalization"
    public let typeName = "BatchNormalization"
    public let momentum: Float
    public let epsilon: Float
    public private(set) var gamma: Parameter?
    public private(set) var beta: Parameter?
    public private(set) var movingMean: Parameter?
    public private(set) var movingVariance: Parameter?
    private var cache: BatchNormCache?
    /// The input of the last pass in `.inferenceForBackward` mode (backward then follows inference).
    private var inferenceInput: Tensor?

    public init(momentum: Float = 0.99, epsilon: Float = 1e-3) {
        self.momentum = momentum
        self.epsilon = epsilon
    }

    public var parameters: [Parameter] { [gamma, beta, movingMean, movingVariance].compactMap { $0 } }

    public func build(inputShape: [Int], generator: inout RandomGenerator) {
        let c = inputShape.last!
        gamma = Parameter(name: "gamma", value: Tensor(repeating: 1, shape: [c]))
        beta = Parameter(name: "beta", value: Tensor(zeros: [c]))
        movingMean = Parameter(name: "moving_mean", value: Tensor(zeros: [c]), trainable: false)
        movingVariance = Parameter(name: "moving_variance", value: Tensor(repeating: 1, shape: [c]), trainable: false)
    }

    public func outputShape(inputShape: [Int]) -> [Int] { inputShape }

    public func inputShapeProblem(_ inputShape: [Int]) -> String? {
        guard !inputShape.isEmpty else {
            return "\(name): BatchNormalization needs at least a channel axis, got \(inputShape)"
        }
        if let gamma, gamma.value.count != inputShape.last! {
            return
                "\(name): input has \(inputShape.last!) channels but the layer normalises \(gamma.value.count) (a layer called twice shares its weights)"
        }
        return nil
    }

    public func takeCache() -> Any? {
        defer {
            cache = nil
            inferenceInput = nil
        }
        return (cache, inferenceInput)
    }
    public func restoreCache(_ saved: Any?) {
        (cache, inferenceInput) = saved as? (BatchNormCache?, Tensor?) ?? (nil, nil)
    }

    public func forward(_ x: Tensor, mode: ForwardMode) -> Tensor {
        let gamma = requireBuilt(gamma, name)
        let beta = requireBuilt(beta, name)
        let mean = requireBuilt(movingMean, name)
        let variance = requireBuilt(movingVariance, name)
        guard mode.isTraining else {
            if mode.keepsCache {
                cache = nil
                inferenceInput = x
            }
            return batchNormInference(
                x, gamma: gamma.value, beta: beta.value, mean: mean.value, variance: variance.value, epsilon: epsilon)
        }
        let (y, cache) = batchNormTraining(x, gamma: gamma.value, beta: beta.value, epsilon: epsilon)
        self.cache = cache
        inferenceInput = nil
        mean.value = mean.value * momentum + cache.mean * (1 - momentum)
        variance.value = variance.value * momentum + cache.variance * (1 - momentum)
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor {
        let gamma = requireBuilt(gamma, name)
        if let x = inferenceInput {
            let mean = requireBuilt(movingMean, name)
            let variance = requireBuilt(movingVariance, name)
            let grads = batchNormInferenceBackward(
                input: x, outputGradient: dy, gamma: gamma.value, mean: mean.value,
                variance: variance.value, epsilon: epsilon)
            gamma.gradient = grads.gamma
            beta?.gradient = grads.beta
            return grads.input
        }
        let grads = batchNormBackward(outputGradient: dy, gamma: gamma.value, cache: requireForward(cache, name))
        gamma.gradient = grads.gamma
        beta?.gradient = grads.beta
        return grads.input
    }
}
