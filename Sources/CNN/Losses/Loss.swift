#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A loss function with its gradient, Keras' names and reduction: the mean over the batch (and,
/// for the regression losses, over the values of each sample).
///
/// Targets: for `sparseCategoricalCrossentropy` a `[N]` tensor of class indices stored as floats;
/// for the others a tensor shaped like the predictions (one-hot rows for `categoricalCrossentropy`).
public enum Loss: String, Sendable, CaseIterable {
    /// mean((p - y)^2)
    case meanSquaredError = "mean_squared_error"
    /// mean(|p - y|)
    case meanAbsoluteError = "mean_absolute_error"
    /// mean(-(y log p + (1 - y) log(1 - p))), p clipped to [eps, 1 - eps]
    case binaryCrossentropy = "binary_crossentropy"
    /// mean over samples of -sum_k y_k log p_k
    case categoricalCrossentropy = "categorical_crossentropy"
    /// mean over samples of -log p[label]
    case sparseCategoricalCrossentropy = "sparse_categorical_crossentropy"

    /// Keras' clipping of probabilities away from 0 and 1 before taking logarithms.
    public static let epsilon: Float = 1e-7

    /// The loss of `predictions` against `targets`.
    public func callAsFunction(_ predictions: Tensor, _ targets: Tensor) -> Float {
        compute(predictions, targets).loss
    }

    /// The loss and dL/dpredictions.
    public func compute(_ p: Tensor, _ y: Tensor) -> (loss: Float, gradient: Tensor) {
        let eps = Loss.epsilon
        switch self {
        case .meanSquaredError:
            check(p, y)
            let n = Float(p.count)
            return (Float((p - y).scalars.reduce(0.0) { $0 + Double($1 * $1) }) / n, (p - y) * (2 / n))
        case .meanAbsoluteError:
            check(p, y)
            let n = Float(p.count)
            return (Float((p - y).scalars.reduce(0.0) { $0 + Double(Swift.abs($1)) }) / n,
                    (p - y).map { $0 > 0 ? 1 / n : ($0 < 0 ? -1 / n : 0) })
        case .binaryCrossentropy:
            check(p, y)
            let n = Float(p.count)
            var total = 0.0
            var grad = [Float](repeating: 0, count: p.count)
            for i in 0..<p.count {
                let raw = p.scalars[i], q = Swift.min(Swift.max(raw, eps), 1 - eps), t = y.scalars[i]
                total -= Double(t * logf(q) + (1 - t) * logf(1 - q))
                grad[i] = (raw == q) ? (q - t) / (q * (1 - q)) / n : 0
            }
            return (Float(total) / n, Tensor(shape: p.shape, scalars: grad))
        case .categoricalCrossentropy:
            check(p, y)
            let classes = p.shape.last!, n = Float(p.count / classes)
            var total = 0.0
            var grad = [Float](repeating: 0, count: p.count)
            for i in 0..<p.count where y.scalars[i] != 0 {
                let raw = p.scalars[i], q = Swift.min(Swift.max(raw, eps), 1 - eps)
                total -= Double(y.scalars[i] * logf(q))
                grad[i] = (raw == q) ? -y.scalars[i] / q / n : 0
            }
            return (Float(total) / n, Tensor(shape: p.shape, scalars: grad))
        case .sparseCategoricalCrossentropy:
            let classes = p.shape.last!, rows = p.count / classes
            let labels = sparseLabels(y, rows: rows, classes: classes)
            var total = 0.0
            var grad = [Float](repeating: 0, count: p.count)
            for (row, label) in labels.enumerated() {
                let raw = p.scalars[row * classes + label], q = Swift.min(Swift.max(raw, eps), 1 - eps)
                total -= Double(logf(q))
                grad[row * classes + label] = (raw == q) ? -1 / q / Float(rows) : 0
            }
            return (Float(total) / Float(rows), Tensor(shape: p.shape, scalars: grad))
        }
    }

    /// Whether this loss, after a softmax output, can be fused with it into the stable
    /// gradient softmax(z) - y with respect to the logits z.
    public var fusesWithSoftmax: Bool { self == .categoricalCrossentropy || self == .sparseCategoricalCrossentropy }

    private func check(_ p: Tensor, _ y: Tensor) {
        require(p.shape == y.shape, "\(rawValue): predictions \(p.shape) and targets \(y.shape) differ in shape")
    }
}

/// Class indices from a `[N]` (or `[N, 1]`) float tensor, each checked to lie in 0..<classes.
func sparseLabels(_ y: Tensor, rows: Int, classes: Int) -> [Int] {
    require(y.count == rows, "sparse labels: \(y.count) labels for \(rows) predictions")
    return y.scalars.map { v in
        let label = Int(v)
        require(Float(label) == v && label >= 0 && label < classes, "sparse labels: \(v) is not a class index in 0..<\(classes)")
        return label
    }
}

/// Cross-entropy computed from logits z through log-softmax (stable for any z), with its gradient
/// with respect to z: (softmax(z) - onehot(y)) / N. Targets as in `Loss`: class indices when
/// `sparse`, otherwise rows of probabilities.
public func softmaxCrossEntropy(logits z: Tensor, targets y: Tensor, sparse: Bool) -> (loss: Float, gradient: Tensor) {
    let classes = z.shape.last!, rows = z.count / classes
    let logP = logSoftmax(z)
    var grad = softmax(z)
    var total = 0.0
    if sparse {
        for (row, label) in sparseLabels(y, rows: rows, classes: classes).enumerated() {
            total -= Double(logP.scalars[row * classes + label])
            grad.scalars[row * classes + label] -= 1
        }
    } else {
        require(z.shape == y.shape, "categorical_crossentropy: logits \(z.shape) and targets \(y.shape) differ in shape")
        for i in 0..<z.count {
            total -= Double(y.scalars[i] * logP.scalars[i])
            grad.scalars[i] -= y.scalars[i]
        }
    }
    return (Float(total / Double(rows)), grad / Float(rows))
}
