/// Cell lines longer than a code block holds: at about 90 columns a line no longer fits the
/// page's code column beside the sidebar, and wraps on every phone. A warning at the line (the
/// page still wraps it with a mark), so an author shortens it; never a failure.
enum LineLengths {
    static let limit = 90

    /// One warning per shown line longer than `limit` columns, at its line of the lesson.
    /// Option lines (`//|`) are not shown, so they may be long; a hidden cell (`echo: false`) too.
    static func warnings(_ cell: Cell, file: String) -> [LessonError] {
        guard cell.options.echo else { return [] }
        return longLines(cell).map { line, columns in
            LessonError(
                file: file, line: line,
                message: "line of \(columns) columns (at most \(limit) fit the page's code column; longer ones wrap)")
        }
    }

    /// The lesson line and width of each code line of the cell, shown or not, longer than `limit`
    /// columns (characters, not bytes: "η" and "‖" are one column each). Not counted: option
    /// lines, and a line that holds one string literal longer than `limit` on its own, which no
    /// line break or indent can shorten (captions and alt texts are matched by their text, so
    /// they stay whole).
    static func longLines(_ cell: Cell) -> [(line: Int, columns: Int)] {
        var found: [(line: Int, columns: Int)] = []
        for (offset, line) in cell.code.components(separatedBy: "\n").enumerated() {
            let columns = line.count
            guard columns > limit, !line.trimmingCharacters(in: .whitespaces).hasPrefix("//|"),
                !isUnbreakableLiteral(line)
            else { continue }
            found.append((cell.firstLine + offset, columns))
        }
        return found
    }

    /// A line that is, after its indent, one string literal (with `\(...)` interpolations),
    /// optionally after an argument label (`caption: `) or a `+ `, `? ` or `: ` continuation,
    /// and followed by nothing but `,` and `)`; true when the literal and its comma alone are
    /// wider than `limit`.
    static func isUnbreakableLiteral(_ line: String) -> Bool {
        var rest = Substring(line.drop { $0 == " " })
        if let colon = rest.firstIndex(of: ":"), rest[..<colon].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }),
            !rest[..<colon].isEmpty, rest[colon...].hasPrefix(": \"")
        {
            rest = rest[rest.index(colon, offsetBy: 2)...]
        } else if rest.hasPrefix("+ \"") || rest.hasPrefix("? \"") || rest.hasPrefix(": \"") {
            rest = rest.dropFirst(2)
        }
        guard rest.hasPrefix("\""), !rest.hasPrefix("\"\"\""), let end = literalEnd(rest) else { return false }
        let tail = rest[end...]
        guard tail.allSatisfy({ $0 == "," || $0 == ")" || $0 == " " }) else { return false }
        let literal = rest[..<end].count + (tail.hasPrefix(",") ? 1 : 0)
        return literal > limit
    }

    /// The index just past the closing quote of the literal that `text` starts with, or nil if it
    /// does not close on this line. Escapes are skipped; an interpolation's code may hold its
    /// own literals and parentheses.
    static func literalEnd(_ text: Substring) -> String.Index? {
        var i = text.index(after: text.startIndex)
        var depths: [Int] = []  // one entry per open interpolation: its parenthesis depth
        var inString = true
        while i < text.endIndex {
            let c = text[i]
            if inString {
                if c == "\\" {
                    let next = text.index(after: i)
                    if next < text.endIndex, text[next] == "(" {
                        depths.append(0)
                        inString = false
                        i = text.index(after: next)
                        continue
                    }
                    i = next < text.endIndex ? text.index(after: next) : next
                    continue
                }
                if c == "\"" {
                    if depths.isEmpty { return text.index(after: i) }
                    inString = false  // a literal inside an interpolation ends
                }
            } else {
                if c == "\"" {
                    inString = true  // a literal inside an interpolation begins
                } else if c == "(" {
                    depths[depths.count - 1] += 1
                } else if c == ")" {
                    if depths[depths.count - 1] == 0 {
                        depths.removeLast()
                        inString = true
                    } else {
                        depths[depths.count - 1] -= 1
                    }
                }
            }
            i = text.index(after: i)
        }
        return nil
    }
}
