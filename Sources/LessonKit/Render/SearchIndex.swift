import Foundation

/// Full-text search that works from `file://`: the build writes the course's text, section by
/// section, as a script (`search-index.js`, loaded with `<script src>`, since a page opened from
/// a file may not fetch) beside a small script that adds a search box to each page. Without
/// JavaScript there is no box, and every page reads as before.
enum SearchIndex {
    static let indexFile = "search-index.js"
    static let scriptFile = "course.js"

    /// One searchable piece: a section of a lesson (or the part before its first section).
    struct Entry: Codable, Equatable {
        /// The link from the output folder: "09-gradient-descent/index.html#steps-per-epoch".
        let u: String
        /// The lesson: "Lesson 9 · Gradient descent".
        let l: String
        /// The section's heading (the lesson's title for the part before the first one).
        let h: String
        /// The section's text, tags and formulas dropped.
        let t: String
    }

    /// Each section of each published page, in course order, read back from the pages
    /// themselves: a lesson not rebuilt in this build is indexed as it is published.
    static func entries(output: URL, lessons: [(slug: String, title: String)], words: Words = .english) -> [Entry] {
        var entries: [Entry] = []
        for (number, lesson) in lessons.enumerated() {
            let page = output.appendingPathComponent(lesson.slug).appendingPathComponent("index.html")
            guard let data = FileManager.default.contents(atPath: page.path) else { continue }
            let label = "\(words(.lessonNumber, "\(number + 1)")) · \(lesson.title)"
            for section in sections(String(decoding: data, as: UTF8.self)) {
                let anchor = section.id.map { "#" + $0 } ?? ""
                entries.append(
                    Entry(
                        u: "\(lesson.slug)/index.html\(anchor)", l: label, h: section.heading ?? lesson.title,
                        t: section.text))
            }
        }
        return entries
    }

    /// The lesson's text (inside `<main>`, without the pager and footer) cut at each level-2 and
    /// level-3 heading.
    static func sections(_ html: String) -> [(id: String?, heading: String?, text: String)] {
        guard let tag = html.range(of: "<main"), let start = html[tag.upperBound...].firstIndex(of: ">"),
            let end = html.range(of: "</main>", range: start..<html.endIndex)
        else { return [] }
        var main = String(html[html.index(after: start)..<end.lowerBound])
        for (open, close) in [
            ("<nav class=\"pager\"", "</nav>"), ("<nav class=\"languages\"", "</nav>"), ("<footer", "</footer>"),
            ("<math", "</math>"), ("<aside", "</aside>"),
        ] {
            main = removing(open, close, from: main)
        }
        var result: [(id: String?, heading: String?, text: String)] = []
        var rest = Substring(main)
        var current: (id: String?, heading: String?) = (nil, nil)
        while true {
            let next = [rest.range(of: "<h2 id=\""), rest.range(of: "<h3 id=\"")].compactMap { $0 }.min {
                $0.lowerBound < $1.lowerBound
            }
            let text = plainText(String(rest[..<(next?.lowerBound ?? rest.endIndex)]))
            if !text.isEmpty || current.id != nil { result.append((current.id, current.heading, text)) }
            guard let next, let quote = rest[next.upperBound...].firstIndex(of: "\""),
                let headingEnd = rest.range(of: "</h", range: quote..<rest.endIndex)
            else { break }
            let id = String(rest[next.upperBound..<quote])
            current = (
                id, plainText(String(rest[quote..<headingEnd.lowerBound]).drop { $0 != ">" }.dropFirst().description)
            )
            rest = rest[headingEnd.upperBound...]
            if let close = rest.firstIndex(of: ">") { rest = rest[rest.index(after: close)...] }
        }
        return result.map { ($0.id, $0.heading, String($0.text.prefix(20_000))) }
    }

    static func removing(_ open: String, _ close: String, from html: String) -> String {
        var out = ""
        var rest = Substring(html)
        while let a = rest.range(of: open) {
            out += rest[..<a.lowerBound]
            guard let b = rest.range(of: close, range: a.upperBound..<rest.endIndex) else { return out }
            out += " "
            rest = rest[b.upperBound...]
        }
        return out + rest
    }

    /// Text without tags, the page's entities decoded, runs of white space as one space.
    static func plainText(_ html: String) -> String {
        var text = ""
        var inTag = false
        for c in html {
            if c == "<" {
                inTag = true
                text += " "
            } else if c == ">" {
                inTag = false
            } else if !inTag {
                text.append(c)
            }
        }
        for (entity, character) in [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&amp;", "&")] {
            text = text.replacingOccurrences(of: entity, with: character)
        }
        return text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    /// The index as a script that sets one global; its first line names the `pages` it was read from.
    static func script(_ entries: [Entry], pages: String = "") throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        let json = String(decoding: try encoder.encode(entries), as: UTF8.self)
        return
            "\(firstLine(pages: pages))\nwindow.LESSON_SEARCH = \(json);\n"
    }

    static func firstLine(pages: String) -> String {
        "// The course's text by section, for \(scriptFile) (written by `lessons build` from the pages \(pages))."
    }

    /// Writes the index and the script into the output folder (named in its manifest, so
    /// `clean` removes them), unless the index there was read from the same `pages` (a
    /// fingerprint of the pages' keys; nil to read them whatever): reading every page back is
    /// most of a build that changes nothing. A translated edition writes its index only: the
    /// script is the English edition's, shared.
    static func write(
        into output: OutputFolder, lessons: [(slug: String, title: String)], pages: String?, words: Words = .english
    ) throws {
        let index = output.url.appendingPathComponent(indexFile)
        let english = words.language == .english
        if let pages,
            !english || FileManager.default.fileExists(atPath: output.url.appendingPathComponent(scriptFile).path),
            let handle = try? FileHandle(forReadingFrom: index)
        {
            defer { try? handle.close() }
            let expected = Data((firstLine(pages: pages) + "\n").utf8)
            if (try? handle.read(upToCount: expected.count)) == expected { return }
        }
        try output.writeAtomically(
            script(entries(output: output.url, lessons: lessons, words: words), pages: pages ?? "-"), to: indexFile)
        if english { try output.writeAtomically(SearchScript.source, to: scriptFile) }
    }
}
