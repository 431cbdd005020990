#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A loss function with its gradient, Keras' names, formulas and reduction: the mean over the
/// batch (and, for the regression losses, over the values of each sample).
///
/// Targets: for `sparseCategoricalCrossentropy` a `[N]` (or `[N, 1]`) tensor of class indices
/// stored as floats; for the others a tensor shaped like the predictions (one-hot rows for
/// `categoricalCrossentropy`).
///
/// The cross-entropies take probabilities by default and logits with `fromLogits: true`, as
/// Keras' `from_logits`. Inside a model whose last layer ends in softmax (sigmoid for binary
/// cross-entropy), training and `evaluate` both take the loss from that layer's logits, as Keras
/// does, so a saturated output still has an exact loss and a non-zero gradient.
public struct Loss: Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        case meanSquaredError = "mean_squared_error"
        case meanAbsoluteError = "mean_absolute_error"
        case binaryCrossentropy = "binary_crossentropy"
        case categoricalCrossentropy = "categorical_crossentropy"
        case sparseCategoricalCrossentropy = "sparse_categorical_crossentropy"

        public var isCrossentropy: Bool { self != .meanSquaredError && self != .meanAbsoluteError }
    }

    public let kind: Kind
    /// Whether predictions are logits (Keras' `from_logits`); only the cross-entropies take it.
    public let fromLogits: Bool

    public init(_ kind: Kind, fromLogits: Bool = false) {
        require(!fromLogits || kind.isCrossentropy, "\(kind.rawValue) has no fromLogits option")
        self.kind = kind
        self.fromLogits = fromLogits
    }

    /// mean((p - y)^2)
    public static let meanSquaredError = Loss(.meanSquaredError)
    /// mean(|p - y|)
    public static let meanAbsoluteError = Loss(.meanAbsoluteError)
    /// mean(-(y log p + (1 - y) log(1 - p))), p clipped to [eps, 1 - eps]
    public static let binaryCrossentropy = Loss(.binaryCrossentropy)
    /// mean over samples of -sum_k y_k log q_k, q = p rescaled to sum to 1 per row, clipped to [eps, 1 - eps]
    public static let categoricalCrossentropy = Loss(.categoricalCrossentropy)
    /// mean over samples of -log(c[label] / sum_k c_k), c = p clipped to [eps, 1 - eps]
    public static let sparseCategoricalCrossentropy = Loss(.sparseCategoricalCrossentropy)

    /// From logits z: mean(max(z, 0) - z y + log(1 + e^-|z|)), which is binary cross-entropy of sigmoid(z).
    public static func binaryCrossentropy(fromLogits: Bool) -> Loss {
        Loss(.binaryCrossentropy, fromLogits: fromLogits)
    }
    /// From logits z: mean over samples of -sum_k y_k log softmax(z)_k.
    public static func categoricalCrossentropy(fromLogits: Bool) -> Loss {
        Loss(.categoricalCrossentropy, fromLogits: fromLogits)
    }
    /// From logits z: mean over samples of -log softmax(z)[label].
    public static func sparseCategoricalCrossentropy(fromLogits: Bool) -> Loss {
        Loss(.sparseCategoricalCrossentropy, fromLogits: fromLogits)
    }

    /// Keras' name: "sparse_categorical_crossentropy".
    public var name: String { kind.rawValue }
    public var description: String { fromLogits ? "\(name) (from logits)" : name }

    /// Keras' clipping of probabilities away from 0 and 1 before taking logarithms.
    public static let epsilon: Float = 1e-7

    /// The loss of `predictions` against `targets`.
    public func callAsFunction(_ predictions: Tensor, _ targets: Tensor) -> Float {
        compute(predictions, targets).loss
    }

    /// The activation whose logits this loss can take instead of its output: softmax for the
    /// categorical cross-entropies, sigmoid for binary cross-entropy.
    public var logitsActivation: ActivationFunction? {
        switch kind {
        case .binaryCrossentropy: return .sigmoid
        case .categoricalCrossentropy, .sparseCategoricalCrossentropy: return .softmax
        case .meanSquaredError, .meanAbsoluteError: return nil
        }
    }

    /// Whether this loss, after a softmax output, is computed from that softmax's logits.
    public var fusesWithSoftmax: Bool { logitsActivation == .softmax }

    /// The same loss taking logits.
    public var onLogits: Loss { Loss(kind, fromLogits: true) }

    /// The loss and dL/dpredictions (dL/dlogits when `fromLogits`).
    public func compute(_ p: Tensor, _ y: Tensor) -> (loss: Float, gradient: Tensor) {
        switch (kind, fromLogits) {
        case (.meanSquaredError, _):
            check(p, y)
            let n = Float(p.count)
            return (Float((p - y).scalars.reduce(0.0) { $0 + Double($1 * $1) }) / n, (p - y) * (2 / n))
        case (.meanAbsoluteError, _):
            check(p, y)
            let n = Float(p.count)
            return (
                Float((p - y).scalars.reduce(0.0) { $0 + Double(Swift.abs($1)) }) / n,
                (p - y).map { $0 > 0 ? 1 / n : ($0 < 0 ? -1 / n : 0) }
            )
        case (.binaryCrossentropy, false):
            check(p, y)
            return binaryCrossentropyOnProbabilities(p, y)
        case (.binaryCrossentropy, true):
            check(p, y)
            return sigmoidCrossEntropy(logits: p, targets: y)
        case (.categoricalCrossentropy, false):
            check(p, y)
            return categoricalCrossentropyOnProbabilities(p, y)
        case (.categoricalCrossentropy, true):
            return softmaxCrossEntropy(logits: p, targets: y, sparse: false)
        case (.sparseCategoricalCrossentropy, false):
            return sparseCategoricalCrossentropyOnProbabilities(p, y)
        case (.sparseCategoricalCrossentropy, true):
            return softmaxCrossEntropy(logits: p, targets: y, sparse: true)
        }
    }

    private func check(_ p: Tensor, _ y: Tensor) {
        require(p.shape == y.shape, "\(name): predictions \(p.shape) and targets \(y.shape) differ in shape")
    }
}

/// Keras' binary cross-entropy on probabilities: p clipped to [eps, 1 - eps]; the clip passes no
/// gradient (as `clip_by_value`), so a clipped value gets none. Gradient with respect to p.
private func binaryCrossentropyOnProbabilities(_ p: Tensor, _ y: Tensor) -> (loss: Float, gradient: Tensor) {
    let eps = Loss.epsilon
    let n = Float(p.count)
    var total = 0.0
    var grad = [Float](repeating: 0, count: p.count)
    for i in 0..<p.count {
        let raw = p.scalars[i]
        let q = Swift.min(Swift.max(raw, eps), 1 - eps)
        let t = y.scalars[i]
        total -= Double(t * logf(q) + (1 - t) * logf(1 - q))
        grad[i] = (raw == q) ? (q - t) / (q * (1 - q)) / n : 0
    }
    return (Float(total) / n, Tensor(shape: p.shape, scalars: grad))
}

/// Keras' categorical cross-entropy on probabilities: each row is first rescaled to sum to 1,
/// q = p / S, then clipped to [eps, 1 - eps]; L = -sum_k y_k log q_k. With g_k = dL/dq_k (zero where
/// clipped), dL/dp_j = (g_j - sum_k g_k q_k) / S. Rows of [N, ..., K] over the last axis.
private func categoricalCrossentropyOnProbabilities(_ p: Tensor, _ y: Tensor) -> (loss: Float, gradient: Tensor) {
    let eps = Loss.epsilon
    let classes = p.shape.last ?? 1
    let rows = classes == 0 ? 0 : p.count / classes
    var total = 0.0
    var grad = [Float](repeating: 0, count: p.count)
    for row in 0..<rows {
        let base = row * classes
        var sum: Float = 0
        for k in 0..<classes { sum += p.scalars[base + k] }
        var dot: Float = 0  // sum_k g_k q_k
        for k in 0..<classes {
            let raw = p.scalars[base + k] / sum
            let q = Swift.min(Swift.max(raw, eps), 1 - eps)
            let t = y.scalars[base + k]
            guard t != 0 else { continue }
            total -= Double(t * logf(q))
            if raw == q {
                let g = -t / q
                grad[base + k] = g
                dot += g * q
            }
        }
        for k in 0..<classes { grad[base + k] = (grad[base + k] - dot) / sum / Float(rows) }
    }
    return (Float(total / Double(Swift.max(rows, 1))), Tensor(shape: p.shape, scalars: grad))
}

/// Keras' sparse categorical cross-entropy on probabilities: c = p clipped to [eps, 1 - eps], then
/// the cross-entropy of softmax(log c), that is L = -log(c[label] / sum_k c_k) (rows rescaled to
/// sum to 1). dL/dp_j = 1/S - [j = label] / c_j where unclipped, 0 where clipped.
private func sparseCategoricalCrossentropyOnProbabilities(_ p: Tensor, _ y: Tensor) -> (loss: Float, gradient: Tensor) {
    let eps = Loss.epsilon
    let classes = p.shape.last ?? 1
    let rows = classes == 0 ? 0 : p.count / classes
    let labels = sparseLabels(y, rows: rows, classes: classes)
    var total = 0.0
    var grad = [Float](repeating: 0, count: p.count)
    for (row, label) in labels.enumerated() {
        let base = row * classes
        var sum: Float = 0
        for k in 0..<classes { sum += Swift.min(Swift.max(p.scalars[base + k], eps), 1 - eps) }
        let c = Swift.min(Swift.max(p.scalars[base + label], eps), 1 - eps)
        total -= Double(logf(c) - logf(sum))
        for k in 0..<classes {
            let raw = p.scalars[base + k]
            let ck = Swift.min(Swift.max(raw, eps), 1 - eps)
            guard raw == ck else { continue }
            grad[base + k] = (1 / sum - (k == label ? 1 / ck : 0)) / Float(rows)
        }
    }
    return (Float(total / Double(Swift.max(rows, 1))), Tensor(shape: p.shape, scalars: grad))
}

/// Class indices from a `[N]` (or `[N, 1]`) float tensor, each checked to lie in 0..<classes.
func sparseLabels(_ y: Tensor, rows: Int, classes: Int) -> [Int] {
    require(y.count == rows, "sparse labels: \(y.count) labels for \(rows) predictions")
    return y.scalars.map { v in
        require(
            v.isFinite && v >= 0 && v < Float(classes) && v == v.rounded(),
            "sparse labels: \(v) is not a class index in 0..<\(classes)")
        return Int(v)
    }
}

/// Cross-entropy computed from logits z through log-softmax (stable for any z), with its gradient
/// with respect to z: (softmax(z) * sum_k y_k - y) / N (softmax(z) - onehot(y) for class indices
/// or rows summing to 1). Targets as in `Loss`: class indices when `sparse`, otherwise rows of
/// probabilities, used as they are (Keras' `softmax_cross_entropy_with_logits`).
public func softmaxCrossEntropy(logits z: Tensor, targets y: Tensor, sparse: Bool) -> (loss: Float, gradient: Tensor) {
    let classes = z.shape.last ?? 1
    let rows = classes == 0 ? 0 : z.count / classes
    let logP = logSoftmax(z)
    let p = softmax(z)
    var grad = p
    var total = 0.0
    if sparse {
        for (row, label) in sparseLabels(y, rows: rows, classes: classes).enumerated() {
            total -= Double(logP.scalars[row * classes + label])
            grad.scalars[row * classes + label] -= 1
        }
    } else {
        require(
            z.shape == y.shape, "categorical_crossentropy: logits \(z.shape) and targets \(y.shape) differ in shape")
        for row in 0..<rows {
            let base = row * classes
            var mass: Float = 0
            for k in 0..<classes { mass += y.scalars[base + k] }
            for k in 0..<classes {
                total -= Double(y.scalars[base + k] * logP.scalars[base + k])
                grad.scalars[base + k] = p.scalars[base + k] * mass - y.scalars[base + k]
            }
        }
    }
    return (Float(total / Double(Swift.max(rows, 1))), grad / Float(Swift.max(rows, 1)))
}

/// Binary cross-entropy of sigmoid(z) computed from the logits z in one stable step,
/// max(z, 0) - z y + log(1 + e^-|z|) (Keras' `sigmoid_cross_entropy_with_logits`): exact for any z,
/// so a confidently wrong output (z = 30 for y = 0) costs 30, not the clipped 16.1, and its
/// gradient (sigmoid(z) - y) / n is not zero. Mean over all values.
public func sigmoidCrossEntropy(logits z: Tensor, targets y: Tensor) -> (loss: Float, gradient: Tensor) {
    require(z.shape == y.shape, "binary_crossentropy: logits \(z.shape) and targets \(y.shape) differ in shape")
    let n = Float(Swift.max(z.count, 1))
    var total = 0.0
    var grad = [Float](repeating: 0, count: z.count)
    for i in 0..<z.count {
        let v = z.scalars[i]
        let t = y.scalars[i]
        total += Double(Swift.max(v, 0) - v * t + log1pf(expf(-Swift.abs(v))))
        let s = v >= 0 ? 1 / (1 + expf(-v)) : expf(v) / (1 + expf(v))
        grad[i] = (s - t) / n
    }
    return (Float(total) / n, Tensor(shape: z.shape, scalars: grad))
}
