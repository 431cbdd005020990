import Foundation

/// A value shared between threads, reached only through `withLock`. The body must not call out
/// (callbacks, I/O that can block on others): it only reads and changes the value.
final class Locked<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
