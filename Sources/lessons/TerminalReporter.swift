import Foundation
import LessonKit
import Synchronization

/// What the `lessons` command writes to the terminal: each finished lesson of a build, the
/// cells of a running lesson as they happen, and the closing summary. Colours only on a terminal.
/// Calls arrive from the publisher's threads; a lock keeps their lines whole.
final class TerminalReporter: Sendable {
    let colours: Bool
    private let state = Mutex(State())

    private struct State {
        /// A live progress line is on screen and the next output must start a new line.
        var progressLine = false
    }

    init(colours: Bool = isatty(STDOUT_FILENO) != 0) { self.colours = colours }

    func paint(_ text: String, _ code: String) -> String { colours ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }

    /// One finished lesson of a build: "[3/11] 03-stride: ok 1.2 s".
    func lessonFinished(_ i: Int, of n: Int, _ outcome: LessonOutcome) {
        let state = outcome.passed ? paint("ok", "32") : paint("FAILED", "31;1")
        var text = "[\(i)/\(n)] \(outcome.slug): \(state)\(outcome.cached ? " (unchanged, not rerun)" : outcome.frozen ? " (cells unchanged: re-rendered from the stored run)" : "") \(String(format: "%.1f s", outcome.seconds))\n"
        text += warnings(outcome, indent: "  ")
        write(text)
    }

    /// The one lesson of `lessons run`, finished.
    func lessonRan(_ outcome: LessonOutcome, page: URL) {
        write("\(outcome.slug): \(outcome.passed ? paint("ok", "32") : paint("FAILED", "31;1")) in \(String(format: "%.1f s", outcome.seconds)); page: \(page.path)\n"
              + warnings(outcome, indent: ""))
    }

    private func warnings(_ outcome: LessonOutcome, indent: String) -> String {
        outcome.warnings.map { indent + paint("warning: ", "33") + $0.description + "\n" }.joined()
    }

    /// A running lesson's cells, as they happen, each headed by its number and source line.
    func show(_ event: RunEvent, path: String) {
        switch event {
        case let .cellStarted(cell):
            write(paint("── In [\(cell.number)] \(path):\(cell.firstLine)", "36;1") + "\n")
        case let .output(_, output):
            switch output {
            case let .text(t): write(t)
            case let .errorText(t): write(paint(t, "31"), toStandardError: true)
            case let .display(t): write(paint("Out: ", "35") + t + "\n")
            case let .check(passed, claim): write((passed ? paint("✓ \(claim)", "32") : paint("✗ \(claim)", "31;1")) + "\n")
            case let .figure(f): write(paint("[figure \(f.file)\(f.caption.map { ": \($0)" } ?? "")]", "34") + "\n")
            case let .table(t): write(paint("[table\(t.caption.map { ": \($0)" } ?? ""), \(t.rows.count) rows]", "34") + "\n")
            case let .progress(lines): write(lines.joined(separator: "\n") + "\n")
            }
        case let .liveProgress(_, line):
            // On a terminal the line rewrites itself; in a log each is kept.
            if colours {
                state.withLock { $0.progressLine = true }
                emit("\r\u{1B}[2K" + line, toStandardError: false)
            } else {
                write(line + "\n")
            }
        case let .cellFinished(result):
            let time = result.seconds.map { String(format: "%.2f s", $0) } ?? ""
            switch result.status {
            case let .failed(failure): write(paint("✗ \(LessonError(file: path, failure: failure).description)", "31;1") + "\n")
            case .failedAsExpected: write(paint("✓ failed as expected \(time)", "32") + "\n")
            default: write(paint("  (\(time))", "2") + "\n")
            }
        }
    }

    /// The end of a build: every failure as `file:line: message`, every machinery error with
    /// its step. Returns whether all passed.
    func summarise(_ outcomes: [LessonOutcome]) -> Bool {
        let failures = outcomes.flatMap(\.failures)
        let errors = outcomes.compactMap(\.error)
        if failures.isEmpty && errors.isEmpty {
            write(paint("All \(outcomes.count) lesson\(outcomes.count == 1 ? "" : "s") built; no cell failed.", "32") + "\n")
            return true
        }
        var text = ""
        if !failures.isEmpty {
            text += paint("\(failures.count) failure\(failures.count == 1 ? "" : "s"):", "31;1") + "\n"
            text += failures.map { $0.description + "\n" }.joined()
        }
        if !errors.isEmpty {
            text += paint("\(errors.count) lesson\(errors.count == 1 ? "" : "s") could not be published:", "31;1") + "\n"
            text += errors.map { $0.description + "\n" }.joined()
        }
        write(text)
        return false
    }

    /// A failure of the machinery, on stderr.
    func machineryFailed(_ error: any Error) {
        write("error: \(error)\n", toStandardError: true)
    }

    func write(_ text: String, toStandardError: Bool = false) {
        let endProgress = state.withLock { s in defer { s.progressLine = false }; return s.progressLine }
        emit((endProgress ? "\n" : "") + text, toStandardError: toStandardError)
    }

    private func emit(_ text: String, toStandardError: Bool) {
        let handle = toStandardError ? FileHandle.standardError : FileHandle.standardOutput
        fflush(nil)  // whatever `print` left in C's buffer goes first
        handle.write(Data(text.utf8))
    }
}
