import Foundation
import LessonKit

/// Ctrl-C (SIGINT) or SIGTERM during a command that runs lessons: the compilers and lesson
/// programs are killed, their temporary folders and the pages not yet swapped in are removed, and
/// the command ends with status 130. Published pages stay as they were.
enum Interrupt {
    /// The signal sources must live as long as the command.
    nonisolated(unsafe) private static var sources: [any DispatchSourceSignal] = []

    static func handle(_ interruption: Interruption, reporter: TerminalReporter) {
        for signo in [SIGINT, SIGTERM] {
            signal(signo, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signo, queue: .global())
            source.setEventHandler {
                let removed = interruption.abandon()
                reporter.setStatus([])
                reporter.write("\nInterrupted: stopped the running lessons and removed \(removed.count) unfinished folder\(removed.count == 1 ? "" : "s"); published pages are as they were.\n",
                               toStandardError: true)
                exit(130)
            }
            source.resume()
            sources.append(source)
        }
    }
}
