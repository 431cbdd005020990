import Foundation

/// Something a cell produced, in order.
public enum CellOutput: Equatable, Sendable {
    case text(String)                  // stdout
    case errorText(String)             // stderr
    case figure(FigureOutput)
    case display(String)               // a value shown as Out[n]
    case table(TableOutput)
    case check(passed: Bool, claim: String)
    case progress([String])            // a progress log, final lines kept
}

public struct FigureOutput: Equatable, Sendable {
    public var file: String
    public var caption: String?
    public var alt: String?
    public var notes: [String]
    public var frames: [String]
    public var width: Int
    public var height: Int
}

public struct TableOutput: Equatable, Sendable {
    public var caption: String?
    public var header: [String]?
    public var rows: [[String]]
    public var numeric: Bool
}

/// How a cell ended.
public enum CellStatus: Equatable, Sendable {
    case passed
    /// Failed as its `expect` option asked; the message is what it failed with.
    case failedAsExpected(String)
    /// Failed: compile error, trap, thrown error, failed `expect`, timeout. `line` is in the lesson.
    case failed(message: String, line: Int)
    /// Not run because an earlier cell failed.
    case notRun
    /// `eval: false`.
    case skipped
}

public struct CellResult: Equatable, Sendable {
    public let cell: Cell
    public var status: CellStatus
    public var outputs: [CellOutput] = []
    public var seconds: Double?
}

/// A lesson after running: every cell's result, and what the page needs to say about the run.
public struct ExecutedLesson: Equatable, Sendable {
    public let lesson: Lesson
    public var results: [CellResult]
    public let swiftVersion: String
    public let builtAt: Date
    public var warnings: [LessonError] = []

    /// The failures the build reports, as `file:line: message`.
    public func failures(displayPath: String) -> [LessonError] {
        results.compactMap { r in
            if case let .failed(message, line) = r.status { return LessonError(file: displayPath, line: line, message: message) }
            return nil
        }
    }

    public var passed: Bool { !results.contains { if case .failed = $0.status { return true } else { return false } } }
}
