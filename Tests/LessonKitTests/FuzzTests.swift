import Foundation
import XCTest

@testable import LessonKit

/// Random and truncated lessons: the parser answers with a lesson or one `LessonError` naming a
/// line in the file, never a crash. Seeded, so a failure repeats.
final class FuzzTests: XCTestCase {
    /// SplitMix64: small, seeded, the same on every platform.
    struct SeededRandom: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    let file = URL(fileURLWithPath: "/tmp/01-fuzz.md")
    let seed = """
        ---
        title: Fuzz
        summary: "x"
        ---
        # Heading $x_1$

        Prose with `code` and $$a^2$$.

        ```swift
        //| echo: false
        //| timeout: 2
        //| fig-cap: "A: b"
        //| expect: error
        let a = 1
        ```

        ~~~swift
        //| label: two
        a
        ~~~

        ```text
        not a cell
        ```
        """

    /// Parses `text`; returns nil on success, the error otherwise. Fails the test on any error
    /// that is not a `LessonError` with a sensible line.
    func check(_ text: String, _ context: String) {
        let lineCount = text.components(separatedBy: "\n").count
        do {
            let lesson = try LessonParser.parse(text, file: file, displayPath: "01-fuzz.md")
            for cell in lesson.cells { XCTAssertTrue(cell.firstLine >= 1 && cell.firstLine <= lineCount + 1, context) }
        } catch {
            XCTAssertTrue(
                error.line >= 0 && error.line <= lineCount + 1, "\(context): line \(error.line) of \(lineCount)")
            XCTAssertFalse(error.message.isEmpty, context)
            XCTAssertFalse(error.message.contains("\n"), "one line: \(error.message)")
        }
    }

    func testEveryTruncationOfAGoodLesson() {
        let bytes = Array(seed.utf8)
        for end in 0...bytes.count { check(String(decoding: bytes[..<end], as: UTF8.self), "truncated at \(end)") }
    }

    func testRandomEditsOfAGoodLesson() {
        var random = SeededRandom(state: 11)
        let alphabet = Array("`~-:|/\n \t$#\"\\swift{}()abc1.e\u{0}\u{FFFD}é")
        for round in 0..<600 {
            var chars = Array(seed)
            for _ in 0..<Int.random(in: 1...8, using: &random) {
                let i = Int.random(in: 0..<chars.count, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0: chars[i] = alphabet.randomElement(using: &random)!
                case 1: chars.insert(alphabet.randomElement(using: &random)!, at: i)
                default: if chars.count > 1 { chars.remove(at: i) }
                }
            }
            check(String(chars), "round \(round)")
        }
    }

    func testRandomBytes() {
        var random = SeededRandom(state: 7)
        for round in 0..<300 {
            let bytes = (0..<Int.random(in: 0...400, using: &random)).map { _ in
                UInt8.random(in: 0...255, using: &random)
            }
            check(String(decoding: bytes, as: UTF8.self), "random bytes, round \(round)")
        }
    }

    func testRandomCellOptions() {
        var random = SeededRandom(state: 3)
        let keys = [
            "echo", "output", "eval", "label", "fig-cap", "fig-alt", "timeout", "expect", "eco", "", " ", "timeout ",
        ]
        let values = [
            "true", "false", "2", "-1", "0", "nan", "inf", "1e999", "error", "compile-error", "success", "\"\"", "\"",
            "", ":", "x: y",
        ]
        for round in 0..<1000 {
            let lines = (0..<Int.random(in: 1...4, using: &random)).map { _ -> String in
                let key = keys.randomElement(using: &random)!
                let value = values.randomElement(using: &random)!
                return Bool.random(using: &random) ? "//| \(key): \(value)" : "//|\(key)\(value)"
            }
            let code = (lines + ["x"]).joined(separator: "\n")
            do {
                let options = try CellOptions.parse(code, firstLine: 10, file: "f.md")
                if let timeout = options.timeout {
                    XCTAssertTrue(timeout > 0 && timeout.isFinite, "round \(round): timeout \(timeout)")
                }
            } catch {
                XCTAssertTrue((10..<(10 + lines.count)).contains(error.line), "round \(round): \(error)")
            }
        }
    }
}
