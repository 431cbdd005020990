import Foundation

/// A lesson as written: its front matter and its blocks in order. Nothing here has run.
public struct Lesson: Equatable, Sendable {
    /// The file name without ".md", such as "05-pooling"; the page's folder in the output.
    public let slug: String
    public let file: URL
    public let title: String
    public let summary: String
    public let blocks: [Block]
    /// The full text, for the cache key.
    public let source: String
    /// Ids headings take instead of their text's (by heading text): a translation's headings keep
    /// the English page's ids, so a link into a section, and `@sec-`, work in every language.
    public var anchors: [String: String] = [:]

    public var cells: [Cell] { blocks.compactMap { if case .cell(let c) = $0 { return c } else { return nil } } }
    /// Every inline value of the prose, in document order.
    public var inlineValues: [InlineValue] { cells.flatMap(\.inlineValues).sorted { $0.index < $1.index } }
}

/// A piece of a lesson: prose (Markdown, parsed) or a Swift cell.
public enum Block: Equatable, Sendable {
    case prose(Prose)
    case cell(Cell)
}

/// A fenced `swift` block: code, its options, and where it sits in the file.
public struct Cell: Equatable, Sendable {
    /// 1-based position among the lesson's cells.
    public let number: Int
    /// The line of the opening fence.
    public let fenceLine: Int
    /// The line of the first line of code (fence line + 1).
    public var firstLine: Int { fenceLine + 1 }
    /// The lesson lines holding the code (a cell with no code still owns its first line).
    public var lines: ClosedRange<Int> {
        firstLine...(firstLine + max(0, code.components(separatedBy: "\n").count - 1))
    }
    /// The code, options lines included (they are Swift comments), without the fences.
    public let code: String
    public let options: CellOptions
    /// The prose's inline values this cell's run evaluates (see `InlineValues.attach`).
    public var inlineValues: [InlineValue] = []

    /// The cell's code lines, or the line of one of its inline values: where a failure of its run
    /// can point.
    public func owns(line: Int) -> Bool { lines.contains(line) || inlineValues.contains { $0.line == line } }

    /// What the cell runs besides its code, for the run's key: its inline values' expressions.
    var inlineKey: [String] { inlineValues.map { "\($0.beforeCode ? "<" : ">")\($0.expression)" } }

    /// The code without its leading `//|` option lines, as the page shows it.
    public var displayCode: String {
        var lines = code.components(separatedBy: "\n")
        while let first = lines.first, first.trimmingCharacters(in: .whitespaces).hasPrefix("//|") {
            lines.removeFirst()
        }
        return lines.joined(separator: "\n")
    }
}

/// Quarto-style options, `//| key: value` lines at the top of a cell.
public struct CellOptions: Equatable, Sendable {
    /// Show the code (`echo: false` hides it).
    public var echo = true
    /// Show the output (`output: false` hides it; the cell still runs).
    public var output = true
    /// Run the cell (`eval: false` shows it without running it).
    public var eval = true
    public var label: String?
    public var figureCaption: String?
    public var figureAlt: String?
    /// Seconds the cell may run before the lesson is stopped.
    public var timeout: Double?
    public var expect: Expectation = .success
    /// `exercise: <id>`: the cell is an exercise's solution, the part a learner writes in the workbook.
    public var exercise: String?
    /// `check: <id>`: the cell holds the `expect`s that decide whether an answer to exercise `id` is right.
    public var check: String?

    public enum Expectation: String, Codable, Equatable, Sendable {
        case success
        /// `expect: error`: the cell must fail at run time (trap, thrown error, failed expect).
        case error
        /// `expect: compile-error`: the cell must not compile.
        case compileError = "compile-error"
    }

    public init() {}
}

/// A problem with a lesson at a line: "Lessons/05-pooling.md:12: unknown cell option 'eco'".
/// `cell` names the cell when the problem is one cell's failure.
public struct LessonError: Error, Equatable, Codable, CustomStringConvertible, Sendable {
    public let file: String
    public let line: Int
    public let message: String
    public let cell: Int?

    public init(file: String, line: Int, message: String, cell: Int? = nil) {
        self.file = file
        self.line = line
        self.message = message
        self.cell = cell
    }

    /// A cell's failure, said at its line.
    public init(file: String, failure: CellFailure) {
        self.init(file: file, line: failure.line, message: failure.text, cell: failure.cell)
    }

    public var description: String { "\(file):\(line): \(message)" }
}
