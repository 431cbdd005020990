import Foundation
import LessonWire

/// What `LessonRunner` reports while a lesson runs, for the terminal.
public enum RunEvent: Sendable {
    case cellStarted(Cell)
    case output(Cell, CellOutput)
    /// A progress line within an epoch: for a live terminal, not kept on the page.
    case liveProgress(Cell, String)
    case cellFinished(CellResult)
}

/// Runs a compiled lesson program and collects each cell's result: `LessonProcess` starts it,
/// `LineReader` reads its two pipes on two threads, `CellRecorder` decodes and attributes each
/// line, `CellClock` says when a cell ran too long. `onEvent` is called in order on a queue of
/// its own, never while the recorder is locked.
struct Executor: Sendable {
    let cells: [Cell]
    /// The lesson path the program's `#sourceLocation`s name.
    let sourcePath: String
    let defaultTimeout: Double
    /// Extra environment for the program (`LESSON_THREADS`).
    let environment: [String: String]
    /// Kills the program if the build is abandoned.
    var interruption: Interruption? = nil
    /// Seconds to finish reading the pipes after the program ended.
    static let drainGrace = 2.0

    func run(
        _ executable: URL, figureDirectory: URL, workingDirectory: URL, onEvent: @escaping @Sendable (RunEvent) -> Void
    ) -> [CellResult] {
        let framing = WireFraming(tag: "nb" + String(UInt64.random(in: 0...UInt64.max), radix: 36))
        let recorder = Locked(
            CellRecorder(cells: cells, framing: framing, sourcePath: sourcePath, defaultTimeout: defaultTimeout))
        let delivery = DispatchQueue(label: "lesson-run-events")
        // Queued while locked, so events keep the order the recorder made them in; called later.
        let deliver: @Sendable ([RunEvent]) -> Void = { events in
            for event in events { delivery.async { onEvent(event) } }
        }

        var environment = self.environment
        environment[LessonEnvironment.runTag] = framing.tag
        environment[LessonEnvironment.figureDirectory] = figureDirectory.path
        environment[LessonEnvironment.source] = URL(fileURLWithPath: sourcePath).lastPathComponent
        let process: LessonProcess
        do {
            process = try LessonProcess(
                executable: executable, workingDirectory: workingDirectory, environment: environment,
                interruption: interruption)
        } catch {
            var results = recorder.withLock { $0.ordered }
            if let first = cells.first {
                results[0].status = .failed(
                    CellFailure(
                        cell: first,
                        kind: .protocolError("cannot start the lesson program: \(error.localizedDescription)")))
            }
            return results
        }

        let readers = DispatchGroup()
        for (handle, stream) in [
            (process.standardOutput, CellRecorder.Stream.standardOutput), (process.standardError, .standardError),
        ] {
            readers.enter()
            Thread.detachNewThread {
                LineReader.readLines(handle) { line in
                    recorder.withLock { deliver($0.feed(line, from: stream)) }
                }
                readers.leave()
            }
        }
        var timedOut: (cell: Int, limit: Double)?
        while process.isRunning {
            usleep(20_000)
            timedOut = recorder.withLock { $0.clock.overdue(at: Date()) }
            if timedOut != nil {
                process.kill()
                break
            }
        }
        let termination = process.waitUntilExit()
        // The pipes close when the program ends, unless a process it started still holds them:
        // then what it wrote so far is all the page gets.
        _ = readers.wait(timeout: .now() + Executor.drainGrace)
        let results = recorder.withLock { recorder in
            deliver(recorder.finish(termination, timedOut: timedOut))
            return recorder.ordered
        }
        delivery.sync {}
        return results
    }
}

func formatSeconds(_ s: Double) -> String { s < 10 ? String(format: "%.2f s", s) : String(format: "%.0f s", s) }
