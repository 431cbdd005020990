import Foundation
import LessonKit
import Synchronization

/// What the `lessons` command writes to the terminal: each finished lesson of a build, the
/// cells of a running lesson as they happen, and the closing summary. Colours only on a terminal.
/// Calls arrive from the publisher's threads; a lock keeps their lines whole.
final class TerminalReporter: Sendable {
    /// Standard output is a terminal: a cell's live progress line rewrites itself.
    let terminal: Bool
    /// Colours: on a terminal, unless `NO_COLOR` is set (https://no-color.org).
    let colours: Bool
    /// Standard error is a terminal: a build's status lines are redrawn in place there.
    let liveStatus: Bool
    private let state = Mutex(State())

    private struct State {
        /// A live progress line is on screen and the next output must start a new line.
        var progressLine = false
        /// The status lines now drawn at the bottom of stderr, and how many.
        var status: [String] = []
        /// Cells whose end was shown. What a running cell writes on stderr is shown when it ends,
        /// from its result, under its own cell (stderr is read apart from stdout, so it may arrive
        /// after the next cell began); what arrives after that is shown as it comes.
        var endedCells: Set<Int> = []
    }

    /// A reporter that colours (and redraws) or not, whatever the streams are.
    init(colours: Bool) {
        terminal = colours
        liveStatus = colours
        self.colours = colours
    }

    init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        terminal = isatty(STDOUT_FILENO) != 0
        liveStatus = isatty(STDERR_FILENO) != 0
        colours = terminal && (environment["NO_COLOR"] ?? "").isEmpty
    }

    func paint(_ text: String, _ code: String) -> String { colours ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }

    /// One finished lesson of a build: "[3/11] 03-stride: ok 1.2 s".
    func lessonFinished(_ i: Int, of n: Int, _ outcome: LessonOutcome) {
        let state = outcome.passed ? paint("ok", "32") : paint("FAILED", "31;1")
        var text =
            "[\(i)/\(n)] \(outcome.slug): \(state)\(outcome.cached ? " (unchanged, not rerun)" : outcome.frozen ? " (cells unchanged: re-rendered from the stored run)" : "") \(String(format: "%.1f s", outcome.seconds))\n"
        text += warnings(outcome, indent: "  ")
        write(text)
    }

    /// The one lesson of `lessons run`, finished.
    func lessonRan(_ outcome: LessonOutcome, page: URL) {
        write(
            "\(outcome.slug): \(outcome.passed ? paint("ok", "32") : paint("FAILED", "31;1")) in \(String(format: "%.1f s", outcome.seconds)); page: \(page.path)\n"
                + warnings(outcome, indent: ""))
    }

    private func warnings(_ outcome: LessonOutcome, indent: String) -> String {
        outcome.warnings.map { indent + paint("warning: ", "33") + $0.description + "\n" }.joined()
    }

    /// A running lesson's cells, as they happen, each headed by its number and source line.
    func show(_ event: RunEvent, path: String) {
        switch event {
        case .cellStarted(let cell):
            write(paint("── In [\(cell.number)] \(path):\(cell.firstLine)", "36;1") + "\n")
        case .output(let cell, let output):
            switch output {
            case .text(let t): write(t)
            case .errorText(let t):
                if state.withLock({ $0.endedCells.contains(cell.number) }) {
                    write(paint(t, "31"), toStandardError: true)
                }
            case .display(let t): write(paint("Out: ", "35") + t + "\n")
            case .check(let passed, let claim, _, _):
                write((passed ? paint("✓ \(claim)", "32") : paint("✗ \(claim)", "31;1")) + "\n")
            case .figure(let f): write(paint("[figure \(f.file)\(f.caption.map { ": \($0)" } ?? "")]", "34") + "\n")
            case .table(let t):
                write(paint("[table\(t.caption.map { ": \($0)" } ?? ""), \(t.rows.count) rows]", "34") + "\n")
            case .progress(let lines): write(lines.joined(separator: "\n") + "\n")
            case .inlineValue(let index, let text):
                let expression = cell.inlineValues.first { $0.index == index }?.expression ?? "#\(index)"
                write(paint("{swift} \(expression) = ", "35") + text + "\n")
            }
        case .liveProgress(_, let line):
            // On a terminal the line rewrites itself; in a log each is kept.
            if terminal {
                state.withLock { $0.progressLine = true }
                emit("\r\u{1B}[2K" + line, toStandardError: false)
            } else {
                write(line + "\n")
            }
        case .cellFinished(let result):
            let time = result.seconds.map { String(format: "%.2f s", $0) } ?? ""
            state.withLock { _ = $0.endedCells.insert(result.cell.number) }
            // What the cell wrote on stderr so far (a crashed cell's is shortened already).
            let stderr = result.outputs.map { if case .errorText(let t) = $0 { return t } else { return "" } }.joined()
            switch result.status {
            case .failed(let failure):
                write(
                    paint("✗ \(LessonError(file: path, failure: failure).description)", "31;1") + "\n"
                        + details(of: failure, stderr: stderr).map { paint($0, "31") + "\n" }.joined(),
                    toStandardError: false)
            case .failedAsExpected(let message):
                // The failure asked for: its message, not its backtrace.
                let first = message.split(separator: "\n").first.map { ": \($0)" } ?? ""
                write(paint("✓ failed as expected\(first) \(time)", "32") + "\n")
            default:
                if !stderr.isEmpty { write(paint(stderr, "31"), toStandardError: true) }
                if result.outputCut {
                    write(paint("  (output cut: the cell printed more than the page keeps)", "33") + "\n")
                }
                write(paint("  (\(time))", "2") + "\n")
            }
        }
    }

    /// What the terminal shows under a failed cell's "✗ file:line: message": every compile error
    /// of the cell; for a crash, what the cell wrote on stderr before it and the lesson's frames
    /// ("  at 01-trap.md:13:15"), without the runtime's message (the ✗ line says it, once);
    /// otherwise what the cell wrote on stderr.
    func details(of failure: CellFailure, stderr: String) -> [String] {
        let lines: [String]
        switch failure.kind {
        case .compileError(let diagnostics):
            lines = diagnostics.map(\.description)
        case .trap(let crash), .thrownError(let crash):
            lines = crash.stderr.components(separatedBy: "\n") + crash.frames.map { "  at \($0)" }
        case .expectation, .programError, .timeout, .unexpectedSuccess, .protocolError:
            lines = stderr.components(separatedBy: "\n")
        }
        return lines.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
    }

    /// The cells a failure kept from running, said once the lesson ends.
    func notRun(_ outcome: LessonOutcome) {
        guard !outcome.notRun.isEmpty else { return }
        let failed = outcome.failures.compactMap(\.cell).first.map { " because cell \($0) failed" } ?? ""
        let cells = outcome.notRun.map(String.init).joined(separator: ", ")
        write(paint("Not run\(failed): cell\(outcome.notRun.count == 1 ? "" : "s") \(cells).", "33") + "\n")
    }

    /// The end of a build: every failure as `file:line: message`, every machinery error with
    /// its step. Returns whether all passed.
    func summarise(_ outcomes: [LessonOutcome], skippingCellFailures: Bool = false) -> Bool {
        let all = outcomes.flatMap(\.failures)
        let failures = skippingCellFailures ? all.filter { $0.cell == nil } : all
        let errors = outcomes.compactMap(\.error)
        if !all.isEmpty && failures.isEmpty && errors.isEmpty { return false }
        if failures.isEmpty && errors.isEmpty {
            write(
                paint(
                    outcomes.count == 1
                        ? "1 lesson built; no cell failed." : "All \(outcomes.count) lessons built; no cell failed.",
                    "32") + "\n")
            return true
        }
        var text = ""
        if !failures.isEmpty {
            text += paint("\(failures.count) failure\(failures.count == 1 ? "" : "s"):", "31;1") + "\n"
            text += failures.map { $0.description + "\n" }.joined()
        }
        if !errors.isEmpty {
            text +=
                paint("\(errors.count) lesson\(errors.count == 1 ? "" : "s") could not be published:", "31;1") + "\n"
            text += errors.map { $0.description + "\n" }.joined()
        }
        write(text)
        return false
    }

    /// The translated editions: how many pages, each stale or untranslated piece (said), and each
    /// error (failing). False when there is an error. Nothing when the course has no translations.
    func summarise(_ editions: EditionPublisher.Report) -> Bool {
        guard editions.pages > 0 || !editions.errors.isEmpty else { return true }
        var text = "Chinese editions: \(editions.pages) pages (\(editions.rendered) rendered now).\n"
        if !editions.problems.isEmpty {
            text +=
                paint(
                    "\(editions.problems.count) translated piece\(editions.problems.count == 1 ? "" : "s") to update:",
                    "33;1") + "\n"
            text += editions.problems.map { "warning: " + $0.description + "\n" }.joined()
        }
        if !editions.errors.isEmpty {
            text +=
                paint("\(editions.errors.count) translation error\(editions.errors.count == 1 ? "" : "s"):", "31;1")
                + "\n"
            text += editions.errors.map { $0.description + "\n" }.joined()
        }
        write(text)
        return editions.errors.isEmpty
    }

    /// A failure of the machinery, on stderr.
    func machineryFailed(_ error: any Error) {
        write("error: \(error)\n", toStandardError: true)
    }

    /// Writes `text`; status lines on the terminal are taken away first and drawn again after.
    func write(_ text: String, toStandardError: Bool = false) {
        state.withLock { s in
            let endProgress = s.progressLine
            s.progressLine = false
            if !s.status.isEmpty { emit(TerminalReporter.erase(s.status.count), toStandardError: true) }
            emit((endProgress ? "\n" : "") + text, toStandardError: toStandardError)
            if !s.status.isEmpty { emit(s.status.map { $0 + "\n" }.joined(), toStandardError: true) }
        }
    }

    /// Replaces the status lines at the bottom of a terminal's stderr (none: takes them away).
    /// Each is cut to the terminal's width so that none wraps and the count stays true.
    func setStatus(_ lines: [String]) {
        let width = TerminalReporter.width()
        let cut = lines.map { $0.count < width ? $0 : String($0.prefix(max(1, width - 2))) + "…" }
        state.withLock { s in
            emit(
                TerminalReporter.erase(s.status.count) + cut.map { paint($0, "2") + "\n" }.joined(),
                toStandardError: true)
            s.status = cut.map { paint($0, "2") }
        }
    }

    /// Moves up `lines` lines and clears to the end of the screen.
    static func erase(_ lines: Int) -> String { lines == 0 ? "" : "\u{1B}[\(lines)A\r\u{1B}[J" }

    static func width() -> Int {
        var size = winsize()
        return ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0 && size.ws_col > 0 ? Int(size.ws_col) : 80
    }

    private func emit(_ text: String, toStandardError: Bool) {
        let handle = toStandardError ? FileHandle.standardError : FileHandle.standardOutput
        fflush(nil)  // whatever `print` left in C's buffer goes first
        handle.write(Data(text.utf8))
    }
}
