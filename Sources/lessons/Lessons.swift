import ArgumentParser
import Foundation
import LessonKit

@main
struct Lessons: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lessons",
        abstract: "Builds a course: runs each lesson's Swift cells and publishes them as HTML.",
        version: "lessons 1.0 (pages: \(CoursePublisher.formatVersion))",
        subcommands: [
            Build.self, Run.self, Audit.self, List.self, Clean.self, Practice.self, Check.self, Preview.self,
            Translate.self,
        ])
}

/// Options every command shares.
struct Folders: ParsableArguments {
    @Option(help: "The folder holding the lessons.")
    var lessons: String = "Lessons"

    @Option(help: "Where the pages go (never / or the home folder).")
    var out: String = "output"

    @Option(help: "The course settings file (default: course.json in the lessons folder).")
    var course: String?

    @Option(help: "The course's title, instead of the settings file's.")
    var title: String?

    func settings() throws -> CourseSettings {
        var settings = try CourseSettings.read(
            URL(fileURLWithPath: course ?? (lessons as NSString).appendingPathComponent(CourseSettings.fileName)))
        if let title { settings.title = title }
        return settings
    }

    /// The output folder; an empty `--out`, `/` and the home folder are refused.
    func outputFolder() throws -> OutputFolder { try OutputFolder(path: out) }

    /// Checks the folders before anything else is done, so a bad one writes nothing.
    func publisher() throws -> CoursePublisher {
        let output = try outputFolder()
        // Listed once for the whole command: names are resolved in it and the build walks it.
        let course = try LessonList.files(in: URL(fileURLWithPath: lessons))
        let root = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        return CoursePublisher(
            lessonsDirectory: URL(fileURLWithPath: lessons), output: output,
            toolchain: try Toolchain.locate(packageRoot: root), settings: try settings(), course: course)
    }
}

/// Runs `body`; a machinery failure is its own one-line message on stderr and exit status 2, a
/// request the course cannot meet (a file for --lessons, an unknown lesson) status 64 with the
/// command's usage when a lesson name was wrong (a failed lesson is status 1).
func reportingMachineryErrors(
    _ reporter: TerminalReporter, usage command: ParsableCommand.Type? = nil, _ body: () throws -> Void
) throws {
    do {
        try body()
    } catch let error as MachineryError {
        reporter.machineryFailed(error)
        throw ExitCode(2)
    } catch let error as RequestError {
        reporter.machineryFailed(error)
        switch error {
        case .unknownLesson, .ambiguousLesson, .noLessonFile:
            if let command { reporter.write("Usage: \(Lessons.usageString(for: command))\n", toStandardError: true) }
        default:
            break
        }
        throw ExitCode.validationFailure
    }
}

/// A build that did not pass: 2 when the machinery failed in a lesson's step (a library missing
/// at link time, a folder it must not replace), else 1 (a lesson failed).
func failedBuildStatus(_ outcomes: [LessonOutcome]) -> ExitCode {
    outcomes.contains { $0.error != nil } ? ExitCode(2) : ExitCode(1)
}

extension Lessons {
    struct Build: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Build lessons into the output folder (all of them unless slugs are given).")

        @Argument(help: "Lessons to build, by slug (05-pooling), number (5) or name (pooling).")
        var slugs: [String] = []

        @OptionGroup var folders: Folders

        @Flag(help: "Run every lesson even when nothing changed since its last build.")
        var force = false

        @Option(
            name: [.customShort("j", allowingJoined: true), .long], parsing: .unconditional,
            help: "Lessons run at once; the cores are shared between them, each getting cores / jobs threads.")
        var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

        func validate() throws {
            guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1 (got \(jobs))") }
        }

        func run() throws {
            let reporter = TerminalReporter()
            try reportingMachineryErrors(reporter, usage: Build.self) {
                var publisher = try folders.publisher()
                publisher.force = force
                publisher.jobs = jobs
                publisher.interruption = Interruption()
                Interrupt.handle(publisher.interruption!, reporter: reporter)
                let files = try slugs.map { try publisher.resolve($0) }
                var seen: Set<String> = []
                let order = (files.isEmpty ? try publisher.lessonFiles() : files)
                    .filter { seen.insert($0.standardizedFileURL.path).inserted }
                    .map { $0.deletingPathExtension().lastPathComponent }
                let progress = BuildProgress(reporter: reporter, order: order)
                let start = Date()
                let outcomes = try progress.running {
                    try publisher.build(
                        files, onProgress: { _, _, outcome in progress.finished(outcome) },
                        onStatus: { status in progress.update(status) })
                }
                let editions = try publisher.publishEditions()
                reporter.write(
                    "Built into \(publisher.output.url.path)/index.html in \(String(format: "%.1f s", Date().timeIntervalSince(start))).\n"
                )
                let translated = reporter.summarise(editions)
                if !reporter.summarise(outcomes) { throw failedBuildStatus(outcomes) }
                if !translated { throw ExitCode(1) }
            }
        }
    }

    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run one lesson, streaming each cell's output, and write its page.")

        @Argument(help: "A lesson's slug (05-pooling), its number (5) or name (pooling), or the path of a .md file.")
        var lesson: String

        @OptionGroup var folders: Folders

        func run() throws {
            let reporter = TerminalReporter()
            try reportingMachineryErrors(reporter, usage: Run.self) {
                var publisher = try folders.publisher()
                publisher.force = true
                publisher.jobs = 1
                publisher.interruption = Interruption()
                Interrupt.handle(publisher.interruption!, reporter: reporter)
                let file = try publisher.resolve(lesson)
                let path = publisher.displayPath(file)
                let output = publisher.output
                let outcomes = try publisher.build(
                    [file],
                    onProgress: { _, _, outcome in
                        reporter.notRun(outcome)
                        reporter.lessonRan(
                            outcome, page: output.lessonFolder(outcome.slug).appendingPathComponent("index.html"))
                    }, onEvent: { event in reporter.show(event, path: path) })
                // The Chinese pages of a lesson of the course (a lesson elsewhere has none).
                let inCourse = try publisher.lessonFiles().contains {
                    $0.standardizedFileURL.path == file.standardizedFileURL.path
                }
                let translated = try !inCourse || reporter.summarise(publisher.publishEditions())
                // A cell's failure was said under the cell; only the others are said again.
                if !reporter.summarise(outcomes, skippingCellFailures: true) { throw failedBuildStatus(outcomes) }
                if !translated { throw ExitCode(1) }
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the lessons with their titles and last results.")
        @OptionGroup var folders: Folders

        func run() throws {
            let reporter = TerminalReporter()
            try reportingMachineryErrors(reporter) {
                let publisher = try folders.publisher()
                let output = publisher.output
                let stale = try LessonList.staleness(
                    lessons: publisher.lessonsDirectory, output: output, toolchain: publisher.toolchain,
                    settings: publisher.settings)
                let lessonsFolder = URL(fileURLWithPath: folders.lessons)
                let translated = EditionPublisher.languages(lessons: lessonsFolder).count > 1
                let translations = TranslationFolder(lessons: lessonsFolder, displayLessons: folders.lessons)
                var toUpdate: [LessonError] = []
                for entry in try LessonList.read(lessons: lessonsFolder, output: output) {
                    let result =
                        entry.record.map { $0.passed ? "passed" : "failed (\($0.failures.count))" } ?? "not built"
                    // The Chinese translation: each piece stale, untranslated or orphaned, at both files' lines.
                    var chinese = ""
                    if translated {
                        let englishPath = (folders.lessons as NSString).appendingPathComponent(entry.slug + ".md")
                        if let lesson = try? LessonParser.parse(
                            file: lessonsFolder.appendingPathComponent(entry.slug + ".md"), displayPath: englishPath)
                        {
                            let problems = translations.problems(of: lesson, englishPath: englishPath)
                            toUpdate += problems
                            let exists = FileManager.default.fileExists(atPath: translations.file(entry.slug).path)
                            chinese =
                                !exists
                                ? "; zh: not translated"
                                : problems.isEmpty ? "; zh: up to date" : "; zh: \(problems.count) to update"
                        }
                    }
                    print(
                        "\(entry.slug.padding(toLength: 40, withPad: " ", startingAt: 0)) \(entry.title.padding(toLength: 48, withPad: " ", startingAt: 0)) \(result)\(stale[entry.slug].map { "; stale: \($0)" } ?? "; up to date")\(chinese)"
                    )
                }
                for problem in toUpdate { print("  \(problem)") }
            }
        }
    }

    struct Clean: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove what the runner generated in the output folder (nothing else), and say what is left.")
        @OptionGroup var folders: Folders

        func run() throws {
            let reporter = TerminalReporter()
            try reportingMachineryErrors(reporter) {
                let cleaning = try folders.outputFolder().clean()
                let folder = folders.out.hasSuffix("/") ? folders.out : folders.out + "/"
                var text =
                    cleaning.removed.isEmpty
                    ? "Nothing to remove.\n"
                    : "Removed \(cleaning.removed.count) item\(cleaning.removed.count == 1 ? "" : "s") from \(folders.out).\n"
                if !cleaning.left.isEmpty {
                    text +=
                        "Left \(cleaning.left.count) item\(cleaning.left.count == 1 ? "" : "s") lessons did not make:\n"
                    text += cleaning.left.map { "  \(folder)\($0)\n" }.joined()
                }
                reporter.write(text)
            }
        }
    }
}
