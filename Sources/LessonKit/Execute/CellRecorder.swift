import Foundation
import LessonWire

/// Attributes everything a lesson's program writes to the cell that wrote it, and turns wire
/// events into cell outputs. Plain state, no threads: `Executor` feeds it one line at a time
/// under its lock and delivers the `RunEvent`s it returns after.
struct CellRecorder: Sendable {
    enum Stream: Sendable { case standardOutput, standardError }

    let framing: WireFraming
    let sourcePath: String
    let defaultTimeout: Double
    private let cells: [Int: Cell]
    private let order: [Int]
    private var results: [Int: CellResult] = [:]
    /// The cell each stream is in, from that stream's own boundaries: the two pipes are read on
    /// two threads, so stdout's position says nothing about stderr's.
    private var currentOnStdout: Int?
    private var currentOnStderr: Int?
    private var lastStarted: Int?
    private var ended: Set<Int> = []
    /// Cells whose failure the program itself reported (an `error` event, an unexpected success).
    private var reported: Set<Int> = []
    private var stderrByCell: [Int: String] = [:]
    /// Each cell's last failed `expect`: the `error` the program sends after it is that expectation.
    private var failedCheck: [Int: (claim: String, line: Int, found: String?)] = [:]
    private(set) var clock = CellClock()
    private var budget = OutputBudget()
    private var finished = false

    init(cells: [Cell], framing: WireFraming, sourcePath: String, defaultTimeout: Double) {
        self.framing = framing
        self.sourcePath = sourcePath
        self.defaultTimeout = defaultTimeout
        self.cells = Dictionary(uniqueKeysWithValues: cells.map { ($0.number, $0) })
        self.order = cells.map(\.number)
        for cell in cells { results[cell.number] = CellResult(cell: cell, status: .notRun) }
    }

    var ordered: [CellResult] { order.map { results[$0]! } }

    /// The cell a stray message is blamed on when no cell is running: the last one that started,
    /// or the first.
    private var blamed: Int? { lastStarted ?? order.first }

    /// One line from the program.
    mutating func feed(_ line: String, from stream: Stream, at now: Date = Date()) -> [RunEvent] {
        // A process the program left behind may still write after the results were taken.
        guard !finished else { return [] }
        let decoded: WireLine
        do {
            decoded = try framing.decode(line)
        } catch {
            guard let n = (stream == .standardOutput ? currentOnStdout : currentOnStderr) ?? blamed else { return [] }
            return fail(n, CellFailure(cell: cells[n]!, kind: .protocolError("cell \(n): \(error.description)")))
        }
        switch (decoded, stream) {
        case (.text(let text), .standardOutput):
            guard let n = currentOnStdout else { return [] }
            return append(.text(text + "\n"), to: n)
        case (.text(let text), .standardError):
            guard let n = currentOnStderr else { return [] }
            stderrByCell[n, default: ""] += text + "\n"
            return append(.errorText(text + "\n"), to: n)
        case (.event(.cellStart(let n)), .standardError):
            currentOnStderr = cells[n] == nil ? nil : n
            return []
        case (.event(.cellEnd), .standardError):
            return []
        case (.event(let event), .standardError):
            guard let n = currentOnStderr ?? blamed else { return [] }
            return fail(
                n,
                CellFailure(
                    cell: cells[n]!,
                    kind: .protocolError(
                        "cell \(n): the lesson program sent \(event) on stderr, where only cell boundaries go")))
        case (.event(let event), .standardOutput):
            return handle(event, at: now)
        }
    }

    private mutating func handle(_ event: WireEvent, at now: Date) -> [RunEvent] {
        if case .cellStart(let n) = event {
            guard let cell = cells[n] else {
                guard let at = blamed else { return [] }
                return fail(
                    at,
                    CellFailure(
                        cell: cells[at]!,
                        kind: .protocolError("the lesson program started cell \(n), which it does not have")))
            }
            currentOnStdout = n
            lastStarted = n
            results[n]!.status = .passed
            clock.start(n, at: now, limit: cell.options.timeout ?? defaultTimeout)
            return [.cellStarted(cell)]
        }
        guard let n = currentOnStdout, let cell = cells[n] else {
            guard let at = blamed else { return [] }
            return fail(
                at,
                CellFailure(cell: cells[at]!, kind: .protocolError("the lesson program sent \(event) outside any cell"))
            )
        }
        switch event {
        case .cellStart:
            return []
        case .cellEnd(let ended, let seconds):
            guard ended == n else {
                return fail(
                    n,
                    CellFailure(
                        cell: cell,
                        kind: .protocolError("cell \(n): the lesson program ended cell \(ended) while cell \(n) ran")))
            }
            self.ended.insert(n)
            currentOnStdout = nil
            clock.stop()
            results[n]!.seconds = seconds
            if case .passed = results[n]!.status, cell.options.expect == .error {
                // The child failed, as asked; its message is in the stderr text.
                results[n]!.status = .failedAsExpected(CrashReport.message(in: stderrByCell[n] ?? ""))
            }
            return [.cellFinished(results[n]!)]
        case .display(let text):
            return append(.display(text), to: n)
        case .table(let table):
            return append(.table(table), to: n)
        case .figure(var figure):
            figure.caption = figure.caption ?? cell.options.figureCaption
            figure.alt = figure.alt ?? cell.options.figureAlt
            return append(.figure(figure), to: n)
        case .expect(let passed, let claim, let line, let found):
            if !passed { failedCheck[n] = (claim, line, found) }
            return append(.check(passed: passed, claim: claim, line: line, found: found), to: n)
        case .progress(let text, let step):
            switch step {
            case .batch: return [.liveProgress(cell, text)]
            case .epoch: return append(.progress([text]), to: n)
            }
        case .inlineValue(let index, let text):
            return append(.inlineValue(index: index, text: text), to: n)
        case .error(let message, let line):
            reported.insert(n)
            if cell.options.expect == .error {
                results[n]!.status = .failedAsExpected(message)
                return []
            }
            // The program ends a cell this way after a failed `expect` at the same line, or when
            // it could not do what the cell asked (write a figure).
            let kind: CellFailure.Kind
            if let check = failedCheck[n], check.line == line {
                kind = .expectation(claim: check.claim, found: check.found)
            } else {
                kind = .programError(message)
            }
            results[n]!.status = .failed(
                CellFailure(cell: cell, line: line.flatMap { cell.owns(line: $0) ? $0 : nil }, kind: kind))
            return []
        case .unexpectedSuccess:
            reported.insert(n)
            results[n]!.status = .failed(CellFailure(cell: cell, kind: .unexpectedSuccess(.error)))
            return []
        }
    }

    /// Cell `n` failed in a way the runner noticed; the first failure of a cell is the one kept.
    private mutating func fail(_ n: Int, _ failure: CellFailure) -> [RunEvent] {
        if results[n]!.status.failure == nil { results[n]!.status = .failed(failure) }
        reported.insert(n)
        return []
    }

    private mutating func append(_ output: CellOutput, to n: Int) -> [RunEvent] {
        var output = output
        switch output {
        case .text(let t):
            guard let admitted = budget.admit(t, cell: n) else { return [] }
            output = .text(admitted)
            if budget.isCut(n) { results[n]!.outputCut = true }
        case .errorText(let t):
            guard let admitted = budget.admit(t, cell: n) else { return [] }
            output = .errorText(admitted)
            if budget.isCut(n) { results[n]!.outputCut = true }
        default:
            break
        }
        var outputs = results[n]!.outputs
        switch (outputs.last, output) {
        case (.text(let a)?, .text(let b)): outputs[outputs.count - 1] = .text(a + b)
        case (.errorText(let a)?, .errorText(let b)): outputs[outputs.count - 1] = .errorText(a + b)
        case (.progress(let a)?, .progress(let b)): outputs[outputs.count - 1] = .progress(a + b)
        default: outputs.append(output)
        }
        results[n]!.outputs = outputs
        return [.output(cells[n]!, output)]
    }

    /// After the program ended and both pipes are drained: the timed-out or crashed cell gets its
    /// failure, and crash reports are shortened for the page, once.
    mutating func finish(
        _ termination: LessonProcess.Termination, timedOut: (cell: Int, limit: Double)?, at now: Date = Date()
    ) -> [RunEvent] {
        finished = true
        var events: [RunEvent] = []
        for n in order {
            results[n]!.outputs = results[n]!.outputs.map {
                if case .errorText(let t) = $0 { return .errorText(CrashReport.shortened(t)) } else { return $0 }
            }
            if case .failedAsExpected = results[n]!.status, !reported.contains(n) {
                // Both pipes are drained now: give expected failures their whole message.
                results[n]!.status = .failedAsExpected(CrashReport.message(in: stderrByCell[n] ?? ""))
            }
        }
        if let (n, limit) = timedOut, let cell = cells[n] {
            results[n]!.status = .failed(CellFailure(cell: cell, kind: .timeout(limit: limit)))
            results[n]!.seconds = limit
            events.append(.cellFinished(results[n]!))
        } else if let n = lastStarted, !ended.contains(n), let cell = cells[n] {
            // Started and never ended: this cell crashed, or the program exited in it.
            if results[n]!.status.failure == nil {
                let crash = CrashReport(
                    stderr: stderrByCell[n] ?? "", sourcePath: sourcePath, owns: cell.owns(line:),
                    termination: termination)
                // A column inside an inline value counts in the generated line: left out.
                let column = crash.line.flatMap { cell.lines.contains($0) ? crash.column : nil }
                results[n]!.status = .failed(
                    CellFailure(
                        cell: cell, line: crash.line, column: column,
                        kind: crash.thrown ? .thrownError(crash.crash) : .trap(crash.crash)))
            }
            results[n]!.seconds = clock.elapsed(at: now)
            events.append(.cellFinished(results[n]!))
        }
        return events
    }
}
