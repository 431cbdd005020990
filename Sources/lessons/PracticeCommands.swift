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

        func run() throws {
            let reporter = TerminalReporter()
            try reportingMachineryErrors(reporter) {
                let publisher = try folders.publisher()
                let files = try lesson.map { [try publisher.resolve($0)] } ?? publisher.lessonFiles()
                for file in files {
                    let lesson: Lesson
                    do { lesson = try LessonParser.parse(file: file, displayPath: publisher.displayPath(file)) } catch {
                        reporter.write("error: \(error)\n", toStandardError: true)
                        throw ExitCode(1)
                    }
                    if lesson.exercises.isEmpty {
                        if self.lesson != nil { reporter.write("\(lesson.slug) has no exercises.\n") }
                        continue
                    }
                    let target = practice.workbook(lesson.slug)
                    do {
                        let count = try Workbook.write(
                            for: lesson, lessonPath: publisher.displayPath(file), to: target,
                            displayPath: target.relativePath)
                        reporter.write(
                            "\(target.relativePath): \(count) exercise\(count == 1 ? "" : "s"); check with `lessons check \(lesson.slug)`\n"
                        )
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
                reporter.write("Watching for changes (Ctrl-C stops).\n")
                var last = stamps()
                while true {
                    usleep(300_000)
                    let now = stamps()
                    if now != last {
                        last = now
                        reporter.write(
                            "\n── checking again \(DateFormatter.localizedString(from: Date(), dateStyle: .none, timeStyle: .medium)) ──\n"
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
                if let data = FileManager.default.contents(atPath: workbook.path) {
                    do {
                        answers = try Workbook.parse(String(decoding: data, as: UTF8.self), path: workbookPath).answers
                    } catch {
                        reporter.write(reporter.paint("✗ \(error)", "31;1") + "\n")
                        failedAny = true
                        continue
                    }
                } else if self.lesson != nil {
                    reporter.write(
                        "No workbook at \(workbookPath) yet: write it with `lessons practice \(lesson.slug)`.\n")
                }
                reporter.write(reporter.paint("\(lesson.slug): \(lesson.title)", "1") + "\n")
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
                        reporter.write(reporter.paint("  ✓ \(exercise.id): passed", "32") + "\n")
                    case .notAttempted:
                        reporter.write(reporter.paint("  · \(exercise.id): not attempted", "2") + "\n")
                    case .failed(let claims, let found, let at):
                        failedAny = true
                        var text = reporter.paint("  ✗ \(exercise.id): failed", "31;1") + " (\(at))\n"
                        text += claims.map { "      claim: \($0)\n" }.joined()
                        text += found.map {
                            "      found: \($0.replacingOccurrences(of: "\n", with: "\n             "))\n"
                        }.joined()
                        reporter.write(text)
                    case .doesNotCompile(let errors):
                        failedAny = true
                        reporter.write(
                            reporter.paint("  ✗ \(exercise.id): does not compile", "31;1") + "\n"
                                + errors.map { "      \($0)\n" }.joined())
                    case .cannotCheck(let message):
                        failedAny = true
                        reporter.write(reporter.paint("  ! \(exercise.id): cannot be checked", "33") + ": \(message)\n")
                    }
                }
            }
            reporter.write("\(solved) of \(total) exercise\(total == 1 ? "" : "s") solved.\n")
            return !failedAny
        }
    }
}
