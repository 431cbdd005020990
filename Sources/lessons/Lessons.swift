import ArgumentParser
import Foundation
import LessonKit

@main
struct Lessons: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lessons",
        abstract: "Builds a course: runs each lesson's Swift cells and publishes them as HTML.",
        subcommands: [Build.self, Run.self, List.self, Clean.self, Practice.self, Check.self, Preview.self])
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
        var settings = try CourseSettings.read(URL(fileURLWithPath: course ?? (lessons as NSString).appendingPathComponent(CourseSettings.fileName)))
        if let title { settings.title = title }
        return settings
    }

    func publisher() throws -> CoursePublisher {
        let root = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        return CoursePublisher(lessonsDirectory: URL(fileURLWithPath: lessons), output: try OutputFolder(URL(fileURLWithPath: out)),
                               toolchain: try Toolchain.locate(packageRoot: root), settings: try settings())
    }
}

/// Runs `body`; a machinery failure is its own one-line message on stderr and exit status 2
/// (a failed lesson is status 1).
func reportingMachineryErrors(_ reporter: TerminalReporter, _ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as MachineryError {
        reporter.machineryFailed(error)
        throw ExitCode(2)
    }
}

extension Lessons {
    struct Build: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Build lessons into the output folder (all of them unless slugs are given).")

        @Argument(help: "Lessons to build, by slug (for example 05-pooling).")
        var slugs: [String] = []

        @OptionGroup var folders: Folders

        @Flag(help: "Run every lesson even when nothing changed since its last build.")
        var force = false

        @Option(help: "Lessons run at once (default: the number of cores). The cores are shared between them: each gets cores / jobs threads.")
        var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

        func validate() throws {
            guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
        }

        func run() throws {
            let reporter = TerminalReporter()
            try reportingMachineryErrors(reporter) {
                var publisher = try folders.publisher()
                publisher.force = force
                publisher.jobs = jobs
                let files = try slugs.map { try publisher.resolve($0) }
                let start = Date()
                let outcomes = try publisher.build(files) { i, n, outcome in reporter.lessonFinished(i, of: n, outcome) }
                reporter.write("Built into \(publisher.output.url.path)/index.html in \(String(format: "%.1f s", Date().timeIntervalSince(start))).\n")
                if !reporter.summarise(outcomes) { throw ExitCode(1) }
            }
        }
    }

    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run one lesson, streaming each cell's output, and write its page.")

        @Argument(help: "A lesson's slug (05-pooling) or the path of a .md file.")
        var lesson: String

        @OptionGroup var folders: Folders

        func run() throws {
            let reporter = TerminalReporter()
            try reportingMachineryErrors(reporter) {
                var publisher = try folders.publisher()
                publisher.force = true
                publisher.jobs = 1
                let file = try publisher.resolve(lesson)
                let path = publisher.displayPath(file)
                let output = publisher.output
                let outcomes = try publisher.build([file], onProgress: { _, _, outcome in
                    reporter.lessonRan(outcome, page: output.lessonFolder(outcome.slug).appendingPathComponent("index.html"))
                }, onEvent: { event in reporter.show(event, path: path) })
                if !reporter.summarise(outcomes) { throw ExitCode(1) }
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the lessons with their titles and last results.")
        @OptionGroup var folders: Folders

        func run() throws {
            let reporter = TerminalReporter()
            try reportingMachineryErrors(reporter) {
                let publisher = try folders.publisher()
                let output = publisher.output
                let stale = try LessonList.staleness(lessons: publisher.lessonsDirectory, output: output, toolchain: publisher.toolchain, settings: publisher.settings)
                for entry in try LessonList.read(lessons: URL(fileURLWithPath: folders.lessons), output: output) {
                    let result = entry.record.map { $0.passed ? "passed" : "failed (\($0.failures.count))" } ?? "not built"
                    print("\(entry.slug.padding(toLength: 40, withPad: " ", startingAt: 0)) \(entry.title.padding(toLength: 48, withPad: " ", startingAt: 0)) \(result)\(stale[entry.slug].map { "; stale: \($0)" } ?? "; up to date")")
                }
            }
        }
    }

    struct Clean: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove what the runner generated in the output folder (nothing else).")
        @OptionGroup var folders: Folders

        func run() throws {
            let reporter = TerminalReporter()
            try reportingMachineryErrors(reporter) {
                let removed = try OutputFolder(URL(fileURLWithPath: folders.out)).clean()
                print(removed.isEmpty ? "Nothing to remove." : "Removed \(removed.count) item\(removed.count == 1 ? "" : "s") from \(folders.out).")
            }
        }
    }
}
