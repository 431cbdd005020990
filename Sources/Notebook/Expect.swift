import CNN
import Foundation
import LessonWire

/// Checks a claim the lesson's prose makes against what the code computed. A passing check is
/// shown as such under the cell; a failing one fails the cell with the claim, and the build
/// reports it at this line.
public func expect(_ condition: @autoclosure () -> Bool, _ claim: String, line: Int = #line) {
    let passed = condition()
    Channel.send(.expect(passed: passed, claim: claim, line: line))
    if !passed { fail("expectation failed: \(claim)", line: line) }
}

/// `expect` for numbers: |actual - expected| <= tolerance, with both values in the message.
public func expect<T: BinaryFloatingPoint>(_ actual: T, equals expected: T, tolerance: T = 1e-5, _ claim: String, line: Int = #line) {
    let passed = abs(actual - expected) <= tolerance
    let detail = "\(claim) (got \(Double(actual)), expected \(Double(expected)) ± \(Double(tolerance)))"
    Channel.send(.expect(passed: passed, claim: passed ? claim : detail, line: line))
    if !passed { fail("expectation failed: \(detail)", line: line) }
}

/// A progress display for training: the terminal shows every `every` batches live, the page
/// keeps one line per epoch. Pass it to `fit` as a callback.
public final class Progress: Callback {
    let label: String
    let every: Int
    var epochs = 0, steps = 0

    public init(_ label: String = "training", every: Int = 50) {
        self.label = label
        self.every = max(1, every)
    }

    public func onTrainBegin(epochs: Int, stepsPerEpoch: Int) { self.epochs = epochs; self.steps = stepsPerEpoch }

    public func onBatchEnd(_ batch: Int, logs: [String: Float]) {
        guard (batch + 1) % every == 0 && batch + 1 < steps else { return }
        Channel.send(.progress(text: "\(label): \(batch + 1)/\(steps) - \(formatLogs(logs))", step: .batch))
    }

    public func onEpochEnd(_ epoch: Int, logs: [String: Float]) {
        Channel.send(.progress(text: "\(label): epoch \(epoch + 1)/\(epochs) - \(steps)/\(steps) - \(formatLogs(logs))", step: .epoch))
    }
}
