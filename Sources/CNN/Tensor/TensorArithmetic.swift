#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The shape two shapes broadcast to (NumPy's rule: align trailing axes; sizes equal or 1).
public func broadcastShape(_ a: [Int], _ b: [Int]) -> [Int] {
    let rank = max(a.count, b.count)
    let pa = [Int](repeating: 1, count: rank - a.count) + a
    let pb = [Int](repeating: 1, count: rank - b.count) + b
    return zip(pa, pb).map { x, y in
        require(x == y || x == 1 || y == 1, "Tensor: shapes \(a) and \(b) do not broadcast")
        return max(x, y)
    }
}

extension Tensor {
    /// Applies `f` to every value.
    public func map(_ f: (Float) -> Float) -> Tensor { Tensor(shape: shape, scalars: scalars.map(f)) }

    /// Combines two tensors value by value, broadcasting as NumPy does (`[N, C] + [C]`).
    public func zipWith(_ other: Tensor, _ f: (Float, Float) -> Float) -> Tensor {
        if shape == other.shape {
            var out = scalars
            out.withUnsafeMutableBufferPointer { o in
                other.scalars.withUnsafeBufferPointer { b in
                    for i in 0..<o.count { o[i] = f(o[i], b[i]) }
                }
            }
            return Tensor(shape: shape, scalars: out)
        }
        if other.count == 1 {
            let v = other.scalars[0]
            return map { f($0, v) }
        }
        if other.rank == 1, let last = shape.last, other.shape[0] == last, last > 0 {
            // [..., C] with [C] (a bias per channel): row by row, no index arithmetic.
            var out = scalars
            out.withUnsafeMutableBufferPointer { o in
                other.scalars.withUnsafeBufferPointer { b in
                    for row in 0..<(o.count / last) {
                        let base = row * last
                        for j in 0..<last { o[base + j] = f(o[base + j], b[j]) }
                    }
                }
            }
            return Tensor(shape: shape, scalars: out)
        }
        if count == 1 {
            let v = scalars[0]
            return other.map { f(v, $0) }
        }
        let outShape = broadcastShape(shape, other.shape)
        let ia = broadcastIndexer(from: shape, to: outShape)
        let ib = broadcastIndexer(from: other.shape, to: outShape)
        let n = outShape.reduce(1, *)
        var out = [Float](repeating: 0, count: n)
        for i in 0..<n { out[i] = f(scalars[ia(i)], other.scalars[ib(i)]) }
        return Tensor(shape: outShape, scalars: out)
    }

    public static func + (a: Tensor, b: Tensor) -> Tensor { a.zipWith(b, +) }
    public static func - (a: Tensor, b: Tensor) -> Tensor { a.zipWith(b, -) }
    public static func * (a: Tensor, b: Tensor) -> Tensor { a.zipWith(b, *) }
    public static func / (a: Tensor, b: Tensor) -> Tensor { a.zipWith(b, /) }
    public static func + (a: Tensor, b: Float) -> Tensor { a.map { $0 + b } }
    public static func - (a: Tensor, b: Float) -> Tensor { a.map { $0 - b } }
    public static func * (a: Tensor, b: Float) -> Tensor { a.map { $0 * b } }
    public static func / (a: Tensor, b: Float) -> Tensor { a.map { $0 / b } }
    public static func + (a: Float, b: Tensor) -> Tensor { b.map { a + $0 } }
    public static func - (a: Float, b: Tensor) -> Tensor { b.map { a - $0 } }
    public static func * (a: Float, b: Tensor) -> Tensor { b.map { a * $0 } }
    public static prefix func - (a: Tensor) -> Tensor { a.map { -$0 } }
    public static func += (a: inout Tensor, b: Tensor) { a = a + b }
    public static func -= (a: inout Tensor, b: Tensor) { a = a - b }
    public static func *= (a: inout Tensor, b: Float) { a = a * b }

    public func squared() -> Tensor { map { $0 * $0 } }
    public func sqrt() -> Tensor { map { $0.squareRoot() } }
    public func exp() -> Tensor { map { expf($0) } }
    public func log() -> Tensor { map { logf($0) } }
    public func abs() -> Tensor { map { Swift.abs($0) } }
    public func clipped(min low: Float, max high: Float) -> Tensor { map { Swift.min(Swift.max($0, low), high) } }

    /// The sum of all values (accumulated in Double).
    public func sum() -> Float { Float(scalars.reduce(0.0) { $0 + Double($1) }) }
    /// The mean of all values.
    public func mean() -> Float { count == 0 ? .nan : sum() / Float(count) }
    public func max() -> Float { scalars.max() ?? -.infinity }
    public func min() -> Float { scalars.min() ?? .infinity }
    /// The Euclidean (L2) norm of all values.
    public func norm() -> Float { Float(scalars.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()) }

    /// Sums along one axis, which is removed: `[N, C].sum(alongAxis: 0)` is `[C]`.
    public func sum(alongAxis axis: Int) -> Tensor {
        let axis = axis < 0 ? rank + axis : axis
        require(axis >= 0 && axis < rank, "Tensor.sum: no axis \(axis) in shape \(shape)")
        let outer = shape[..<axis].reduce(1, *)
        let size = shape[axis]
        let inner = shape[(axis + 1)...].reduce(1, *)
        var out = [Float](repeating: 0, count: outer * inner)
        out.withUnsafeMutableBufferPointer { dst in
            scalars.withUnsafeBufferPointer { src in
                for o in 0..<outer {
                    for k in 0..<size {
                        let base = (o * size + k) * inner
                        for i in 0..<inner { dst[o * inner + i] += src[base + i] }
                    }
                }
            }
        }
        var newShape = shape
        newShape.remove(at: axis)
        return Tensor(shape: newShape, scalars: out)
    }

    /// Means along one axis, which is removed.
    public func mean(alongAxis axis: Int) -> Tensor {
        let a = axis < 0 ? rank + axis : axis
        return sum(alongAxis: a) / Float(shape[a])
    }

    /// The index of the largest value in each row of the last axis: `[N, 10]` gives N class indices.
    public func argmax() -> [Int] {
        let width = shape.last ?? 1
        guard width > 0 else { return [] }
        return (0..<(count / width)).map { row in
            var best = 0
            for j in 1..<width where scalars[row * width + j] > scalars[row * width + best] { best = j }
            return best
        }
    }

    /// The index of the largest value over all values.
    public func argmaxFlat() -> Int { scalars.indices.max { scalars[$0] < scalars[$1] } ?? 0 }
}

/// Maps a row-major index of `to` onto the row-major index of a broadcast operand of shape `from`.
func broadcastIndexer(from: [Int], to: [Int]) -> (Int) -> Int {
    let padded = [Int](repeating: 1, count: to.count - from.count) + from
    var strides = [Int](repeating: 0, count: to.count)
    var step = 1
    for axis in stride(from: to.count - 1, through: 0, by: -1) {
        strides[axis] = padded[axis] == 1 ? 0 : step
        step *= padded[axis]
    }
    return { flat in
        var rest = flat
        var index = 0
        for axis in stride(from: to.count - 1, through: 0, by: -1) {
            index += (rest % to[axis]) * strides[axis]
            rest /= to[axis]
        }
        return index
    }
}
