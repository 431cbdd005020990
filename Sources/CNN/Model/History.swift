/// What `fit` measured, one value per epoch for each metric ("loss", "accuracy", "val_loss",
/// "val_accuracy"), as Keras' `History.history`, and the learning rate ("learning_rate").
public struct History: Sendable {
    public internal(set) var epochs: [Int] = []
    public internal(set) var metrics: [String: [Float]] = [:]
    /// Seconds each epoch took.
    public internal(set) var epochSeconds: [Double] = []
    /// The learning rate of each epoch's last step (a schedule's value there), Keras' key
    /// "learning_rate": `history["learning_rate"]`. Kept apart from `metrics`, which holds what
    /// the progress line prints.
    public internal(set) var learningRates: [Float] = []

    public subscript(metric: String) -> [Float] { metric == "learning_rate" ? learningRates : metrics[metric] ?? [] }

    mutating func record(epoch: Int, logs: [String: Float], seconds: Double) {
        epochs.append(epoch)
        epochSeconds.append(seconds)
        for (key, value) in logs { metrics[key, default: []].append(value) }
    }
}

/// Hooks into `fit`, as Keras' callbacks: every method has an empty default.
public protocol Callback: AnyObject {
    func onTrainBegin(epochs: Int, stepsPerEpoch: Int)
    func onEpochBegin(_ epoch: Int)
    /// After each batch, with the running means of the epoch so far.
    func onBatchEnd(_ batch: Int, logs: [String: Float])
    func onEpochEnd(_ epoch: Int, logs: [String: Float])
    func onTrainEnd(history: History)
}

extension Callback {
    public func onTrainBegin(epochs: Int, stepsPerEpoch: Int) {}
    public func onEpochBegin(_ epoch: Int) {}
    public func onBatchEnd(_ batch: Int, logs: [String: Float]) {}
    public func onEpochEnd(_ epoch: Int, logs: [String: Float]) {}
    public func onTrainEnd(history: History) {}
}

/// A callback made of closures.
public final class LambdaCallback: Callback {
    let batchEnd: ((Int, [String: Float]) -> Void)?
    let epochEnd: ((Int, [String: Float]) -> Void)?
    public init(
        onBatchEnd: ((Int, [String: Float]) -> Void)? = nil, onEpochEnd: ((Int, [String: Float]) -> Void)? = nil
    ) {
        batchEnd = onBatchEnd
        epochEnd = onEpochEnd
    }
    public func onBatchEnd(_ batch: Int, logs: [String: Float]) { batchEnd?(batch, logs) }
    public func onEpochEnd(_ epoch: Int, logs: [String: Float]) { epochEnd?(epoch, logs) }
}

/// The order Keras' progress line gives metrics in: loss first, validation last.
func orderedMetricNames(_ logs: [String: Float]) -> [String] {
    let preferred = ["loss", "accuracy", "val_loss", "val_accuracy"]
    return preferred.filter { logs[$0] != nil } + logs.keys.filter { !preferred.contains($0) }.sorted()
}

/// "loss: 0.0743 - accuracy: 0.9782"
public func formatLogs(_ logs: [String: Float]) -> String {
    orderedMetricNames(logs).map { "\($0): \(formatMetric(logs[$0]!))" }.joined(separator: " - ")
}

func formatMetric(_ v: Float) -> String {
    if v.isNaN { return "nan" }
    let scaled = (Double(v) * 10_000).rounded() / 10_000
    var s = String(scaled)
    if let dot = s.firstIndex(of: ".") {
        let decimals = s.distance(from: dot, to: s.endIndex) - 1
        if decimals < 4 { s += String(repeating: "0", count: 4 - decimals) }
    }
    return s.contains("e") ? String(v) : s
}
