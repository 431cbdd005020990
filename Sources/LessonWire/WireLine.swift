import Foundation

/// How events are framed on the program's output: one line, the record separator U+001E, the
/// run's random tag, a space, then the event as JSON. No line a cell prints can pose as one
/// without knowing the tag.
public struct WireFraming: Sendable {
    /// Random per run, from the runner (`LESSON_RUN_TAG`).
    public let tag: String
    public let prefix: String

    public init(tag: String) {
        self.tag = tag
        self.prefix = "\u{1E}" + tag + " "
    }

    /// The line (without its newline) that carries `event`.
    public func encode(_ event: WireEvent) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding these types cannot fail: no floats that are not finite reach here except
        // seconds, which the sender clamps.
        let data = (try? encoder.encode(event)) ?? Data("{}".utf8)
        return prefix + String(decoding: data, as: UTF8.self)
    }

    /// What one line of output is: a cell's own text, or an event. A line that carries the tag
    /// but no valid event is an error, never ignored.
    public func decode(_ line: String) throws(WireError) -> WireLine {
        guard line.hasPrefix(prefix) else { return .text(line) }
        let body = String(line.dropFirst(prefix.count))
        do {
            return .event(try JSONDecoder().decode(WireEvent.self, from: Data(body.utf8)))
        } catch let error as DecodingError {
            throw WireError(line: body, reason: WireError.describe(error))
        } catch {
            throw WireError(line: body, reason: "\(error)")
        }
    }
}

public enum WireLine: Equatable, Sendable {
    case text(String)
    case event(WireEvent)
}

/// A tagged line the runner could not read: a program built against another version of
/// `Notebook`, or a line cut short by a crash.
public struct WireError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The line after the tag, shortened for messages.
    public let line: String
    public let reason: String

    public init(line: String, reason: String) {
        self.line = line.count > 200 ? String(line.prefix(200)) + "…" : line
        self.reason = reason
    }

    public var description: String { "unreadable message from the lesson program (\(reason)): \(line)" }

    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty
                ? "not JSON" : "bad value at \(path(context.codingPath)): \(context.debugDescription)"
        case .keyNotFound(let key, let context):
            return "missing '\(key.stringValue)'"
                + (context.codingPath.isEmpty ? "" : " in \(path(context.codingPath))")
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return context.codingPath.isEmpty
                ? "unknown event: \(context.debugDescription)" : "wrong type at \(path(context.codingPath))"
        @unknown default:
            return "\(error)"
        }
    }

    static func path(_ keys: [any CodingKey]) -> String { keys.map(\.stringValue).joined(separator: ".") }
}
