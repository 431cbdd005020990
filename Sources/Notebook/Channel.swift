import CNN
import Foundation
import LessonWire
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The program's side of the wire (see LessonWire): events go to stdout as tagged lines, cell
/// boundaries to stdout and stderr. The runner sets the environment this reads.
enum Channel {
    static let framing = WireFraming(tag: ProcessInfo.processInfo.environment[LessonEnvironment.runTag] ?? "notebook")
    static let figureDirectory: URL? = ProcessInfo.processInfo.environment[LessonEnvironment.figureDirectory].map {
        URL(fileURLWithPath: $0)
    }
    /// The lesson file's name, for the text chunk of every figure it makes.
    static let lessonFile = ProcessInfo.processInfo.environment[LessonEnvironment.source] ?? "lesson"

    static func flush() { StandardStreams.flush() }

    /// An event for the current cell, as one line on stdout; text printed before it is flushed
    /// first so the order on the page is the order of the calls.
    static func send(_ event: WireEvent) {
        flush()
        StandardStreams.write(framing.encode(event) + "\n")
        flush()
    }

    /// A cell boundary, on both streams.
    static func sendOnBothStreams(_ event: WireEvent) {
        let line = framing.encode(event) + "\n"
        flush()
        StandardStreams.write(line)
        StandardStreams.write(line, toStandardError: true)
        flush()
    }
}

/// The cell being run and the figures made so far; the runner's generated program calls these.
public enum NotebookRuntime {
    struct State {
        var currentCell = 0
        var cellStart = DispatchTime.now()
        var figureCount = 0
        /// `lessons audit` sets `LESSON_AUDIT=1`: failed checks are reported and the lesson goes
        /// on. Never in an `expect: error` cell's child, whose failed check is its point.
        var continuesAfterFailedChecks = ProcessInfo.processInfo.environment[LessonEnvironment.audit] == "1"
    }
    static let state = Mutex(State())

    static var currentCell: Int { state.withLock { $0.currentCell } }

    static var continuesAfterFailedChecks: Bool { state.withLock { $0.continuesAfterFailedChecks } }

    /// The next figure's number, 1-based across the lesson.
    static func nextFigureNumber() -> Int {
        state.withLock {
            $0.figureCount += 1
            return $0.figureCount
        }
    }

    /// Line-buffered output, and an end when the runner is gone.
    public static func start() {
        StandardStreams.lineBuffered()
        endWithParent()
    }

    /// Follows the build's share of the cores for this program (see LessonKit's `ThreadShare`):
    /// the number in the file `LESSON_THREADS_FILE`, read four times a second, goes to `apply`
    /// whenever it changes (the preamble passes `CNN.Runtime.setThreads`). Without the variable
    /// (a program run alone), nothing.
    public static func followThreadShare(_ apply: @escaping @Sendable (Int) -> Void) {
        guard let path = ProcessInfo.processInfo.environment[LessonEnvironment.threadsFile] else { return }
        let initial = Int(ProcessInfo.processInfo.environment[LessonEnvironment.threads] ?? "") ?? 1
        Thread.detachNewThread {
            var current = initial
            while true {
                usleep(250_000)
                guard let data = FileManager.default.contents(atPath: path),
                    let share = Int(
                        String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)),
                    share >= 1, share != current
                else { continue }
                current = share
                apply(share)
            }
        }
    }

    /// When the parent dies (the runner killed or interrupted, or, in an `expect: error` child,
    /// the lesson's program killed by a timeout), end too rather than run on unwatched and hold
    /// the runner's pipes open.
    static func endWithParent() {
        let parent = getppid()
        Thread.detachNewThread {
            while true {
                usleep(250_000)
                if getppid() != parent { _exit(130) }
            }
        }
    }

    /// Ends the previous cell and starts cell `n`.
    public static func cell(_ n: Int) {
        endCell()
        state.withLock {
            $0.currentCell = n
            $0.cellStart = DispatchTime.now()
        }
        Channel.sendOnBothStreams(.cellStart(cell: n))
    }

    /// Ends the last cell.
    public static func finish() { endCell() }

    static func endCell() {
        let ended: (cell: Int, seconds: Double)? = state.withLock { s in
            guard s.currentCell > 0 else { return nil }
            defer { s.currentCell = 0 }
            return (s.currentCell, Double(DispatchTime.now().uptimeNanoseconds - s.cellStart.uptimeNanoseconds) / 1e9)
        }
        if let ended { Channel.sendOnBothStreams(.cellEnd(cell: ended.cell, seconds: ended.seconds)) }
    }

    /// Runs a cell that is expected to fail (`expect: error`) in a child process, so that a trap
    /// ends only the child: the cell passes when the child fails (trap, thrown error or failed
    /// `expect`), and the lesson goes on. State the cell changes is not kept.
    public static func expectFailure(_ body: () throws -> Void) {
        Channel.flush()
        let pid = fork()
        if pid == 0 {
            // The child runs alone: no worker threads survive fork, so keep the core serial,
            // and start its own watch on its parent.
            Parallelism.runSerially()
            state.withLock { $0.continuesAfterFailedChecks = false }
            endWithParent()
            do {
                try body()
            } catch {
                Channel.flush()
                StandardStreams.write("Error thrown: \(error)\n", toStandardError: true)
                Channel.flush()
                _exit(2)
            }
            Channel.flush()
            _exit(0)
        }
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        let exitedCleanly = (status & 0x7F) == 0 && ((status >> 8) & 0xFF) == 0
        if exitedCleanly {
            Channel.send(.unexpectedSuccess)
            exit(3)
        }
    }
}

/// Ends the lesson's program with a message at the current cell.
func fail(_ message: String, line: Int? = nil) -> Never {
    Channel.send(.error(message: message, line: line))
    exit(3)
}
