import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What `LessonRunner` reports while a lesson runs, for the terminal.
public enum RunEvent: Sendable {
    case cellStarted(Cell)
    case output(Cell, CellOutput)
    case cellFinished(CellResult)
}

/// Runs a compiled lesson program in a child process and attributes everything it writes to the
/// cell that wrote it, using the marker lines `Notebook` prints (see Notebook/Channel.swift).
final class Executor {
    let cells: [Cell]              // the cells in the program, in order
    let tag: String
    let sourcePath: String
    let defaultTimeout: Double
    let onEvent: (RunEvent) -> Void
    let maximumTextPerCell = 200_000

    private let lock = NSLock()
    private var results: [Int: CellResult] = [:]
    private var current: Int?
    /// The cell stderr is in, from stderr's own markers: the two pipes are read on two threads,
    /// so stdout's position says nothing about stderr's.
    private var currentOnStderr: Int?
    private var started: [Int: Date] = [:]
    private var stderrByCell: [Int: String] = [:]
    private var ended: Set<Int> = []
    private var failedByProgram: Set<Int> = []
    private var truncated: Set<Int> = []

    init(cells: [Cell], sourcePath: String, defaultTimeout: Double, onEvent: @escaping (RunEvent) -> Void) {
        self.cells = cells
        self.sourcePath = sourcePath
        self.defaultTimeout = defaultTimeout
        self.onEvent = onEvent
        self.tag = "nb" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        for cell in cells { results[cell.number] = CellResult(cell: cell, status: .notRun) }
    }

    func cell(_ n: Int) -> Cell? { cells.first { $0.number == n } }

    /// Runs `executable`; returns each program cell's result.
    func run(_ executable: URL, figureDirectory: URL, workingDirectory: URL) -> [CellResult] {
        let process = Process()
        process.executableURL = executable
        process.currentDirectoryURL = workingDirectory
        var environment = ProcessInfo.processInfo.environment
        environment["LESSON_RUN_TAG"] = tag
        environment["LESSON_FIGURE_DIR"] = figureDirectory.path
        environment["LESSON_SOURCE"] = URL(fileURLWithPath: sourcePath).lastPathComponent
        environment["SWIFT_BACKTRACE"] = "enable=yes,interactive=no,color=no,threads=crashed,registers=none,images=none,sanitize=no"
        process.environment = environment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch {
            if let first = cells.first { results[first.number]!.status = .failed(message: "cannot start the lesson program: \(error.localizedDescription)", line: first.firstLine) }
            return ordered()
        }
        let group = DispatchGroup()
        for (pipe, isError) in [(out, false), (err, true)] {
            group.enter()
            Thread.detachNewThread { [self] in
                readLines(pipe.fileHandleForReading) { self.handle(line: $0, isError: isError) }
                group.leave()
            }
        }
        // Watch the running cell's clock; kill the program when it runs past its timeout.
        var timedOut: (cell: Int, seconds: Double)?
        while process.isRunning {
            usleep(20_000)
            lock.lock()
            if let n = current, let start = started[n], let c = cell(n) {
                let limit = c.options.timeout ?? defaultTimeout
                if Date().timeIntervalSince(start) > limit { timedOut = (n, limit) }
            }
            lock.unlock()
            if timedOut != nil { kill(process.processIdentifier, SIGKILL); break }
        }
        process.waitUntilExit()
        group.wait()
        lock.lock()
        defer { lock.unlock() }
        // Both pipes are drained now: give expected failures their whole message.
        for c in cells where c.options.expect == .error {
            if case .failedAsExpected = results[c.number]!.status, let text = stderrByCell[c.number] {
                results[c.number]!.status = .failedAsExpected(cleanedCrashMessage(text))
            }
        }
        if let (n, limit) = timedOut {
            let c = cell(n)!
            results[n]!.status = .failed(message: "timed out after \(formatSeconds(limit)) (cell \(n); raise it with '//| timeout: <seconds>')", line: c.firstLine)
            results[n]!.seconds = limit
            report(.cellFinished(results[n]!))
        } else if let n = current, !ended.contains(n) {
            // Started and never ended: this cell crashed (or exited).
            let stderrText = stderrByCell[n] ?? ""
            let (message, line) = crashSummary(stderrText, status: process.terminationStatus, reason: process.terminationReason, cell: cell(n)!)
            results[n]!.status = failedByProgram.contains(n) ? results[n]!.status : .failed(message: message, line: line)
            if let start = started[n] { results[n]!.seconds = Date().timeIntervalSince(start) }
            report(.cellFinished(results[n]!))
        }
        return ordered()
    }

    func ordered() -> [CellResult] { cells.map { results[$0.number]! } }

    private func report(_ event: RunEvent) { onEvent(event) }

    /// One line from the program: a marker, an event, or text for the current cell.
    private func handle(line: String, isError: Bool) {
        lock.lock()
        defer { lock.unlock() }
        let prefix = "\u{1E}" + tag + " "
        if line.hasPrefix(prefix) {
            let body = line.dropFirst(prefix.count)
            let words = body.split(separator: " ", maxSplits: 2).map(String.init)
            guard let kind = words.first else { return }
            switch kind {
            case "start" where isError:
                currentOnStderr = Int(words[1])
            case "start" where !isError:
                if let n = Int(words[1]), let c = cell(n) {
                    current = n
                    started[n] = Date()
                    results[n]!.status = .passed
                    report(.cellStarted(c))
                }
            case "end" where !isError:
                if let n = Int(words[1]) {
                    ended.insert(n)
                    if words.count > 2, let s = Double(words[2]) { results[n]!.seconds = s }
                    if case .passed = results[n]!.status, cell(n)?.options.expect == .error {
                        // The child failed, as asked; its message is in the stderr text.
                        results[n]!.status = .failedAsExpected(cleanedCrashMessage(stderrByCell[n] ?? ""))
                    }
                    report(.cellFinished(results[n]!))
                }
            case "event" where !isError:
                if let n = current, words.count >= 2 { handleEvent(String(body.dropFirst(6)), cell: n) }
            case "failed" where !isError:
                if let n = Int(words[1]) { failedByProgram.insert(n) }
            default:
                break
            }
            return
        }
        guard let n = isError ? currentOnStderr : current else { return }
        if isError { stderrByCell[n, default: ""] += line + "\n" }
        append(isError ? .errorText(line + "\n") : .text(line + "\n"), to: n)
    }

    private func append(_ output: CellOutput, to n: Int) {
        var outputs = results[n]!.outputs
        // Text past the cell's budget is dropped, once noted: the page stays readable.
        func capped(_ existing: String, _ added: String) -> String? {
            if truncated.contains(n) { return nil }
            let room = maximumTextPerCell - existing.utf8.count
            if added.utf8.count <= room { return existing + added }
            truncated.insert(n)
            return existing + String(decoding: Array(added.utf8.prefix(max(room, 0))), as: UTF8.self)
                + "\n[output cut here: the cell printed more than \(maximumTextPerCell / 1000) kB]\n"
        }
        switch (outputs.last, output) {
        case let (.text(a)?, .text(b)):
            guard let joined = capped(a, b) else { return }
            outputs[outputs.count - 1] = .text(joined)
        case let (.errorText(a)?, .errorText(b)):
            guard let joined = capped(a, b) else { return }
            outputs[outputs.count - 1] = .errorText(joined)
        case let (_, .text(b)):
            guard let first = capped("", b) else { return }
            outputs.append(.text(first))
        case let (.progress(a)?, .progress(b)):
            outputs[outputs.count - 1] = .progress(a + b)
        default:
            outputs.append(output)
        }
        results[n]!.outputs = outputs
        report(.output(cell(n)!, output))
    }

    private func handleEvent(_ json: String, cell n: Int) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any], let kind = object["kind"] as? String else { return }
        let c = cell(n)!
        switch kind {
        case "figure":
            let figure = FigureOutput(file: object["file"] as? String ?? "", caption: object["caption"] as? String ?? c.options.figureCaption,
                                      alt: object["alt"] as? String ?? c.options.figureAlt, notes: object["notes"] as? [String] ?? [],
                                      frames: object["frames"] as? [String] ?? [], width: object["width"] as? Int ?? 640, height: object["height"] as? Int ?? 400)
            append(.figure(figure), to: n)
        case "display":
            append(.display(object["text"] as? String ?? ""), to: n)
        case "table":
            let table = TableOutput(caption: object["caption"] as? String, header: object["header"] as? [String],
                                    rows: object["rows"] as? [[String]] ?? [], numeric: object["numeric"] as? Bool ?? false)
            append(.table(table), to: n)
        case "expect":
            append(.check(passed: object["passed"] as? Bool ?? false, claim: object["claim"] as? String ?? ""), to: n)
        case "progress":
            append(.progress([object["text"] as? String ?? ""]), to: n)
        case "error":
            let message = object["message"] as? String ?? "failed"
            let line = (object["line"] as? Int) ?? c.firstLine
            results[n]!.status = c.options.expect == .error ? .failedAsExpected(message) : .failed(message: message, line: line)
            failedByProgram.insert(n)
        case "unexpected-success":
            results[n]!.status = .failed(message: "the cell was expected to fail ('expect: error') but ran without error", line: c.firstLine)
            failedByProgram.insert(n)
        default:
            break
        }
    }

    /// The message and lesson line of a crash, from what the Swift runtime wrote on stderr.
    func crashSummary(_ stderrText: String, status: Int32, reason: Process.TerminationReason, cell: Cell) -> (String, Int) {
        var line = cell.firstLine, column: Int?
        // The backtrace names the user frame as "... at <lesson>.md:26:10".
        let marker = " at " + sourcePath + ":"
        for l in stderrText.components(separatedBy: "\n") {
            guard let range = l.range(of: marker) else { continue }
            let rest = l[range.upperBound...].split(separator: ":").compactMap { Int($0.prefix { $0.isNumber }) }
            if let first = rest.first, first >= cell.firstLine { line = first; column = rest.count > 1 ? rest[1] : nil; break }
        }
        var message = cleanedCrashMessage(stderrText)
        if message.isEmpty {
            message = reason == .uncaughtSignal ? "crashed with signal \(status) (\(signalName(status)))" : "the program exited with status \(status)"
        }
        return (message + (column.map { " (column \($0))" } ?? ""), line)
    }

    func cleanedCrashMessage(_ stderrText: String) -> String {
        let lines = stderrText.components(separatedBy: "\n")
        if let fatal = lines.first(where: { $0.contains("Fatal error") || $0.contains("Precondition failed") || $0.contains("Error thrown:") || $0.contains("Error raised at top level") }) {
            // "CNN/Tensor.swift:50: Fatal error: Tensor: shape [2] ..." -> from "Fatal error" on.
            if let r = fatal.range(of: "Fatal error: ") { return String(fatal[r.upperBound...]) }
            if let r = fatal.range(of: "Error thrown: ") { return "error thrown: " + fatal[r.upperBound...] }
            return fatal
        }
        return lines.first { !$0.trimmingCharacters(in: .whitespaces).isEmpty && !$0.hasPrefix("💣") && !$0.hasPrefix("***") } ?? ""
    }

    func signalName(_ s: Int32) -> String {
        [4: "SIGILL, a Swift runtime trap", 5: "SIGTRAP, a Swift runtime trap", 6: "SIGABRT", 8: "SIGFPE", 9: "SIGKILL", 11: "SIGSEGV"][s] ?? "signal \(s)"
    }
}

/// Reads lines from a pipe until it closes; bytes that are not UTF-8 become U+FFFD.
func readLines(_ handle: FileHandle, _ body: (String) -> Void) {
    var buffer = Data()
    while true {
        let chunk = handle.availableData
        if chunk.isEmpty { break }
        buffer.append(chunk)
        while let newline = buffer.firstIndex(of: 0x0A) {
            body(String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self))
            buffer.removeSubrange(buffer.startIndex...newline)
        }
    }
    if !buffer.isEmpty { body(String(decoding: buffer, as: UTF8.self)) }
}

func formatSeconds(_ s: Double) -> String { s < 10 ? String(format: "%.2f s", s) : String(format: "%.0f s", s) }
