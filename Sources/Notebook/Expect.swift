import CNN
import Foundation

/// Checks a claim the lesson's prose makes against what the code computed. A passing check is
/// shown as such under the cell; a failing one fails the cell with the claim, and the build
/// reports it at this line.
public func expect(_ condition: @autoclosure () -> Bool, _ claim: String, file: String = #file, line: Int = #line) {
    let passed = condition()
    Channel.event(["kind": "expect", "passed": passed, "claim": claim, "line": line])
    if !passed { fail("expectation failed: \(claim)", line: line) }
}

/// `expect` for numbers: |actual - expected| <= tolerance, with both values in the message.
public func expect<T: BinaryFloatingPoint>(_ actual: T, equals expected: T, tolerance: T = 1e-5, _ claim: String, file: String = #file, line: Int = #line) {
    let passed = abs(actual - expected) <= tolerance
    let detail = "\(claim) (got \(Double(actual)), expected \(Double(expected)) ± \(Double(tolerance)))"
    Channel.event(["kind": "expect", "passed": passed, "claim": passed ? claim : detail, "line": line])
    if !passed { fail("expectation failed: \(detail)", line: line) }
}

/// A progress display for long loops: the terminal shows it live, the page keeps the log.
/// As a Keras callback it reports each epoch of `fit`, and every `every` batches within one.
public final class Progress: Callback {
    let label: String
    let every: Int
    var epochs = 0, steps = 0

    public init(_ label: String = "training", every: Int = 50) {
        self.label = label
        self.every = max(1, every)
    }

    /// One line of progress.
    public func update(_ text: String, final: Bool = false) {
        Channel.event(["kind": "progress", "text": text, "final": final])
    }

    public func onTrainBegin(epochs: Int, stepsPerEpoch: Int) { self.epochs = epochs; self.steps = stepsPerEpoch }

    public func onBatchEnd(_ batch: Int, logs: [String: Float]) {
        guard (batch + 1) % every == 0 && batch + 1 < steps else { return }
        update("\(label): \(batch + 1)/\(steps) - \(formatLogs(logs))")
    }

    public func onEpochEnd(_ epoch: Int, logs: [String: Float]) {
        update("\(label): epoch \(epoch + 1)/\(epochs) - \(steps)/\(steps) - \(formatLogs(logs))", final: true)
    }
}
