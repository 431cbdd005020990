import SwiftIDEUtils
import SwiftParser
import SwiftSyntax

/// Colours Swift code for the page from swift-syntax's own reading of it: each token's
/// classification (keyword, type, string, number, attribute) and the comments in its trivia.
/// The text is the parser's lossless round trip of the code, so nothing is lost or reordered.
public enum SwiftHighlighter {
    public static func html(_ code: String) -> String {
        var pieces: [(cls: String?, text: String)] = []
        func add(_ cls: String?, _ text: String) {
            guard !text.isEmpty else { return }
            // Neighbours of one class are one span: a string's quotes, delimiters and text.
            if let last = pieces.last, last.cls == cls {
                pieces[pieces.count - 1].text += text
            } else {
                pieces.append((cls, text))
            }
        }
        func addTrivia(_ trivia: Trivia) {
            for piece in trivia.pieces {
                switch piece {
                case .lineComment, .blockComment, .docLineComment, .docBlockComment: add("cm", "\(piece)")
                default: add(nil, "\(piece)")
                }
            }
        }
        let tree = Parser.parse(source: code)
        for token in tree.tokens(viewMode: .sourceAccurate) {
            addTrivia(token.leadingTrivia)
            add(cls(of: token), token.text)
            addTrivia(token.trailingTrivia)
        }
        return pieces.map { piece in
            piece.cls.map { "<span class=\"\($0)\">\(HTML.escape(piece.text))</span>" } ?? HTML.escape(piece.text)
        }.joined()
    }

    /// The page's class for a token: kw, ty, st, nu, at, fn, or none.
    static func cls(of token: TokenSyntax) -> String? {
        switch token.tokenKind {
        case .keyword: return "kw"
        case .rawStringPoundDelimiter: return "st"  // swift-syntax leaves the '#' of #"..."# unclassified
        case .atSign, .pound: return "at"
        default: break
        }
        // The name after '@' is the attribute's, whatever else it is (`@MainActor` is also a type).
        if token.previousToken(viewMode: .sourceAccurate)?.tokenKind == .atSign && token.leadingTrivia.isEmpty {
            return "at"
        }
        switch token.tokenClassification.kind {
        case .keyword: return "kw"
        case .type: return "ty"
        case .stringLiteral, .regexLiteral: return "st"
        case .integerLiteral, .floatLiteral: return "nu"
        case .attribute, .ifConfigDirective: return "at"
        case .identifier:
            // #file, #sourceLocation
            if token.previousToken(viewMode: .sourceAccurate)?.tokenKind == .pound { return "at" }
            if token.text.first?.isUppercase == true { return "ty" }
            if token.trailingTrivia.isEmpty, let next = token.nextToken(viewMode: .sourceAccurate),
                next.tokenKind == .leftParen
            {
                return "fn"
            }
            return nil
        default: return nil
        }
    }
}
