import Foundation
import LessonWire

/// Writes one Swift program for a lesson: its cells in order as top-level code (so values persist
/// from cell to cell), each between `NotebookRuntime.cell(n)` markers and `#sourceLocation`
/// lines that make compiler errors and crash reports point at the lesson's own lines.
enum ProgramBuilder {
    /// The program's opening: imports and the runtime set-up every lesson gets, before cell 1.
    /// THE one place for process-wide set-up of a lesson program. The runner passes the threads
    /// a lesson may use as the environment variable `LESSON_THREADS` (see `LessonRunner.threads`:
    /// cores shared among the lessons running at once), and the program hands them to the core's
    /// thread model here, explicitly; in a build, the share then follows the lessons still
    /// running (`ThreadShare`), through `CNN.Runtime.setThreads`.
    static let preamble = """
        import CNN
        import Figures
        import Foundation
        import Notebook

        CNN.Runtime.configure(threads: Int(ProcessInfo.processInfo.environment["\(LessonEnvironment.threads)"] ?? "") ?? 1)
        NotebookRuntime.followThreadShare { CNN.Runtime.setThreads($0) }
        NotebookRuntime.start()

        """

    /// The program for `cells` (those that run). `sourcePath` is what diagnostics will name.
    static func program(_ cells: [Cell], sourcePath: String) -> String {
        var out = preamble
        let quoted = sourcePath.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(
            of: "\"", with: "\\\"")
        func inline(_ value: InlineValue) -> String {
            // `try` only where the expression has one: a `try` with nothing to throw is a warning.
            let mayThrow = value.expression.range(of: #"\btry\b"#, options: .regularExpression) != nil
            return "#sourceLocation(file: \"\(quoted)\", line: \(value.line))\n"
                + "\(mayThrow ? "try " : "")NotebookRuntime.inlineValue(\(value.index)) { (\(value.expression)) }\n"
                + "#sourceLocation()\n"
        }
        for cell in cells {
            out += "NotebookRuntime.cell(\(cell.number))\n"
            for value in cell.inlineValues where value.beforeCode { out += inline(value) }
            let body = cell.options.output ? LastExpression.wrapped(cell.code) : cell.code
            if cell.options.expect == .error {
                // In a closure run in a child process: it may trap without ending the lesson.
                out += "NotebookRuntime.expectFailure {\n"
            }
            out += "#sourceLocation(file: \"\(quoted)\", line: \(cell.firstLine))\n"
            out += body + "\n"
            out += "#sourceLocation()\n"
            if cell.options.expect == .error { out += "}\n" }
            for value in cell.inlineValues where !value.beforeCode { out += inline(value) }
        }
        out += "NotebookRuntime.finish()\n"
        return out
    }
}
