import Foundation

/// Section numbers as d2l prints them: lesson 5's second section is "5.2", its first subsection
/// "5.2.1". Given to the headings after the prose is rendered, so the prose renderer need not
/// know the lesson's number.
enum Numbering {
    /// Each level-2 and level-3 heading's number, by its id, in page order. A level-3 heading
    /// before any level-2 one is left unnumbered.
    static func sectionNumbers(_ headings: [Heading], lesson: Int) -> [String: String] {
        var numbers: [String: String] = [:]
        var section = 0
        var subsection = 0
        for heading in headings {
            switch heading.level {
            case 2:
                section += 1
                subsection = 0
                numbers[heading.id] = "\(lesson).\(section)"
            case 3 where section > 0:
                subsection += 1
                numbers[heading.id] = "\(lesson).\(section).\(subsection)"
            default: break
            }
        }
        return numbers
    }

    /// `@sec-ID` for each level-2 and level-3 heading of the lesson, ID being the heading's
    /// anchor (its text as `HTML.slug` writes it, as in `#max-pooling`): "Section 5.2". Read from
    /// the Markdown before the prose is rendered, so a reference may come before its section.
    static func sectionReferences(_ lesson: Lesson, number: Int, words: Words = .english) -> [String: CrossReference] {
        var headings: [Heading] = []
        var used: Set<String> = []
        for case .prose(let markdown, _) in lesson.blocks {
            var fence: String?
            for line in markdown.components(separatedBy: "\n") {
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                if let open = fence {
                    if trimmed.hasPrefix(open) { fence = nil }
                    continue
                }
                if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
                    fence = String(trimmed.prefix(3))
                    continue
                }
                let hashes = line.prefix { $0 == "#" }.count
                guard (1...4).contains(hashes), line.dropFirst(hashes).first == " " else { continue }
                // The same ids the page gives its headings: a repeated text gets "-2", "-3".
                let text = String(line.dropFirst(hashes)).trimmingCharacters(in: .whitespaces)
                let id = uniqueId(lesson.anchors[text] ?? HTML.slug(text), used: &used)
                headings.append(Heading(level: hashes, text: text, id: id))
            }
        }
        return sectionNumbers(headings, lesson: number).reduce(into: [:]) { references, entry in
            references["sec-" + entry.key] = CrossReference(text: words(.section, entry.value), anchor: entry.key)
        }
    }

    /// `id`, or `id-2`, `id-3`... when the page has it already: the ids the page gives its headings.
    static func uniqueId(_ id: String, used: inout Set<String>) -> String {
        var unique = id
        var n = 2
        while used.contains(unique) {
            unique = id + "-\(n)"
            n += 1
        }
        used.insert(unique)
        return unique
    }

    /// `body` with each numbered heading's number in front of its text, inside its self-link
    /// (`<h2 id="x"><a class="anchor" href="#x">`, as `ProseRenderer` writes headings).
    static func number(_ body: String, _ numbers: [String: String]) -> String {
        var html = body
        for (id, number) in numbers {
            for level in [2, 3] {
                let start = "<h\(level) id=\"\(id)\"><a class=\"anchor\" href=\"#\(id)\">"
                html = html.replacingOccurrences(of: start, with: start + "<span class=\"secno\">\(number)</span>")
            }
        }
        return html
    }

    /// Whether a table cell holds one number ("0.9871", "-3", "1,024", "98.7%", "1.2e-3"), to be
    /// right-aligned.
    static func isNumber(_ text: String) -> Bool {
        var t = text.trimmingCharacters(in: .whitespaces)
        if t.hasSuffix("%") { t.removeLast() }
        t = t.replacingOccurrences(of: ",", with: "").replacingOccurrences(of: "−", with: "-")
        return !t.isEmpty && Double(t) != nil
    }
}
