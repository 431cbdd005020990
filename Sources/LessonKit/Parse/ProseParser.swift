import CCmark
import Foundation

extension Prose {
    /// A prose block from its Markdown, `line` being the line of its first line in `file`: the
    /// same steps the lesson parser takes for each block of a lesson, so a block made here (a
    /// translation's) renders as a lesson's does. `firstInlineValue` is the number, in the lesson,
    /// of the block's first `` `{swift} expr` `` (the run's values are looked up by it).
    public static func parse(_ markdown: String, file: String, line: Int, firstInlineValue: Int = 0)
        throws(LessonError) -> Prose
    {
        let marked = ProseParser.mark(markdown.components(separatedBy: "\n"), firstLine: line)
        var tree = ProseParser.Tree(file: file, nextInlineValue: firstInlineValue)
        let nodes = try ProseParser.parse(marked, file: file, line: line) { document in
            var nodes: [OpaquePointer] = []
            var node = cmark_node_first_child(document)
            while let current = node {
                nodes.append(current)
                node = cmark_node_next(current)
            }
            return tree.blocks(nodes)
        }
        return Prose(
            markdown: markdown, line: line, nodes: nodes,
            warnings: marked.unclosed.map { ProseParser.unclosedMath(file: file, line: $0) })
    }
}

/// Markdown -> cmark's tree -> `ProseNode`s, in one parse. Formulas, cross-references and inline
/// values are found line by line first, and handed to cmark as code spans (and a display formula
/// as a fenced block) marked as the runner's, so that `_` and `*` inside a formula stay TeX; in
/// the tree they become nodes of their own. The marks live only between the two steps.
enum ProseParser {
    /// Starts the code of a span or block that is ours, not the author's: a private-use character
    /// no lesson types. Then the kind, the lesson line, and after `fieldEnd` the TeX, the
    /// reference's name or the inline value's expression.
    static let mark: Character = "\u{E000}"
    static let fieldEnd: Character = "\u{E001}"
    enum Kind: Character {
        case inlineMath = "M"
        case displayMath = "D"
        case reference = "R"
        case inlineValue = "V"
    }

    /// Markdown with our code marked, each of its lines with the line it comes from.
    struct Marked {
        var lines: [String] = []
        /// For each of `lines`, the 0-based index of the Markdown line it comes from.
        var origin: [Int] = []
        /// The lesson lines of each `$$` never closed before the next cell or the end.
        var unclosed: [Int] = []

        mutating func append(_ text: String, from source: Int) {
            lines.append(text)
            origin.append(source)
        }

        /// The Markdown line (0-based) of cmark's line `line` (1-based) of the marked text.
        func source(ofLine line: Int) -> Int { origin.isEmpty ? 0 : origin[max(0, min(line, origin.count) - 1)] }
    }

    /// Parses `marked` with cmark once and hands the document to `body` (freed after it).
    static func parse<T>(
        _ marked: Marked, file: String, line: Int, _ body: (OpaquePointer) throws(LessonError) -> T
    ) throws(LessonError) -> T {
        let text = marked.lines.joined(separator: "\n")
        guard let document = cmark_parse_document(text, text.utf8.count, CMARK_OPT_SMART) else {
            throw LessonError(file: file, line: line, message: "CommonMark parser failed")
        }
        defer { cmark_node_free(document) }
        return try body(document)
    }

    static func unclosedMath(file: String, line: Int) -> LessonError {
        LessonError(file: file, line: line, message: "math opened with '$$' is never closed")
    }

    /// `lines` (the first at lesson line `firstLine`) with each formula, cross-reference and
    /// inline value written as code that is ours. Lines inside fenced code are left alone; a `$$`
    /// not closed before a `swift` fence or the end is reported, and the lines after it dropped.
    static func mark(_ lines: [String], firstLine: Int) -> Marked {
        var out = Marked()
        var fence: (char: Character, count: Int)? = nil
        var blockMath: (start: Int, index: Int, text: String)? = nil
        for (index, line) in lines.enumerated() {
            let lineNumber = firstLine + index
            let opening = fence == nil ? fenceOpening(line) : nil
            if var pending = blockMath {
                if let opening, opening.info.split(separator: " ").first == "swift" {
                    // Math never runs into a cell.
                    out.unclosed.append(pending.start)
                    blockMath = nil
                } else {
                    if let end = line.range(of: "$$") {
                        pending.text += "\n" + line[..<end.lowerBound]
                        let (label, rest) = equationLabel(after: line[end.upperBound...])
                        displayFence(
                            pending.text, line: pending.start, label: label, from: pending.index, to: index, into: &out)
                        out.append(rest, from: index)
                        blockMath = nil
                    } else {
                        pending.text += "\n" + line
                        blockMath = pending
                    }
                    continue
                }
            }
            if let open = fence {
                if closes(line, open) { fence = nil }
                out.append(line, from: index)
                continue
            }
            if let opening {
                fence = (opening.char, opening.count)
                out.append(line, from: index)
                continue
            }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("$$") {
                let rest = String(trimmed.dropFirst(2))
                if let end = rest.range(of: "$$") {
                    let (label, after) = equationLabel(after: rest[end.upperBound...])
                    displayFence(
                        String(rest[..<end.lowerBound]), line: lineNumber, label: label, from: index, to: index,
                        into: &out)
                    out.append(after, from: index)
                } else {
                    blockMath = (lineNumber, index, rest)
                }
                continue
            }
            let withValues = inlineValues(line) { codeSpan(ours: .inlineValue, line: lineNumber, $0) }
            let withMath = inlineMath(withValues) { codeSpan(ours: .inlineMath, line: lineNumber, $0) }
            out.append(crossReferences(withMath) { codeSpan(ours: .reference, line: lineNumber, $0) }, from: index)
        }
        if let pending = blockMath { out.unclosed.append(pending.start) }
        return out
    }

    /// What follows a closing `$$`: the formula's label when it starts with one (`{#eq-name}`,
    /// the name made of letters, digits, `-` and `_`), and the rest of the line.
    static func equationLabel(after text: Substring) -> (label: String?, rest: String) {
        let trimmed = text.drop { $0 == " " || $0 == "\t" }
        guard trimmed.hasPrefix("{#eq-"), let close = trimmed.firstIndex(of: "}") else { return (nil, String(text)) }
        let label = trimmed[trimmed.index(trimmed.startIndex, offsetBy: 2)..<close]
        guard label.count > 3, label.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
            return (nil, String(text))
        }
        return (String(label), String(trimmed[trimmed.index(after: close)...]))
    }

    /// A fenced block cmark keeps as it is, its info naming it ours (and its label), after a
    /// blank line: the TeX of lines `from...to`.
    static func displayFence(_ tex: String, line: Int, label: String?, from: Int, to: Int, into out: inout Marked) {
        out.append("", from: from)
        out.append(
            "~~~~~~" + String(mark) + String(Kind.displayMath.rawValue) + "\(line)" + String(fieldEnd) + (label ?? ""),
            from: from)
        for (k, texLine) in tex.components(separatedBy: "\n").enumerated() {
            out.append(texLine, from: min(from + k, to))
        }
        out.append("~~~~~~", from: to)
    }

    /// A line that opens a fenced code block: three or more backticks or tildes (a backtick
    /// fence's info has no backtick), and its info string.
    static func fenceOpening(_ line: String) -> (char: Character, count: Int, info: String)? {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        guard let char = trimmed.first, char == "`" || char == "~" else { return nil }
        let count = trimmed.prefix { $0 == char }.count
        let info = trimmed.dropFirst(count).trimmingCharacters(in: .whitespaces)
        guard count >= 3, !(char == "`" && info.contains("`")) else { return nil }
        return (char, count, info)
    }

    /// Whether `line` closes a fence opened with `fence`: as many of its character or more, alone.
    static func closes(_ line: String, _ fence: (char: Character, count: Int)) -> Bool {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        return trimmed.count >= fence.count && trimmed.allSatisfy { $0 == fence.char }
    }

    /// A code span cmark keeps as it is: opened and closed by more backticks than `content` holds in a row.
    static func codeSpan(ours kind: Kind, line: Int, _ content: String) -> String {
        let longest = content.split(omittingEmptySubsequences: true) { $0 != "`" }.map(\.count).max() ?? 0
        let ticks = String(repeating: "`", count: longest + 1)
        return ticks + String(mark) + String(kind.rawValue) + "\(line)" + String(fieldEnd) + content + ticks
    }

    /// The kind, line and content of code that is ours, or nil for the author's own.
    static func ours(_ code: String) -> (Kind, Int, String)? {
        guard code.first == mark, code.count >= 2, let kind = Kind(rawValue: code[code.index(after: code.startIndex)]),
            let end = code.firstIndex(of: fieldEnd),
            let line = Int(code[code.index(code.startIndex, offsetBy: 2)..<end])
        else { return nil }
        return (kind, line, String(code[code.index(after: end)...]))
    }

    /// Each `` `{swift} expr` `` code span of a line (a run of backticks closed by a run of the
    /// same length, its text starting with `{swift}`) replaced with what `value` returns for its
    /// expression.
    static func inlineValues(_ line: String, value: (String) -> String) -> String {
        guard line.contains("`" + InlineValues.marker) else { return line }
        var out = ""
        var i = line.startIndex
        while i < line.endIndex {
            guard line[i] == "`" else {
                out.append(line[i])
                i = line.index(after: i)
                continue
            }
            var open = i
            var ticks = 0
            while open < line.endIndex && line[open] == "`" {
                ticks += 1
                open = line.index(after: open)
            }
            guard let close = line.range(of: String(repeating: "`", count: ticks), range: open..<line.endIndex) else {
                out += line[i...]
                break
            }
            let content = line[open..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            if content.hasPrefix(InlineValues.marker) {
                out += value(content.dropFirst(InlineValues.marker.count).trimmingCharacters(in: .whitespaces))
            } else {
                out += line[i..<close.upperBound]
            }
            i = close.upperBound
        }
        return out
    }

    /// `$...$` on one line, outside code spans, each replaced with what `math` returns for its
    /// TeX; "$5" prices and lone dollars are left alone, `\$` is a dollar.
    static func inlineMath(_ line: String, math: (String) -> String) -> String {
        guard line.contains("$") else { return line }
        let chars = Array(line)
        var out = ""
        var i = 0
        while i < chars.count {
            if chars[i] == "`" {
                var j = i + 1
                while j < chars.count && chars[j] != "`" { j += 1 }
                out += String(chars[i..<min(j + 1, chars.count)])
                i = j + 1
                continue
            }
            if chars[i] == "\\" && i + 1 < chars.count && chars[i + 1] == "$" {
                out += "$"
                i += 2
                continue
            }
            if chars[i] == "$", i + 1 < chars.count, chars[i + 1] != " ",
                let close = chars[(i + 1)...].firstIndex(of: "$"), chars[close - 1] != " "
            {
                out += math(String(chars[(i + 1)..<close]))
                i = close + 1
                continue
            }
            out.append(chars[i])
            i += 1
        }
        return out
    }

    /// The kinds of cross-reference, as in Quarto: `@fig-name`, `@tbl-name`, `@cell-name`,
    /// `@sec-name` for a section and `@eq-name` for a labelled display formula.
    static let referencePrefixes = ["fig-", "tbl-", "cell-", "sec-", "eq-"]

    /// Replaces each `@fig-...` (and kin) outside code spans (and not inside a word, as in an
    /// e-mail address) with what `resolve` returns for its name.
    static func crossReferences(_ line: String, resolve: (String) -> String) -> String {
        guard line.contains("@") else { return line }
        let chars = Array(line)
        var out = ""
        var i = 0
        func isNameCharacter(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "-" || c == "_" }
        while i < chars.count {
            if chars[i] == "`" {
                var j = i + 1
                while j < chars.count && chars[j] != "`" { j += 1 }
                out += String(chars[i..<min(j + 1, chars.count)])
                i = j + 1
                continue
            }
            if chars[i] == "@", i == 0 || !(chars[i - 1].isLetter || chars[i - 1].isNumber || chars[i - 1] == "\\") {
                var j = i + 1
                while j < chars.count && isNameCharacter(chars[j]) { j += 1 }
                while j > i + 1 && (chars[j - 1] == "-" || chars[j - 1] == "_") { j -= 1 }  // "@fig-a-" ends at "a"
                let name = String(chars[(i + 1)..<j])
                if referencePrefixes.contains(where: { name.hasPrefix($0) && name.count > $0.count }) {
                    out += resolve(name)
                    i = j
                    continue
                }
            }
            out.append(chars[i])
            i += 1
        }
        return out
    }

    /// cmark's nodes -> `ProseNode`s, numbering inline values in document order.
    struct Tree {
        let file: String
        var nextInlineValue: Int

        mutating func blocks(_ nodes: [OpaquePointer]) -> [ProseNode] { nodes.compactMap { node($0) } }

        mutating func children(of parent: OpaquePointer) -> [ProseNode] {
            var nodes: [ProseNode] = []
            var child = cmark_node_first_child(parent)
            while let current = child {
                if var next = node(current) {
                    // "$c$'s": cmark's smart quotes read the `'` after a code span's closing
                    // backtick as an opening quote (‘), where after the formula's last letter it
                    // is an apostrophe (’), as after a word.
                    if case .text(let text) = next, text.first == "\u{2018}", let last = nodes.last, last.isOurs {
                        next = .text("\u{2019}" + text.dropFirst())
                    }
                    nodes.append(next)
                }
                child = cmark_node_next(current)
            }
            return nodes
        }

        mutating func node(_ node: OpaquePointer) -> ProseNode? {
            func string(_ value: UnsafePointer<CChar>?) -> String { value.map { String(cString: $0) } ?? "" }
            let literal = string(cmark_node_get_literal(node))
            switch cmark_node_get_type(node) {
            case CMARK_NODE_PARAGRAPH: return .paragraph(children(of: node))
            case CMARK_NODE_HEADING: return .heading(level: Int(cmark_node_get_heading_level(node)), children(of: node))
            case CMARK_NODE_BLOCK_QUOTE: return .blockQuote(children(of: node))
            case CMARK_NODE_LIST:
                var items: [[ProseNode]] = []
                var item = cmark_node_first_child(node)
                while let current = item {
                    items.append(children(of: current))
                    item = cmark_node_next(current)
                }
                return .list(
                    ordered: cmark_node_get_list_type(node) == CMARK_ORDERED_LIST,
                    start: Int(cmark_node_get_list_start(node)), tight: cmark_node_get_list_tight(node) != 0,
                    items: items)
            case CMARK_NODE_CODE_BLOCK:
                let info = string(cmark_node_get_fence_info(node))
                if let (kind, line, label) = ProseParser.ours(info), kind == .displayMath {
                    // The fence holds the TeX as written between the `$$`s, a line break after it.
                    return .displayMath(tex: String(literal.dropLast()), line: line, label: label.isEmpty ? nil : label)
                }
                return .codeBlock(info: info, code: literal)
            case CMARK_NODE_HTML_BLOCK: return .htmlBlock(literal)
            case CMARK_NODE_THEMATIC_BREAK: return .thematicBreak
            case CMARK_NODE_TEXT: return .text(literal)
            case CMARK_NODE_SOFTBREAK: return .softBreak
            case CMARK_NODE_LINEBREAK: return .lineBreak
            case CMARK_NODE_CODE:
                guard let (kind, line, content) = ProseParser.ours(literal) else { return .code(literal) }
                switch kind {
                case .inlineMath, .displayMath: return .math(tex: content, line: line)
                case .reference: return .reference(name: content, line: line)
                case .inlineValue:
                    defer { nextInlineValue += 1 }
                    return .inlineValue(
                        InlineValue(index: nextInlineValue, line: line, expression: content, beforeCode: false))
                }
            case CMARK_NODE_HTML_INLINE: return .inlineHTML(literal)
            case CMARK_NODE_EMPH: return .emphasis(children(of: node))
            case CMARK_NODE_STRONG: return .strong(children(of: node))
            case CMARK_NODE_LINK:
                return .link(
                    url: string(cmark_node_get_url(node)), title: string(cmark_node_get_title(node)),
                    children(of: node))
            case CMARK_NODE_IMAGE:
                return .image(
                    url: string(cmark_node_get_url(node)), title: string(cmark_node_get_title(node)),
                    children(of: node))
            default: return nil
            }
        }
    }
}

extension ProseNode {
    /// A formula, cross-reference or inline value: the runner's, not cmark's.
    var isOurs: Bool {
        switch self {
        case .math, .reference, .inlineValue: return true
        default: return false
        }
    }
}
