import CCmark
import Foundation

/// What `@fig-name` (or `@tbl-`, `@cell-`) in prose links to: "Figure 3" and its anchor.
public struct CrossReference: Equatable, Sendable {
    public let text: String
    public let anchor: String
}

/// A heading for the page's contents sidebar.
public struct Heading: Equatable, Sendable {
    public let level: Int
    public let text: String
    public let id: String
}

/// Markdown prose -> HTML with libcmark, parsed once. Math (`$...$`, `$$...$$`) and
/// cross-references (`@fig-name`) are handed to cmark as code spans and fenced blocks marked as
/// ours, so that `_` and `*` inside formulas stay TeX; in the tree they become HTML nodes (MathML,
/// links), as inline values (`` `{swift} expr` ``, code spans already) do, and the page is cmark's
/// rendering of that tree.
enum ProseRenderer {
    /// Starts the code of a span or block that is ours, not the author's: a private-use character
    /// no lesson types. Then the kind, the lesson line (for warnings and errors), and after
    /// `fieldEnd` the TeX or the reference's name.
    static let mark: Character = "\u{E000}"
    static let fieldEnd: Character = "\u{E001}"
    enum Kind: Character {
        case inlineMath = "M"
        case displayMath = "D"
        case reference = "R"
        case cell = "C"
    }

    /// `references` resolves `@fig-name` and its kin; an unknown one is an error at its line.
    /// `inlineValues` are the run's values of `` `{swift} expr` `` by their number in the lesson;
    /// `nextInline` is the number of this block's first one (and is moved past its last).
    /// `cells` is each cell's HTML by its number, for the fences `cellFence` marks.
    static func render(
        _ markdown: String, file: String, line firstLine: Int, usedIds: inout Set<String>,
        references: [String: CrossReference], inlineValues: [Int: String], nextInline: inout Int,
        cells: [Int: String] = [:], anchors: [String: String] = [:]
    )
        -> (html: String, headings: [Heading], warnings: [LessonError], errors: [LessonError])
    {
        var warnings: [LessonError] = []
        var errors: [LessonError] = []
        let (marked, unclosed) = markMathAndReferences(markdown, firstLine: firstLine)
        let first = nextInline
        // As many as the parser numbered in this block, whatever cmark makes of them.
        nextInline += InlineValues.scan(markdown).count
        guard let document = cmark_parse_document(marked, marked.utf8.count, CMARK_OPT_SMART) else {
            return ("<pre>\(HTML.escape(markdown))</pre>", [], warnings, errors)
        }
        defer { cmark_node_free(document) }

        // Collected first: the tree must not change under the iterator.
        var headingNodes: [OpaquePointer] = []
        var spans: [OpaquePointer] = []
        var blocks: [OpaquePointer] = []
        if let iterator = cmark_iter_new(document) {
            defer { cmark_iter_free(iterator) }
            var event = cmark_iter_next(iterator)
            while event != CMARK_EVENT_DONE {
                if event == CMARK_EVENT_ENTER, let node = cmark_iter_get_node(iterator) {
                    switch cmark_node_get_type(node) {
                    case CMARK_NODE_HEADING: headingNodes.append(node)
                    case CMARK_NODE_CODE: spans.append(node)
                    case CMARK_NODE_CODE_BLOCK where (fenceInfo(node).first == mark): blocks.append(node)
                    default: break
                    }
                }
                event = cmark_iter_next(iterator)
            }
        }

        // What each of our spans stands for: its HTML, and its text in a heading's plain text.
        var replacements: [(node: OpaquePointer, html: String)] = []
        var plain: [OpaquePointer: String] = [:]
        var inlineIndex = first
        for node in spans {
            let code = literal(node)
            if let (kind, line, content) = ours(code) {
                switch kind {
                case .inlineMath, .displayMath, .cell:
                    replacements.append(
                        (node, math(content, display: false, line: line, file: file, warnings: &warnings)))
                    plain[node] = content.trimmingCharacters(in: .whitespacesAndNewlines)
                case .reference:
                    if let target = references[content] {
                        replacements.append(
                            (
                                node,
                                "<a class=\"xref\" href=\"#\(HTML.escape(target.anchor))\">\(HTML.escape(target.text))</a>"
                            ))
                        plain[node] = target.text
                    } else {
                        errors.append(
                            LessonError(
                                file: file, line: line,
                                message:
                                    "unknown cross-reference @\(content): no cell has '//| label: \(content)'\(content.hasPrefix("fig-") ? " with a figure" : "")"
                            ))
                        replacements.append((node, "<code class=\"math-error\">@\(HTML.escape(content))</code>"))
                        plain[node] = "@" + content
                    }
                }
            } else if let expression = InlineValues.expression(inCodeSpan: code) {
                // What the program printed is text, never Markdown or HTML: escaped.
                if let value = inlineValues[inlineIndex] {
                    replacements.append((node, "<span class=\"inline-value\">\(HTML.escape(value))</span>"))
                    plain[node] = value
                } else {
                    replacements.append(
                        (
                            node,
                            "<code class=\"inline-missing\" title=\"not computed: the lesson did not run this far\">\(HTML.escape(expression))</code>"
                        ))
                    plain[node] = expression
                }
                inlineIndex += 1
            }
        }
        // Headings take their ids from their text before our spans turn into HTML.
        let headings = headingNodes.compactMap {
            heading(of: $0, plain: plain, usedIds: &usedIds, anchors: anchors)
        }
        for (node, html) in replacements {
            guard let replacement = replace(node, with: CMARK_NODE_HTML_INLINE, literal: html) else { continue }
            apostropheAfter(replacement)
        }
        for node in blocks {
            guard let (kind, line, _) = ours(fenceInfo(node)) else { continue }
            if kind == .cell {
                // `line` is the cell's number here.
                replace(node, with: CMARK_NODE_HTML_BLOCK, literal: String((cells[line] ?? "").dropLast()))
                continue
            }
            // The fence holds the TeX as written between the `$$`s, a line break after it.
            let tex = String(literal(node).dropLast())
            replace(
                node, with: CMARK_NODE_HTML_BLOCK,
                literal: math(tex, display: true, line: line, file: file, warnings: &warnings))
        }
        for (node, heading) in zip(headingNodes.filter { Int(cmark_node_get_heading_level($0)) <= 4 }, headings) {
            var inner = ""
            var child = cmark_node_first_child(node)
            while let current = child {
                inner += html(of: current)
                child = cmark_node_next(current)
            }
            replace(
                node, with: CMARK_NODE_HTML_BLOCK,
                literal:
                    "<h\(heading.level) id=\"\(heading.id)\"><a class=\"anchor\" href=\"#\(heading.id)\">\(inner)</a></h\(heading.level)>"
            )
        }
        for line in unclosed {
            warnings.append(LessonError(file: file, line: line, message: "math opened with '$$' is never closed"))
        }
        return (html(of: document), headings, warnings, errors)
    }

    /// A formula as the page shows it. Block formulas, and inline ones long enough to outgrow a
    /// phone's line, scroll sideways instead of widening the page; short ones keep the text's
    /// baseline. TeX the renderer cannot read is a warning at its line, shown as code.
    static func math(_ tex: String, display: Bool, line: Int, file: String, warnings: inout [LessonError]) -> String {
        do {
            let rendered = try MathML.render(tex, display: display)
            if display { return "<div class=\"math-block\">\(rendered)</div>" }
            return tex.count > 24 ? "<span class=\"math-inline\">\(rendered)</span>" : rendered
        } catch let failure as MathML.Failure {
            warnings.append(LessonError(file: file, line: line, message: "math: \(failure.message) in '\(tex)'"))
            return "<code class=\"math-error\">\(HTML.escape(tex))</code>"
        } catch { return tex }
    }

    /// The prose with each formula and cross-reference written as code that is ours: a code span
    /// (inline math, a reference) or a fenced block (display math), marked with its kind and line.
    /// Lines inside the author's own fences are left alone. Also the lines of each `$$` never
    /// closed before the next cell or the end (the lines after it are dropped).
    static func markMathAndReferences(_ markdown: String, firstLine: Int) -> (String, unclosed: [Int]) {
        var out: [String] = []
        var unclosed: [Int] = []
        var inFence = false
        var blockMath: (start: Int, text: String)? = nil
        for (offset, line) in markdown.components(separatedBy: "\n").enumerated() {
            let lineNumber = firstLine + offset
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix(cellFenceStart), let pending = blockMath {
                // Math never runs into a cell.
                unclosed.append(pending.start)
                blockMath = nil
            }
            if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
                inFence.toggle()
                out.append(line)
                continue
            }
            if inFence {
                out.append(line)
                continue
            }
            if var pending = blockMath {
                if let end = line.range(of: "$$") {
                    pending.text += "\n" + line[..<end.lowerBound]
                    out.append("\n" + displayFence(pending.text, line: pending.start) + "\n" + line[end.upperBound...])
                    blockMath = nil
                } else {
                    pending.text += "\n" + line
                    blockMath = pending
                }
                continue
            }
            if trimmed.hasPrefix("$$") {
                let rest = String(trimmed.dropFirst(2))
                if let end = rest.range(of: "$$") {
                    out.append(
                        "\n" + displayFence(String(rest[..<end.lowerBound]), line: lineNumber) + "\n"
                            + rest[end.upperBound...])
                } else {
                    blockMath = (lineNumber, rest)
                }
                continue
            }
            let withMath = inlineMath(line) { codeSpan(ours: .inlineMath, line: lineNumber, $0) }
            out.append(crossReferences(withMath) { codeSpan(ours: .reference, line: lineNumber, $0) })
        }
        return (out.joined(separator: "\n"), unclosed + (blockMath.map { [$0.start] } ?? []))
    }

    /// A code span cmark keeps as it is: opened and closed by more backticks than `content` holds in a row.
    static func codeSpan(ours kind: Kind, line: Int, _ content: String) -> String {
        let longest = content.split(omittingEmptySubsequences: true) { $0 != "`" }.map(\.count).max() ?? 0
        let ticks = String(repeating: "`", count: longest + 1)
        return ticks + String(mark) + String(kind.rawValue) + "\(line)" + String(fieldEnd) + content + ticks
    }

    /// A fenced block cmark keeps as it is, its info naming it ours.
    static func displayFence(_ tex: String, line: Int) -> String {
        "~~~~~~" + String(mark) + String(Kind.displayMath.rawValue) + "\(line)" + String(fieldEnd) + "\n" + tex
            + "\n~~~~~~"
    }

    static let cellFenceStart = "~~~~~~" + String(mark) + String(Kind.cell.rawValue)

    /// The lesson's Markdown body as one document, each line at its line in the lesson: the prose
    /// as written, each cell a fence of ours (the page puts the cell's HTML in its place).
    static func document(of blocks: [Block]) -> String {
        var lines: [String] = []
        func pad(to line: Int) { while lines.count < line - 1 { lines.append("") } }
        for block in blocks {
            switch block {
            case .prose(let markdown, let line):
                pad(to: line)
                lines += markdown.components(separatedBy: "\n")
            case .cell(let cell):
                pad(to: cell.fenceLine)
                lines += [cellFenceStart + "\(cell.number)" + String(fieldEnd), "~~~~~~"]
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The kind, line and content of code that is ours, or nil for the author's own.
    static func ours(_ code: String) -> (Kind, Int, String)? {
        guard code.first == mark, code.count >= 2, let kind = Kind(rawValue: code[code.index(after: code.startIndex)]),
            let end = code.firstIndex(of: fieldEnd),
            let line = Int(code[code.index(code.startIndex, offsetBy: 2)..<end])
        else { return nil }
        return (kind, line, String(code[code.index(after: end)...]))
    }

    static func literal(_ node: OpaquePointer) -> String {
        cmark_node_get_literal(node).map { String(cString: $0) } ?? ""
    }
    static func fenceInfo(_ node: OpaquePointer) -> String {
        cmark_node_get_fence_info(node).map { String(cString: $0) } ?? ""
    }

    /// Puts a new node of `type` holding `literal` in `node`'s place; returns it.
    @discardableResult
    static func replace(_ node: OpaquePointer, with type: cmark_node_type, literal: String) -> OpaquePointer? {
        guard let replacement = cmark_node_new(type) else { return nil }
        cmark_node_set_literal(replacement, literal)
        cmark_node_insert_before(node, replacement)
        cmark_node_unlink(node)
        cmark_node_free(node)
        return replacement
    }

    /// "$c$'s": cmark's smart quotes read the `'` after a code span's closing backtick as an
    /// opening quote (‘), where after the formula's last letter it is an apostrophe (’).
    static func apostropheAfter(_ node: OpaquePointer) {
        guard let next = cmark_node_next(node), cmark_node_get_type(next) == CMARK_NODE_TEXT else { return }
        let text = literal(next)
        guard text.first == "\u{2018}" else { return }
        cmark_node_set_literal(next, "\u{2019}" + text.dropFirst())
    }

    /// A heading of levels 1-4 with its id from its text, unique on the page; nil for deeper ones.
    static func heading(
        of node: OpaquePointer, plain: [OpaquePointer: String], usedIds: inout Set<String>,
        anchors: [String: String] = [:]
    ) -> Heading? {
        let level = Int(cmark_node_get_heading_level(node))
        guard level <= 4 else { return nil }
        let text = inlineText(node, plain: plain).trimmingCharacters(in: .whitespaces)
        let id = Numbering.uniqueId(anchors[text] ?? HTML.slug(text), used: &usedIds)
        return Heading(level: level, text: text, id: id)
    }

    /// The kinds of cross-reference, as in Quarto: `@fig-name`, `@tbl-name`, and `@cell-name`.
    static let referencePrefixes = ["fig-", "tbl-", "cell-", "sec-"]

    /// Replaces each `@fig-...`, `@tbl-...` or `@cell-...` outside code spans (and not inside a
    /// word, as in an e-mail address) with what `resolve` returns for its name.
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

    static func html(of node: OpaquePointer) -> String {
        guard let raw = cmark_render_html(node, CMARK_OPT_UNSAFE | CMARK_OPT_SMART) else { return "" }
        defer { free(raw) }
        return String(cString: raw)
    }

    /// The text of a heading's inlines: text and code spans (ours as `plain` says: a formula's
    /// TeX, a reference's text, an inline value), breaks as spaces, markup dropped.
    static func inlineText(_ node: OpaquePointer, plain: [OpaquePointer: String]) -> String {
        var text = ""
        var child = cmark_node_first_child(node)
        while let current = child {
            switch cmark_node_get_type(current) {
            case CMARK_NODE_CODE: text += plain[current] ?? literal(current)
            case CMARK_NODE_TEXT: text += literal(current)
            case CMARK_NODE_SOFTBREAK, CMARK_NODE_LINEBREAK: text += " "
            default: text += inlineText(current, plain: plain)
            }
            child = cmark_node_next(current)
        }
        return text
    }

    /// `$...$` on one line, outside code spans, each replaced with what `math` returns for its
    /// TeX; "$5" prices and lone dollars are left alone, `\$` is a dollar.
    static func inlineMath(_ line: String, math: (String) -> String) -> String {
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
}
