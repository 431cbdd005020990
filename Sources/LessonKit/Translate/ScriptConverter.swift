import COpenCC
import Foundation

/// Simplified Chinese -> Traditional Chinese as written in Taiwan, by OpenCC's `s2twp`
/// configuration (characters, then Taiwan's phrases: 网络 -> 網路), then the course's own
/// corrections for this field (`Lessons/zh-Hant/terms.txt`: OpenCC's 啟用函式 for 激活函数 is
/// the wrong word here). Text marked `<span lang="zh-Hans">` or `<span lang="zh-Hant">` (a quotation
/// in its own script) is left as written.
public final class ScriptConverter {
    private let handle: opencc_t
    /// Each wrong phrase and its replacement, longest first.
    private let corrections: [(wrong: String, right: String)]

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// `corrections` is the terms file's text: `wrong = right` lines, `#` comments.
    public init(corrections text: String = "", file: String = "terms.txt") throws(LessonError) {
        guard let handle = opencc_open("s2twp.json"), Int(bitPattern: handle) != -1 else {
            let reason = opencc_error().map { String(cString: $0) } ?? "unknown error"
            throw LessonError(file: "s2twp.json", line: 0, message: "OpenCC cannot open its configuration: \(reason)")
        }
        self.handle = handle
        var pairs: [(String, String)] = []
        for (i, line) in text.components(separatedBy: "\n").enumerated() {
            let content = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            guard !content.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
            let parts = content.components(separatedBy: "=").map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty else {
                opencc_close(handle)
                throw LessonError(file: file, line: i + 1, message: "a correction is 'wrong = right'")
            }
            pairs.append((parts[0], parts[1]))
        }
        corrections = pairs.sorted { $0.0.count > $1.0.count }
    }

    deinit { opencc_close(handle) }

    /// The Traditional text of `simplified`, quotations marked with their script kept.
    public func convert(_ simplified: String) -> String {
        var out = ""
        var rest = Substring(simplified)
        while let open = rest.range(of: #"<span lang="zh-Han[st]">"#, options: .regularExpression) {
            out += convertPlain(String(rest[..<open.lowerBound]))
            guard let close = rest.range(of: "</span>", range: open.upperBound..<rest.endIndex) else {
                rest = rest[open.lowerBound...]
                break
            }
            out += rest[open.lowerBound..<close.upperBound]
            rest = rest[close.upperBound...]
        }
        return out + convertPlain(String(rest))
    }

    private func convertPlain(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0.value >= 0x2E80 }) else { return text }
        let bytes = Array(text.utf8)
        guard let converted = opencc_convert_utf8(handle, bytes.map { CChar(bitPattern: $0) }, bytes.count) else {
            return text
        }
        defer { opencc_convert_utf8_free(converted) }
        var result = String(cString: converted)
        for (wrong, right) in corrections { result = result.replacingOccurrences(of: wrong, with: right) }
        return result
    }
}
