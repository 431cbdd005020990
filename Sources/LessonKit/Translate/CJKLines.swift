/// A browser shows a line break inside a paragraph as a space, which Chinese text does not have:
/// "卷积\n核" would read "卷积 核". So a break between two lines of a paragraph is dropped where
/// the line before ends in a Chinese character or punctuation and the next starts with one (the
/// next line's indent and a block quote's `>` go with it). Fenced code is left alone.
enum CJKLines {
    static func join(_ markdown: String) -> String {
        var out: [String] = []
        var inFence = false
        for line in markdown.components(separatedBy: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") { inFence.toggle() }
            if !inFence, let previous = out.last, let last = previous.last, isChinese(last) {
                var rest = Substring(trimmed)
                let quoted = previous.hasPrefix(">") && rest.hasPrefix(">")
                if quoted { rest = rest.dropFirst().drop(while: { $0 == " " }) }
                if let first = rest.first, isChinese(first), quoted || !startsBlock(trimmed) {
                    out[out.count - 1] = previous + rest
                    continue
                }
            }
            out.append(line)
        }
        return out.joined(separator: "\n")
    }

    /// CJK ideographs and the full-width punctuation around them.
    static func isChinese(_ c: Character) -> Bool {
        guard let scalar = c.unicodeScalars.first else { return false }
        switch scalar.value {
        case 0x3000...0x303F, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0xFF00...0xFFEF, 0x2018...0x201D,
            0x2026:
            return true
        default: return false
        }
    }

    /// A line that starts a block of its own rather than continuing a paragraph.
    static func startsBlock(_ trimmed: String) -> Bool {
        trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed.hasPrefix(">") || trimmed.hasPrefix("- ")
            || trimmed.hasPrefix("* ") || trimmed.hasPrefix("|") || trimmed.hasPrefix("<")
            || trimmed.hasPrefix("$$") || trimmed.first.map { $0.isNumber } == true
    }
}
