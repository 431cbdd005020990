/// Cell lines longer than a code block holds: at about 90 columns a line no longer fits the
/// page's code column beside the sidebar, and wraps on every phone. A warning at the line (the
/// page still wraps it with a mark), so an author shortens it; never a failure.
enum LineLengths {
    static let limit = 90

    /// One warning per shown line longer than `limit` characters, at its line of the lesson.
    /// Option lines (`//|`) are not shown, so they may be long; a hidden cell (`echo: false`) too.
    static func warnings(_ cell: Cell, file: String) -> [LessonError] {
        guard cell.options.echo else { return [] }
        var found: [LessonError] = []
        for (offset, line) in cell.code.components(separatedBy: "\n").enumerated() {
            let columns = line.count
            guard columns > limit, !line.trimmingCharacters(in: .whitespaces).hasPrefix("//|") else { continue }
            found.append(
                LessonError(
                    file: file, line: cell.firstLine + offset,
                    message:
                        "line of \(columns) columns (at most \(limit) fit the page's code column; longer ones wrap)"))
        }
        return found
    }
}
