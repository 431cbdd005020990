import Foundation

/// A model: layers wired as a graph from one input to one output, as Keras' `Model`. Built with
/// the functional API (`Model(inputs:outputs:)`, see Functional.swift) or as a `Sequential` stack,
/// which is the chain case of the same graph: both train, evaluate and predict through the code
/// here and in Fit.swift.
///
///     let inputs = Input(shape: [28, 28, 1])
///     let h = Conv2D(16, kernelSize: 3, padding: .same, activation: .relu)(inputs)
///     let r = Add()([h, Conv2D(16, kernelSize: 3, padding: .same)(h)])
///     let outputs = Dense(10, activation: .softmax)(Flatten()(r))
///     let model = Model(inputs: inputs, outputs: outputs, seed: 42)
public class Model {
    public let name: String
    /// Seeds weights, dropout masks and shuffling: the same seed trains to the same numbers.
    public let seed: UInt64
    var generator: RandomGenerator
    /// The input shape without the batch axis, once known.
    public internal(set) var inputShape: [Int]?
    public internal(set) var optimizer: Optimizer?
    public internal(set) var loss: Loss?
    public internal(set) var metrics: [Metric] = []
    /// The graph, once the layers are built (a `Sequential` model builds when its input shape is known).
    var builtGraph: ModelGraph?

    init(name: String, seed: UInt64) {
        self.name = name
        self.seed = seed
        self.generator = RandomGenerator(seed: seed)
    }

    /// Builds the layers when the input shape becomes known; a functional model is built at once.
    func ensureBuilt(for x: Tensor? = nil) {}

    /// The graph, built.
    var graph: ModelGraph {
        ensureBuilt()
        guard let builtGraph else {
            fatalError("\(name): unknown input shape; pass inputShape: to the first layer or the model")
        }
        return builtGraph
    }

    /// Takes `graph` as the model's: the convolutions reading the data skip dL/dimage in training.
    func install(_ graph: ModelGraph) {
        builtGraph = graph
        inputShape = graph.inputShape
        for conv in graph.convolutionsOnInput { conv.computesInputGradient = false }
    }

    /// The layers, each once, in the order they run (a functional model's input is not a layer here).
    public var layers: [Layer] { graph.layers }

    /// The layer called `name` ("conv2d_1"), as Keras' `get_layer`.
    public func layer(named name: String) -> Layer? { layers.first { $0.name == name } }

    /// Each layer call's output shape, batch axis excluded, in the order they run.
    public var outputShapes: [[Int]] { graph.nodes.map(\.outputShape) }

    /// The number of values in all parameters (trainable or not), as `summary()` totals them.
    public var parameterCount: Int {
        ensureBuilt()
        return layers.map(\.parameterCount).reduce(0, +)
    }

    /// Whether `summary()` shows the input and Keras' "Connected to" column (a functional model's).
    var showsConnections: Bool { true }

    /// All parameters, layer by layer (a shared layer's once).
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
        return run(x, mode: mode, logits: false).output
    }

    func checkInput(_ x: Tensor) {
        ensureBuilt(for: x)
        let inputShape = graph.inputShape
        require(
            Array(x.shape.dropFirst()) == inputShape,
            "\(name): expected inputs [N, \(inputShape.map(String.init).joined(separator: ", "))], got \(x.shape)")
    }

    /// x through the graph's nodes in order; with `logits`, the last node runs through
    /// `forwardWithPreActivation` and its values before the activation come back too. With
    /// `fuses`, a ReLU Conv2D and the 2x2 max pooling reading it run as one pass, a few images at a
    /// time, so that the convolution's output stays in the core's cache (ConvolutionPooling.swift;
    /// the same values as the two layers one after the other). A value is dropped once its last
    /// reader has run. When `mode` keeps caches, the tape says what `backpropagate` goes back
    /// through, step by step; this is the one place that decides which steps run as one pass.
    func run(_ x: Tensor, mode: ForwardMode, logits: Bool, fuses: Bool = true) -> (
        output: Tensor, logits: Tensor?, tape: Tape
    ) {
        let graph = self.graph
        let nodes = graph.nodes
        var tape = Tape()
        guard !nodes.isEmpty else { return (x, nil, tape) }
        var values = [Tensor?](repeating: nil, count: nodes.count + 1)
        var readersLeft = graph.consumers
        values[0] = x
        func read(_ slots: [Int]) -> [Tensor] {
            let inputs = slots.map { values[$0]! }
            for slot in slots {
                readersLeft[slot] -= 1
                if readersLeft[slot] == 0 { values[slot] = nil }
            }
            return inputs
        }
        var preActivation: Tensor?
        var i = 0
        while i < nodes.count {
            let node = nodes[i]
            if fuses, let (conv, pool) = graph.convolutionPooling[i], !(logits && i + 1 == nodes.count - 1),
                let (pooled, pass) = conv.forward(values[node.inputs[0]]!, pooledBy: pool, mode: mode)
            {
                _ = read(node.inputs)
                values[i + 2] = pooled
                if let pass { tape.steps.append(.init(nodes: i...(i + 1), kept: .convolution(conv, pass))) }
                i += 2
                continue
            }
            let inputs = read(node.inputs)
            let y: Tensor
            if logits && i == nodes.count - 1 {
                guard let last = node.layer as? ActivatedLayer else {
                    fatalError("\(name): the last layer has no logits")
                }
                (y, preActivation) = last.forwardWithPreActivation(inputs[0], mode: mode)
            } else if let merge = node.layer as? MergeLayer {
                y = merge.forward(inputs, mode: mode)
            } else {
                y = node.layer.forward(inputs[0], mode: mode)
            }
            if mode.keepsCache {
                // A shared layer keeps one pass: this call's is taken out, and handed back before
                // this call's backward pass.
                let shared = graph.shared.contains(ObjectIdentifier(node.layer))
                let kept = shared ? Tape.Kept.shared((node.layer as? ShareableLayer)?.takeCache()) : .inLayer
                tape.steps.append(.init(nodes: i...i, kept: kept))
            }
            values[i + 1] = y
            i += 1
        }
        return (values[graph.outputSlot]!, preActivation, tape)
    }

    /// Backpropagates dL/d(logits) (when `throughLogits`) or dL/doutput through the steps of
    /// `tape` in reverse order, filling every parameter's `gradient` (a shared layer's: the sum
    /// over its calls) and returning dL/dinput when `needsInputGradient` (else an empty tensor). A
    /// value read by several nodes gets the sum of their gradients, added in reverse node order.
    func backpropagate(_ gradient: Tensor, through tape: Tape, throughLogits: Bool, needsInputGradient: Bool = true)
        -> Tensor
    {
        let graph = self.graph
        let nodes = graph.nodes
        guard !nodes.isEmpty else { return gradient }
        var gradients = [Tensor?](repeating: nil, count: nodes.count + 1)
        gradients[graph.outputSlot] = gradient
        func accumulate(_ g: Tensor, into slot: Int) {
            if slot == 0 && !needsInputGradient { return }
            if let existing = gradients[slot] { gradients[slot] = existing + g } else { gradients[slot] = g }
        }
        // A shared layer's parameter gradients, summed over its nodes so far.
        var sharedSums: [ObjectIdentifier: [Tensor]] = [:]
        for step in tape.steps.reversed() {
            // The step read its first node's inputs and wrote its last node's output.
            let node = nodes[step.nodes.lowerBound]
            guard let dy = gradients[step.nodes.upperBound + 1] else { continue }
            gradients[step.nodes.upperBound + 1] = nil
            let dxs: [Tensor]
            switch step.kept {
            case .convolution(let conv, let pass):
                dxs = [conv.backward(dy, through: pass)]
            case .shared(let cache):
                (node.layer as? ShareableLayer)?.restoreCache(cache)
                dxs = backward(node, dy, throughLogits: throughLogits && step.nodes.upperBound == nodes.count - 1)
                let id = ObjectIdentifier(node.layer)
                let grads = node.layer.parameters.map(\.gradient)
                sharedSums[id] = sharedSums[id].map { zip($0, grads).map { $0 + $1 } } ?? grads
            case .inLayer:
                dxs = backward(node, dy, throughLogits: throughLogits && step.nodes.upperBound == nodes.count - 1)
            }
            for (slot, dx) in zip(node.inputs, dxs) { accumulate(dx, into: slot) }
        }
        for layer in graph.layers {
            guard let sums = sharedSums[ObjectIdentifier(layer)] else { continue }
            for (parameter, sum) in zip(layer.parameters, sums) { parameter.gradient = sum }
        }
        return gradients[0] ?? Tensor(zeros: [0])
    }

    /// dL/dinput for each input of `node` through its layer's own backward pass, from dL/doutput
    /// or, with `throughLogits`, from dL/d(logits).
    private func backward(_ node: GraphNode, _ dy: Tensor, throughLogits: Bool) -> [Tensor] {
        if throughLogits {
            guard let last = node.layer as? ActivatedLayer else { fatalError("\(name): the last layer has no logits") }
            return [last.backward(preActivationGradient: dy)]
        }
        if let merge = node.layer as? MergeLayer { return merge.backward(merged: dy) }
        return [node.layer.backward(dy)]
    }

    /// Every layer's output for `x` (inference mode), for looking at feature maps: one entry per
    /// layer call, in the order they run.
    public func activations(_ x: Tensor) -> [(layer: String, output: Tensor)] {
        checkInput(x)
        var values: [Tensor] = [x]
        return graph.nodes.map { node in
            let inputs = node.inputs.map { values[$0] }
            let y =
                (node.layer as? MergeLayer)?.forward(inputs, mode: .inference)
                ?? node.layer.forward(inputs[0], mode: .inference)
            values.append(y)
            return (node.layer.name, y)
        }
    }

    // MARK: The loss, as training and evaluation both take it

    /// The last layer, when the compiled loss takes its logits instead of its output: it ends in
    /// the activation the loss absorbs (softmax for the categorical cross-entropies, sigmoid for
    /// binary cross-entropy), as Keras takes `output._keras_logits`. With `fromLogits: true` and
    /// such a layer Keras also takes the logits (and warns); so does this.
    var logitsLayer: ActivatedLayer? {
        guard let activation = loss?.logitsActivation, let last = graph.nodes.last?.layer as? ActivatedLayer,
            last.activation == activation
        else { return nil }
        return last
    }

    /// The loss as it applies to the model's output, for metrics: when the loss is taken from the
    /// last layer's logits, the output itself is probabilities (accuracy thresholds them at 0.5).
    var outputLoss: Loss {
        let loss = requireLoss()
        return logitsLayer == nil ? loss : Loss(loss.kind)
    }

    /// The forward pass, with the last layer's logits when the loss takes them.
    func forwardForLoss(_ x: Tensor, mode: ForwardMode) -> (output: Tensor, logits: Tensor?, tape: Tape) {
        checkInput(x)
        return run(x, mode: mode, logits: logitsLayer != nil)
    }

    /// The compiled loss on one batch, and its gradient with respect to the logits (when given)
    /// or the output.
    func batchLoss(output: Tensor, logits: Tensor?, _ y: Tensor) -> (loss: Float, gradient: Tensor) {
        let loss = requireLoss()
        if let logits { return loss.onLogits.compute(logits, y) }
        return loss.compute(output, y)
    }

    /// The layers' weight penalties (`kernelRegularizer:`), each kernel once: Keras' `model.losses`.
    var regularizedKernels: [(kernel: Parameter, regularizer: Regularizer)] {
        layers.compactMap { layer in
            guard let regularized = layer as? RegularizedLayer, let regularizer = regularized.kernelRegularizer,
                let kernel = regularized.kernel
            else { return nil }
            return (kernel, regularizer)
        }
    }

    /// The sum of the weight penalties, added to the loss training and evaluation report (0
    /// without regularisers).
    public var regularizationLoss: Float {
        regularizedKernels.reduce(Float(0)) { $0 + $1.regularizer.penalty($1.kernel.value) }
    }

    /// One forward and backward pass in training mode: fills every parameter's `gradient` and
    /// returns the loss (with the weight penalties) and the predictions. Nothing is updated.
    @discardableResult
    public func computeGradients(_ x: Tensor, _ y: Tensor) -> (loss: Float, predictions: Tensor) {
        let (output, logits, tape) = forwardForLoss(x, mode: .training)
        let (value, gradient) = batchLoss(output: output, logits: logits, y)
        _ = backpropagate(gradient, through: tape, throughLogits: logits != nil, needsInputGradient: false)
        let penalties = regularizedKernels
        guard !penalties.isEmpty else { return (value, output) }
        var total = value
        for (kernel, regularizer) in penalties {
            total += regularizer.penalty(kernel.value)
            kernel.gradient += regularizer.gradient(kernel.value)
        }
        return (total, output)
    }

    /// The loss on (x, y) computed exactly as training computes it, in training mode (batch
    /// statistics; running statistics are updated, dropout masks drawn), penalties included. For
    /// gradient checks.
    func trainingLoss(_ x: Tensor, _ y: Tensor) -> Float {
        let (output, logits, _) = forwardForLoss(x, mode: .training)
        return batchLoss(output: output, logits: logits, y).loss + regularizationLoss
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
        return layers.flatMap { layer in
            layer.parameters.filter(\.trainable).map { ("\(layer.name)/\($0.name)", $0.gradient.norm()) }
        }
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
        let parts = stride(from: 0, to: n, by: batchSize).map {
            forward(x.batch($0..<min($0 + batchSize, n)), training: false)
        }
        return Tensor.concatenated(parts)
    }

    /// The loss and metrics on (x, y): ["loss": ..., "accuracy": ...]. The loss is computed batch by
    /// batch as training computes it (from the logits where training takes them) and averaged over
    /// the samples, as Keras' `evaluate`; weight penalties are added, as Keras 3 adds them.
    public func evaluate(_ x: Tensor, _ y: Tensor, batchSize: Int = 32) -> [String: Float] {
        require(batchSize >= 1, "evaluate: batchSize must be at least 1")
        let n = x.shape[0]
        require(
            n >= 1 && y.shape.first == n,
            "evaluate: \(n) inputs and \(y.shape.first ?? 0) targets (need at least one of each, as many targets as inputs)"
        )
        var total = 0.0
        var parts: [Tensor] = []
        let penalty = regularizationLoss
        for start in stride(from: 0, to: n, by: batchSize) {
            let range = start..<min(start + batchSize, n)
            let (output, logits, _) = forwardForLoss(x.batch(range), mode: .inference)
            var batchValue = batchLoss(output: output, logits: logits, y.batch(range)).loss
            if penalty != 0 { batchValue += penalty }
            total += Double(batchValue) * Double(range.count)
            parts.append(output)
        }
        let predictions = Tensor.concatenated(parts)
        var logs = ["loss": Float(total / Double(n))]
        for metric in metrics { logs[metric.name] = metric.compute(predictions, y, loss: outputLoss) }
        return logs
    }
}
