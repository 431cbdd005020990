/// A browser may break a line between an inline formula (or code, or a value) and the Chinese
/// punctuation after it, leaving "，" or "。" at the start of the next line, which Chinese
/// typesetting never does. On a Chinese page a word joiner (U+2060, no break on either side) goes
/// between them; nothing else changes, so a long formula or value still wraps or scrolls as before.
enum CJKPunctuation {
    static func keepWithPrevious(_ html: String) -> String {
        html.replacingOccurrences(
            of: #"(</math>|</code>|<span class="inline-value">[^<]*</span>|</a>)(</span>)?([，。、；：）！？」』”])"#,
            with: "$1$2\u{2060}$3", options: .regularExpression)
    }
}
