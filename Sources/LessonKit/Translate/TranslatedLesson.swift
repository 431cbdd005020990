import Foundation

/// The English lesson's run told in another language: the same cells, results and figures, with
/// the translation's prose in place of the English, its captions and alt texts filled with the
/// run's values, and the inline values renumbered in the translation's order. Nothing runs
/// again; the page renderer draws the result like any executed lesson.
public enum TranslatedLesson {
    public struct Context {
        public let language: Language
        public let words: Words
        /// Turns the Simplified text into the page's script (identity for zh-Hans).
        public let convert: (String) -> String
        /// The English page of this lesson, relative to the translated page.
        public let englishPage: String
        /// The lesson's and the translation's paths, for what the page finds wrong in the text.
        public let englishFile: String
        public let translationFile: String

        public init(
            language: Language, words: Words, convert: @escaping (String) -> String, englishPage: String,
            englishFile: String = "", translationFile: String = ""
        ) {
            self.language = language
            self.words = words
            self.convert = convert
            self.englishPage = englishPage
            self.englishFile = englishFile
            self.translationFile = translationFile
        }
    }

    /// The lesson with the translation's prose, title and summary, and which English inline value
    /// each of its inline values shows (by their numbers in document order). `notes` puts a note
    /// before each stale or untranslated piece (a page); a workbook's prompts go without.
    public static func lesson(
        _ english: Lesson, translation: Translation, match: TranslationMatch, context: Context, notes: Bool = true
    ) -> (lesson: Lesson, inlineMap: [Int: Int]) {
        let englishIds = englishHeadingIds(match)
        // Prose: each English prose block becomes its units' translations, in order.
        var proseByBlock: [Int: [(text: String, line: Int, file: String, firstInline: Int)]] = [:]
        var englishInline = 0  // the run's numbering: English prose in document order
        var translatedInline = 0
        var inlineMap: [Int: Int] = [:]  // translated index -> English index
        var section: String?
        var sectionIds: [String: String] = [:]  // English heading id -> translated heading's text
        for (unit, state) in match.units where unit.kind == .prose {
            let englishValues = expressions(unit.text)
            let firstEnglish = englishInline
            englishInline += englishValues.count
            if let id = englishIds[unit.line] { section = id }
            var text: String
            // Where the text is, for the errors the page may find in it.
            var line = unit.line
            var file = context.englishFile
            switch state {
            case .current(let piece), .stale(let piece):
                text = context.convert(CJKLines.join(piece.text))
                line = piece.textLine
                file = context.translationFile
                if let id = englishIds[unit.line] { sectionIds[id] = headingText(text) }
                if notes, case .stale = state {
                    let link =
                        "<a href=\"\(HTML.escape(context.englishPage))\(section.map { "#" + HTML.escape($0) } ?? "")\">\(context.words(.readEnglish))</a>"
                    text = "<p class=\"stale-note\">\(context.words(.staleNote, link))</p>\n\n" + text
                    line -= 2
                }
            case .untranslated:
                text = unit.text
                if notes, unit.needsTranslation {
                    text =
                        "<div class=\"untranslated\" lang=\"en\">\n<p class=\"stale-note\" lang=\"\(context.language.rawValue)\">\(context.words(.untranslatedNote))</p>\n\n"
                        + text + "\n\n</div>"
                    line -= 3
                }
                if let id = englishIds[unit.line] { sectionIds[id] = headingText(text) }
            }
            let firstInline = translatedInline
            var used: Set<Int> = []
            for expression in expressions(text) {
                let candidates = englishValues.indices.filter { englishValues[$0] == expression }
                if let k = candidates.first(where: { !used.contains($0) }) ?? candidates.first {
                    used.insert(k)
                    inlineMap[translatedInline] = firstEnglish + k
                }
                translatedInline += 1
            }
            proseByBlock[unit.block, default: []].append((text, line, file, firstInline))
        }
        var blocks: [Block] = []
        for (k, block) in english.blocks.enumerated() {
            switch block {
            case .prose(let english):
                // Each piece its own block, parsed as a lesson's prose is; one that does not parse
                // (it cannot be the translator's Markdown alone: an unclosed fence) shows the English.
                for piece in proseByBlock[k] ?? [] {
                    let prose =
                        (try? Prose.parse(
                            piece.text, file: piece.file, line: piece.line, firstInlineValue: piece.firstInline))
                        ?? english
                    blocks.append(.prose(prose))
                }
            case .cell: blocks.append(block)
            }
        }
        // Translated headings keep the English ids: links into a section and `@sec-` names work.
        var anchors: [String: String] = [:]
        for (englishId, text) in sectionIds where !text.isEmpty {
            anchors[text] = englishId
            anchors[text.replacingOccurrences(of: "`", with: "").replacingOccurrences(of: "$", with: "")] = englishId
        }
        var lesson = Lesson(
            slug: english.slug, file: english.file, title: context.convert(translation.title),
            summary: context.convert(translation.summary), blocks: blocks, source: english.source)
        lesson.anchors = anchors
        return (lesson, inlineMap)
    }

    public static func make(
        _ executed: ExecutedLesson, translation: Translation, match: TranslationMatch, context: Context,
        figurePrefix: String
    ) -> ExecutedLesson {
        let english = executed.lesson
        let (lesson, inlineMap) = self.lesson(english, translation: translation, match: match, context: context)

        // Captions and alt texts: each figure's, matched to its cell's templates.
        var textsByCell: [Int: [(unit: SourceUnit, state: TranslationMatch.State)]] = [:]
        for (unit, state) in match.units where unit.kind != .prose {
            if case .cell(let cell) = english.blocks[unit.block] {
                textsByCell[cell.number, default: []].append((unit, state))
            }
        }
        func translate(_ text: String?, kind: SourceUnit.Kind, cell: Int) -> String? {
            guard let text else { return nil }
            for (unit, state) in textsByCell[cell] ?? [] where unit.kind == kind {
                guard let values = CaptionTemplate(unit.text).match(text) else { continue }
                switch state {
                case .current(let piece), .stale(let piece):
                    return CaptionTemplate(piece.text).fill(values).map(context.convert) ?? text
                case .untranslated: return text
                }
            }
            return text
        }
        var englishValues: [Int: String] = [:]
        for case .inlineValue(let index, let text) in executed.results.flatMap(\.outputs) {
            englishValues[index] = text
        }
        var results = executed.results.map { result -> CellResult in
            var result = result
            result.outputs = result.outputs.compactMap { output -> CellOutput? in
                switch output {
                case .inlineValue: return nil
                case .figure(var f):
                    f.caption = translate(f.caption, kind: .caption, cell: result.cell.number)
                    f.alt = translate(f.alt, kind: .alt, cell: result.cell.number)
                    f.file = figurePrefix + f.file
                    f.darkFile = f.darkFile.map { figurePrefix + $0 }
                    f.frames = f.frames.map { figurePrefix + $0 }
                    f.darkFrames = f.darkFrames.map { figurePrefix + $0 }
                    f.phoneFile = f.phoneFile.map { figurePrefix + $0 }
                    f.phoneDarkFile = f.phoneDarkFile.map { figurePrefix + $0 }
                    f.phoneFrames = f.phoneFrames.map { figurePrefix + $0 }
                    f.phoneDarkFrames = f.phoneDarkFrames.map { figurePrefix + $0 }
                    return .figure(f)
                case .table(var t):
                    t.caption = translate(t.caption, kind: .caption, cell: result.cell.number)
                    return .table(t)
                default: return output
                }
            }
            return result
        }
        if !results.isEmpty {
            results[0].outputs += inlineMap.sorted { $0.key < $1.key }.compactMap { translated, englishIndex in
                englishValues[englishIndex].map { CellOutput.inlineValue(index: translated, text: $0) }
            }
        }
        return ExecutedLesson(
            lesson: lesson, results: results, swiftVersion: executed.swiftVersion, builtAt: executed.builtAt)
    }

    /// The id each English heading unit gets on the English page, by its line.
    static func englishHeadingIds(_ match: TranslationMatch) -> [Int: String] {
        var ids: [Int: String] = [:]
        var used: Set<String> = []
        for (unit, _) in match.units where unit.kind == .prose {
            let text = headingText(unit.text)
            guard !text.isEmpty else { continue }
            ids[unit.line] = Numbering.uniqueId(HTML.slug(text), used: &used)
        }
        return ids
    }

    /// The inline values' expressions of a piece of Markdown, in order.
    static func expressions(_ markdown: String) -> [String] {
        guard markdown.contains("{swift}") else { return [] }
        return ((try? Prose.parse(markdown, file: "", line: 1))?.inlineValues ?? []).map(\.expression)
    }

    /// A heading line's text (levels 1-4), or "".
    static func headingText(_ markdown: String) -> String {
        guard let line = markdown.components(separatedBy: "\n").first else { return "" }
        let hashes = line.prefix { $0 == "#" }.count
        guard (1...4).contains(hashes), line.dropFirst(hashes).first == " " else { return "" }
        return String(line.dropFirst(hashes)).trimmingCharacters(in: .whitespaces)
    }
}
