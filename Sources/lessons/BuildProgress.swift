import Foundation
import LessonKit
import Synchronization

/// What `lessons build` shows while it runs: the lessons running now, each with its cell and the
/// time since it started, redrawn in place when stderr is a terminal (once a second, so the times
/// move) or as one plain line per change in a log; and each finished lesson's result, in lesson
/// order (a lesson that finished early waits for the ones before it).
final class BuildProgress: Sendable {
    let reporter: TerminalReporter
    /// The slugs of the lessons built, in course order.
    let order: [String]
    private let state = Mutex(State())

    private struct State {
        var running: [String: LessonStatus] = [:]
        var finished: [String: LessonOutcome] = [:]
        var printed = 0
        var stopped = false
    }

    init(reporter: TerminalReporter, order: [String]) {
        self.reporter = reporter
        self.order = order
    }

    /// Runs the build in `body`, the status lines redrawn meanwhile, and cleared after.
    func running<T>(_ body: () throws -> T) rethrows -> T {
        if reporter.liveStatus {
            Thread.detachNewThread { [self] in
                while !state.withLock({ $0.stopped }) {
                    sleep(1)
                    redraw()
                }
            }
        }
        defer {
            state.withLock { s in
                s.stopped = true
                if reporter.liveStatus { reporter.setStatus([]) }
            }
        }
        return try body()
    }

    /// A lesson started compiling, or one of its cells started.
    func update(_ status: LessonStatus) {
        if reporter.liveStatus {
            state.withLock { $0.running[status.slug] = status }
            redraw()
        } else {
            reporter.write(BuildProgress.describe(status, at: Date()) + "\n", toStandardError: true)
        }
    }

    /// A lesson finished: its result, and those of the lessons after it that finished already,
    /// printed once every lesson before it is printed.
    func finished(_ outcome: LessonOutcome) {
        state.withLock { s in
            s.running[outcome.slug] = nil
            s.finished[outcome.slug] = outcome
            if reporter.liveStatus && !s.stopped { reporter.setStatus(lines(s)) }
            while s.printed < order.count, let next = s.finished[order[s.printed]] {
                s.printed += 1
                reporter.lessonFinished(s.printed, of: order.count, next)
            }
        }
    }

    private func redraw() {
        state.withLock { s in
            if !s.stopped { reporter.setStatus(lines(s)) }
        }
    }

    private func lines(_ s: State) -> [String] {
        let now = Date()
        return order.compactMap { s.running[$0] }.map { "  " + BuildProgress.describe($0, at: now) }
    }

    /// "05-pooling: cell 3 of 12 (12.4 s)", or "05-pooling: compiling (0.8 s)" before its first cell.
    static func describe(_ status: LessonStatus, at now: Date) -> String {
        let what = status.cell.map { "cell \($0) of \(status.cells)" } ?? "compiling"
        return "\(status.slug): \(what) (\(String(format: "%.1f s", now.timeIntervalSince(status.startedAt))))"
    }
}
