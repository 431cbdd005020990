/// A layer that takes several tensors and gives one, as Keras' merge layers: called on a list of
/// symbolic tensors (`Add()([a, b])`) in a functional model. Shapes exclude the batch axis.
public protocol MergeLayer: ShareableLayer {
    /// Why the layer cannot merge inputs of these shapes, or nil when it can.
    func inputShapesProblem(_ inputShapes: [[Int]]) -> String?
    func outputShape(inputShapes: [[Int]]) -> [Int]
    func forward(_ inputs: [Tensor], mode: ForwardMode) -> Tensor
    /// dL/dinput for each input, from dL/doutput.
    func backward(merged outputGradient: Tensor) -> [Tensor]
}

extension MergeLayer {
    // The one-input forms of `Layer` do not apply: a merge layer is called on a list.
    public func outputShape(inputShape: [Int]) -> [Int] { outputShape(inputShapes: [inputShape]) }
    public func forward(_ x: Tensor, mode: ForwardMode) -> Tensor { forward([x], mode: mode) }
    public func backward(_ outputGradient: Tensor) -> Tensor {
        let grads = backward(merged: outputGradient)
        require(
            grads.count == 1, "\(name): \(typeName) merges \(grads.count) tensors; take its gradients through the model"
        )
        return grads[0]
    }
}

/// Keras' `Add()`: the elementwise sum of tensors of one shape (a residual connection:
/// `Add()([x, block(x)])`). dL/dinput_i = dL/doutput for every input.
public final class Add: MergeLayer {
    public var name = "add"
    public let typeName = "Add"
    private var inputCount = 0

    public init() {}

    public func inputShapesProblem(_ inputShapes: [[Int]]) -> String? {
        guard inputShapes.count >= 2 else { return "\(name): Add merges at least 2 tensors, got \(inputShapes.count)" }
        guard inputShapes.allSatisfy({ $0 == inputShapes[0] }) else {
            return "\(name): Add needs inputs of one shape, got "
                + inputShapes.map(kerasShape).joined(separator: " and ")
        }
        return nil
    }

    public func outputShape(inputShapes: [[Int]]) -> [Int] { inputShapes[0] }

    public func forward(_ inputs: [Tensor], mode: ForwardMode) -> Tensor {
        require(
            inputs.count >= 2 && inputs.allSatisfy { $0.shape == inputs[0].shape },
            "\(name): Add needs at least 2 inputs of one shape, got \(inputs.map(\.shape))")
        if mode.keepsCache { inputCount = inputs.count }
        // Summed left to right, as Keras' Add (out = x0; out += x_i).
        var sum = inputs[0].scalars
        for input in inputs.dropFirst() {
            input.scalars.withUnsafeBufferPointer { x in
                for i in 0..<sum.count { sum[i] += x[i] }
            }
        }
        return Tensor(shape: inputs[0].shape, scalars: sum)
    }

    public func backward(merged dy: Tensor) -> [Tensor] {
        require(inputCount >= 2, "\(name): backward called before a forward pass in training mode")
        return Array(repeating: dy, count: inputCount)
    }

    public func takeCache() -> Any? {
        defer { inputCount = 0 }
        return inputCount
    }
    public func restoreCache(_ cache: Any?) { inputCount = cache as? Int ?? 0 }
}

/// Keras' `Concatenate(axis: -1)`: tensors joined along one axis (counted with the batch axis, as
/// Keras counts it: -1 and 3 are the channels of [N, H, W, C]); every other axis must match.
public final class Concatenate: MergeLayer {
    public var name = "concatenate"
    public let typeName = "Concatenate"
    public let axis: Int
    /// The size of each input along the axis, from the last caching pass.
    private var sizes: [Int] = []

    public init(axis: Int = -1) { self.axis = axis }

    /// The axis as an index of the batch-included shape of rank `rank`, if it is one.
    func resolvedAxis(rank: Int) -> Int? {
        let a = axis < 0 ? axis + rank : axis
        return a >= 1 && a < rank ? a : nil
    }

    public func inputShapesProblem(_ inputShapes: [[Int]]) -> String? {
        guard inputShapes.count >= 2 else {
            return "\(name): Concatenate joins at least 2 tensors, got \(inputShapes.count)"
        }
        let rank = inputShapes[0].count + 1
        guard inputShapes.allSatisfy({ $0.count + 1 == rank }) else {
            return "\(name): Concatenate needs inputs of one rank, got "
                + inputShapes.map(kerasShape).joined(separator: " and ")
        }
        guard let a = resolvedAxis(rank: rank) else {
            return "\(name): axis \(axis) is not an axis of inputs \(kerasShape(inputShapes[0])) other than the batch"
        }
        for shape in inputShapes
        where zip(shape, inputShapes[0]).enumerated().contains(where: {
            $0.offset != a - 1 && $0.element.0 != $0.element.1
        }) {
            return "\(name): Concatenate(axis: \(axis)) needs inputs that match except along axis \(axis), got "
                + inputShapes.map(kerasShape).joined(separator: " and ")
        }
        return nil
    }

    public func outputShape(inputShapes: [[Int]]) -> [Int] {
        let a = resolvedAxis(rank: inputShapes[0].count + 1)! - 1
        var shape = inputShapes[0]
        shape[a] = inputShapes.map { $0[a] }.reduce(0, +)
        return shape
    }

    public func forward(_ inputs: [Tensor], mode: ForwardMode) -> Tensor {
        let shapes = inputs.map { Array($0.shape.dropFirst()) }
        if let problem = inputShapesProblem(shapes) { fatalError(problem) }
        require(
            inputs.allSatisfy { $0.shape[0] == inputs[0].shape[0] },
            "\(name): inputs of different batch sizes \(inputs.map(\.shape))")
        let a = resolvedAxis(rank: inputs[0].rank)!
        // Each input is [outer, size_i * inner]; the output takes each input's block per outer index.
        let outer = inputs[0].shape[..<a].reduce(1, *)
        let inner = inputs[0].shape[(a + 1)...].reduce(1, *)
        let blocks = inputs.map { $0.shape[a] * inner }
        let total = blocks.reduce(0, +)
        var out = [Float](repeating: 0, count: outer * total)
        var offset = 0
        for (input, block) in zip(inputs, blocks) {
            for o in 0..<outer { for j in 0..<block { out[o * total + offset + j] = input.scalars[o * block + j] } }
            offset += block
        }
        if mode.keepsCache { sizes = inputs.map { $0.shape[a] } }
        var shape = inputs[0].shape
        shape[a] = inputs.map { $0.shape[a] }.reduce(0, +)
        return Tensor(shape: shape, scalars: out)
    }

    /// Each input's slice of dL/doutput along the axis.
    public func backward(merged dy: Tensor) -> [Tensor] {
        require(!sizes.isEmpty, "\(name): backward called before a forward pass in training mode")
        let a = resolvedAxis(rank: dy.rank)!
        let outer = dy.shape[..<a].reduce(1, *)
        let inner = dy.shape[(a + 1)...].reduce(1, *)
        let total = dy.shape[a] * inner
        var offset = 0
        return sizes.map { size in
            let block = size * inner
            var part = [Float](repeating: 0, count: outer * block)
            for o in 0..<outer { for j in 0..<block { part[o * block + j] = dy.scalars[o * total + offset + j] } }
            offset += block
            var shape = dy.shape
            shape[a] = size
            return Tensor(shape: shape, scalars: part)
        }
    }

    public func takeCache() -> Any? {
        defer { sizes = [] }
        return sizes
    }
    public func restoreCache(_ cache: Any?) { sizes = cache as? [Int] ?? [] }
}

/// Keras' way of writing a shape with its batch axis: "(None, 28, 28, 16)".
func kerasShape(_ shape: [Int]) -> String { "(None" + shape.map { ", \($0)" }.joined() + ")" }
