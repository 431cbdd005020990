import Foundation
import SwiftSyntax

/// A caption as its cell writes it, `"Loss after \(steps) steps"`: literal text and `\(...)`
/// holes. The run gives the English with the holes filled; matching the English template against
/// it recovers each hole's text, which fills the same holes of the translated template. So a
/// translated caption shows the run's own numbers without running anything again.
public struct CaptionTemplate: Equatable, Sendable {
    public enum Piece: Equatable, Sendable {
        case text(String)
        /// The hole's expression as written, e.g. `steps` or `String(format: "%.2f", x)`.
        case hole(String)
    }
    public let pieces: [Piece]

    /// The literal's source between its quotes, holes as `\(expression)`.
    static func source(of literal: StringLiteralExprSyntax) -> String {
        literal.segments.map { segment in
            switch segment {
            case .stringSegment(let s): s.content.text
            case .expressionSegment(let e): "\\(" + e.expressions.description + ")"
            }
        }.joined()
    }

    /// Parses template text as `source(of:)` writes it (a translator writes the same form).
    public init(_ text: String) {
        var pieces: [Piece] = []
        var literal = ""
        let chars = Array(text)
        var i = 0
        while i < chars.count {
            if chars[i] == "\\", i + 1 < chars.count {
                if chars[i + 1] == "(" {
                    // The hole runs to its matching parenthesis.
                    var depth = 1
                    var j = i + 2
                    while j < chars.count && depth > 0 {
                        if chars[j] == "(" { depth += 1 }
                        if chars[j] == ")" { depth -= 1 }
                        j += 1
                    }
                    if !literal.isEmpty { pieces.append(.text(literal)) }
                    literal = ""
                    pieces.append(.hole(String(chars[(i + 2)..<max(i + 2, j - 1)])))
                    i = j
                    continue
                }
                // Swift's escapes, as the run printed them.
                switch chars[i + 1] {
                case "n": literal.append("\n")
                case "t": literal.append("\t")
                default: literal.append(chars[i + 1])
                }
                i += 2
                continue
            }
            literal.append(chars[i])
            i += 1
        }
        if !literal.isEmpty { pieces.append(.text(literal)) }
        self.pieces = pieces
    }

    public var holes: [String] { pieces.compactMap { if case .hole(let h) = $0 { h } else { nil } } }

    /// Each hole's text in `rendered` (the run's English), or nil when `rendered` is not this
    /// template filled in. Holes match as little as they can, so literal text decides.
    public func match(_ rendered: String) -> [String: String]? {
        var pattern = "^"
        for piece in pieces {
            switch piece {
            case .text(let t): pattern += NSRegularExpression.escapedPattern(for: t)
            case .hole: pattern += "([\\s\\S]*?)"
            }
        }
        pattern += "$"
        guard let regex = try? NSRegularExpression(pattern: pattern),
            let m = regex.firstMatch(in: rendered, range: NSRange(rendered.startIndex..., in: rendered))
        else { return nil }
        var values: [String: String] = [:]
        for (k, hole) in holes.enumerated() {
            if let range = Range(m.range(at: k + 1), in: rendered) { values[hole] = String(rendered[range]) }
        }
        return values
    }

    /// The template with its holes filled from `values`; nil if one is missing.
    public func fill(_ values: [String: String]) -> String? {
        var out = ""
        for piece in pieces {
            switch piece {
            case .text(let t): out += t
            case .hole(let h):
                guard let v = values[h] else { return nil }
                out += v
            }
        }
        return out
    }
}
