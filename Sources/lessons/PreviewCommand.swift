import ArgumentParser
import Dispatch
import Foundation
import LessonKit

extension Lessons {
    /// The author's loop: serve the output folder on 127.0.0.1, rebuild a lesson when its file (or
    /// the core) changes, and let the open page reload itself.
    struct Preview: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Serve the pages on 127.0.0.1 and rebuild a lesson when its .md or the core changes; the open page reloads itself."
        )

        @Argument(help: "The lesson to open and watch (05-pooling); every lesson when omitted.")
        var lesson: String?

        @OptionGroup var folders: Folders

        @Option(help: "The port on 127.0.0.1 (default: a free one).")
        var port: UInt16 = 0

        func run() throws {
            let reporter = TerminalReporter()
            try reportingMachineryErrors(reporter) {
                var publisher = try folders.publisher()
                publisher.jobs = 1
                let files = try lesson.map { [try publisher.resolve($0)] } ?? publisher.lessonFiles()
                let server: PreviewServer
                do { server = try PreviewServer(root: publisher.output.url, port: port) } catch {
                    reporter.write("error: \(error)\n", toStandardError: true)
                    throw ExitCode(2)
                }
                // Ctrl-C, even in the middle of a rebuild: the build's compilers, program and
                // folders go as in every command, then the server stops listening.
                let interruption = Interruption()
                publisher.interruption = interruption
                Interrupt.handle(interruption, reporter: reporter, status: 0) {
                    server.stop()
                    return "Preview stopped."
                }

                func rebuild(_ targets: [URL]) {
                    let start = Date()
                    do {
                        let outcomes = try publisher.build(targets) { i, n, outcome in
                            reporter.lessonFinished(i, of: n, outcome)
                        }
                        _ = reporter.summarise(outcomes)
                        // Failed cells are on the page itself; failures of the machinery are added to it.
                        server.published(errors: outcomes.compactMap(\.error).map(\.description))
                    } catch {
                        reporter.machineryFailed(error)
                        server.published(errors: ["\(error)"])
                    }
                    reporter.write("Published in \(String(format: "%.1f s", Date().timeIntervalSince(start))).\n")
                }
                rebuild(files)
                server.start()
                let page =
                    files.count == 1 && lesson != nil
                    ? "\(files[0].deletingPathExtension().lastPathComponent)/index.html" : "index.html"
                reporter.write("Preview: http://127.0.0.1:\(server.port)/\(page) (Ctrl-C stops)\n")

                // Polls the lessons' modification times and the core's fingerprint.
                func stamp(_ file: URL) -> FileStamp? { FileStamp(file) }
                var seen = Dictionary(uniqueKeysWithValues: files.map { ($0, stamp($0)) })
                var core = try? publisher.toolchain.coreFingerprint()
                var tick = 0
                while true {
                    usleep(250_000)
                    tick += 1
                    let changed = files.filter { stamp($0) != seen[$0] ?? nil }
                    for file in changed { seen[file] = stamp(file) }
                    if tick % 8 == 0, let now = try? publisher.toolchain.coreFingerprint(), now != core {
                        core = now
                        reporter.write("The core changed: rebuilding.\n")
                        rebuild(files)
                    } else if !changed.isEmpty {
                        reporter.write(
                            "Changed: \(changed.map { publisher.displayPath($0) }.joined(separator: ", "))\n")
                        rebuild(changed)
                    }
                }
            }
        }
    }
}
