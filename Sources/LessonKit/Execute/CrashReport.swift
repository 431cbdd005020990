import Foundation

/// What the Swift runtime wrote on stderr when a cell's program crashed, read once: the message,
/// the lesson line and column the backtrace names, the lesson's frames, what the cell wrote
/// before it, and a short version of the text for the page.
public struct CrashReport: Equatable, Sendable {
    /// "Index out of range", "error thrown: Oops()", or a description of the signal or status.
    let message: String
    let line: Int?
    let column: Int?
    /// An error thrown by the cell reached the top level (rather than a trap or a signal).
    let thrown: Bool
    /// The message, the lesson's frames and the cell's own stderr, as a failure carries them.
    let crash: Crash

    /// Reads `stderr` of a crashed cell; `sourcePath` is the lesson path the program's
    /// `#sourceLocation`s name, `lines` the cell's lines (a frame outside them is not the cell's).
    init(stderr: String, sourcePath: String, lines: ClosedRange<Int>, termination: LessonProcess.Termination) {
        self.init(stderr: stderr, sourcePath: sourcePath, owns: lines.contains, termination: termination)
    }

    /// `owns` says which lesson lines are the cell's: its code, and its inline values' lines.
    init(stderr: String, sourcePath: String, owns: (Int) -> Bool, termination: LessonProcess.Termination) {
        var line: Int?
        var column: Int?
        // The backtrace names the user frame as "... at <lesson>.md:26:10".
        let marker = " at " + sourcePath + ":"
        for text in stderr.split(separator: "\n", omittingEmptySubsequences: false) {
            guard let range = text.range(of: marker) else { continue }
            let numbers = text[range.upperBound...].split(separator: ":").compactMap { Int($0.prefix { $0.isNumber }) }
            if let first = numbers.first, owns(first) {
                line = first
                column = numbers.count > 1 ? numbers[1] : nil
                break
            }
        }
        var message = CrashReport.message(in: stderr)
        let lines = stderr.components(separatedBy: "\n")
        thrown = lines.contains { $0.contains("Error thrown:") || $0.contains("Error raised at top level") }
        if message.isEmpty {
            switch termination {
            case .signal(let s): message = "crashed with signal \(s) (\(CrashReport.signalName(s)))"
            case .exited(let status): message = "the program exited with status \(status)"
            }
        }
        self.message = message
        self.line = line
        self.column = column
        // The cell's own lines are those before the crash report that are not the runtime's message.
        let start = lines.firstIndex(where: CrashReport.startsReport) ?? lines.count
        let own = lines[..<start].filter {
            !$0.trimmingCharacters(in: .whitespaces).isEmpty && !CrashReport.isRuntimeMessage($0)
                && !CrashReport.isNoise($0)
        }
        crash = Crash(
            message: message, frames: lines[start...].compactMap(CrashReport.frame),
            stderr: own.map { $0 + "\n" }.joined())
    }

    /// The backtrace's first line: "*** Signal 4: ..." or "💣 Program crashed: ...".
    static func startsReport(_ line: String) -> Bool { line.hasPrefix("*** Signal") || line.hasPrefix("💣") }

    /// The runtime's own message about the crash, which the failure says once.
    static func isRuntimeMessage(_ line: String) -> Bool {
        line.contains("Fatal error") || line.contains("Precondition failed") || line.contains("Error thrown:")
            || line.contains("Error raised at top level") || line.hasPrefix("*** Swift runtime failure")
    }

    /// A backtrace frame in a lesson's file, "4 [ra] 0x... in lesson at /x/01-demo.md:34:12",
    /// as "01-demo.md:34:12".
    static func frame(_ line: String) -> SourceLocation? {
        guard line.contains(".md:"), let at = line.range(of: " at ", options: .backwards),
            let name = line[at.upperBound...].split(separator: "/").last
        else { return nil }
        let parts = name.split(separator: ":")
        guard parts.count >= 2, let number = Int(parts[1]) else { return nil }
        return SourceLocation(file: String(parts[0]), line: number, column: parts.count > 2 ? Int(parts[2]) : nil)
    }

    /// The runtime's one-line message in `stderr` ("Fatal error: ..." and its kin), or the first
    /// line that is not the crash reporter's own.
    static func message(in stderr: String) -> String {
        let lines = stderr.components(separatedBy: "\n")
        if let fatal = lines.first(where: {
            $0.contains("Fatal error") || $0.contains("Precondition failed") || $0.contains("Error thrown:")
                || $0.contains("Error raised at top level")
        }) {
            // "CNN/Tensor.swift:50: Fatal error: Tensor: shape [2] ..." -> from "Fatal error" on.
            if let r = fatal.range(of: "Fatal error: ") { return String(fatal[r.upperBound...]) }
            if let r = fatal.range(of: "Error thrown: ") { return "error thrown: " + fatal[r.upperBound...] }
            return fatal
        }
        return lines.first {
            !$0.trimmingCharacters(in: .whitespaces).isEmpty && !$0.hasPrefix("💣") && !$0.hasPrefix("***")
                && !isNoise($0)
        } ?? ""
    }

    /// A crash report as the page shows it: the runtime's message and the frames in the lesson's
    /// own file, without the backtracer's noise. Text without a crash report passes unchanged
    /// (but for the noise lines).
    public static func shortened(_ text: String) -> String {
        let lines = text.components(separatedBy: "\n").filter { !isNoise($0) }
        guard let start = lines.firstIndex(where: startsReport) else { return lines.joined(separator: "\n") }
        var kept = Array(lines[..<start])
        kept += lines[start...].filter { $0.contains("Fatal error") || $0.hasPrefix("*** Swift runtime failure") }
        let frames = lines[start...].filter { $0.contains(".md:") }
        if !frames.isEmpty {
            kept.append("Backtrace, the lesson's frames:")
            kept += frames.map { line in
                // "4 [ra] 0x... closure #2 in  + 123 in lesson at /x/01-demo.md:34:12" -> "  at 01-demo.md:34:12"
                guard let at = line.range(of: " at ", options: .backwards) else { return line }
                return "  at " + (line[at.upperBound...].split(separator: "/").last.map(String.init) ?? "")
            }
        }
        return kept.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.joined(separator: "\n") + "\n"
    }

    /// OpenBLAS's threads make the backtracer say this; it tells the reader nothing.
    static func isNoise(_ line: String) -> Bool { line.hasPrefix("swift-runtime: failed to suspend thread") }

    static func signalName(_ s: Int32) -> String {
        [
            4: "SIGILL, a Swift runtime trap", 5: "SIGTRAP, a Swift runtime trap", 6: "SIGABRT", 8: "SIGFPE",
            9: "SIGKILL", 11: "SIGSEGV",
        ][s] ?? "signal \(s)"
    }
}
