import Foundation

/// Inline values in prose, as Quarto writes them: `` `{swift} expr` `` is replaced on the page by
/// the value of `expr`, evaluated in document order by the lesson's own program. The parser and
/// the renderer both find them with `scan`, so the n-th one found is the n-th one run.
public enum InlineValues {
    /// One `` `{swift} expr` `` in a prose block: its line offset in the block, where it sits in
    /// that line, and the expression.
    struct Occurrence: Equatable {
        let lineOffset: Int
        let range: Range<String.Index>
        let expression: String
    }

    static let marker = "{swift}"

    /// The expression of a code span's text (cmark's literal) when it is an inline value.
    static func expression(inCodeSpan code: String) -> String? {
        let content = code.trimmingCharacters(in: .whitespaces)
        guard content.hasPrefix(marker) else { return nil }
        return content.dropFirst(marker.count).trimmingCharacters(in: .whitespaces)
    }

    /// The inline values of a prose block, in order. Lines inside fenced code (```` ``` ````,
    /// `~~~`) hold none; a code span that does not start with `{swift}` is left alone.
    static func scan(_ markdown: String) -> [Occurrence] {
        var found: [Occurrence] = []
        var inFence = false
        for (offset, line) in markdown.components(separatedBy: "\n").enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
                inFence.toggle()
                continue
            }
            if inFence || !line.contains("`" + marker) { continue }
            var i = line.startIndex
            while i < line.endIndex {
                guard line[i] == "`" else {
                    i = line.index(after: i)
                    continue
                }
                // A code span: a run of backticks, closed by a run of the same length.
                var open = i
                var ticks = 0
                while open < line.endIndex && line[open] == "`" {
                    ticks += 1
                    open = line.index(after: open)
                }
                let fence = String(repeating: "`", count: ticks)
                guard let close = line.range(of: fence, range: open..<line.endIndex) else { break }
                let content = line[open..<close.lowerBound].trimmingCharacters(in: .whitespaces)
                if content.hasPrefix(marker) {
                    let expression = content.dropFirst(marker.count).trimmingCharacters(in: .whitespaces)
                    found.append(Occurrence(lineOffset: offset, range: i..<close.upperBound, expression: expression))
                }
                i = close.upperBound
            }
        }
        return found
    }

    /// Each block's inline values numbered in document order and given to the cell that
    /// evaluates them: the last cell above that runs at top level (not `eval: false`, not
    /// `expect: error` or `compile-error`), or, for values above every such cell, the first one,
    /// before its code. A lesson with inline values and no such cell is an error at the first.
    static func attach(_ blocks: [Block], file: String) throws(LessonError) -> [Block] {
        try InlineValueOrder.check(blocks, file: file)
        func runsAtTopLevel(_ cell: Cell) -> Bool { cell.options.eval && cell.options.expect == .success }
        var blocks = blocks
        var index = 0
        var lastRunning: Int?  // index into blocks
        var leading: [InlineValue] = []
        for k in blocks.indices {
            switch blocks[k] {
            case .cell(let cell) where runsAtTopLevel(cell):
                lastRunning = k
                if !leading.isEmpty {
                    var cell = cell
                    cell.inlineValues = leading.map {
                        InlineValue(index: $0.index, line: $0.line, expression: $0.expression, beforeCode: true)
                    }
                    blocks[k] = .cell(cell)
                    leading = []
                }
            case .cell:
                break
            case .prose(let markdown, let line):
                for occurrence in scan(markdown) {
                    let value = InlineValue(
                        index: index, line: line + occurrence.lineOffset, expression: occurrence.expression,
                        beforeCode: false)
                    index += 1
                    guard !value.expression.isEmpty else {
                        throw LessonError(
                            file: file, line: value.line, message: "inline value '`{swift}`' has no expression")
                    }
                    if let at = lastRunning, case .cell(var cell) = blocks[at] {
                        cell.inlineValues.append(value)
                        blocks[at] = .cell(cell)
                    } else {
                        leading.append(value)
                    }
                }
            }
        }
        if let first = leading.first {
            throw LessonError(
                file: file, line: first.line,
                message: "inline value '\(first.expression)' has no cell that runs to evaluate it in")
        }
        return blocks
    }
}

/// `` `{swift} expr` `` in prose: evaluated by the lesson's program in the cell `Cell.inlineValues`
/// holds it in, after that cell's code (or before it, for values above the lesson's first cell).
public struct InlineValue: Equatable, Sendable {
    /// 0-based, in document order across the lesson.
    public let index: Int
    /// The lesson line it is written on.
    public let line: Int
    public let expression: String
    /// Evaluated before the cell's code (the value sits above the lesson's first running cell).
    public let beforeCode: Bool
}
