import Foundation

/// What `@fig-name` (or `@tbl-`, `@cell-`, `@sec-`) in prose links to: "Figure 3" and its anchor.
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

/// Parsed prose (`Prose`) -> HTML. Each block's tree is written as cmark's HTML renderer writes
/// it (raw HTML passing through, as with `CMARK_OPT_UNSAFE`), with the runner's nodes drawn: a
/// formula as MathML, a cross-reference as a link, an inline value as the run's value, and each
/// heading of levels 1-4 with its id (and section number), linking to itself. Nothing is parsed
/// here: the tree is the one the lesson parser made.
struct ProseRenderer {
    let file: String
    /// What `@fig-name` and its kin resolve to; an unknown one is an error at its line.
    let references: [String: CrossReference]
    /// The run's values of `` `{swift} expr` ``, by their number in the lesson.
    let inlineValues: [Int: String]
    /// The page's headings of levels 1-4, in order (`headings(in:)`): the n-th heading node
    /// rendered takes the n-th.
    let headings: [Heading]
    /// Section numbers by heading id, put in front of the level-2 and level-3 headings' text.
    let sectionNumbers: [String: String]
    /// Formula numbers by label, shown at the right of each labelled display formula.
    let equationNumbers: [String: String]
    private var nextHeading = 0
    /// The line of each label's formula drawn so far: a label is one formula's.
    private var labelled: [String: Int] = [:]
    /// Formulas the renderer cannot read and `$$`s never closed, each at its line.
    private(set) var warnings: [LessonError] = []
    /// Faults of the text: unknown cross-references.
    private(set) var errors: [LessonError] = []

    init(
        file: String, references: [String: CrossReference] = [:], inlineValues: [Int: String] = [:],
        headings: [Heading] = [], sectionNumbers: [String: String] = [:], equationNumbers: [String: String] = [:]
    ) {
        self.file = file
        self.references = references
        self.inlineValues = inlineValues
        self.headings = headings
        self.sectionNumbers = sectionNumbers
        self.equationNumbers = equationNumbers
    }

    /// Appends the HTML of `prose` to `html` (a page's body so far).
    mutating func render(_ prose: Prose, into html: inout String) {
        let before = warnings.count
        for node in prose.nodes { block(node, tight: false, into: &html) }
        // The block's warnings in line order: its formulas' and its unclosed `$$`s'.
        let found = Array(warnings[before...]) + prose.warnings
        warnings.removeSubrange(before...)
        warnings += found.enumerated().sorted { ($0.element.line, $0.offset) < ($1.element.line, $1.offset) }
            .map(\.element)
    }

    /// `html` (the page's body) with an HTML block after it, as cmark puts one: on a line of its own.
    static func append(block: String, to html: inout String) {
        cr(&html)
        html += block
        cr(&html)
    }

    // MARK: - Headings

    /// The headings of levels 1-4 of `blocks` in order, each with its text (a formula as its
    /// TeX, a cross-reference as its text, an inline value as its value) and an id made from that
    /// text, unique on the page: what the page's headings, their numbers and `@sec-` all use.
    /// `anchors` gives some headings their ids by their text (a translation's keep the English ones).
    static func headings(
        in blocks: [Prose], references: [String: CrossReference], inlineValues: [Int: String],
        anchors: [String: String] = [:]
    ) -> [Heading] {
        var used: Set<String> = []
        var found: [Heading] = []
        for prose in blocks {
            ProseNode.walk(prose.nodes) { node in
                guard case .heading(let level, let inlines) = node, level <= 4 else { return }
                let text = plainText(inlines, references: references, inlineValues: inlineValues)
                    .trimmingCharacters(in: .whitespaces)
                let id = Numbering.uniqueId(anchors[text] ?? HTML.slug(text), used: &used)
                found.append(Heading(level: level, text: text, id: id))
            }
        }
        return found
    }

    /// The text of inlines: text and code, breaks as spaces, markup dropped.
    static func plainText(_ nodes: [ProseNode], references: [String: CrossReference], inlineValues: [Int: String])
        -> String
    {
        var text = ""
        for node in nodes {
            switch node {
            case .text(let t), .code(let t): text += t
            case .softBreak, .lineBreak: text += " "
            case .math(let tex, _): text += tex.trimmingCharacters(in: .whitespacesAndNewlines)
            case .reference(let name, _): text += references[name]?.text ?? "@" + name
            case .inlineValue(let value): text += inlineValues[value.index] ?? value.expression
            default: text += plainText(node.children, references: references, inlineValues: inlineValues)
            }
        }
        return text
    }

    // MARK: - Blocks and inlines, as cmark writes them

    /// A line break unless `html` is empty or ends with one (cmark's `cr`).
    static func cr(_ html: inout String) {
        if let last = html.utf8.last, last != UInt8(ascii: "\n") { html += "\n" }
    }

    /// `tight`: the block is an item's own, in a tight list (its paragraphs are not `<p>`s).
    mutating func block(_ node: ProseNode, tight: Bool, into html: inout String) {
        switch node {
        case .paragraph(let inlines):
            if tight {
                self.inlines(inlines, into: &html)
            } else {
                ProseRenderer.cr(&html)
                html += "<p>"
                self.inlines(inlines, into: &html)
                html += "</p>\n"
            }
        case .heading(let level, let inlines):
            ProseRenderer.cr(&html)
            guard level <= 4, nextHeading < headings.count else {
                html += "<h\(level)>"
                self.inlines(inlines, into: &html)
                html += "</h\(level)>\n"
                return
            }
            let heading = headings[nextHeading]
            nextHeading += 1
            let number = level <= 3 ? sectionNumbers[heading.id].map { "<span class=\"secno\">\($0)</span>" } : nil
            html += "<h\(level) id=\"\(heading.id)\"><a class=\"anchor\" href=\"#\(heading.id)\">\(number ?? "")"
            self.inlines(inlines, into: &html)
            html += "</a></h\(level)>\n"
        case .blockQuote(let blocks):
            ProseRenderer.cr(&html)
            html += "<blockquote>\n"
            for child in blocks { block(child, tight: false, into: &html) }
            ProseRenderer.cr(&html)
            html += "</blockquote>\n"
        case .list(let ordered, let start, let isTight, let items):
            ProseRenderer.cr(&html)
            html += !ordered ? "<ul>\n" : start == 1 ? "<ol>\n" : "<ol start=\"\(start)\">\n"
            for item in items {
                ProseRenderer.cr(&html)
                html += "<li>"
                for child in item { block(child, tight: isTight, into: &html) }
                html += "</li>\n"
            }
            html += ordered ? "</ol>\n" : "</ul>\n"
        case .codeBlock(let info, let code):
            ProseRenderer.cr(&html)
            let language = info.prefix { !" \t\n\r\u{B}\u{C}".contains($0) }
            html += language.isEmpty ? "<pre><code>" : "<pre><code class=\"language-\(Self.escape(String(language)))\">"
            html += Self.escape(code) + "</code></pre>\n"
        case .htmlBlock(let raw):
            ProseRenderer.append(block: raw, to: &html)
        case .thematicBreak:
            ProseRenderer.cr(&html)
            html += "<hr />\n"
        case .displayMath(let tex, let line, let label):
            if let label, let first = labelled[label] {
                errors.append(
                    LessonError(
                        file: file, line: line,
                        message:
                            "the label {#\(label)} is already the formula's at line \(first): one label, one formula"))
            }
            guard let label, labelled[label] == nil, let number = equationNumbers[label] else {
                ProseRenderer.append(
                    block: ProseRenderer.math(tex, display: true, line: line, file: file, warnings: &warnings),
                    to: &html)
                return
            }
            labelled[label] = line
            // Its number at the right, as d2l and Quarto show it; the formula is `@eq-`'s target.
            let formula =
                ProseRenderer.mathML(tex, display: true, line: line, file: file, warnings: &warnings)
                ?? "<code class=\"math-error\">\(HTML.escape(tex))</code>"
            ProseRenderer.append(
                block:
                    "<div class=\"math-block numbered\" id=\"\(HTML.escape(label))\">\(formula)<span class=\"eqno\">(\(number))</span></div>",
                to: &html)
        default:
            inline(node, into: &html)
        }
    }

    mutating func inlines(_ nodes: [ProseNode], into html: inout String) {
        for node in nodes { inline(node, into: &html) }
    }

    mutating func inline(_ node: ProseNode, into html: inout String) {
        switch node {
        case .text(let text): html += Self.escape(text)
        case .softBreak: html += "\n"
        case .lineBreak: html += "<br />\n"
        case .code(let code): html += "<code>" + Self.escape(code) + "</code>"
        case .inlineHTML(let raw): html += raw
        case .emphasis(let inlines):
            html += "<em>"
            self.inlines(inlines, into: &html)
            html += "</em>"
        case .strong(let inlines):
            html += "<strong>"
            self.inlines(inlines, into: &html)
            html += "</strong>"
        case .link(let url, let title, let inlines):
            html += "<a href=\"" + Self.href(url) + (title.isEmpty ? "" : "\" title=\"" + Self.escape(title)) + "\">"
            self.inlines(inlines, into: &html)
            html += "</a>"
        case .image(let url, let title, let inlines):
            html += "<img src=\"" + Self.href(url) + "\" alt=\""
            alt(inlines, into: &html)
            html += (title.isEmpty ? "" : "\" title=\"" + Self.escape(title)) + "\" />"
        case .math(let tex, let line):
            html += ProseRenderer.math(tex, display: false, line: line, file: file, warnings: &warnings)
        case .reference(let name, let line):
            if let target = references[name] {
                html += "<a class=\"xref\" href=\"#\(HTML.escape(target.anchor))\">\(HTML.escape(target.text))</a>"
            } else {
                errors.append(LessonError(file: file, line: line, message: ProseRenderer.unknownReference(name)))
                html += "<code class=\"math-error\">@\(HTML.escape(name))</code>"
            }
        case .inlineValue(let value):
            // What the program printed is text, never Markdown or HTML: escaped.
            if let text = inlineValues[value.index] {
                html += "<span class=\"inline-value\">\(HTML.escape(text))</span>"
            } else {
                html +=
                    "<code class=\"inline-missing\" title=\"not computed: the lesson did not run this far\">\(HTML.escape(value.expression))</code>"
            }
        default:
            block(node, tight: false, into: &html)
        }
    }

    /// Why `@name` names nothing on the page, said for its kind.
    static func unknownReference(_ name: String) -> String {
        let why: String
        if name.hasPrefix("eq-") {
            why = "no display formula is labelled '$$ {#\(name)}'"
        } else if name.hasPrefix("sec-") {
            why = "no section of this page has the anchor '#\(name.dropFirst(4))'"
        } else {
            why = "no cell has '//| label: \(name)'\(name.hasPrefix("fig-") ? " with a figure" : "")"
        }
        return "unknown cross-reference @\(name): \(why)"
    }

    /// An image's alt text as cmark writes it: the text of its inlines, escaped (our nodes' HTML too).
    mutating func alt(_ nodes: [ProseNode], into html: inout String) {
        for node in nodes {
            switch node {
            case .text(let text), .code(let text), .inlineHTML(let text): html += Self.escape(text)
            case .softBreak, .lineBreak: html += " "
            case .math, .reference, .inlineValue:
                var drawn = ""
                inline(node, into: &drawn)
                html += Self.escape(drawn)
            default: alt(node.children, into: &html)
            }
        }
    }

    /// Text as cmark escapes it: `&`, `<`, `>` and `"` (an apostrophe stays).
    static func escape(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 }) else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 16)
        for ch in text.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    /// A link's address as cmark writes it: bytes outside letters, digits and
    /// `!#$%()*+,-./:;=?@_~` as `%XX`, `&` and `'` as entities.
    static func href(_ url: String) -> String {
        let safe = Set("!#$%()*+,-./:;=?@_~".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(url.utf8.count)
        for byte in url.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"):
                out.append(byte)
            case UInt8(ascii: "&"): out += Array("&amp;".utf8)
            case UInt8(ascii: "'"): out += Array("&#x27;".utf8)
            default:
                if safe.contains(byte) {
                    out.append(byte)
                } else {
                    let hex = Array("0123456789ABCDEF".utf8)
                    out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
                }
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A formula as the page shows it. Block formulas, and inline ones long enough to outgrow a
    /// phone's line, scroll sideways instead of widening the page; short ones keep the text's
    /// baseline. TeX the renderer cannot read is a warning at its line, shown as code.
    static func math(_ tex: String, display: Bool, line: Int, file: String, warnings: inout [LessonError]) -> String {
        guard let rendered = mathML(tex, display: display, line: line, file: file, warnings: &warnings) else {
            return "<code class=\"math-error\">\(HTML.escape(tex))</code>"
        }
        if display { return "<div class=\"math-block\">\(rendered)</div>" }
        return tex.count > 24 ? "<span class=\"math-inline\">\(rendered)</span>" : rendered
    }

    /// The formula's MathML, or nil (and a warning at its line) when the TeX cannot be read.
    static func mathML(_ tex: String, display: Bool, line: Int, file: String, warnings: inout [LessonError])
        -> String?
    {
        do {
            return try MathML.render(tex, display: display)
        } catch {
            let message = (error as? MathML.Failure)?.message ?? "\(error)"
            warnings.append(LessonError(file: file, line: line, message: "math: \(message) in '\(tex)'"))
            return nil
        }
    }
}
