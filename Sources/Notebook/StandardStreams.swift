// C's stdout and stderr are global variables from a module that predates Sendable; this file
// alone touches them (and imports nothing else, so the import below decides how they are seen).
// Each call is locked by the C library itself.
@preconcurrency import Glibc

/// The program's standard streams, as the wire needs them.
enum StandardStreams {
    /// Line-buffered output, so that text printed just before a crash still reaches the runner.
    static func lineBuffered() {
        setvbuf(stdout, nil, _IOLBF, 0)
        setvbuf(stderr, nil, _IOLBF, 0)
    }

    static func flush() {
        fflush(stdout)
        fflush(stderr)
    }

    static func write(_ text: String, toStandardError: Bool = false) {
        fputs(text, toStandardError ? stderr : stdout)
    }
}
