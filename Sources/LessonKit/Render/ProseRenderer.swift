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

/// Markdown prose -> HTML with libcmark. Math (`$...$`, `$$...$$`) is lifted out before cmark
/// sees it (so `_` and `*` inside formulas stay TeX) and put back as MathML.
enum ProseRenderer {
    /// `references` resolves `@fig-name` and its kin; an unknown one is an error at its line.
    /// `inlineValues` are the run's values of `` `{swift} expr` `` by their number in the lesson;
    /// `nextInline` is the number of this block's first one (and is moved past its last).
    static func render(_ markdown: String, file: String, line firstLine: Int, usedIds: inout Set<String>,
                       references: [String: CrossReference], inlineValues: [Int: String], nextInline: inout Int)
        -> (html: String, headings: [Heading], warnings: [LessonError], errors: [LessonError]) {
        var warnings: [LessonError] = [], errors: [LessonError] = []
        var formulas: [String] = []       // HTML, by placeholder number
        var formulaSources: [String] = [] // TeX, by placeholder number
        var protected: [String] = []
        var inFence = false, blockMath: (start: Int, text: String)? = nil
        func placeholder(_ html: String, tex: String) -> String {
            formulas.append(html)
            formulaSources.append(tex.trimmingCharacters(in: .whitespacesAndNewlines))
            return "MATHXPH\(formulas.count - 1)Z"
        }
        func math(_ tex: String, display: Bool, line: Int) -> String {
            do {
                let rendered = try MathML.render(tex, display: display)
                // Block formulas, and inline ones long enough to outgrow a phone's line, scroll
                // sideways instead of widening the page; short ones keep the text's baseline.
                if display { return placeholder("<div class=\"math-block\">\(rendered)</div>", tex: tex) }
                return placeholder(tex.count > 24 ? "<span class=\"math-inline\">\(rendered)</span>" : rendered, tex: tex)
            } catch let failure as MathML.Failure {
                warnings.append(LessonError(file: file, line: line, message: "math: \(failure.message) in '\(tex)'"))
                return placeholder("<code class=\"math-error\">\(HTML.escape(tex))</code>", tex: tex)
            } catch { return tex }
        }
        // Inline values first, each swapped for a placeholder of its escaped value: what the
        // program printed is text, never Markdown or HTML.
        var lines = markdown.components(separatedBy: "\n")
        let occurrences = InlineValues.scan(markdown)
        for occurrence in occurrences.reversed() {
            let index = nextInline + occurrences.firstIndex(of: occurrence)!
            let html: String
            if let value = inlineValues[index] {
                html = "<span class=\"inline-value\">\(HTML.escape(value))</span>"
            } else {
                html = "<code class=\"inline-missing\" title=\"not computed: the lesson did not run this far\">\(HTML.escape(occurrence.expression))</code>"
            }
            lines[occurrence.lineOffset].replaceSubrange(occurrence.range, with: placeholder(html, tex: inlineValues[index] ?? occurrence.expression))
        }
        nextInline += occurrences.count
        for (offset, line) in lines.enumerated() {
            let lineNumber = firstLine + offset
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") { inFence.toggle(); protected.append(line); continue }
            if inFence { protected.append(line); continue }
            if var pending = blockMath {
                if let end = line.range(of: "$$") {
                    pending.text += "\n" + line[..<end.lowerBound]
                    protected.append("\n" + math(pending.text, display: true, line: pending.start) + "\n" + line[end.upperBound...])
                    blockMath = nil
                } else { pending.text += "\n" + line; blockMath = pending }
                continue
            }
            if trimmed.hasPrefix("$$") {
                let rest = String(trimmed.dropFirst(2))
                if let end = rest.range(of: "$$") {
                    protected.append("\n" + math(String(rest[..<end.lowerBound]), display: true, line: lineNumber) + "\n" + rest[end.upperBound...])
                } else { blockMath = (lineNumber, rest) }
                continue
            }
            let withMath = inlineMath(line, line: lineNumber, math: math)
            protected.append(crossReferences(withMath) { name in
                guard let target = references[name] else {
                    errors.append(LessonError(file: file, line: lineNumber, message: "unknown cross-reference @\(name): no cell has '//| label: \(name)'\(name.hasPrefix("fig-") ? " with a figure" : "")"))
                    return placeholder("<code class=\"math-error\">@\(HTML.escape(name))</code>", tex: "@" + name)
                }
                return placeholder("<a class=\"xref\" href=\"#\(HTML.escape(target.anchor))\">\(HTML.escape(target.text))</a>", tex: target.text)
            })
        }
        if let pending = blockMath { warnings.append(LessonError(file: file, line: pending.start, message: "math opened with '$$' is never closed")) }
        let source = protected.joined(separator: "\n")
        guard let (rendered, headings) = renderWithHeadingIds(source, usedIds: &usedIds, plainText: { text in
            // A formula in a heading reads as its TeX in the sidebar.
            formulas.indices.reversed().reduce(text) { $0.replacingOccurrences(of: "MATHXPH\($1)Z", with: formulaSources[$1]) }
        }) else {
            return ("<pre>\(HTML.escape(markdown))</pre>", [], warnings, errors)
        }
        var html = rendered
        for (k, formula) in formulas.enumerated().reversed() {
            html = html.replacingOccurrences(of: "<p>MATHXPH\(k)Z</p>", with: formula).replacingOccurrences(of: "MATHXPH\(k)Z", with: formula)
        }
        return (html, headings, warnings, errors)
    }

    /// The kinds of cross-reference, as in Quarto: `@fig-name`, `@tbl-name`, and `@cell-name`.
    static let referencePrefixes = ["fig-", "tbl-", "cell-"]

    /// Replaces each `@fig-...`, `@tbl-...` or `@cell-...` outside code spans (and not inside a
    /// word, as in an e-mail address) with what `resolve` returns for its name.
    static func crossReferences(_ line: String, resolve: (String) -> String) -> String {
        guard line.contains("@") else { return line }
        let chars = Array(line)
        var out = "", i = 0
        func isNameCharacter(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "-" || c == "_" }
        while i < chars.count {
            if chars[i] == "`" {
                var j = i + 1; while j < chars.count && chars[j] != "`" { j += 1 }
                out += String(chars[i..<min(j + 1, chars.count)]); i = j + 1; continue
            }
            if chars[i] == "@", i == 0 || !(chars[i - 1].isLetter || chars[i - 1].isNumber || chars[i - 1] == "\\") {
                var j = i + 1
                while j < chars.count && isNameCharacter(chars[j]) { j += 1 }
                while j > i + 1 && (chars[j - 1] == "-" || chars[j - 1] == "_") { j -= 1 }  // "@fig-a-" ends at "a"
                let name = String(chars[(i + 1)..<j])
                if referencePrefixes.contains(where: { name.hasPrefix($0) && name.count > $0.count }) {
                    out += resolve(name); i = j; continue
                }
            }
            out.append(chars[i]); i += 1
        }
        return out
    }

    /// CommonMark -> HTML with libcmark, each heading (levels 1-4) given an id from its text and
    /// a link to itself: the headings are found in cmark's tree and replaced there by HTML of
    /// our own, so nothing reads cmark's output back.
    static func renderWithHeadingIds(_ source: String, usedIds: inout Set<String>, plainText: (String) -> String) -> (String, [Heading])? {
        guard let document = cmark_parse_document(source, source.utf8.count, CMARK_OPT_SMART) else { return nil }
        defer { cmark_node_free(document) }
        // Collected first: the tree must not change under the iterator.
        var found: [OpaquePointer] = []
        if let iterator = cmark_iter_new(document) {
            defer { cmark_iter_free(iterator) }
            var event = cmark_iter_next(iterator)
            while event != CMARK_EVENT_DONE {
                if event == CMARK_EVENT_ENTER, let node = cmark_iter_get_node(iterator), cmark_node_get_type(node) == CMARK_NODE_HEADING {
                    found.append(node)
                }
                event = cmark_iter_next(iterator)
            }
        }
        var headings: [Heading] = []
        for node in found {
            let level = Int(cmark_node_get_heading_level(node))
            guard level <= 4, let replacement = cmark_node_new(CMARK_NODE_HTML_BLOCK) else { continue }
            let text = plainText(inlineText(node)).trimmingCharacters(in: .whitespaces)
            var id = HTML.slug(text), n = 2
            while usedIds.contains(id) { id = HTML.slug(text) + "-\(n)"; n += 1 }
            usedIds.insert(id)
            headings.append(Heading(level: level, text: text, id: id))
            var inner = ""
            var child = cmark_node_first_child(node)
            while let current = child {
                inner += html(of: current)
                child = cmark_node_next(current)
            }
            cmark_node_set_literal(replacement, "<h\(level) id=\"\(id)\"><a class=\"anchor\" href=\"#\(id)\">\(inner)</a></h\(level)>")
            cmark_node_insert_before(node, replacement)
            cmark_node_unlink(node)
            cmark_node_free(node)
        }
        return (html(of: document), headings)
    }

    static func html(of node: OpaquePointer) -> String {
        guard let raw = cmark_render_html(node, CMARK_OPT_UNSAFE | CMARK_OPT_SMART) else { return "" }
        defer { free(raw) }
        return String(cString: raw)
    }

    /// The text of a heading's inlines: text and code spans, breaks as spaces, markup dropped.
    static func inlineText(_ node: OpaquePointer) -> String {
        var text = ""
        var child = cmark_node_first_child(node)
        while let current = child {
            switch cmark_node_get_type(current) {
            case CMARK_NODE_TEXT, CMARK_NODE_CODE: text += cmark_node_get_literal(current).map { String(cString: $0) } ?? ""
            case CMARK_NODE_SOFTBREAK, CMARK_NODE_LINEBREAK: text += " "
            default: text += inlineText(current)
            }
            child = cmark_node_next(current)
        }
        return text
    }

    /// `$...$` on one line, outside code spans; "$5" prices and lone dollars are left alone.
    static func inlineMath(_ line: String, line lineNumber: Int, math: (String, Bool, Int) -> String) -> String {
        let chars = Array(line)
        var out = "", i = 0
        while i < chars.count {
            if chars[i] == "`" {
                var j = i + 1; while j < chars.count && chars[j] != "`" { j += 1 }
                out += String(chars[i..<min(j + 1, chars.count)]); i = j + 1; continue
            }
            if chars[i] == "\\" && i + 1 < chars.count && chars[i + 1] == "$" { out += "$"; i += 2; continue }
            if chars[i] == "$", i + 1 < chars.count, chars[i + 1] != " ", let close = chars[(i + 1)...].firstIndex(of: "$"), chars[close - 1] != " " {
                out += math(String(chars[(i + 1)..<close]), false, lineNumber)
                i = close + 1; continue
            }
            out.append(chars[i]); i += 1
        }
        return out
    }
}
