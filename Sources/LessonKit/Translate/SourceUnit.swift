import CCmark
import Foundation
import SwiftParser
import SwiftSyntax

/// A piece of an English lesson that a translation translates: one top-level Markdown block of
/// its prose (a paragraph, a heading, a list, a quote), or a figure's caption or alt text as its
/// cell writes it. The translation ties itself to each by `hash`, so an edit of the English shows
/// which translated piece is out of date.
public struct SourceUnit: Equatable, Sendable {
    public enum Kind: String, Equatable, Sendable {
        case prose
        /// A `caption:` argument's string literal, `\(...)` kept as written (a template).
        case caption
        /// An `alt:` argument's string literal, a template like a caption.
        case alt
    }
    public let kind: Kind
    /// The English as written: Markdown for prose; a caption's literal with its `\(...)`.
    public let text: String
    /// The lesson line it starts on.
    public let line: Int
    /// False for prose with no words to translate (a display formula, `</details>`): a
    /// translation shows it as it is and records nothing for it.
    public let needsTranslation: Bool
    /// For prose: the index of the lesson block it belongs to.
    public let block: Int

    public var hash: String { TranslationHash.of(text) }
}

/// The fingerprint a translation records of the English it translates: FNV-1a over the text with
/// every run of white space made one space, so rewrapping a paragraph is not a change, 8 hex digits.
public enum TranslationHash {
    public static func of(_ text: String) -> String {
        let words = text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        return String(fingerprint([words]).prefix(8))
    }
}

public enum SourceUnits {
    /// The lesson's units in document order: each prose block cut into its top-level Markdown
    /// blocks, each cell's captions and alt texts where the cell stands.
    public static func of(_ lesson: Lesson) -> [SourceUnit] {
        var units: [SourceUnit] = []
        for (index, block) in lesson.blocks.enumerated() {
            switch block {
            case .prose(let prose):
                units += self.prose(prose.markdown, line: prose.line, block: index)
            case .cell(let cell):
                units += figureTexts(cell).map {
                    SourceUnit(kind: $0.kind, text: $0.text, line: $0.line, needsTranslation: true, block: index)
                }
            }
        }
        return units
    }

    /// A prose block's top-level blocks, each with the lines it spans (blank lines between
    /// them belong to none).
    static func prose(_ markdown: String, line firstLine: Int, block: Int) -> [SourceUnit] {
        guard let document = cmark_parse_document(markdown, markdown.utf8.count, CMARK_OPT_DEFAULT) else {
            return [SourceUnit(kind: .prose, text: markdown, line: firstLine, needsTranslation: true, block: block)]
        }
        defer { cmark_node_free(document) }
        let lines = markdown.components(separatedBy: "\n")
        var units: [SourceUnit] = []
        var node = cmark_node_first_child(document)
        while let current = node {
            let start = Int(cmark_node_get_start_line(current))
            var end = Int(cmark_node_get_end_line(current))
            if let next = cmark_node_next(current) {
                // A `$$` formula's lines are a paragraph's to cmark; a block runs up to the next.
                end = max(end, min(lines.count, Int(cmark_node_get_start_line(next)) - 1))
            } else {
                end = lines.count
            }
            var text = lines[(start - 1)..<min(end, lines.count)]
            while let last = text.last, last.trimmingCharacters(in: .whitespaces).isEmpty { text.removeLast() }
            let joined = text.joined(separator: "\n")
            units.append(
                SourceUnit(
                    kind: .prose, text: joined, line: firstLine + start - 1, needsTranslation: hasWords(joined),
                    block: block))
            node = cmark_node_next(current)
        }
        return units
    }

    /// Whether Markdown has words a reader reads once its HTML tags, formulas and code spans are
    /// taken out.
    static func hasWords(_ markdown: String) -> Bool {
        var text = markdown
        // A formula's label (`$$ ... $$ {#eq-name}`) is not words either.
        for pattern in [#"\$\$[\s\S]*?\$\$"#, #"\$[^$\n]+\$"#, #"`[^`]*`"#, #"<[^>]*>"#, #"\{#[^}]*\}"#] {
            text = text.replacingOccurrences(of: pattern, with: " ", options: .regularExpression)
        }
        return text.contains { $0.isLetter }
    }

    /// The `caption:` and `alt:` string literals of a cell's calls (`show`, `plot`, `animate`,
    /// ...), and its `fig-cap`/`fig-alt` options, in order, each at its lesson line.
    static func figureTexts(_ cell: Cell) -> [(kind: SourceUnit.Kind, text: String, line: Int)] {
        let tree = Parser.parse(source: cell.code)
        let converter = SourceLocationConverter(fileName: "cell", tree: tree)
        final class Finder: SyntaxVisitor {
            var found: [(kind: SourceUnit.Kind, text: String, offset: Int)] = []
            let converter: SourceLocationConverter
            init(_ converter: SourceLocationConverter) {
                self.converter = converter
                super.init(viewMode: .sourceAccurate)
            }
            /// A string literal, or literals joined by `+` (a caption too long for one line).
            static func template(_ expression: ExprSyntax) -> String? {
                if let literal = expression.as(StringLiteralExprSyntax.self) {
                    return CaptionTemplate.source(of: literal)
                }
                if let call = expression.as(FunctionCallExprSyntax.self) { return formatTemplate(call) }
                guard let sequence = expression.as(SequenceExprSyntax.self) else { return nil }
                var parts: [String] = []
                for (k, element) in sequence.elements.enumerated() {
                    if k % 2 == 1 {
                        guard element.as(BinaryOperatorExprSyntax.self)?.operator.text == "+" else { return nil }
                    } else {
                        guard let literal = element.as(StringLiteralExprSyntax.self) else { return nil }
                        parts.append(CaptionTemplate.source(of: literal))
                    }
                }
                return parts.joined()
            }
            /// `String(format: "… %.2f …", x)`: its format with each `%` conversion a hole named by its
            /// argument, as if written `"… \(x) …"` (`%%` is a percent sign).
            static func formatTemplate(_ call: FunctionCallExprSyntax) -> String? {
                guard call.calledExpression.as(DeclReferenceExprSyntax.self)?.baseName.text == "String",
                    let first = call.arguments.first, first.label?.text == "format",
                    let literal = first.expression.as(StringLiteralExprSyntax.self)
                else { return nil }
                let format = CaptionTemplate.source(of: literal)
                var arguments = call.arguments.dropFirst().map { $0.expression.trimmedDescription }[...]
                var out = ""
                var rest = Substring(format)
                while let percent = rest.firstIndex(of: "%") {
                    out += rest[..<percent]
                    guard let match = rest[percent...].prefixMatch(of: #/%[-+ #0]*[0-9]*(\.[0-9]+)?[a-zA-Z@%]/#)
                    else { return nil }
                    let spec = match.output.0
                    if spec == "%%" {
                        out += "%"
                    } else {
                        guard let argument = arguments.popFirst() else { return nil }
                        out += "\\(" + argument + ")"
                    }
                    rest = rest[spec.endIndex...]
                }
                return arguments.isEmpty ? out + rest : nil
            }
            override func visit(_ node: LabeledExprSyntax) -> SyntaxVisitorContinueKind {
                let kind: SourceUnit.Kind? =
                    switch node.label?.text {
                    case "caption": .caption
                    case "alt": .alt
                    default: nil
                    }
                if let kind, let template = Finder.template(node.expression) {
                    let line = node.expression.startLocation(converter: converter).line
                    found.append((kind, template, line - 1))
                }
                return .visitChildren
            }
        }
        let finder = Finder(converter)
        finder.walk(tree)
        var texts = finder.found.map { (kind: $0.kind, text: $0.text, line: cell.firstLine + $0.offset) }
        if let caption = cell.options.figureCaption { texts.append((.caption, caption, cell.firstLine)) }
        if let alt = cell.options.figureAlt { texts.append((.alt, alt, cell.firstLine)) }
        return texts.filter { !$0.text.isEmpty }
    }
}
