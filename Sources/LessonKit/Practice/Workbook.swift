import Foundation

/// A learner's workbook for one lesson (`practice/05-pooling.swift`): each exercise's prompt as
/// comments, then the learner's answer between two marker lines:
///
///     // >>> answer pool-size
///     let o = ...
///     // <<< answer pool-size
///
/// Writing it again keeps every answer the learner wrote, even of an exercise the lesson dropped.
public struct Workbook: Equatable, Sendable {
    /// An answer as written, and the workbook line its first line is on.
    public struct Answer: Equatable, Sendable {
        public let code: String
        public let firstLine: Int
        /// Anything besides blank lines and comments: the exercise was attempted.
        public var attempted: Bool {
            code.components(separatedBy: "\n").contains { line in
                let t = line.trimmingCharacters(in: .whitespaces)
                return !t.isEmpty && !t.hasPrefix("//")
            }
        }
    }

    public var answers: [String: Answer]

    /// The line that names a translated workbook's language: `// lessons-language: zh-Hans`.
    static let languageMark = "// lessons-language: "

    /// The language a workbook's text names (English when it names none).
    public static func language(of text: String) -> Language {
        for line in text.components(separatedBy: "\n") where line.hasPrefix(languageMark) {
            return Language(rawValue: String(line.dropFirst(languageMark.count))) ?? .english
        }
        return .english
    }

    static func begin(_ id: String) -> String { "// >>> answer \(id)" }
    static func end(_ id: String) -> String { "// <<< answer \(id)" }

    /// Reads the answers of a workbook's text; a broken marker is an error at its line.
    public static func parse(_ text: String, path: String) throws(LessonError) -> Workbook {
        var answers: [String: Answer] = [:]
        var open: (id: String, line: Int, lines: [String])?
        for (i, raw) in text.components(separatedBy: "\n").enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("// >>> answer ") {
                if let open {
                    throw LessonError(
                        file: path, line: i + 1,
                        message: "answer '\(open.id)' opened at line \(open.line) is not closed before this one")
                }
                let id = String(line.dropFirst("// >>> answer ".count)).trimmingCharacters(in: .whitespaces)
                if answers[id] != nil {
                    throw LessonError(file: path, line: i + 1, message: "a second answer to '\(id)'")
                }
                open = (id, i + 1, [])
            } else if line.hasPrefix("// <<< answer ") {
                let id = String(line.dropFirst("// <<< answer ".count)).trimmingCharacters(in: .whitespaces)
                guard let current = open, current.id == id else {
                    throw LessonError(file: path, line: i + 1, message: "'\(line)' closes no open answer")
                }
                answers[id] = Answer(code: current.lines.joined(separator: "\n"), firstLine: current.line + 1)
                open = nil
            } else if open != nil {
                open!.lines.append(raw)
            }
        }
        if let open {
            throw LessonError(
                file: path, line: open.line, message: "answer '\(open.id)' is never closed ('\(end(open.id))')")
        }
        return Workbook(answers: answers)
    }

    /// The workbook's text for `lesson`, keeping `answers`. Never contains a solution.
    /// `words` gives the workbook's own lines in the learner's language (the prompts are the
    /// lesson's, translated when `lesson` is a translation's); a translated workbook names its
    /// language on a line of its own, so `lessons check` answers in it.
    public static func text(
        for lesson: Lesson, lessonPath: String, keeping answers: [String: Answer], words: Words = .english
    ) -> String {
        var out = """
            // \(words(.workbookFor, lesson.slug, lesson.title, lessonPath))
            // \(words(.workbookHow, lesson.slug))
            // \(words(.workbookScope))
            // \(words(.workbookKeeps, lesson.slug))

            """
        if words.language != .english { out += "\(languageMark)\(words.language.rawValue)\n" }
        let exercises = lesson.exercises
        for (n, exercise) in exercises.enumerated() {
            out +=
                "\n// ── \(words(.exerciseHeading, "\(n + 1)", exercise.id, "\(lessonPath):\(exercise.solution.fenceLine)")) ──\n"
            out +=
                exercise.prompt.components(separatedBy: "\n").map { $0.isEmpty ? "//" : "// " + $0 }.joined(
                    separator: "\n") + "\n"
            out += begin(exercise.id) + "\n"
            out += (answers[exercise.id].map { $0.code + "\n" } ?? "\n")
            out += end(exercise.id) + "\n"
        }
        let ids = Set(exercises.map(\.id))
        let dropped = answers.filter { !ids.contains($0.key) }.sorted { $0.value.firstLine < $1.value.firstLine }
        if !dropped.isEmpty {
            out += "\n// ── \(words(.droppedAnswers)) ──\n"
            for (id, answer) in dropped { out += begin(id) + "\n" + answer.code + "\n" + end(id) + "\n" }
        }
        return out
    }

    /// Writes or refreshes the workbook at `file`; an answer already there is never lost.
    /// Returns the number of exercises.
    @discardableResult
    public static func write(
        for lesson: Lesson, lessonPath: String, to file: URL, displayPath: String, words: Words = .english
    ) throws -> Int {
        var answers: [String: Answer] = [:]
        if let data = FileManager.default.contents(atPath: file.path) {
            answers = try parse(String(decoding: data, as: UTF8.self), path: displayPath).answers
        }
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text(for: lesson, lessonPath: lessonPath, keeping: answers, words: words).utf8).write(
            to: file, options: .atomic)
        return lesson.exercises.count
    }
}
