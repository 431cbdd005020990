/// Colours Swift code for the page: a tokenizer for colours only (keywords, types, strings,
/// numbers, comments, attributes); it never decides what code means.
public enum SwiftHighlighter {
    static let keywords: Set<String> = [
        "let", "var", "func", "return", "if", "else", "for", "in", "while", "repeat", "switch", "case", "default", "break", "continue",
        "struct", "class", "enum", "protocol", "extension", "import", "guard", "throw", "throws", "try", "catch", "do", "where",
        "true", "false", "nil", "self", "Self", "init", "static", "public", "private", "internal", "fileprivate", "inout", "as",
        "is", "some", "any", "defer", "mutating", "final", "override", "typealias", "async", "await", "rethrows", "subscript",
    ]

    public static func html(_ code: String) -> String {
        let chars = Array(code)
        var out = "", i = 0
        func span(_ cls: String, _ text: String) { out += "<span class=\"\(cls)\">\(HTML.escape(text))</span>" }
        while i < chars.count {
            let c = chars[i]
            if c == "/" && i + 1 < chars.count && chars[i + 1] == "/" {
                var j = i; while j < chars.count && chars[j] != "\n" { j += 1 }
                span("cm", String(chars[i..<j])); i = j
            } else if c == "/" && i + 1 < chars.count && chars[i + 1] == "*" {
                var j = i + 2; while j + 1 < chars.count && !(chars[j] == "*" && chars[j + 1] == "/") { j += 1 }
                j = min(j + 2, chars.count)
                span("cm", String(chars[i..<j])); i = j
            } else if c == "\"" {
                let triple = i + 2 < chars.count && chars[i + 1] == "\"" && chars[i + 2] == "\""
                var j = i + (triple ? 3 : 1)
                while j < chars.count {
                    if chars[j] == "\\" { j += 2; continue }
                    if triple ? (j + 2 < chars.count && chars[j] == "\"" && chars[j + 1] == "\"" && chars[j + 2] == "\"") : (chars[j] == "\"" || chars[j] == "\n") {
                        j += triple ? 3 : 1; break
                    }
                    j += 1
                }
                j = min(j, chars.count)
                span("st", String(chars[i..<j])); i = j
            } else if c.isNumber {
                var j = i; while j < chars.count && (chars[j].isNumber || chars[j] == "." || chars[j] == "_" || chars[j] == "e" || chars[j] == "x" || chars[j].isHexDigit) { j += 1 }
                span("nu", String(chars[i..<j])); i = j
            } else if c.isLetter || c == "_" || c == "@" || c == "#" {
                var j = i + 1; while j < chars.count && (chars[j].isLetter || chars[j].isNumber || chars[j] == "_") { j += 1 }
                let word = String(chars[i..<j])
                if c == "@" || c == "#" { span("at", word) }
                else if keywords.contains(word) { span("kw", word) }
                else if c.isUppercase { span("ty", word) }
                else if j < chars.count && chars[j] == "(" { span("fn", word) }
                else { out += HTML.escape(word) }
                i = j
            } else {
                out += HTML.escape(String(c)); i += 1
            }
        }
        return out
    }
}
