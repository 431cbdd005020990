import Foundation

/// A stack of layers applied in order, as Keras' `Sequential`: the chain case of `Model`, trained
/// by the same loop. Its layers are built (weights made from the seed) once the input shape is
/// known: from the first layer's `inputShape:`, the model's, or the first batch it sees.
///
///     let model = Sequential([
///         Conv2D(32, kernelSize: 3, activation: .relu, inputShape: [28, 28, 1]),
///         MaxPooling2D(2),
///         Flatten(),
///         Dense(10, activation: .softmax),
///     ])
///     model.compile(optimizer: RMSprop(), loss: .sparseCategoricalCrossentropy, metrics: [.accuracy])
///     let history = model.fit(x, y, epochs: 5, batchSize: 128, validationSplit: 0.1)
public final class Sequential: Model {
    private var stack: [Layer] = []
    private var isBuilt = false

    public init(_ layers: [Layer] = [], inputShape: [Int]? = nil, name: String = "sequential", seed: UInt64 = 42) {
        super.init(name: name, seed: seed)
        self.inputShape = inputShape
        for layer in layers { add(layer) }
    }

    /// The layers in order, built (weights created) as soon as the input shape is known.
    override public var layers: [Layer] {
        if !isBuilt, let inputShape { build(inputShape: inputShape) }
        return stack
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
        if isBuilt { install(.chain(stack, inputShape: inputShape!)) }
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
        isBuilt = true
        // The first layer's input is the data: its gradient is never used in training.
        install(.chain(stack, inputShape: inputShape))
    }

    override func ensureBuilt(for x: Tensor? = nil) {
        if isBuilt { return }
        if let inputShape {
            build(inputShape: inputShape)
            return
        }
        guard let x else {
            fatalError("\(name): unknown input shape; pass inputShape: to the first layer or the model")
        }
        build(inputShape: Array(x.shape.dropFirst()))
    }

    /// A stack shows no "Connected to" column: each layer reads the one before.
    override var showsConnections: Bool { false }
}
