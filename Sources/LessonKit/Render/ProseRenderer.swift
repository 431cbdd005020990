import CCmark
import Foundation

/// A heading for the page's contents sidebar.
public struct Heading: Equatable, Sendable {
    public let level: Int
    public let text: String
    public let id: String
}

/// Markdown prose -> HTML with libcmark. Math (`$...$`, `$$...$$`) is lifted out before cmark
/// sees it (so `_` and `*` inside formulas stay TeX) and put back as MathML.
enum ProseRenderer {
    static func render(_ markdown: String, file: String, line firstLine: Int, usedIds: inout Set<String>) -> (html: String, headings: [Heading], warnings: [LessonError]) {
        var warnings: [LessonError] = []
        var formulas: [String] = []
        var protected: [String] = []
        var inFence = false, blockMath: (start: Int, text: String)? = nil
        func placeholder(_ html: String) -> String { formulas.append(html); return "MATHXPH\(formulas.count - 1)Z" }
        func math(_ tex: String, display: Bool, line: Int) -> String {
            do {
                let rendered = try MathML.render(tex, display: display)
                // Block formulas scroll sideways on a narrow screen instead of overflowing it.
                return placeholder(display ? "<div class=\"math-block\">\(rendered)</div>" : rendered)
            } catch let failure as MathML.Failure {
                warnings.append(LessonError(file: file, line: line, message: "math: \(failure.message) in '\(tex)'"))
                return placeholder("<code class=\"math-error\">\(HTML.escape(tex))</code>")
            } catch { return tex }
        }
        for (offset, line) in markdown.components(separatedBy: "\n").enumerated() {
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
            protected.append(inlineMath(line, line: lineNumber, math: math))
        }
        if let pending = blockMath { warnings.append(LessonError(file: file, line: pending.start, message: "math opened with '$$' is never closed")) }
        let source = protected.joined(separator: "\n")
        guard let raw = cmark_markdown_to_html(source, source.utf8.count, CMARK_OPT_UNSAFE | CMARK_OPT_SMART) else {
            return ("<pre>\(HTML.escape(markdown))</pre>", [], warnings)
        }
        var html = String(cString: raw)
        free(raw)
        for (k, formula) in formulas.enumerated().reversed() {
            html = html.replacingOccurrences(of: "<p>MATHXPH\(k)Z</p>", with: formula).replacingOccurrences(of: "MATHXPH\(k)Z", with: formula)
        }
        var headings: [Heading] = []
        html = addHeadingIds(html, headings: &headings, usedIds: &usedIds)
        return (html, headings, warnings)
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

    static func addHeadingIds(_ html: String, headings: inout [Heading], usedIds: inout Set<String>) -> String {
        let regex = try! NSRegularExpression(pattern: "<h([1-4])>(.*?)</h\\1>", options: [.dotMatchesLineSeparators])
        var result = html
        for match in regex.matches(in: html, range: NSRange(html.startIndex..., in: html)).reversed() {
            let level = Int(html[Range(match.range(at: 1), in: html)!])!
            let inner = String(html[Range(match.range(at: 2), in: html)!])
            let text = inner.replacingOccurrences(of: "<[^>]+>", with: "", options: .regularExpression)
            var id = HTML.slug(text), n = 2
            while usedIds.contains(id) { id = HTML.slug(text) + "-\(n)"; n += 1 }
            usedIds.insert(id)
            headings.insert(Heading(level: level, text: decodeEntities(text), id: id), at: 0)
            result.replaceSubrange(Range(match.range, in: result)!, with: "<h\(level) id=\"\(id)\"><a class=\"anchor\" href=\"#\(id)\">\(inner)</a></h\(level)>")
        }
        return result
    }

    static func decodeEntities(_ s: String) -> String {
        s.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'").replacingOccurrences(of: "&amp;", with: "&")
    }
}
