import Foundation

/// A stack of layers applied in order, as Keras' `Sequential`.
///
///     let model = Sequential([
///         Conv2D(32, kernelSize: 3, activation: .relu, inputShape: [28, 28, 1]),
///         MaxPooling2D(2),
///         Flatten(),
///         Dense(10, activation: .softmax),
///     ])
///     model.compile(optimizer: RMSprop(), loss: .sparseCategoricalCrossentropy, metrics: [.accuracy])
///     let history = model.fit(x, y, epochs: 5, batchSize: 128, validationSplit: 0.1)
public final class Sequential {
    public let name: String
    private var stack: [Layer] = []
    /// The layers in order, built (weights created) as soon as the input shape is known.
    public var layers: [Layer] {
        if !isBuilt, let inputShape { build(inputShape: inputShape) }
        return stack
    }
    /// The input shape without the batch axis, once known.
    public private(set) var inputShape: [Int]?
    public private(set) var optimizer: Optimizer?
    public private(set) var loss: Loss?
    public private(set) var metrics: [Metric] = []
    /// Seeds weights, dropout masks and shuffling: the same seed trains to the same numbers.
    public let seed: UInt64
    var generator: RandomGenerator
    private var isBuilt = false

    public init(_ layers: [Layer] = [], inputShape: [Int]? = nil, name: String = "sequential", seed: UInt64 = 42) {
        self.name = name
        self.seed = seed
        self.generator = RandomGenerator(seed: seed)
        self.inputShape = inputShape
        for layer in layers { add(layer) }
    }

    /// Appends a layer, naming it as Keras does ("conv2d", "conv2d_1", ...).
    public func add(_ layer: Layer) {
        let base = kerasBaseName(layer.typeName)
        let taken = stack.filter { kerasBaseName($0.typeName) == base }.count
        layer.name = taken == 0 ? base : "\(base)_\(taken)"
        if stack.isEmpty, inputShape == nil, let declared = layer.declaredInputShape { inputShape = declared }
        if isBuilt {
            // Added to a built model: build just this layer on the current output shape.
            let shape = stack.reduce(inputShape!) { $1.outputShape(inputShape: $0) }
            layer.build(inputShape: shape, generator: &generator)
        }
        stack.append(layer)
    }

    /// Creates every layer's weights for inputs of `inputShape` (batch axis excluded).
    public func build(inputShape: [Int]) {
        guard !isBuilt else {
            require(inputShape == self.inputShape, "\(name): built for inputs \(self.inputShape!), not \(inputShape)")
            return
        }
        self.inputShape = inputShape
        var shape = inputShape
        for layer in stack {
            layer.build(inputShape: shape, generator: &generator)
            shape = layer.outputShape(inputShape: shape)
        }
        // The first layer's input is the data: its gradient is never used in training.
        (stack.first as? Conv2D)?.computesInputGradient = false
        isBuilt = true
    }

    func ensureBuilt(for x: Tensor? = nil) {
        if isBuilt { return }
        if let inputShape { build(inputShape: inputShape); return }
        guard let x else { fatalError("\(name): unknown input shape; pass inputShape: to the first layer or the model") }
        build(inputShape: Array(x.shape.dropFirst()))
    }

    /// Each layer's output shape, batch axis excluded.
    public var outputShapes: [[Int]] {
        ensureBuilt()
        var shape = inputShape!
        return layers.map { shape = $0.outputShape(inputShape: shape); return shape }
    }

    /// The number of values in all parameters (trainable or not), as `summary()` totals them.
    public var parameterCount: Int { ensureBuilt(); return layers.map(\.parameterCount).reduce(0, +) }

    /// All parameters, layer by layer.
    public var parameters: [Parameter] { layers.flatMap(\.parameters) }

    /// Sets the optimiser, the loss and the metrics `fit` and `evaluate` report.
    public func compile(optimizer: Optimizer, loss: Loss, metrics: [Metric] = []) {
        self.optimizer = optimizer
        self.loss = loss
        self.metrics = metrics
    }

    // MARK: Forward and backward

    /// The model's output for a batch `[N, ...]`, in inference mode (dropout off, running
    /// batch-norm statistics).
    public func callAsFunction(_ x: Tensor) -> Tensor { forward(x, training: false) }

    public func forward(_ x: Tensor, training: Bool) -> Tensor { forward(x, mode: training ? .training : .inference) }

    /// The model's output for a batch, with the layers in `mode`.
    public func forward(_ x: Tensor, mode: ForwardMode) -> Tensor {
        checkInput(x)
        return forward(x, through: layers[...], mode: mode)
    }

    /// x through `layers` in order. A ReLU Conv2D followed by 2x2 max pooling runs as one pass,
    /// a few images at a time, so that the convolution's output stays in the core's cache (see
    /// ConvolutionPooling.swift; the same values as the two layers one after the other).
    func forward(_ x: Tensor, through layers: ArraySlice<Layer>, mode: ForwardMode) -> Tensor {
        var h = x, index = layers.startIndex
        while index < layers.endIndex {
            if index + 1 < layers.endIndex, let conv = layers[index] as? Conv2D, let pool = layers[index + 1] as? MaxPooling2D,
               let pooled = conv.forward(h, pooledBy: pool, mode: mode) {
                h = pooled
                index += 2
                continue
            }
            h = layers[index].forward(h, mode: mode)
            index += 1
        }
        return h
    }

    func checkInput(_ x: Tensor) {
        ensureBuilt(for: x)
        require(Array(x.shape.dropFirst()) == inputShape!,
                     "\(name): expected inputs [N, \(inputShape!.map(String.init).joined(separator: ", "))], got \(x.shape)")
    }

    /// Every layer's output for `x` (inference mode), for looking at feature maps.
    public func activations(_ x: Tensor) -> [(layer: String, output: Tensor)] {
        ensureBuilt(for: x)
        var current = x
        return layers.map { layer in
            current = layer.forward(current, training: false)
            return (layer.name, current)
        }
    }

    // MARK: The loss, as training and evaluation both take it

    /// The last layer, when the compiled loss takes its logits instead of its output: it ends in
    /// the activation the loss absorbs (softmax for the categorical cross-entropies, sigmoid for
    /// binary cross-entropy), as Keras takes `output._keras_logits`. With `fromLogits: true` and
    /// such a layer Keras also takes the logits (and warns); so does this.
    var logitsLayer: ActivatedLayer? {
        guard let activation = loss?.logitsActivation, let last = layers.last as? ActivatedLayer,
              last.activation == activation else { return nil }
        return last
    }

    /// The loss as it applies to the model's output, for metrics: when the loss is taken from the
    /// last layer's logits, the output itself is probabilities (accuracy thresholds them at 0.5).
    var outputLoss: Loss {
        let loss = requireLoss()
        return logitsLayer == nil ? loss : Loss(loss.kind)
    }

    /// The forward pass, with the last layer's logits when the loss takes them.
    func forwardForLoss(_ x: Tensor, mode: ForwardMode) -> (output: Tensor, logits: Tensor?) {
        checkInput(x)
        guard let last = logitsLayer else { return (forward(x, through: layers[...], mode: mode), nil) }
        let hidden = forward(x, through: layers.dropLast(), mode: mode)
        let (output, logits) = last.forwardWithPreActivation(hidden, mode: mode)
        return (output, logits)
    }

    /// The compiled loss on one batch, and its gradient with respect to the logits (when given)
    /// or the output.
    func batchLoss(output: Tensor, logits: Tensor?, _ y: Tensor) -> (loss: Float, gradient: Tensor) {
        let loss = requireLoss()
        if let logits { return loss.onLogits.compute(logits, y) }
        return loss.compute(output, y)
    }

    /// Backpropagates dL/d(logits) (when `throughLogits`) or dL/doutput to dL/dinput, filling every
    /// parameter's `gradient` on the way.
    func backpropagate(_ gradient: Tensor, throughLogits: Bool) -> Tensor {
        var gradient = gradient
        var rest = layers[...]
        if throughLogits {
            guard let last = rest.popLast() as? ActivatedLayer else { fatalError("\(name): the last layer has no logits") }
            gradient = last.backward(preActivationGradient: gradient)
        }
        var index = rest.endIndex
        while index > rest.startIndex {
            index -= 1
            // A pair the forward pass ran together goes back together (see `forward(_:through:mode:)`).
            if index > rest.startIndex, let pool = rest[index] as? MaxPooling2D, let conv = rest[index - 1] as? Conv2D,
               let dx = conv.backward(gradient, pooledBy: pool) {
                gradient = dx
                index -= 1
                continue
            }
            gradient = rest[index].backward(gradient)
        }
        return gradient
    }

    /// One forward and backward pass in training mode: fills every parameter's `gradient` and
    /// returns the loss and the predictions. Nothing is updated.
    @discardableResult
    public func computeGradients(_ x: Tensor, _ y: Tensor) -> (loss: Float, predictions: Tensor) {
        let (output, logits) = forwardForLoss(x, mode: .training)
        let (value, gradient) = batchLoss(output: output, logits: logits, y)
        _ = backpropagate(gradient, throughLogits: logits != nil)
        return (value, output)
    }

    /// The loss on (x, y) computed exactly as training computes it, in training mode (batch
    /// statistics; running statistics are updated, dropout masks drawn). For gradient checks.
    func trainingLoss(_ x: Tensor, _ y: Tensor) -> Float {
        let (output, logits) = forwardForLoss(x, mode: .training)
        return batchLoss(output: output, logits: logits, y).loss
    }

    /// One step of training on one batch: gradients, then the optimiser's update.
    @discardableResult
    public func trainStep(_ x: Tensor, _ y: Tensor) -> (loss: Float, predictions: Tensor) {
        guard let optimizer else { fatalError("\(name): call compile(optimizer:loss:) before training") }
        let result = computeGradients(x, y)
        optimizer.apply(to: parameters)
        return result
    }

    /// The L2 norm of each parameter's gradient after one backward pass on (x, y), by layer and
    /// parameter name ("dense/kernel"): how strongly each layer learns.
    public func gradientNorms(_ x: Tensor, _ y: Tensor) -> [(parameter: String, norm: Float)] {
        computeGradients(x, y)
        return layers.flatMap { layer in layer.parameters.filter(\.trainable).map { ("\(layer.name)/\($0.name)", $0.gradient.norm()) } }
    }

    func requireLoss() -> Loss {
        guard let loss else { fatalError("\(name): call compile(optimizer:loss:) before training or evaluating") }
        return loss
    }

    // MARK: Inference

    /// Predictions for `x` in batches.
    public func predict(_ x: Tensor, batchSize: Int = 32) -> Tensor {
        require(batchSize >= 1, "predict: batchSize must be at least 1")
        let n = x.shape[0]
        guard n > 0 else { return forward(x, training: false) }
        let parts = stride(from: 0, to: n, by: batchSize).map { forward(x.batch($0..<min($0 + batchSize, n)), training: false) }
        return Tensor.concatenated(parts)
    }

    /// The loss and metrics on (x, y): ["loss": ..., "accuracy": ...]. The loss is computed batch by
    /// batch as training computes it (from the logits where training takes them) and averaged over
    /// the samples, as Keras' `evaluate`.
    public func evaluate(_ x: Tensor, _ y: Tensor, batchSize: Int = 32) -> [String: Float] {
        require(batchSize >= 1, "evaluate: batchSize must be at least 1")
        let n = x.shape[0]
        require(n >= 1 && y.shape.first == n, "evaluate: \(n) inputs and \(y.shape.first ?? 0) targets (need at least one of each, as many targets as inputs)")
        var total = 0.0
        var parts: [Tensor] = []
        for start in stride(from: 0, to: n, by: batchSize) {
            let range = start..<min(start + batchSize, n)
            let (output, logits) = forwardForLoss(x.batch(range), mode: .inference)
            total += Double(batchLoss(output: output, logits: logits, y.batch(range)).loss) * Double(range.count)
            parts.append(output)
        }
        let predictions = Tensor.concatenated(parts)
        var logs = ["loss": Float(total / Double(n))]
        for metric in metrics { logs[metric.name] = metric.compute(predictions, y, loss: outputLoss) }
        return logs
    }
}
