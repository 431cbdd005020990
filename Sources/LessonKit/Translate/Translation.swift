import Foundation

/// A lesson's translation as written in `Lessons/<language>/<slug>.md`: front matter with the
/// translated title and summary, then each translated piece after a marker naming the English it
/// translates by hash: `<!-- en 1a2b3c4d -->` for prose, `<!-- en 1a2b3c4d caption -->` and
/// `<!-- en 1a2b3c4d alt -->` for a figure's texts. No code: the cells are the English lesson's.
public struct Translation: Equatable, Sendable {
    public struct Piece: Equatable, Sendable {
        public let kind: SourceUnit.Kind
        /// The hash of the English this was translated from.
        public let hash: String
        public let text: String
        /// The line of its marker in the translation's file.
        public let line: Int
        /// The line its text starts on.
        public let textLine: Int
    }
    public let slug: String
    public let displayPath: String
    public let title: String
    public let summary: String
    /// The hash of the English "title\nsummary" the front matter translates (`en:`).
    public let frontHash: String
    public let pieces: [Piece]

    public static func front(_ lesson: Lesson) -> String { TranslationHash.of(lesson.title + "\n" + lesson.summary) }

    public static func parse(file: URL, displayPath: String) throws(LessonError) -> Translation {
        guard let data = FileManager.default.contents(atPath: file.path) else {
            throw LessonError(file: displayPath, line: 0, message: "cannot be read")
        }
        return try parse(
            String(decoding: data, as: UTF8.self), slug: file.deletingPathExtension().lastPathComponent,
            displayPath: displayPath)
    }

    public static func parse(_ text: String, slug: String, displayPath: String) throws(LessonError) -> Translation {
        let lines = text.components(separatedBy: "\n")
        guard let (front, firstBody) = try FrontMatter.parse(lines, displayPath: displayPath) else {
            throw LessonError(
                file: displayPath, line: 1, message: "a translation starts with front matter: title, summary, en")
        }
        guard let title = front["title"], let hash = front["en"] else {
            throw LessonError(
                file: displayPath, line: 1,
                message: "the front matter needs 'title:' and 'en:' (the hash of the English title and summary)")
        }
        var pieces: [Piece] = []
        var current: (kind: SourceUnit.Kind, hash: String, line: Int)? = nil
        var body: [String] = []
        var bodyStart = 0
        func flush() throws(LessonError) {
            while let last = body.last, last.trimmingCharacters(in: .whitespaces).isEmpty { body.removeLast() }
            while let first = body.first, first.trimmingCharacters(in: .whitespaces).isEmpty {
                body.removeFirst()
                bodyStart += 1
            }
            guard let piece = current else {
                if !body.isEmpty {
                    throw LessonError(
                        file: displayPath, line: bodyStart,
                        message: "text before the first '<!-- en <hash> -->' marker: which English does it translate?")
                }
                return
            }
            if body.isEmpty {
                throw LessonError(file: displayPath, line: piece.line, message: "a marker with no translation after it")
            }
            pieces.append(
                Piece(
                    kind: piece.kind, hash: piece.hash, text: body.joined(separator: "\n"), line: piece.line,
                    textLine: bodyStart))
        }
        bodyStart = firstBody + 1  // 1-based
        for (i, line) in lines.enumerated().dropFirst(firstBody) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("<!-- en ") {
                guard let m = trimmed.wholeMatch(of: #/<!-- en ([0-9a-f]{8})(?: (caption|alt))? -->/#) else {
                    throw LessonError(
                        file: displayPath, line: i + 1,
                        message:
                            "a marker is '<!-- en <8 hex digits> -->', with ' caption' or ' alt' for a figure's texts")
                }
                try flush()
                current = (m.2.map { SourceUnit.Kind(rawValue: String($0)) ?? .prose } ?? .prose, String(m.1), i + 1)
                body = []
                bodyStart = i + 2
            } else {
                body.append(line)
            }
        }
        try flush()
        return Translation(
            slug: slug, displayPath: displayPath, title: title, summary: front["summary"] ?? "", frontHash: hash,
            pieces: pieces)
    }
}
