/// One call of a layer in a model: the layer, the values it reads and the shape it gives.
struct GraphNode {
    let layer: Layer
    /// The value slots it reads: 0 is the model's input, node i writes slot i + 1.
    let inputs: [Int]
    /// Batch axis excluded.
    let inputShapes: [[Int]]
    let outputShape: [Int]
}

/// A model's layers as a graph, nodes in topological order (every node after the nodes it reads),
/// the last node giving the model's output. A `Sequential` model is a chain: node i reads slot i.
struct ModelGraph {
    /// The model's input shape, batch axis excluded.
    let inputShape: [Int]
    let inputName: String
    let nodes: [GraphNode]
    /// How many nodes read each slot (fan-out: a residual block's input is read twice).
    let consumers: [Int]
    /// Layers called at more than one node (shared weights, one cache per call).
    let shared: Set<ObjectIdentifier>
    /// convolutionPooling[i]: node i's Conv2D and node i + 1's MaxPooling2D, when the pooling reads
    /// only the convolution and is its only reader, and neither layer is shared: the pair may run
    /// as one pass (see ConvolutionPooling.swift), and the layers decide whether they can (a ReLU
    /// convolution, a 2x2 window; `Conv2D.forward(_:pooledBy:mode:)`).
    let convolutionPooling: [(conv: Conv2D, pool: MaxPooling2D)?]

    /// The slot of the model's output.
    var outputSlot: Int { nodes.count }

    /// The nodes' unique layers, in the order of their first node.
    var layers: [Layer] {
        var seen = Set<ObjectIdentifier>()
        return nodes.compactMap { seen.insert(ObjectIdentifier($0.layer)).inserted ? $0.layer : nil }
    }

    init(inputShape: [Int], inputName: String, nodes: [GraphNode]) {
        self.inputShape = inputShape
        self.inputName = inputName
        self.nodes = nodes
        var consumers = [Int](repeating: 0, count: nodes.count + 1)
        var calls: [ObjectIdentifier: Int] = [:]
        for node in nodes {
            for slot in node.inputs { consumers[slot] += 1 }
            calls[ObjectIdentifier(node.layer), default: 0] += 1
        }
        self.consumers = consumers
        let shared = Set(calls.filter { $0.value > 1 }.keys)
        self.shared = shared
        convolutionPooling = nodes.indices.map { i in
            guard i + 1 < nodes.count, let conv = nodes[i].layer as? Conv2D,
                let pool = nodes[i + 1].layer as? MaxPooling2D, nodes[i + 1].inputs == [i + 1], consumers[i + 1] == 1,
                !shared.contains(ObjectIdentifier(conv)), !shared.contains(ObjectIdentifier(pool))
            else { return nil }
            return (conv, pool)
        }
    }

    /// A chain of layers (a `Sequential` model), already built for `inputShape`.
    static func chain(_ layers: [Layer], inputShape: [Int]) -> ModelGraph {
        var shape = inputShape
        let nodes = layers.enumerated().map { i, layer in
            let output = layer.outputShape(inputShape: shape)
            defer { shape = output }
            return GraphNode(layer: layer, inputs: [i], inputShapes: [shape], outputShape: output)
        }
        return ModelGraph(inputShape: inputShape, inputName: "input_layer", nodes: nodes)
    }

    /// The Conv2D layers whose every call reads the model's input: their dL/dinput is dL/dimage,
    /// which training never needs (and is the most expensive of their gradients).
    var convolutionsOnInput: [Conv2D] {
        layers.compactMap { layer in
            guard let conv = layer as? Conv2D else { return nil }
            return nodes.allSatisfy { $0.layer !== layer || $0.inputs == [0] } ? conv : nil
        }
    }
}
