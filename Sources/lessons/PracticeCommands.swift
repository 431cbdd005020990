import ArgumentParser
import Foundation
import LessonKit

/// The learner's loop: `practice` writes a workbook, `check` runs its answers against the
/// lesson's checks.
struct PracticeFolder: ParsableArguments {
    @Option(help: "The folder of the learner's workbooks.")
    var practice: String = "practice"

    func workbook(_ slug: String) -> URL { URL(fileURLWithPath: practice).appendingPathComponent("\(slug).swift") }
}

/// `--lang en` or `--lang zh` (Simplified; `zh-Hans`, `zh-Hant` also): the language of the
/// workbook's prompts and of `check`'s verdicts.
struct LanguageOption: ParsableArguments {
    @Option(name: .customLong("lang"), help: "en, zh (Simplified Chinese), zh-Hans or zh-Hant.")
    var lang: String?

    func language() throws -> Language? {
        guard let lang else { return nil }
        switch lang.lowercased() {
        case "en": return .english
        case "zh", "zh-hans", "zh-cn": return .simplifiedChinese
        case "zh-hant", "zh-tw": return .traditionalChinese
        default: throw ValidationError("--lang is en, zh, zh-Hans or zh-Hant (got '\(lang)')")
        }
    }
}

/// The lesson as a learner of `language` reads it: the translation's prose (the prompts), title
/// and words, the same cells. English when the lesson has no translation.
func lessonIn(
    _ language: Language, _ lesson: Lesson, lessonsFolder: String
) throws -> (lesson: Lesson, words: Words) {
    guard language != .english else { return (lesson, .english) }
    let folder = TranslationFolder(lessons: URL(fileURLWithPath: lessonsFolder), displayLessons: lessonsFolder)
    let converter = try folder.converter()
    let convert: (String) -> String = language == .traditionalChinese ? { converter.convert($0) } : { $0 }
    let words = Words.of(language, converter: convert)
    guard let translation = try folder.translation(of: lesson.slug) else { return (lesson, words) }
    let translated = TranslatedLesson.lesson(
        lesson, translation: translation, match: TranslationMatch(lesson: lesson, translation: translation),
        context: .init(language: language, words: words, convert: convert, englishPage: ""), notes: false)
    return (translated.lesson, words)
}

extension Lessons {
    struct Practice: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Write a lesson's workbook (practice/SLUG.swift): each exercise's prompt and a place for your answer. Your answers are kept."
        )

        @Argument(help: "A lesson's slug (05-pooling); all lessons with exercises when omitted.")
        var lesson: String?

        @OptionGroup var folders: Folders
        @OptionGroup var practice: PracticeFolder
        @OptionGroup var language: LanguageOption

        func run() throws {
            let reporter = TerminalReporter()
            let language = try language.language() ?? .english
            try reportingMachineryErrors(reporter) {
                let publisher = try folders.publisher()
                let files = try lesson.map { [try publisher.resolve($0)] } ?? publisher.lessonFiles()
                for file in files {
                    let lesson: Lesson
                    let words: Words
                    do {
                        (lesson, words) = try lessonIn(
                            language, try LessonParser.parse(file: file, displayPath: publisher.displayPath(file)),
                            lessonsFolder: folders.lessons)
                    } catch {
                        reporter.write("error: \(error)\n", toStandardError: true)
                        throw ExitCode(1)
                    }
                    if lesson.exercises.isEmpty {
                        if self.lesson != nil { reporter.write(words(.noExercises, lesson.slug) + "\n") }
                        continue
                    }
                    let target = practice.workbook(lesson.slug)
                    do {
                        let count = try Workbook.write(
                            for: lesson, lessonPath: publisher.displayPath(file), to: target,
                            displayPath: target.relativePath, words: words)
                        reporter.write(
                            words(
                                .wroteWorkbook, target.relativePath,
                                words.count(count, one: .exercise, many: .exercises), lesson.slug) + "\n")
                    } catch let error as LessonError {
                        reporter.write("error: \(error) (the workbook was left as it is)\n", toStandardError: true)
                        throw ExitCode(1)
                    }
                }
            }
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Check your answers in practice/: passed, failed (with the check's claim), not attempted, does not compile."
        )

        @Argument(help: "A lesson's slug (05-pooling); every lesson with exercises when omitted.")
        var lesson: String?

        @OptionGroup var folders: Folders
        @OptionGroup var practice: PracticeFolder

        @Flag(help: "Check again whenever a workbook is saved (Ctrl-C stops).")
        var watch = false

        @OptionGroup var language: LanguageOption

        func run() throws {
            let reporter = TerminalReporter()
            try reportingMachineryErrors(reporter) {
                let publisher = try folders.publisher()
                let files = try lesson.map { [try publisher.resolve($0)] } ?? publisher.lessonFiles()
                var checker = ExerciseChecker(toolchain: publisher.toolchain)
                let interruption = Interruption()
                checker.interruption = interruption
                Interrupt.handle(interruption, reporter: reporter, status: watch ? 0 : 130) {
                    watch ? "Stopped watching." : nil
                }
                var ok = checkAll(files, publisher: publisher, checker: checker, reporter: reporter)
                guard watch else {
                    if !ok { throw ExitCode(1) }
                    return
                }
                // Polls the workbooks' and lessons' modification times; a change checks again.
                func stamps() -> [FileStamp?] {
                    files.flatMap { [practice.workbook($0.deletingPathExtension().lastPathComponent), $0] }.map {
                        FileStamp($0)
                    }
                }
                reporter.write(Words.of(try language.language() ?? .english)(.watching) + "\n")
                var last = stamps()
                while true {
                    usleep(300_000)
                    let now = stamps()
                    if now != last {
                        last = now
                        reporter.write(
                            "\n── \(Words.of(try language.language() ?? .english)(.checkingAgain, DateFormatter.localizedString(from: Date(), dateStyle: .none, timeStyle: .medium))) ──\n"
                        )
                        ok = checkAll(files, publisher: publisher, checker: checker, reporter: reporter)
                    }
                }
            }
        }

        /// Checks every exercise of `files`; prints each verdict and the summary. Returns false
        /// when an attempted exercise failed.
        func checkAll(_ files: [URL], publisher: CoursePublisher, checker: ExerciseChecker, reporter: TerminalReporter)
            -> Bool
        {
            var solved = 0
            var total = 0
            var failedAny = false
            var chosen = (try? language.language()) ?? nil
            var words = Words.english
            for file in files {
                let lessonPath = publisher.displayPath(file)
                guard let lesson = try? LessonParser.parse(file: file, displayPath: lessonPath) else {
                    reporter.write("\(lessonPath): cannot be read; build it to see why\n")
                    failedAny = true
                    continue
                }
                let exercises = lesson.exercises
                if exercises.isEmpty { continue }
                total += exercises.count
                let workbook = practice.workbook(lesson.slug)
                let workbookPath = workbook.relativePath
                var answers: [String: Workbook.Answer] = [:]
                let text = FileManager.default.contents(atPath: workbook.path).map {
                    String(decoding: $0, as: UTF8.self)
                }
                // The verdicts speak the workbook's language unless --lang says otherwise.
                let language = chosen ?? text.map { Workbook.language(of: $0) } ?? .english
                if chosen == nil && self.lesson != nil { chosen = language }
                let title = (try? lessonIn(language, lesson, lessonsFolder: folders.lessons))
                words = Words.of(language)
                if let data = text.map({ Data($0.utf8) }) {
                    do {
                        answers = try Workbook.parse(String(decoding: data, as: UTF8.self), path: workbookPath).answers
                    } catch {
                        reporter.write(reporter.paint("✗ \(error)", "31;1") + "\n")
                        failedAny = true
                        continue
                    }
                } else if self.lesson != nil {
                    reporter.write(words(.noWorkbook, workbookPath, lesson.slug) + "\n")
                }
                if let title { words = title.words }
                reporter.write(reporter.paint("\(lesson.slug): \(title?.lesson.title ?? lesson.title)", "1") + "\n")
                for exercise in exercises {
                    let verdict: ExerciseVerdict
                    do {
                        verdict = try checker.check(
                            exercise, in: lesson, answer: answers[exercise.id], workbook: workbook,
                            workbookPath: workbookPath, lessonPath: lessonPath)
                    } catch {
                        verdict = .cannotCheck("\(error)")
                    }
                    switch verdict {
                    case .passed:
                        solved += 1
                        reporter.write(reporter.paint("  ✓ \(exercise.id): \(words(.passed))", "32") + "\n")
                    case .notAttempted:
                        reporter.write(reporter.paint("  · \(exercise.id): \(words(.notAttempted))", "2") + "\n")
                    case .failed(let claims, let found, let at):
                        failedAny = true
                        var text = reporter.paint("  ✗ \(exercise.id): \(words(.failedVerdict))", "31;1") + " (\(at))\n"
                        text += claims.map { "      \(words(.claim)) \($0)\n" }.joined()
                        text += found.map {
                            "      \(words(.foundValue)) \($0.replacingOccurrences(of: "\n", with: "\n             "))\n"
                        }.joined()
                        reporter.write(text)
                    case .doesNotCompile(let errors):
                        failedAny = true
                        reporter.write(
                            reporter.paint("  ✗ \(exercise.id): \(words(.doesNotCompile))", "31;1") + "\n"
                                + errors.map { "      \($0)\n" }.joined())
                    case .cannotCheck(let message):
                        failedAny = true
                        reporter.write(
                            reporter.paint("  ! \(exercise.id): \(words(.cannotBeChecked))", "33") + ": \(message)\n")
                    }
                }
            }
            reporter.write(
                words(.solved, "\(solved)", words.count(total, one: .exercise, many: .exercises)) + "\n")
            return !failedAny
        }
    }
}
