// Keras' functional API: `Input(shape:)` gives a symbolic tensor, calling a layer on symbolic
// tensors gives another, and `Model(inputs:outputs:)` takes the layers between them as a graph.
//
//     let inputs = Input(shape: [28, 28, 1])
//     let x = Conv2D(16, kernelSize: 3, padding: .same, activation: .relu)(inputs)
//     let y = Conv2D(16, kernelSize: 3, padding: .same)(x)
//     let merged = Activation(.relu)(Add()([x, y]))          // a residual connection
//     let outputs = Dense(10, activation: .softmax)(Flatten()(merged))
//     let model = Model(inputs: inputs, outputs: outputs, seed: 42)

/// A symbolic tensor of the functional API (Keras' `KerasTensor`): a shape and where it comes
/// from, no values. `shape` excludes the batch axis (Keras writes it `(None, 28, 28, 1)`).
public final class KerasTensor: CustomStringConvertible {
    public let shape: [Int]
    /// nil for an `Input`; else the layer call that gives this tensor.
    var origin: Origin?
    /// An `Input`'s name, if given.
    let inputName: String?

    struct Origin {
        let layer: Layer
        let inputs: [KerasTensor]
    }

    init(shape: [Int], origin: Origin?, inputName: String? = nil) {
        self.shape = shape
        self.origin = origin
        self.inputName = inputName
    }

    /// The layer that gives this tensor, or nil for an `Input`.
    public var layer: Layer? { origin?.layer }

    public var description: String {
        "<KerasTensor shape=\(kerasShape(shape)), " + (origin.map { "from \($0.layer.typeName)" } ?? "input") + ">"
    }
}

/// A model's input of `shape` (batch axis excluded), as Keras' `keras.Input(shape=...)`.
// swift-format-ignore: AlwaysUseLowerCamelCase
// Keras' name: learners come from `keras.Input`.
public func Input(shape: [Int], name: String? = nil, file: StaticString = #fileID, line: UInt = #line) -> KerasTensor {
    require(
        !shape.isEmpty && shape.allSatisfy { $0 >= 1 },
        "Input: shape \(shape) must have at least one axis, each at least 1",
        file: file, line: line)
    return KerasTensor(shape: shape, origin: nil, inputName: name)
}

extension Layer {
    /// The layer applied to a symbolic tensor: a symbolic tensor of its output shape. A layer
    /// called twice shares its weights, as in Keras. A shape the layer cannot take stops here,
    /// at the caller's line.
    public func callAsFunction(_ x: KerasTensor, file: StaticString = #fileID, line: UInt = #line) -> KerasTensor {
        require(
            !(self is MergeLayer), "\(name): \(typeName) merges tensors: call it on a list, \(typeName)()([a, b])",
            file: file, line: line)
        if let declared = declaredInputShape {
            require(
                declared == x.shape, "\(name): declared inputShape \(declared), called on \(kerasShape(x.shape))",
                file: file, line: line)
        }
        if let problem = inputShapeProblem(x.shape) { require(false, problem, file: file, line: line) }
        return KerasTensor(shape: outputShape(inputShape: x.shape), origin: .init(layer: self, inputs: [x]))
    }
}

extension MergeLayer {
    /// The layer applied to a list of symbolic tensors (`Add()([a, b])`).
    public func callAsFunction(_ xs: [KerasTensor], file: StaticString = #fileID, line: UInt = #line) -> KerasTensor {
        if let problem = inputShapesProblem(xs.map(\.shape)) { require(false, problem, file: file, line: line) }
        return KerasTensor(shape: outputShape(inputShapes: xs.map(\.shape)), origin: .init(layer: self, inputs: xs))
    }
}

extension Model {
    /// The model from `inputs` to `outputs`, as Keras' `keras.Model(inputs, outputs)`: the layers
    /// between them run in an order where each follows what it reads. Layers are named as Keras
    /// names them ("conv2d", "conv2d_1", ...) in that order, and their weights are made from
    /// `seed` (a layer already built by another model keeps its weights: they are shared).
    ///
    /// Stops at the caller's line when the outputs do not depend on `inputs`, depend on another
    /// `Input` (a tensor of another model), when the graph has a cycle, or a shared layer is
    /// called on inputs of different shapes.
    public convenience init(
        inputs: KerasTensor, outputs: KerasTensor, name: String = "functional", seed: UInt64 = 42,
        file: StaticString = #fileID, line: UInt = #line
    ) {
        let graph: ModelGraph
        do { graph = try ModelGraph.between(inputs, outputs) } catch {
            fatalError(error.message, file: file, line: line)
        }
        self.init(name: name, seed: seed)
        // Keras' names, counted per model in running order; then the weights, in the same order.
        var counts: [String: Int] = [:]
        for layer in graph.layers {
            let base = kerasBaseName(layer.typeName)
            let taken = counts[base, default: 0]
            counts[base] = taken + 1
            layer.name = taken == 0 ? base : "\(base)_\(taken)"
        }
        for layer in graph.layers where layer.parameters.isEmpty {
            // A layer with weights is built once, by its first call (or by another model that
            // shares it); a layer without (Dropout's own generator) takes its state from here.
            let first = graph.nodes.first { $0.layer === layer }!
            layer.build(inputShape: first.inputShapes[0], generator: &generator)
        }
        install(graph)
    }

    /// The model from arrays of inputs and outputs, as Keras accepts them; one of each for now.
    public convenience init(
        inputs: [KerasTensor], outputs: [KerasTensor], name: String = "functional", seed: UInt64 = 42,
        file: StaticString = #fileID, line: UInt = #line
    ) {
        require(
            inputs.count == 1 && outputs.count == 1,
            "Model: \(inputs.count) inputs and \(outputs.count) outputs; this core takes one of each", file: file,
            line: line)
        self.init(inputs: inputs[0], outputs: outputs[0], name: name, seed: seed, file: file, line: line)
    }
}

extension ModelGraph {
    /// The layer calls between `inputs` and `outputs`, each after every call it reads: depth first
    /// from the output, each call's inputs in order (Keras' order for a residual block: input,
    /// conv, conv, add). Throws when the outputs do not depend on `inputs`, depend on another
    /// `Input` (a tensor of another model), the graph has a cycle, or a shared layer cannot be
    /// shared (it keeps one cache, or is called on inputs of different shapes).
    static func between(_ inputs: KerasTensor, _ outputs: KerasTensor) throws(ModelError) -> ModelGraph {
        var nodes: [GraphNode] = []
        var slots: [ObjectIdentifier: Int] = [ObjectIdentifier(inputs): 0]
        enum Mark { case visiting, done }
        var marks: [ObjectIdentifier: Mark] = [:]
        func visit(_ tensor: KerasTensor) throws(ModelError) {
            let id = ObjectIdentifier(tensor)
            if tensor === inputs { return }
            switch marks[id] {
            case .done?: return
            case .visiting?:
                throw ModelError(
                    "Model: the graph has a cycle through \(tensor.layer?.name ?? "an input") (\(tensor.layer?.typeName ?? "Input"))"
                )
            case nil: break
            }
            guard let origin = tensor.origin else {
                throw ModelError(
                    "Model: the outputs depend on an Input of shape \(kerasShape(tensor.shape)) that is not this model's input "
                        + "(a tensor of another model?); build the model from that Input, or call the layers on this one"
                )
            }
            marks[id] = .visiting
            for input in origin.inputs { try visit(input) }
            marks[id] = .done
            nodes.append(
                GraphNode(
                    layer: origin.layer, inputs: origin.inputs.map { slots[ObjectIdentifier($0)]! },
                    inputShapes: origin.inputs.map(\.shape), outputShape: tensor.shape))
            slots[id] = nodes.count
        }
        try visit(outputs)
        guard !nodes.isEmpty else {
            throw ModelError("Model: the outputs are the inputs; call a layer on the input first")
        }
        // Some call must read the input (slot 0).
        guard nodes.contains(where: { $0.inputs.contains(0) }) else {
            throw ModelError(
                "Model: the outputs do not depend on the inputs \(kerasShape(inputs.shape)) (a tensor of another model?)"
            )
        }
        let graph = ModelGraph(inputShape: inputs.shape, inputName: inputs.inputName ?? "input_layer", nodes: nodes)
        // A shared layer: one cache per call, and one input shape for its one set of weights.
        for layer in graph.layers where graph.shared.contains(ObjectIdentifier(layer)) {
            guard layer is ShareableLayer else {
                throw ModelError(
                    "Model: a \(layer.typeName) is called at several places but keeps one cache for its backward pass; "
                        + "make it a ShareableLayer or use one layer per call")
            }
            let shapes = graph.nodes.filter { $0.layer === layer }.map(\.inputShapes)
            guard shapes.allSatisfy({ $0 == shapes[0] }) else {
                throw ModelError(
                    "Model: a \(layer.typeName) is called on inputs of different shapes "
                        + shapes.map { $0.map(kerasShape).joined(separator: ", ") }.joined(separator: " and ")
                        + "; its one set of weights fits one")
            }
        }
        return graph
    }
}
