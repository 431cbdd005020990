/// Code and printed text as one `<span class="line">` per line, so a line too long for the
/// screen wraps with a hanging indent and a continuation mark (drawn by the stylesheet in the
/// indent) instead of being cut at the edge of its box.
enum CodeLines {
    /// `html` is escaped text, possibly with the highlighter's `<span class="...">` (never
    /// nested); a span that runs over a line break is closed at the break and opened again on the
    /// next line, so every line is a whole element. A line's leading spaces give it class `iN`
    /// (up to `Stylesheet.deepestHang`), which the stylesheet adds to the hanging indent: a
    /// wrapped line continues right of its own indent.
    static func wrap(_ html: String) -> String {
        var out = ""
        var line = ""
        var open: String? = nil
        out.reserveCapacity(html.utf8.count + 64)
        func flush() {
            let indent = line.prefix { $0 == " " }.count
            out +=
                indent > 0 ? "<span class=\"line i\(min(indent, Stylesheet.deepestHang))\">" : "<span class=\"line\">"
            // The line's own newline stays inside it: copied text keeps its lines, and no text
            // node sits between the block-level lines to add blank ones.
            out += line
            out += "\n</span>"
        }
        var i = html.startIndex
        while i < html.endIndex {
            let c = html[i]
            if c == "<" {
                let end = html[i...].firstIndex(of: ">") ?? html.index(before: html.endIndex)
                let tag = String(html[i...end])
                if tag.hasPrefix("</span") { open = nil } else if tag.hasPrefix("<span") { open = tag }
                line += tag
                i = html.index(after: end)
                continue
            }
            if c == "\n" {
                if open != nil { line += "</span>" }
                flush()
                line = open ?? ""
            } else {
                line.append(c)
            }
            i = html.index(after: i)
        }
        // A trailing newline ends the last line rather than starting an empty one.
        if !line.isEmpty && line != open { flush() } else if out.isEmpty { flush() }
        return out
    }
}
