/// A browser may break a line between an inline formula (or code, or a value) and the Chinese
/// punctuation after it, leaving "，" or "。" at the start of the next line, which Chinese
/// typesetting never does. On a Chinese page each such pair is kept on one line.
enum CJKPunctuation {
    static func keepWithPrevious(_ html: String) -> String {
        html.replacingOccurrences(
            of:
                #"(<(math|code)\b[^>]*>(?:(?!</\2>)[\s\S])*</\2>|<span class="inline-value">[^<]*</span>)([，。、；：）！？」』”])"#,
            with: "<span class=\"nowrap\">$1$3</span>", options: .regularExpression)
    }
}
