/// A lesson's prose between two cells, parsed once: cmark's tree kept as values, with the
/// runner's own nodes (formulas, cross-references, inline values) where the author wrote them.
/// The page renders it as it is (`ProseRenderer`); nothing parses the Markdown again.
public struct Prose: Equatable, Sendable {
    /// The Markdown as written (a workbook's exercise prompts are cut from it).
    public let markdown: String
    /// The lesson line of its first line.
    public let line: Int
    /// The top-level blocks, in order.
    public let nodes: [ProseNode]
    /// What is wrong with the text but does not stop the lesson, each at its line: a `$$` never
    /// closed (the lines after it, up to the next cell, are left out of the page).
    public let warnings: [LessonError]

    public init(markdown: String, line: Int, nodes: [ProseNode], warnings: [LessonError] = []) {
        self.markdown = markdown
        self.line = line
        self.nodes = nodes
        self.warnings = warnings
    }

    /// Its inline values (`` `{swift} expr` ``), in document order.
    public var inlineValues: [InlineValue] {
        var found: [InlineValue] = []
        ProseNode.walk(nodes) { if case .inlineValue(let value) = $0 { found.append(value) } }
        return found
    }
}

/// A node of a prose block: CommonMark's blocks and inlines as cmark parses them, and the
/// runner's own inlines and display formulas.
public indirect enum ProseNode: Equatable, Sendable {
    // Blocks.
    case paragraph([ProseNode])
    case heading(level: Int, [ProseNode])
    case blockQuote([ProseNode])
    /// A list's items, each its blocks. In a tight list an item's paragraphs are not `<p>`s.
    case list(ordered: Bool, start: Int, tight: Bool, items: [[ProseNode]])
    case codeBlock(info: String, code: String)
    case htmlBlock(String)
    case thematicBreak
    /// `$$ ... $$`: the TeX between the `$$`s, the line of the opening one, and the label
    /// written after the closing one (`$$ {#eq-name}`, as in Quarto), which numbers it.
    case displayMath(tex: String, line: Int, label: String?)

    // Inlines.
    case text(String)
    case softBreak
    case lineBreak
    case code(String)
    case inlineHTML(String)
    case emphasis([ProseNode])
    case strong([ProseNode])
    case link(url: String, title: String, [ProseNode])
    case image(url: String, title: String, [ProseNode])
    /// `$...$`: its TeX and its line.
    case math(tex: String, line: Int)
    /// `@fig-name` (or `@tbl-`, `@cell-`, `@sec-`, `@eq-`): the name without the `@`, and its line.
    case reference(name: String, line: Int)
    /// `` `{swift} expr` ``: evaluated by the lesson's program, shown as its value.
    case inlineValue(InlineValue)

    /// The nodes inside this one (a list's items' blocks, in order).
    public var children: [ProseNode] {
        switch self {
        case .paragraph(let c), .heading(_, let c), .blockQuote(let c), .emphasis(let c), .strong(let c),
            .link(_, _, let c), .image(_, _, let c):
            return c
        case .list(_, _, _, let items): return items.flatMap { $0 }
        default: return []
        }
    }

    /// Visits `nodes` and everything inside them, in document order.
    public static func walk(_ nodes: [ProseNode], _ visit: (ProseNode) -> Void) {
        for node in nodes {
            visit(node)
            walk(node.children, visit)
        }
    }
}
