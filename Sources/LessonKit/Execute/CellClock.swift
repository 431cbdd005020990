import Foundation

/// The running cell's clock: when it started and how long it may run.
struct CellClock: Sendable {
    private var running: (cell: Int, started: Date, limit: Double)?

    mutating func start(_ cell: Int, at time: Date, limit: Double) { running = (cell, time, limit) }
    mutating func stop() { running = nil }

    /// The cell that has run past its limit at `now`, if any.
    func overdue(at now: Date) -> (cell: Int, limit: Double)? {
        guard let running, now.timeIntervalSince(running.started) > running.limit else { return nil }
        return (running.cell, running.limit)
    }

    func elapsed(at now: Date) -> Double? { running.map { now.timeIntervalSince($0.started) } }
}
