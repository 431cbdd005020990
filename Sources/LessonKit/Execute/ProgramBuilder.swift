import Foundation

/// Writes one Swift program for a lesson: its cells in order as top-level code (so values persist
/// from cell to cell), each between `NotebookRuntime.cell(n)` markers and `#sourceLocation`
/// lines that make compiler errors and crash reports point at the lesson's own lines.
enum ProgramBuilder {
    /// The program for `cells` (those that run). `sourcePath` is what diagnostics will name.
    static func program(_ cells: [Cell], sourcePath: String) -> String {
        var out = """
        import CNN
        import Figures
        import Foundation
        import Notebook

        NotebookRuntime.start()

        """
        let quoted = sourcePath.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        for cell in cells {
            out += "NotebookRuntime.cell(\(cell.number))\n"
            let body = cell.options.output ? LastExpression.wrapped(cell.code) : cell.code
            if cell.options.expect == .error {
                // In a closure run in a child process: it may trap without ending the lesson.
                out += "NotebookRuntime.expectFailure {\n"
            }
            out += "#sourceLocation(file: \"\(quoted)\", line: \(cell.firstLine))\n"
            out += body + "\n"
            out += "#sourceLocation()\n"
            if cell.options.expect == .error { out += "}\n" }
        }
        out += "NotebookRuntime.finish()\n"
        return out
    }
}
