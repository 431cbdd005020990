/// A metric `fit` and `evaluate` report besides the loss.
public enum Metric: String, Sendable {
    /// The share of samples whose predicted class is right: argmax for many classes (against the
    /// label, or the argmax of a one-hot target), p > 0.5 for one sigmoid output.
    case accuracy

    public var name: String { rawValue }

    /// The metric over a batch of predictions.
    public func compute(_ predictions: Tensor, _ targets: Tensor, loss: Loss) -> Float {
        let binary = isBinary(predictions, loss: loss)
        let judged = binary ? predictions.count : predictions.shape[0]
        return Float(correctCount(predictions, targets, loss: loss)) / Float(max(judged, 1))
    }

    /// How many samples (for binary outputs: how many values) are right. With a loss on logits,
    /// a binary output is judged by z > 0, the same as sigmoid(z) > 0.5.
    public func correctCount(_ p: Tensor, _ y: Tensor, loss: Loss) -> Int {
        if loss.kind == .sparseCategoricalCrossentropy {
            return zip(p.argmax(), y.scalars).filter { Float($0) == $1 }.count
        }
        if isBinary(p, loss: loss) {
            let threshold: Float = loss.fromLogits ? 0 : 0.5
            return zip(p.scalars, y.scalars).filter { ($0 > threshold ? 1 : 0) == $1 }.count
        }
        return zip(p.argmax(), y.argmax()).filter { $0 == $1 }.count
    }
}

/// Whether accuracy judges each value (one sigmoid output, or binary cross-entropy) rather than each row.
func isBinary(_ predictions: Tensor, loss: Loss) -> Bool {
    loss.kind == .binaryCrossentropy || (predictions.shape.last ?? 1) == 1
}
