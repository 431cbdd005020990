/// A weight penalty added to the loss, as Keras' `kernel_regularizer`: `.l2(1e-4)` adds
/// λ·Σw² (Keras 3's L2, no factor 1/2), `.l1(1e-4)` adds λ·Σ|w|, `.l1l2(l1:l2:)` both. The model adds
/// the penalty to the loss `fit` and `evaluate` report and its gradient to the kernel's.
public enum Regularizer: Equatable, Sendable, CustomStringConvertible {
    case l1(Float)
    case l2(Float)
    case l1l2(l1: Float, l2: Float)

    var factors: (l1: Float, l2: Float) {
        switch self {
        case .l1(let l1): return (l1, 0)
        case .l2(let l2): return (0, l2)
        case .l1l2(let l1, let l2): return (l1, l2)
        }
    }

    /// The penalty on weights `w`: l1·Σ|w| + l2·Σw², summed in Double.
    public func penalty(_ w: Tensor) -> Float {
        let (l1, l2) = factors
        var absolute = 0.0
        var squares = 0.0
        for v in w.scalars {
            absolute += Double(Swift.abs(v))
            squares += Double(v) * Double(v)
        }
        return Float(Double(l1) * absolute + Double(l2) * squares)
    }

    /// d penalty / dw = l1·sign(w) + 2·l2·w (sign(0) = 0, as TensorFlow's).
    public func gradient(_ w: Tensor) -> Tensor {
        let (l1, l2) = factors
        return w.map { v in
            let sign: Float = v > 0 ? 1 : (v < 0 ? -1 : 0)
            return l1 * sign + 2 * l2 * v
        }
    }

    public var description: String {
        switch self {
        case .l1(let l1): return "L1(\(l1))"
        case .l2(let l2): return "L2(\(l2))"
        case .l1l2(let l1, let l2): return "L1L2(l1: \(l1), l2: \(l2))"
        }
    }
}
