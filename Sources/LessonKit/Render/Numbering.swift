import Foundation

/// Section and equation numbers as d2l prints them: lesson 5's second section is "5.2", its first
/// subsection "5.2.1", its third numbered formula "(5.3)". Worked out from the page's prose before
/// it is rendered, so that `@sec-` and `@eq-` may name what comes further down.
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

    /// `@sec-ID` for each numbered heading, ID being its anchor (its text as `HTML.slug` writes
    /// it, as in `#max-pooling`): "Section 5.2".
    static func sectionReferences(_ headings: [Heading], numbers: [String: String], words: Words = .english)
        -> [String: CrossReference]
    {
        headings.reduce(into: [:]) { references, heading in
            guard let number = numbers[heading.id] else { return }
            references["sec-" + heading.id] = CrossReference(text: words(.section, number), anchor: heading.id)
        }
    }

    /// Each labelled display formula's number, by its label, in page order: lesson 5's third is
    /// "5.3", as d2l numbers them (Quarto numbers only labelled formulas too). A label used twice
    /// numbers its first formula.
    static func equationNumbers(_ blocks: [Prose], lesson: Int) -> [String: String] {
        var numbers: [String: String] = [:]
        var count = 0
        for prose in blocks {
            ProseNode.walk(prose.nodes) { node in
                guard case .displayMath(_, _, let label?) = node, numbers[label] == nil else { return }
                count += 1
                numbers[label] = "\(lesson).\(count)"
            }
        }
        return numbers
    }

    /// `@eq-name` for each numbered formula: "Equation 5.3", as Quarto writes it, linked to the
    /// formula (its anchor is its label).
    static func equationReferences(_ numbers: [String: String], words: Words = .english) -> [String: CrossReference] {
        numbers.reduce(into: [:]) { $0[$1.key] = CrossReference(text: words(.equation, $1.value), anchor: $1.key) }
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
