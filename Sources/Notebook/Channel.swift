import CNN
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The wire between a lesson's program and the runner. Everything travels on stdout (and cell
/// markers on stderr too), as lines starting with a record separator and the run's random tag,
/// so that no text a cell prints can pose as a marker. The runner reads them; see LessonKit's
/// `CellProtocol` for the other side.
enum Channel {
    static let tag: String = ProcessInfo.processInfo.environment["LESSON_RUN_TAG"] ?? "notebook"
    static let figureDirectory: URL? = ProcessInfo.processInfo.environment["LESSON_FIGURE_DIR"].map { URL(fileURLWithPath: $0) }
    /// The lesson file's name, for the text chunk of every figure it makes.
    static let lessonFile = ProcessInfo.processInfo.environment["LESSON_SOURCE"] ?? "lesson"
    static let prefix = "\u{1E}" + tag + " "

    static func flush() {
        fflush(stdout)
        fflush(stderr)
    }

    /// A marker line on both streams: "start 3", "end 3 0.0123".
    static func marker(_ text: String) {
        flush()
        fputs(prefix + text + "\n", stdout)
        fputs(prefix + text + "\n", stderr)
        flush()
    }

    /// An event for the current cell, as one JSON line on stdout.
    static func event(_ fields: [String: Any]) {
        guard let data = try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys]) else { return }
        flush()
        fputs(prefix + "event " + String(decoding: data, as: UTF8.self) + "\n", stdout)
        fflush(stdout)
    }
}

/// The cell being run and when it started; the runner's generated program calls these.
public enum NotebookRuntime {
    nonisolated(unsafe) static var currentCell = 0
    nonisolated(unsafe) static var cellStart = DispatchTime.now()
    nonisolated(unsafe) static var figuresInCell = 0
    nonisolated(unsafe) static var figureCount = 0

    /// Line-buffered output, so that text printed just before a crash still reaches the runner.
    public static func start() {
        setvbuf(stdout, nil, _IOLBF, 0)
        setvbuf(stderr, nil, _IOLBF, 0)
        // If the runner dies (killed, interrupted), end too rather than run on unwatched.
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
        currentCell = n
        figuresInCell = 0
        cellStart = DispatchTime.now()
        Channel.marker("start \(n)")
    }

    /// Ends the last cell.
    public static func finish() { endCell() }

    static func endCell() {
        guard currentCell > 0 else { return }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - cellStart.uptimeNanoseconds) / 1e9
        Channel.marker("end \(currentCell) \(seconds)")
        currentCell = 0
    }

    /// Runs a cell that is expected to fail (`expect: error`) in a child process, so that a trap
    /// ends only the child: the cell passes when the child fails (trap, thrown error or failed
    /// `expect`), and the lesson goes on. State the cell changes is not kept.
    public static func expectFailure(_ body: () throws -> Void) {
        Channel.flush()
        let pid = fork()
        if pid == 0 {
            // The child runs alone: no worker threads survive fork, so keep the core serial.
            Parallelism.runSerially()
            do {
                try body()
            } catch {
                Channel.flush()
                fputs("Error thrown: \(error)\n", stderr)
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
            Channel.event(["kind": "unexpected-success"])
            Channel.marker("failed \(currentCell)")
            exit(3)
        }
        Channel.event(["kind": "expected-failure"])
    }
}
