import Foundation
import XCTest

@testable import LessonKit

/// Freeze: prose edits re-render from the stored run; code edits, `--force` run again.
final class FreezeTests: XCTestCase {
    var work: URL!
    override func setUpWithError() throws { work = try LessonsBinary.temporaryFolder("lessons-freeze") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: work) }

    func lesson(prose: String, value: Int, ledger: URL) -> String {
        """
        ---
        title: Frozen
        ---

        \(prose)

        ```swift
        // Every run of this cell leaves a line in the ledger, outside the output folder.
        let ledger = FileHandle(forWritingAtPath: "\(ledger.path)")!
        ledger.seekToEndOfFile(); ledger.write("ran\\n".data(using: .utf8)!)
        let answer = \(value) * 6
        print("answer is \\(answer)")
        ```

        Prose after the cell, with math $x^2$.

        ```swift
        expect(answer > 0, "the answer is positive")
        answer
        ```

        """
    }

    func testProseEditReRendersWithoutRunningAndCodeEditRuns() throws {
        let lessons = work.appendingPathComponent("src")
        let site = work.appendingPathComponent("site")
        try FileManager.default.createDirectory(at: lessons, withIntermediateDirectories: true)
        let ledger = work.appendingPathComponent("ledger.txt")
        try "".write(to: ledger, atomically: true, encoding: .utf8)
        let file = lessons.appendingPathComponent("01-frozen.md")
        func runs() throws -> Int {
            try String(contentsOf: ledger, encoding: .utf8).components(separatedBy: "ran").count - 1
        }
        func page() throws -> String {
            try String(contentsOf: site.appendingPathComponent("01-frozen/index.html"), encoding: .utf8)
        }
        func build(_ extra: [String] = []) throws -> String {
            let result = try LessonsBinary.run(["build", "--lessons", lessons.path, "--out", site.path] + extra)
            XCTAssertEqual(result.status, 0, result.output)
            return result.output
        }
        func list() throws -> String {
            try LessonsBinary.run(["list", "--lessons", lessons.path, "--out", site.path]).output
        }

        try lesson(prose: "The first words.", value: 7, ledger: ledger).write(
            to: file, atomically: true, encoding: .utf8)
        XCTAssertTrue(try list().contains("stale: never built"))
        _ = try build()
        XCTAssertEqual(try runs(), 1)
        XCTAssertTrue(try page().contains("answer is 42"))
        let listed = try list()
        XCTAssertTrue(listed.contains("up to date"), listed)

        // Prose, a heading and math change, and the cells move down by three lines: nothing runs.
        try lesson(prose: "## A new heading\n\nOther words, and $y = 2$.", value: 7, ledger: ledger).write(
            to: file, atomically: true, encoding: .utf8)
        XCTAssertTrue(try list().contains("up to date"), "a prose edit does not make the run stale")
        let output = try build()
        XCTAssertTrue(output.contains("re-rendered from the stored run"), output)
        XCTAssertEqual(try runs(), 1, "a prose edit must not run the program")
        let html = try page()
        XCTAssertTrue(html.contains("Other words") && !html.contains("The first words"), "the page shows the new prose")
        XCTAssertTrue(
            html.contains("answer is 42") && html.contains("the answer is positive"), "and the stored outputs")
        XCTAssertTrue(html.contains("A new heading"))

        // A code edit is stale and runs; the stored result of the old code is not shown.
        try lesson(prose: "Other words.", value: 8, ledger: ledger).write(to: file, atomically: true, encoding: .utf8)
        let stale = try list()
        XCTAssertTrue(stale.contains("stale: code changed"), stale)
        _ = try build()
        XCTAssertEqual(try runs(), 2)
        let rerun = try page()
        XCTAssertTrue(rerun.contains("answer is 48") && !rerun.contains("answer is 42"))

        // --force runs an unchanged lesson again.
        _ = try build(["--force"])
        XCTAssertEqual(try runs(), 3)

        // The course's data changed: stale, and it runs.
        let data = lessons.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        try "{\"dataFolders\": [\"data\"]}".write(
            to: lessons.appendingPathComponent("course.json"), atomically: true, encoding: .utf8)
        try "1 2 3".write(to: data.appendingPathComponent("numbers.txt"), atomically: true, encoding: .utf8)
        let dataChanged = try list()
        XCTAssertTrue(dataChanged.contains("stale: data changed"), dataChanged)
        _ = try build()
        XCTAssertEqual(try runs(), 4)
        let current = try list()
        XCTAssertTrue(current.contains("up to date"), current)
    }

    func testStoredRunMovesLinesAndRefusesOtherCells() throws {
        let url = URL(fileURLWithPath: "/tmp/05-x.md")
        let before = try LessonParser.parse("# X\n\n```swift\nlet a = 1\n```\n", file: url, displayPath: "05-x.md")
        let cell = before.cells[0]
        let executed = ExecutedLesson(
            lesson: before,
            results: [
                CellResult(
                    cell: cell,
                    status: .failed(
                        CellFailure(
                            cell: cell, line: 4, column: 3,
                            kind: .compileError([
                                CompileDiagnostic(file: "05-x.md", line: 4, column: 3, message: "boom")
                            ]))),
                    outputs: [.errorText("05-x.md:4:3: error: boom\n")])
            ],
            swiftVersion: "6", builtAt: Date())
        let key = RunKey(lesson: before, core: "core", data: "data")
        let stored = StoredRun(executed, key: key)
        let moved = try LessonParser.parse(
            "# X\n\nMore\n\nprose.\n\n```swift\nlet a = 1\n```\n", file: url, displayPath: "05-x.md")
        let again = try XCTUnwrap(stored.executed(for: moved, key: RunKey(lesson: moved, core: "core", data: "data")))
        XCTAssertEqual(again.results[0].status.failure?.line, 8)
        XCTAssertEqual(
            again.results[0].status.failure?.kind,
            .compileError([CompileDiagnostic(file: "05-x.md", line: 8, column: 3, message: "boom")]),
            "the lines inside the failure move too")
        XCTAssertEqual(again.results[0].outputs, [.errorText("05-x.md:8:3: error: boom\n")])
        let changed = try LessonParser.parse("# X\n\n```swift\nlet a = 2\n```\n", file: url, displayPath: "05-x.md")
        XCTAssertNil(stored.executed(for: changed), "other code never gets the stored results")
        XCTAssertNil(stored.executed(for: before, key: RunKey(lesson: before, core: "new core", data: "data")))
        XCTAssertEqual(RunKey.staleness(lesson: before, stored: stored, core: "core", data: "new data"), "data changed")
        XCTAssertEqual(
            RunKey.staleness(lesson: changed, stored: stored, core: "other", data: "data"), "code changed, core changed"
        )
    }
}
