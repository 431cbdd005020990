#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An elementwise non-linearity (or softmax over the last axis), with its derivative.
public enum ActivationFunction: Equatable, Sendable, CustomStringConvertible {
    case linear
    /// max(0, x)
    case relu
    /// x for x > 0, alpha * x otherwise (Keras' LeakyReLU default slope is 0.3).
    case leakyRelu(alpha: Float)
    /// 1 / (1 + e^-x)
    case sigmoid
    /// (e^x - e^-x) / (e^x + e^-x)
    case tanh
    /// e^x_i / sum_j e^x_j over the last axis.
    case softmax

    public static let leakyRelu = ActivationFunction.leakyRelu(alpha: 0.3)

    public var description: String {
        switch self {
        case .linear: return "linear"
        case .relu: return "relu"
        case .leakyRelu(let alpha): return "leaky_relu(\(Tensor.format(alpha)))"
        case .sigmoid: return "sigmoid"
        case .tanh: return "tanh"
        case .softmax: return "softmax"
        }
    }

    /// y = f(x).
    public func callAsFunction(_ x: Tensor) -> Tensor {
        switch self {
        case .linear: return x
        case .relu: return CNN.relu(x)
        case .leakyRelu(let alpha): return CNN.leakyRelu(x, alpha: alpha)
        case .sigmoid: return CNN.sigmoid(x)
        case .tanh: return CNN.tanh(x)
        case .softmax: return CNN.softmax(x)
        }
    }

    /// dL/dx from dL/dy, the input x and the output y = f(x).
    public func backward(input x: Tensor, output y: Tensor, outputGradient dy: Tensor) -> Tensor {
        switch self {
        case .linear: return dy
        case .relu: return reluBackward(input: x, outputGradient: dy)
        case .leakyRelu(let alpha): return x.zipWith(dy) { $0 > 0 ? $1 : alpha * $1 }
        case .sigmoid: return y.zipWith(dy) { s, d in d * s * (1 - s) }
        case .tanh: return y.zipWith(dy) { t, d in d * (1 - t * t) }
        case .softmax: return softmaxBackward(output: y, outputGradient: dy)
        }
    }

    /// f'(x) elementwise, for plotting derivatives (softmax has none: it couples its inputs).
    public func derivative(_ x: Tensor) -> Tensor {
        require(self != .softmax, "softmax has a Jacobian, not an elementwise derivative")
        return backward(input: x, output: self(x), outputGradient: Tensor(repeating: 1, shape: x.shape))
    }
}

public func relu(_ x: Tensor) -> Tensor {
    var y = x
    y.scalars.withUnsafeMutableBufferPointer { v in
        // A select, not a branch: it vectorises, and random signs cost no mispredictions.
        for i in 0..<v.count { v[i] = v[i] > 0 ? v[i] : 0 }
    }
    return y
}

public func reluBackward(input x: Tensor, outputGradient dy: Tensor) -> Tensor {
    require(x.shape == dy.shape, "reluBackward: input \(x.shape) and gradient \(dy.shape) differ")
    var dx = dy
    dx.scalars.withUnsafeMutableBufferPointer { d in
        x.scalars.withUnsafeBufferPointer { v in
            for i in 0..<d.count { d[i] = v[i] > 0 ? d[i] : 0 }
        }
    }
    return dx
}
public func leakyRelu(_ x: Tensor, alpha: Float = 0.3) -> Tensor { x.map { $0 > 0 ? $0 : alpha * $0 } }
public func sigmoid(_ x: Tensor) -> Tensor {
    // Two forms so neither exp overflows: 1/(1+e^-x) for x >= 0, e^x/(1+e^x) otherwise.
    x.map { v in v >= 0 ? 1 / (1 + expf(-v)) : expf(v) / (1 + expf(v)) }
}
public func tanh(_ x: Tensor) -> Tensor { x.map { tanhf($0) } }

/// Softmax over the last axis, stable for any logits: subtracting each row's maximum first leaves
/// the result unchanged and keeps every exponent at or below zero (no overflow for logits of 1000).
public func softmax(_ x: Tensor) -> Tensor {
    let width = x.shape.last ?? 1
    var out = x.scalars
    for row in 0..<(width == 0 ? 0 : x.count / width) {
        let base = row * width
        var top = -Float.infinity
        for j in 0..<width { top = max(top, out[base + j]) }
        var total: Float = 0
        for j in 0..<width {
            out[base + j] = expf(out[base + j] - top)
            total += out[base + j]
        }
        for j in 0..<width { out[base + j] /= total }
    }
    return Tensor(shape: x.shape, scalars: out)
}

/// log(softmax(x)) over the last axis, computed as x - max - log(sum(exp(x - max))).
public func logSoftmax(_ x: Tensor) -> Tensor {
    let width = x.shape.last ?? 1
    var out = x.scalars
    for row in 0..<(width == 0 ? 0 : x.count / width) {
        let base = row * width
        var top = -Float.infinity
        for j in 0..<width { top = max(top, out[base + j]) }
        var total: Float = 0
        for j in 0..<width { total += expf(out[base + j] - top) }
        let logTotal = logf(total) + top
        for j in 0..<width { out[base + j] -= logTotal }
    }
    return Tensor(shape: x.shape, scalars: out)
}

/// dL/dx of softmax: dx_i = y_i * (dy_i - sum_j dy_j y_j), row by row.
public func softmaxBackward(output y: Tensor, outputGradient dy: Tensor) -> Tensor {
    let width = y.shape.last ?? 1
    var dx = [Float](repeating: 0, count: y.count)
    for row in 0..<(width == 0 ? 0 : y.count / width) {
        let base = row * width
        var dot: Float = 0
        for j in 0..<width { dot += dy.scalars[base + j] * y.scalars[base + j] }
        for j in 0..<width { dx[base + j] = y.scalars[base + j] * (dy.scalars[base + j] - dot) }
    }
    return Tensor(shape: y.shape, scalars: dx)
}
