import CNN
import Foundation
import LessonWire

/// Checks a claim the lesson's prose makes against what the code computed. A passing check is
/// shown as such under the cell; a failing one fails the cell with the claim, and the build
/// reports it at this line. Under `lessons audit` a failing check is reported and the lesson goes
/// on, so that every claim is checked in every variant.
public func expect(_ condition: @autoclosure () -> Bool, _ claim: String, line: Int = #line) {
    check(condition(), claim, found: nil, line: line)
}

/// `expect` for numbers: |actual - expected| <= tolerance, with both values in the message.
public func expect<T: BinaryFloatingPoint>(
    _ actual: T, equals expected: T, tolerance: T = 1e-5, _ claim: String, line: Int = #line
) {
    let passed = abs(actual - expected) <= tolerance
    check(passed, claim, found: "\(Double(actual)), expected \(Double(expected)) ± \(Double(tolerance))", line: line)
}

/// `value >= bound`; the value found goes with the check, so a failure (and the audit's table)
/// says what it was.
public func expect<T: Comparable>(_ value: T, atLeast bound: T, _ claim: String, line: Int = #line) {
    check(value >= bound, claim, found: "\(value), needs ≥ \(bound)", line: line)
}

/// `value <= bound`, with the value found.
public func expect<T: Comparable>(_ value: T, atMost bound: T, _ claim: String, line: Int = #line) {
    check(value <= bound, claim, found: "\(value), needs ≤ \(bound)", line: line)
}

/// `value > bound`, with the value found.
public func expect<T: Comparable>(_ value: T, greaterThan bound: T, _ claim: String, line: Int = #line) {
    check(value > bound, claim, found: "\(value), needs > \(bound)", line: line)
}

/// `value < bound`, with the value found.
public func expect<T: Comparable>(_ value: T, lessThan bound: T, _ claim: String, line: Int = #line) {
    check(value < bound, claim, found: "\(value), needs < \(bound)", line: line)
}

/// `range` holds `value`, with the value found.
public func expect<T: Comparable>(_ value: T, in range: ClosedRange<T>, _ claim: String, line: Int = #line) {
    check(range.contains(value), claim, found: "\(value), needs \(range.lowerBound)...\(range.upperBound)", line: line)
}

/// Sends the check; a failed one ends the lesson at its line, unless an audit asked to go on.
func check(_ passed: Bool, _ claim: String, found: String?, line: Int) {
    Channel.send(.expect(passed: passed, claim: claim, line: line, found: found))
    if !passed && !NotebookRuntime.continuesAfterFailedChecks {
        fail("expectation failed: \(claim)" + (found.map { " (found \($0))" } ?? ""), line: line)
    }
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

    public func onTrainBegin(epochs: Int, stepsPerEpoch: Int) {
        self.epochs = epochs
        self.steps = stepsPerEpoch
    }

    public func onBatchEnd(_ batch: Int, logs: [String: Float]) {
        guard (batch + 1) % every == 0 && batch + 1 < steps else { return }
        Channel.send(.progress(text: "\(label): \(batch + 1)/\(steps) - \(formatLogs(logs))", step: .batch))
    }

    public func onEpochEnd(_ epoch: Int, logs: [String: Float]) {
        Channel.send(
            .progress(
                text: "\(label): epoch \(epoch + 1)/\(epochs) - \(steps)/\(steps) - \(formatLogs(logs))", step: .epoch))
    }
}
