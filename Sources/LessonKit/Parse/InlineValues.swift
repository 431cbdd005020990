import Foundation

/// Inline values in prose, as Quarto writes them: `` `{swift} expr` `` is replaced on the page by
/// the value of `expr`, evaluated in document order by the lesson's own program. The prose parser
/// makes each one a node of its block's tree (`ProseNode.inlineValue`), numbered in document
/// order; the n-th one found is the n-th one run, and the page shows the n-th value there.
public enum InlineValues {
    static let marker = "{swift}"

    /// Each block's inline values given to the cell that evaluates them: the last cell above that
    /// runs at top level (not `eval: false`, not `expect: error` or `compile-error`), or, for
    /// values above every such cell, the first one, before its code. A lesson with inline values and no such cell is an error at the first.
    static func attach(_ blocks: [Block], file: String) throws(LessonError) -> [Block] {
        try InlineValueOrder.check(blocks, file: file)
        func runsAtTopLevel(_ cell: Cell) -> Bool { cell.options.eval && cell.options.expect == .success }
        var blocks = blocks
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
            case .prose(let prose):
                for value in prose.inlineValues {
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
