import Foundation

/// Why a cell failed, where, and which cell: built once where the failure is known (the
/// compiler's output, the crash report, the wire, the clock) and carried as is to the page, the
/// stored run, the build record, the terminal and the exercise checker, which switch on `kind`.
public struct CellFailure: Codable, Equatable, Sendable {
    public let cell: Int
    /// The cell's code lines in the lesson file.
    public let cellLines: ClosedRange<Int>
    /// The lesson line the failure points at (inside `cellLines` when known, else its first line;
    /// an inline value's line when the failure is in one).
    public let line: Int
    /// Left out for a line the lesson does not show as written (an inline value's).
    public let column: Int?
    public let kind: Kind

    public enum Kind: Codable, Equatable, Sendable {
        /// The cell does not compile: every error of the cell, in the compiler's order (never empty).
        case compileError([CompileDiagnostic])
        /// The program trapped in the cell (index out of range, a failed precondition, a signal)
        /// or exited in it.
        case trap(Crash)
        /// An error thrown by the cell's code reached the top level.
        case thrownError(Crash)
        /// An `expect` did not hold: its claim, and the value it compared when it says.
        case expectation(claim: String, found: String?)
        /// The program ended the cell with a message of its own (a figure that could not be written).
        case programError(String)
        /// The cell ran longer than its limit, in seconds.
        case timeout(limit: Double)
        /// The cell's `expect` option asked for a failure that did not come.
        case unexpectedSuccess(CellOptions.Expectation)
        /// The program broke the runner's protocol (an unreadable or misplaced message), or could
        /// not be started: what went wrong, said in full.
        case protocolError(String)
    }

    public init(cell: Cell, line: Int? = nil, column: Int? = nil, kind: Kind) {
        self.cell = cell.number
        self.cellLines = cell.lines
        self.line = line ?? cell.firstLine
        self.column = column
        self.kind = kind
    }

    /// The one-line message the terminal, the page and the build record say.
    public var message: String {
        switch kind {
        case .compileError(let diagnostics):
            let first = diagnostics.first.map(\.inCell) ?? "see the compiler's message"
            return diagnostics.count > 1
                ? "\(diagnostics.count) compile errors, the first: \(first)" : "compile error: \(first)"
        case .trap(let crash), .thrownError(let crash):
            return crash.message
        case .expectation(let claim, let found):
            return "expectation failed: \(claim)" + (found.map { " (found \($0))" } ?? "")
        case .programError(let message), .protocolError(let message):
            return message
        case .timeout(let limit):
            return "timed out after \(formatSeconds(limit)) (cell \(cell); raise it with '//| timeout: <seconds>')"
        case .unexpectedSuccess(.compileError):
            return "the cell was expected not to compile ('expect: compile-error') but it compiled"
        case .unexpectedSuccess:
            return "the cell was expected to fail ('expect: error') but ran without error"
        }
    }

    /// Whether the cell's error text (its stderr, or every diagnostic) already says this failure:
    /// a compile error's diagnostics and a crash report do; the others are the runner's words.
    public var isInErrorText: Bool {
        switch kind {
        case .compileError, .trap, .thrownError: return true
        case .expectation, .programError, .timeout, .unexpectedSuccess, .protocolError: return false
        }
    }

    /// "message (column 15)", as the terminal and the page say it.
    public var text: String { message + (column.map { " (column \($0))" } ?? "") }

    /// The same failure in the same cell moved `shift` lines (prose above it grew or shrank):
    /// every line it names moves, in the lesson's file.
    func moved(by shift: Int, to cell: Cell) -> CellFailure {
        var kind = self.kind
        switch kind {
        case .compileError(let diagnostics): kind = .compileError(diagnostics.map { $0.moved(by: shift) })
        case .trap(let crash): kind = .trap(crash.moved(by: shift))
        case .thrownError(let crash): kind = .thrownError(crash.moved(by: shift))
        default: break
        }
        return CellFailure(cell: cell, line: line + shift, column: column, kind: kind)
    }
}

/// One error the compiler found in a cell, at its place in the lesson's file.
public struct CompileDiagnostic: Codable, Equatable, Sendable {
    /// The lesson's file name ("05-pooling.md"; the workbook's for an answer).
    public var file: String
    public var line: Int
    /// In the program's line: for an inline value it counts in the generated code, not the prose.
    public var column: Int
    public var message: String
    /// The expression of the inline value (`{swift} expr`) the error is in, if any.
    public var inlineValue: String?

    public init(file: String, line: Int, column: Int, message: String, inlineValue: String? = nil) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
        self.inlineValue = inlineValue
    }

    /// "05-pooling.md:12:5: error: message", as the compiler says it.
    public var description: String { "\(file):\(line):\(column): error: \(message)" }

    /// The message, saying which inline value it is in.
    var inCell: String { inlineValue.map { "in the inline value '\($0)': " + message } ?? message }

    func moved(by shift: Int) -> CompileDiagnostic {
        var moved = self
        moved.line += shift
        return moved
    }
}

/// What the Swift runtime said when a cell's program crashed, read once from the cell's stderr.
public struct Crash: Codable, Equatable, Sendable {
    /// "Index out of range", "error thrown: Oops()", or a description of the signal or status.
    public var message: String
    /// The backtrace's frames in the lesson's own file, innermost first.
    public var frames: [SourceLocation]
    /// What the cell itself wrote on stderr before it crashed, without the runtime's report.
    public var stderr: String

    public init(message: String, frames: [SourceLocation] = [], stderr: String = "") {
        self.message = message
        self.frames = frames
        self.stderr = stderr
    }

    func moved(by shift: Int) -> Crash {
        var moved = self
        moved.frames = frames.map { SourceLocation(file: $0.file, line: $0.line + shift, column: $0.column) }
        return moved
    }
}

/// A place in a file: "01-trap.md:13:15".
public struct SourceLocation: Codable, Equatable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int?

    public init(file: String, line: Int, column: Int? = nil) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String { "\(file):\(line)" + (column.map { ":\($0)" } ?? "") }
}
