import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A lesson's compiled program running as a child process, its two output pipes open.
struct LessonProcess {
    private let process: Process
    private let interruption: Interruption?
    let standardOutput: FileHandle
    let standardError: FileHandle

    /// How the program ended.
    enum Termination: Equatable, Sendable {
        case exited(Int32)
        case signal(Int32)
    }

    /// Starts `executable` in `workingDirectory` with the parent's environment plus `environment`.
    /// The backtracer is set to name the lesson's own lines in a crash: only the crashed thread,
    /// no registers or images, no colour, so that `CrashReport` finds the frames
    /// "... at <lesson>.md:26:10" (the program is compiled with line tables for that).
    init(executable: URL, workingDirectory: URL, environment extra: [String: String], interruption: Interruption? = nil)
        throws
    {
        let process = Process()
        process.executableURL = executable
        process.currentDirectoryURL = workingDirectory
        var environment = ProcessInfo.processInfo.environment
        environment["SWIFT_BACKTRACE"] =
            "enable=yes,interactive=no,color=no,threads=crashed,registers=none,images=none,sanitize=no"
        environment.merge(extra) { _, new in new }
        process.environment = environment
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        if let interruption, !interruption.track(group: process.processIdentifier) {
            _ = Glibc.kill(-process.processIdentifier, SIGKILL)
        }
        self.interruption = interruption
        self.process = process
        self.standardOutput = out.fileHandleForReading
        self.standardError = err.fileHandleForReading
    }

    var isRunning: Bool { process.isRunning }

    /// Kills the program and every process it started: Foundation starts it as the leader of
    /// its own process group, and an `expect: error` cell's child (or anything else it forked)
    /// would otherwise live on, and Foundation waits for the group.
    func kill() { _ = Glibc.kill(-process.processIdentifier, SIGKILL) }

    func waitUntilExit() -> Termination {
        process.waitUntilExit()
        interruption?.done(group: process.processIdentifier)
        return process.terminationReason == .uncaughtSignal
            ? .signal(process.terminationStatus) : .exited(process.terminationStatus)
    }
}
