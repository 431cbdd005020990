import Foundation

/// Reads lines from a pipe until it closes; bytes that are not UTF-8 become U+FFFD. A last line
/// without a newline is still a line.
enum LineReader {
    static func readLines(_ handle: FileHandle, _ body: (String) -> Void) {
        var buffer = Data()
        while true {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            buffer.append(chunk)
            var start = buffer.startIndex
            while let newline = buffer[start...].firstIndex(of: 0x0A) {
                body(String(decoding: buffer[start..<newline], as: UTF8.self))
                start = buffer.index(after: newline)
            }
            buffer.removeSubrange(buffer.startIndex..<start)
        }
        if !buffer.isEmpty { body(String(decoding: buffer, as: UTF8.self)) }
    }
}
