import Foundation
import Synchronization
import XCTest

@testable import LessonKit

/// The learner's loop end to end: `lessons practice` writes a workbook, `lessons check` runs its
/// answers against the lesson's checks.
final class PracticeTests: XCTestCase {
    var work: URL!
    override func setUpWithError() throws { work = try LessonsBinary.temporaryFolder("lessons-practice") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: work) }

    static let fixture = EndToEndTests.fixtures.appendingPathComponent("practice/01-sums.md")

    func testWorkbookWrongRightBlankAndCompileError() throws {
        let source = work.appendingPathComponent("src")
        try FileManager.default.createDirectory(at: source, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Self.fixture, to: source.appendingPathComponent("01-sums.md"))
        let folders = [
            "--lessons", source.path, "--out", work.appendingPathComponent("site").path, "--practice",
            work.appendingPathComponent("practice").path,
        ]
        func lessons(_ args: [String]) throws -> (status: Int32, output: String) {
            try LessonsBinary.run(args + folders)
        }
        let workbook = work.appendingPathComponent("practice/01-sums.swift")

        let written = try lessons(["practice", "01-sums"])
        XCTAssertEqual(written.status, 0, written.output)
        let text = try String(contentsOf: workbook, encoding: .utf8)
        XCTAssertTrue(text.contains("// 1. Add up `values` and call the result `total`."), text)
        XCTAssertTrue(text.contains("// >>> answer total\n\n// <<< answer total"), "an empty place for the answer")
        XCTAssertFalse(text.contains("reduce(0, +)"), "never the solution")
        XCTAssertFalse(text.contains("secret number"), "nor the solution's explanation")
        XCTAssertFalse(text.contains("expect("), "nor the checks")

        // Answered wrongly, and with a compile error.
        func answer(_ id: String, _ code: String) throws {
            let current = try String(contentsOf: workbook, encoding: .utf8)
            let begin = "// >>> answer \(id)\n"
            let end = "// <<< answer \(id)"
            let start = try XCTUnwrap(current.range(of: begin))
            let stop = try XCTUnwrap(current.range(of: end))
            try current.replacingCharacters(
                in: start.upperBound..<stop.lowerBound, with: code.isEmpty ? "\n" : code + "\n"
            )
            .write(to: workbook, atomically: true, encoding: .utf8)
        }
        try answer("total", "let total = values.reduce(0, +) + 1")
        try answer("doubled", "let doubled: Int = \"two\"")
        let badLine =
            try String(contentsOf: workbook, encoding: .utf8).components(separatedBy: "\n").firstIndex {
                $0.contains("\"two\"")
            }! + 1
        let wrong = try lessons(["check", "01-sums"])
        XCTAssertNotEqual(wrong.status, 0, wrong.output)
        XCTAssertTrue(wrong.output.contains("✗ total: failed"), wrong.output)
        XCTAssertTrue(wrong.output.contains("claim: the values add up to 10"), wrong.output)
        XCTAssertTrue(wrong.output.contains("found: total = 11"), wrong.output)
        XCTAssertTrue(wrong.output.contains("✗ doubled: does not compile"), wrong.output)
        XCTAssertTrue(
            wrong.output.contains(
                "✗ doubled: does not compile\n      \(workbook.path):\(badLine):20: error: cannot convert value of type 'String' to specified type 'Int'\n"
            ), wrong.output)
        XCTAssertTrue(wrong.output.contains("0 of 2 exercises solved."), wrong.output)

        // Writing the workbook again keeps the answers.
        XCTAssertEqual(try lessons(["practice", "01-sums"]).status, 0)
        XCTAssertTrue(try String(contentsOf: workbook, encoding: .utf8).contains("let total = values.reduce(0, +) + 1"))

        // Answered rightly, the other left blank.
        try answer("total", "var total = 0\nfor v in values { total += v }")
        try answer("doubled", "")
        let right = try lessons(["check"])
        XCTAssertEqual(right.status, 0, "a blank exercise is not a failure: \(right.output)")
        XCTAssertTrue(right.output.contains("✓ total: passed"), right.output)
        XCTAssertTrue(right.output.contains("· doubled: not attempted"), right.output)
        XCTAssertTrue(right.output.contains("1 of 2 exercises solved."), right.output)
    }

    /// An answer with several compile errors does not compile (it has not "failed" a check), and
    /// every error is listed at its workbook line and column.
    func testAnAnswerWithSeveralCompileErrorsListsThemAll() throws {
        let source = work.appendingPathComponent("src")
        try FileManager.default.createDirectory(at: source, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Self.fixture, to: source.appendingPathComponent("01-sums.md"))
        let folders = [
            "--lessons", source.path, "--out", work.appendingPathComponent("site").path, "--practice",
            work.appendingPathComponent("practice").path,
        ]
        XCTAssertEqual(try LessonsBinary.run(["practice", "01-sums"] + folders).status, 0)
        let workbook = work.appendingPathComponent("practice/01-sums.swift")
        let text = try String(contentsOf: workbook, encoding: .utf8)
        try text.replacingOccurrences(
            of: "// >>> answer total\n",
            with: "// >>> answer total\nlet total = undefinedThing + 1\nlet other: Int = \"x\"\n"
        )
        .write(to: workbook, atomically: true, encoding: .utf8)
        let first = try XCTUnwrap(text.components(separatedBy: "\n").firstIndex(of: "// >>> answer total")) + 2
        let checked = try LessonsBinary.run(["check", "01-sums"] + folders)
        XCTAssertEqual(checked.status, 1, checked.output)
        XCTAssertTrue(
            checked.output.contains(
                """
                  ✗ total: does not compile
                      \(workbook.path):\(first):13: error: cannot find 'undefinedThing' in scope
                      \(workbook.path):\(first + 1):18: error: cannot convert value of type 'String' to specified type 'Int'

                """), checked.output)
        XCTAssertFalse(checked.output.contains("total: failed"), checked.output)
    }

    func testWatchChecksAgainOnSave() throws {
        if case .failure(let why) = EndToEndTests.built { throw why }
        let source = work.appendingPathComponent("src")
        try FileManager.default.createDirectory(at: source, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Self.fixture, to: source.appendingPathComponent("01-sums.md"))
        let practice = work.appendingPathComponent("practice")
        let folders = [
            "--lessons", source.path, "--out", work.appendingPathComponent("site").path, "--practice", practice.path,
        ]
        XCTAssertEqual(try LessonsBinary.run(["practice", "01-sums"] + folders).status, 0)
        let (process, output) = try LessonsBinary.start(["check", "01-sums", "--watch"] + folders)
        defer {
            if process.isRunning {
                process.terminate()
                process.waitUntilExit()
            }
        }
        func eventually(_ seconds: Double, _ condition: () -> Bool) -> Bool {
            let end = Date().addingTimeInterval(seconds)
            while Date() < end {
                if condition() { return true }
                usleep(200_000)
            }
            return condition()
        }
        XCTAssertTrue(eventually(120) { output.text.contains("Watching for changes") }, output.text)
        XCTAssertTrue(output.text.contains("0 of 2 exercises solved."))
        let workbook = practice.appendingPathComponent("01-sums.swift")
        sleep(1)  // a modification time the poll can tell apart
        let text = try String(contentsOf: workbook, encoding: .utf8)
        try text.replacingOccurrences(of: "// >>> answer total\n", with: "// >>> answer total\nlet total = 10\n").write(
            to: workbook, atomically: true, encoding: .utf8)
        XCTAssertTrue(eventually(120) { output.text.contains("1 of 2 exercises solved.") }, output.text)
        XCTAssertTrue(output.text.contains("── checking again") && output.text.contains("✓ total: passed"))
    }

    func testPublishedPageKeepsExercisesWithCheckedSolutions() throws {
        let site = work.appendingPathComponent("site")
        let built = try LessonsBinary.run([
            "build", "--lessons", Self.fixture.deletingLastPathComponent().path, "--out", site.path,
        ])
        XCTAssertEqual(built.status, 0, built.output)
        let html = try String(contentsOf: site.appendingPathComponent("01-sums/index.html"), encoding: .utf8)
        XCTAssertTrue(html.contains("<summary>Solution</summary>"))
        XCTAssertTrue(
            html.contains("✓ Checked: the values add up to 10") && html.contains("✓ Checked: each value doubled"))
    }

    func testMarksAreParsedAndCheckedForMistakes() throws {
        let lesson = try LessonParser.parse(file: Self.fixture)
        XCTAssertEqual(lesson.exercises.map(\.id), ["total", "doubled"])
        XCTAssertEqual(lesson.exercises[1].prompt, "2. Make `doubled`, every value times two.")
        XCTAssertEqual(lesson.exercises[0].checks.count, 1)
        let url = URL(fileURLWithPath: "/tmp/x.md")
        XCTAssertThrowsError(
            try LessonParser.parse("```swift\n//| check: nope\nlet a = 1\n```\n", file: url, displayPath: "x.md")
        ) {
            XCTAssertEqual(
                ($0 as? LessonError)?.description,
                "x.md:2: check 'nope' names no exercise above it (mark its solution cell '//| exercise: nope')")
        }
        XCTAssertThrowsError(
            try LessonParser.parse("```swift\n//| exercise: a\nlet a = 1\n```\n", file: url, displayPath: "x.md")
        ) {
            XCTAssertEqual(
                ($0 as? LessonError)?.description,
                "x.md:2: exercise 'a' has no check: add a cell marked '//| check: a' with its expects")
        }
        let broken = "// >>> answer total\nlet x = 1\n"
        XCTAssertThrowsError(try Workbook.parse(broken, path: "w.swift")) {
            XCTAssertEqual(
                ($0 as? LessonError)?.description, "w.swift:1: answer 'total' is never closed ('// <<< answer total')")
        }
    }
}
