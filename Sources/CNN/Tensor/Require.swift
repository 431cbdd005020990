/// Like `precondition`, but its message survives optimisation: the core is built with `-O`, where
/// `precondition` traps silently, and a learner needs to read what went wrong ("conv2d: input has
/// 3 channels but the kernel expects 1").
@inline(__always)
@usableFromInline
func require(
    _ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String, file: StaticString = #fileID,
    line: UInt = #line
) {
    if !condition() { fatalError(message(), file: file, line: line) }
}
