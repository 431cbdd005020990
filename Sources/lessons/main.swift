import ArgumentParser
import Foundation
import LessonKit

@main
struct Lessons: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lessons",
        abstract: "Builds the CNN course: runs each lesson's Swift cells and publishes them as HTML.",
        subcommands: [Build.self, Run.self, List.self, Clean.self])
}

/// Options every command shares.
struct Folders: ParsableArguments {
    @Option(help: "The folder holding the lessons.")
    var lessons: String = "Lessons"

    @Option(help: "Where the pages go (never / or the home folder).")
    var out: String = "output"

    func builder() throws -> CourseBuilder {
        let root = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let toolchain = try Toolchain.locate(packageRoot: root)
        return CourseBuilder(lessonsDirectory: URL(fileURLWithPath: lessons), output: try OutputFolder(URL(fileURLWithPath: out)), toolchain: toolchain)
    }
}

let isTerminal = isatty(STDOUT_FILENO) != 0
func paint(_ text: String, _ code: String) -> String { isTerminal ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }

func summarise(_ outcomes: [LessonOutcome]) throws {
    let failures = outcomes.flatMap(\.failures)
    if failures.isEmpty {
        print(paint("All \(outcomes.count) lesson\(outcomes.count == 1 ? "" : "s") built; no cell failed.", "32"))
    } else {
        print(paint("\(failures.count) failure\(failures.count == 1 ? "" : "s"):", "31;1"))
        for f in failures { print(f.description) }
        throw ExitCode(1)
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

        @Option(help: "Lessons run at once (default: the number of cores).")
        var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

        func validate() throws {
            guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
        }

        func run() throws {
            do {
                let builder = try folders.builder()
                builder.force = force
                builder.jobs = jobs
                let files = try slugs.map { try builder.resolve($0) }
                let start = Date()
                let outcomes = try builder.build(files) { i, n, outcome in
                    let state = outcome.passed ? paint("ok", "32") : paint("FAILED", "31;1")
                    print("[\(i)/\(n)] \(outcome.slug): \(state)\(outcome.cached ? " (unchanged, not rerun)" : "") \(String(format: "%.1f s", outcome.seconds))")
                    for w in outcome.warnings { print(paint("  warning: ", "33") + w.description) }
                    fflush(stdout)
                }
                print("Built into \(builder.output.url.path)/index.html in \(String(format: "%.1f s", Date().timeIntervalSince(start))).")
                try summarise(outcomes)
            } catch let error as ToolchainError {
                throw ValidationError(error.message)
            }
        }
    }

    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run one lesson, streaming each cell's output, and write its page.")

        @Argument(help: "A lesson's slug (05-pooling) or the path of a .md file.")
        var lesson: String

        @OptionGroup var folders: Folders

        func run() throws {
            do {
                let builder = try folders.builder()
                builder.force = true
                builder.jobs = 1
                let file = try builder.resolve(lesson)
                let path = file.path.hasPrefix(FileManager.default.currentDirectoryPath + "/") ? String(file.path.dropFirst(FileManager.default.currentDirectoryPath.count + 1)) : file.path
                let outcomes = try builder.build([file], onProgress: { _, _, outcome in
                    print("\(outcome.slug): \(outcome.passed ? paint("ok", "32") : paint("FAILED", "31;1")) in \(String(format: "%.1f s", outcome.seconds)); page: \(builder.output.url.appendingPathComponent(outcome.slug).path)/index.html")
                    for w in outcome.warnings { print(paint("warning: ", "33") + w.description) }
                }, onEvent: { event in Terminal.show(event, path: path) })
                try summarise(outcomes)
            } catch let error as ToolchainError {
                throw ValidationError(error.message)
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the lessons with their titles and last results.")
        @OptionGroup var folders: Folders

        func run() throws {
            let output = try OutputFolder(URL(fileURLWithPath: folders.out))
            let files = (try? FileManager.default.contentsOfDirectory(at: URL(fileURLWithPath: folders.lessons), includingPropertiesForKeys: nil)) ?? []
            for file in files.filter({ $0.pathExtension == "md" && $0.lastPathComponent.lowercased() != "readme.md" }).sorted(by: { $0.lastPathComponent < $1.lastPathComponent }) {
                let slug = file.deletingPathExtension().lastPathComponent
                let title = (try? LessonParser.parse(file: file))?.title ?? "(cannot be read)"
                let record = BuildRecord.read(from: output.lessonFolder(slug))
                let result = record.map { $0.passed ? "passed" : "failed (\($0.failures.count))" } ?? "not built"
                print("\(slug.padding(toLength: 40, withPad: " ", startingAt: 0)) \(title.padding(toLength: 48, withPad: " ", startingAt: 0)) \(result)")
            }
        }
    }

    struct Clean: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove what the runner generated in the output folder (nothing else).")
        @OptionGroup var folders: Folders

        func run() throws {
            do {
                let removed = try OutputFolder(URL(fileURLWithPath: folders.out)).clean()
                print(removed.isEmpty ? "Nothing to remove." : "Removed \(removed.count) item\(removed.count == 1 ? "" : "s") from \(folders.out).")
            } catch let error as ToolchainError {
                throw ValidationError(error.message)
            }
        }
    }
}

/// Streams a running lesson to the terminal: each cell headed by its number and source line.
enum Terminal {
    nonisolated(unsafe) static var progressLine = false

    static func show(_ event: RunEvent, path: String) {
        switch event {
        case let .cellStarted(cell):
            endProgress()
            print(paint("── In [\(cell.number)] \(path):\(cell.firstLine)", "36;1"))
        case let .output(_, output):
            switch output {
            case let .text(t): endProgress(); print(t, terminator: "")
            case let .errorText(t): endProgress(); FileHandle.standardError.write(Data(paint(t, "31").utf8))
            case let .display(t): endProgress(); print(paint("Out: ", "35") + t)
            case let .check(passed, claim): endProgress(); print(passed ? paint("✓ \(claim)", "32") : paint("✗ \(claim)", "31;1"))
            case let .figure(f): endProgress(); print(paint("[figure \(f.file)\(f.caption.map { ": \($0)" } ?? "")]", "34"))
            case let .table(t): endProgress(); print(paint("[table\(t.caption.map { ": \($0)" } ?? ""), \(t.rows.count) rows]", "34"))
            case let .progress(lines):
                // Live: the line rewrites itself on a terminal; the page keeps the log.
                if isTerminal { print("\r\u{1B}[2K" + (lines.last ?? ""), terminator: ""); progressLine = true } else { print(lines.last ?? "") }
            }
        case let .cellFinished(result):
            endProgress()
            let time = result.seconds.map { String(format: "%.2f s", $0) } ?? ""
            switch result.status {
            case let .failed(message, line): print(paint("✗ \(path):\(line): \(message)", "31;1"))
            case .failedAsExpected: print(paint("✓ failed as expected \(time)", "32"))
            default: print(paint("  (\(time))", "2"))
            }
        }
        fflush(stdout)
    }

    static func endProgress() { if progressLine { print(""); progressLine = false } }
}
