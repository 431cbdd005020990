import Foundation
import LessonKit
import Synchronization

/// Ctrl-C (SIGINT) or SIGTERM during any command that runs lessons (build, run, preview, check,
/// audit), one path for all: the compilers and lesson programs are killed, their temporary
/// folders and the pages not yet swapped in are removed, and the command ends. Published pages
/// stay as they were.
enum Interrupt {
    /// The signal sources, held for as long as the command runs: a released source stops listening.
    private static let sources = Mutex<[any DispatchSourceSignal]>([])

    /// Installs the handler for `interruption`. `stop` ends what else the command runs (the
    /// preview's server) and returns its last words; the command then exits with `status`
    /// (130, as shells expect after Ctrl-C; a preview, which Ctrl-C is how one stops, 0).
    static func handle(
        _ interruption: Interruption, reporter: TerminalReporter, status: Int32 = 130,
        stop: @escaping @Sendable () -> String? = { nil }
    ) {
        for signo in [SIGINT, SIGTERM] {
            signal(signo, SIG_IGN)
            // Made inside the lock, so that the source belongs to the list that holds it.
            sources.withLock { sources in
                let source = DispatchSource.makeSignalSource(signal: signo, queue: .global())
                source.setEventHandler {
                    let removed = interruption.abandon()
                    let closing = stop()
                    reporter.setStatus([])
                    var text = "\n"
                    if closing == nil || !removed.isEmpty {
                        text +=
                            "Interrupted: stopped the running lessons and removed \(removed.count) unfinished folder\(removed.count == 1 ? "" : "s"); published pages are as they were.\n"
                    }
                    reporter.write(text + (closing.map { $0 + "\n" } ?? ""), toStandardError: true)
                    exit(status)
                }
                source.resume()
                sources.append(source)
            }
        }
    }
}
