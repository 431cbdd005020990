/// A dense, contiguous, row-major array of `Float` with a shape.
///
/// Images follow Keras/TensorFlow's channels-last layout `[N, H, W, C]`: batch, height, width,
/// channels, the channel index changing fastest in memory. PyTorch uses `[N, C, H, W]`
/// (channels-first), where each channel is a whole H x W plane; the numbers are the same, only
/// their order in memory differs (`permuted([0, 3, 1, 2])` converts one to the other).
public struct Tensor: Equatable, Sendable {
    /// The size of each axis, outermost first.
    public private(set) var shape: [Int]
    /// The values in row-major order; `scalars.count == shape.reduce(1, *)`.
    public var scalars: [Float]

    /// A tensor with the given shape and row-major values.
    public init(shape: [Int], scalars: [Float]) {
        require(shape.allSatisfy { $0 >= 0 }, "Tensor: negative size in shape \(shape)")
        require(
            shape.reduce(1, *) == scalars.count,
            "Tensor: shape \(shape) needs \(shape.reduce(1, *)) values, got \(scalars.count)")
        self.shape = shape
        self.scalars = scalars
    }

    /// A tensor of the given shape filled with `value`.
    public init(repeating value: Float, shape: [Int]) {
        self.init(shape: shape, scalars: [Float](repeating: value, count: shape.reduce(1, *)))
    }

    /// A tensor of zeros.
    public init(zeros shape: [Int]) { self.init(repeating: 0, shape: shape) }

    /// A rank-1 tensor.
    public init(_ values: [Float]) { self.init(shape: [values.count], scalars: values) }

    /// A rank-2 tensor from rows of equal length.
    public init(_ rows: [[Float]]) {
        let width = rows.first?.count ?? 0
        require(rows.allSatisfy { $0.count == width }, "Tensor: rows of unequal length")
        self.init(shape: [rows.count, width], scalars: rows.flatMap { $0 })
    }

    /// A scalar (rank-0) tensor.
    public init(scalar: Float) { self.init(shape: [], scalars: [scalar]) }

    public var rank: Int { shape.count }
    public var count: Int { scalars.count }

    /// The row-major offset of a full index.
    @inlinable
    public func offset(_ index: [Int]) -> Int {
        require(index.count == shape.count, "Tensor: index \(index) has rank \(index.count), tensor has rank \(rank)")
        var offset = 0
        for axis in 0..<shape.count {
            require(
                index[axis] >= 0 && index[axis] < shape[axis],
                "Tensor: index \(index) out of range for shape \(shape)")
            offset = offset * shape[axis] + index[axis]
        }
        return offset
    }

    /// The value at a full index, for example `t[0, 5, 5, 0]`.
    public subscript(_ index: Int...) -> Float {
        get { scalars[offset(index)] }
        set { scalars[offset(index)] = newValue }
    }

    /// The same values with another shape; one axis may be -1 to be inferred.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        var resolved = newShape
        if let unknown = newShape.firstIndex(of: -1) {
            let known = newShape.enumerated().filter { $0.offset != unknown }.map(\.element).reduce(1, *)
            require(known > 0 && count % known == 0, "Tensor: cannot reshape \(shape) to \(newShape)")
            resolved[unknown] = count / known
        }
        require(resolved.reduce(1, *) == count, "Tensor: cannot reshape \(shape) (\(count) values) to \(newShape)")
        return Tensor(shape: resolved, scalars: scalars)
    }

    /// Items `range` along the first (batch) axis: a `[k, ...]` tensor.
    public func batch(_ range: Range<Int>) -> Tensor {
        require(
            rank >= 1 && range.lowerBound >= 0 && range.upperBound <= shape[0],
            "Tensor: batch \(range) out of range for shape \(shape)")
        let itemSize = shape.dropFirst().reduce(1, *)
        var newShape = shape
        newShape[0] = range.count
        return Tensor(
            shape: newShape,
            scalars: Array(scalars[(range.lowerBound * itemSize)..<(range.upperBound * itemSize)]))
    }

    /// Item `i` along the first axis, with that axis removed: `[H, W, C]` from `[N, H, W, C]`.
    public func item(_ i: Int) -> Tensor {
        var item = batch(i..<(i + 1))
        item.shape.removeFirst()
        return item
    }

    /// The items at `indices` along the first axis, in that order (for shuffled batches).
    public func gathering(_ indices: [Int]) -> Tensor {
        let itemSize = shape.dropFirst().reduce(1, *)
        var out = [Float](repeating: 0, count: indices.count * itemSize)
        scalars.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for (row, index) in indices.enumerated() {
                    require(
                        index >= 0 && index < shape[0], "Tensor: gather index \(index) out of range for shape \(shape)")
                    for j in 0..<itemSize { dst[row * itemSize + j] = src[index * itemSize + j] }
                }
            }
        }
        var newShape = shape
        newShape[0] = indices.count
        return Tensor(shape: newShape, scalars: out)
    }

    /// Stacks equally shaped tensors along a new first axis.
    public static func stacked(_ items: [Tensor]) -> Tensor {
        require(!items.isEmpty, "Tensor.stacked: nothing to stack")
        let itemShape = items[0].shape
        require(items.allSatisfy { $0.shape == itemShape }, "Tensor.stacked: shapes differ")
        return Tensor(shape: [items.count] + itemShape, scalars: items.flatMap(\.scalars))
    }

    /// Joins tensors along the first axis.
    public static func concatenated(_ items: [Tensor]) -> Tensor {
        require(!items.isEmpty, "Tensor.concatenated: nothing to join")
        let rest = Array(items[0].shape.dropFirst())
        require(items.allSatisfy { Array($0.shape.dropFirst()) == rest }, "Tensor.concatenated: shapes differ")
        return Tensor(shape: [items.map { $0.shape[0] }.reduce(0, +)] + rest, scalars: items.flatMap(\.scalars))
    }

    /// Reorders the axes: `permuted([0, 3, 1, 2])` turns `[N, H, W, C]` into PyTorch's `[N, C, H, W]`.
    public func permuted(_ axes: [Int]) -> Tensor {
        require(
            axes.sorted() == Array(0..<rank), "Tensor.permuted: \(axes) is not a permutation of the axes of \(shape)")
        let newShape = axes.map { shape[$0] }
        var strides = [Int](repeating: 1, count: rank)
        for axis in stride(from: rank - 2, through: 0, by: -1) { strides[axis] = strides[axis + 1] * shape[axis + 1] }
        let permutedStrides = axes.map { strides[$0] }
        var out = [Float](repeating: 0, count: count)
        var index = [Int](repeating: 0, count: rank)
        for i in 0..<count {
            var source = 0
            for axis in 0..<rank { source += index[axis] * permutedStrides[axis] }
            out[i] = scalars[source]
            var axis = rank - 1
            while axis >= 0 {
                index[axis] += 1
                if index[axis] < newShape[axis] { break }
                index[axis] = 0
                axis -= 1
            }
        }
        return Tensor(shape: newShape, scalars: out)
    }

    /// The transpose of a matrix.
    public var transposed: Tensor {
        require(rank == 2, "Tensor.transposed needs a matrix, got shape \(shape)")
        return permuted([1, 0])
    }
}
