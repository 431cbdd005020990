import Foundation
import LessonWire

/// Something a cell produced, in order. The wire's `WireEvent` becomes one of these in
/// `CellRecorder`; `PageRenderer` draws each.
public enum CellOutput: Codable, Equatable, Sendable {
    case text(String)  // stdout
    case errorText(String)  // stderr, crash reports already shortened
    case figure(FigureOutput)
    case display(String)  // a value shown as Out[n]
    case table(TableOutput)
    /// An `expect`: its claim, the lesson line of the call, and the value it compared when it says.
    case check(passed: Bool, claim: String, line: Int?, found: String?)
    case progress([String])  // a training log, one line per epoch
    case inlineValue(index: Int, text: String)  // shown in the prose, not under the cell
}

/// How a cell ended.
public enum CellStatus: Codable, Equatable, Sendable {
    case passed
    /// Failed as its `expect` option asked; the message is what it failed with.
    case failedAsExpected(String)
    /// Failed: compile error, trap, thrown error, failed `expect`, timeout, unreadable message.
    case failed(CellFailure)
    /// Not run because an earlier cell failed.
    case notRun
    /// `eval: false`.
    case skipped

    public var failure: CellFailure? { if case .failed(let f) = self { return f } else { return nil } }
}

public struct CellResult: Equatable, Sendable {
    public let cell: Cell
    public var status: CellStatus
    public var outputs: [CellOutput] = []
    public var seconds: Double?
    /// The cell printed more than the page keeps: its text ends with a note saying so.
    public var outputCut = false

    public init(
        cell: Cell, status: CellStatus, outputs: [CellOutput] = [], seconds: Double? = nil, outputCut: Bool = false
    ) {
        self.cell = cell
        self.status = status
        self.outputs = outputs
        self.seconds = seconds
        self.outputCut = outputCut
    }
}

/// A lesson after running: every cell's result, and what the page needs to say about the run.
public struct ExecutedLesson: Equatable, Sendable {
    public let lesson: Lesson
    public var results: [CellResult]
    public let swiftVersion: String
    public let builtAt: Date

    public init(lesson: Lesson, results: [CellResult], swiftVersion: String, builtAt: Date) {
        self.lesson = lesson
        self.results = results
        self.swiftVersion = swiftVersion
        self.builtAt = builtAt
    }

    /// The failures the build reports, each with its cell.
    public func failures(displayPath: String) -> [LessonError] {
        results.compactMap { $0.status.failure.map { LessonError(file: displayPath, failure: $0) } }
    }

    public var passed: Bool { !results.contains { $0.status.failure != nil } }
}
