import Foundation
import LessonWire
import XCTest

@testable import LessonKit

/// The page from an executed lesson made by hand: no compiler, no program.
final class PageRendererTests: XCTestCase {
    let lesson = try! LessonParser.parse(
        """
        ---
        title: Demo <one>
        summary: A & B
        ---
        ## First part

        ```swift
        print("a")
        ```

        ```swift
        //| label: the plot
        show(t)
        ```

        ```swift
        let v = values[7]
        ```

        ```swift
        print("never")
        ```
        """, file: URL(fileURLWithPath: "/tmp/01-demo.md"), displayPath: "Lessons/01-demo.md")

    func page(_ results: [CellResult]) -> PageRenderer.Page {
        let executed = ExecutedLesson(
            lesson: lesson, results: results, swiftVersion: "Swift version 6.3", builtAt: Date(timeIntervalSince1970: 0)
        )
        return PageRenderer.render(
            executed, displayPath: "Lessons/01-demo.md", neighbours: CourseNeighbours(number: 2),
            courseTitle: "My course")
    }

    func testEachOutputKindIsRenderedAndEscaped() {
        let cells = lesson.cells
        let html = page([
            CellResult(
                cell: cells[0], status: .passed,
                outputs: [
                    .text("<b>a</b>\n"), .errorText("warn & more\n"), .display("Optional<x>"),
                    .check(passed: true, claim: "1 < 2", line: nil, found: nil), .progress(["epoch 1/2", "epoch 2/2"]),
                    .table(TableOutput(caption: "T", header: ["h"], rows: [["<1>"]], numeric: true)),
                ],
                seconds: 0.5),
            CellResult(
                cell: cells[1], status: .passed,
                outputs: [.figure(FigureOutput(file: "figure-1.png", caption: "A <plot>", width: 10, height: 20))]),
            CellResult(
                cell: cells[2],
                status: .failed(
                    CellFailure(cell: cells[2], line: 16, column: 9, kind: .trap(Crash(message: "Index out of range"))))
            ),
            CellResult(cell: cells[3], status: .notRun),
        ]).html
        XCTAssertTrue(html.contains("<title>Demo &lt;one&gt; · My course</title>"), html)
        XCTAssertTrue(html.contains("<pre class=\"stdout\"><span class=\"line\">&lt;b&gt;a&lt;/b&gt;\n</span></pre>"))
        XCTAssertTrue(html.contains("<pre class=\"stderr\"><span class=\"line\">warn &amp; more\n</span></pre>"))
        XCTAssertTrue(
            html.contains(
                "<span class=\"label\">Out[1]</span><pre><span class=\"line\">Optional&lt;x&gt;\n</span></pre>"))
        XCTAssertTrue(html.contains("<p class=\"check pass\">✓ Checked: 1 &lt; 2</p>"))
        XCTAssertTrue(
            html.contains(
                "<pre class=\"log\"><span class=\"line\">epoch 1/2\n</span><span class=\"line\">epoch 2/2\n</span></pre>"
            ))
        XCTAssertTrue(
            html.contains(
                "<table class=\"data numeric\"><caption>T</caption><thead><tr><th>h</th></tr></thead><tbody><tr><td>&lt;1&gt;</td></tr></tbody></table>"
            ))
        XCTAssertTrue(
            html.contains(
                "<figure id=\"figure-1\"><img src=\"figure-1.png\" alt=\"A &lt;plot&gt;\" width=\"10\" height=\"20\""))
        XCTAssertTrue(
            html.contains("id=\"the-plot\"><a id=\"cell-2\"></a>"),
            "a label names the cell's anchor and cell-N still works")
        XCTAssertTrue(
            html.contains("not run: <a href=\"#cell-3\">cell 3</a> failed"),
            "a cell kept from running names the cell that failed")
        XCTAssertTrue(html.contains("<h2 id=\"first-part\">"))
    }

    func testTheBannerLinksEachFailureToItsCell() {
        let cells = lesson.cells
        // Two failures on the same line number in different cells can no longer be confused:
        // the link comes from the failure's cell, not from matching lines.
        let p = page([
            CellResult(cell: cells[0], status: .passed),
            CellResult(
                cell: cells[1], status: .failed(CellFailure(cell: cells[1], kind: .programError("show: cannot write")))),
            CellResult(
                cell: cells[2],
                status: .failed(
                    CellFailure(cell: cells[2], line: 16, column: 9, kind: .trap(Crash(message: "Index out of range"))))
            ),
            CellResult(cell: cells[3], status: .notRun),
        ])
        XCTAssertTrue(p.html.contains("<strong>2 cells failed.</strong>"))
        XCTAssertTrue(
            p.html.contains("<li><a href=\"#cell-2\">Lessons/01-demo.md:12: show: cannot write</a></li>"), p.html)
        XCTAssertTrue(
            p.html.contains("<li><a href=\"#cell-3\">Lessons/01-demo.md:16: Index out of range (column 9)</a></li>"))
        XCTAssertTrue(p.html.contains("<p class=\"error\">Lessons/01-demo.md:16: Index out of range (column 9)</p>"))
    }

    func testAFigureWithoutAltTextIsAWarningAndTheThumbnail() {
        let cells = lesson.cells
        let p = page([
            CellResult(cell: cells[0], status: .passed),
            CellResult(
                cell: cells[1], status: .passed,
                outputs: [.figure(FigureOutput(file: "figure-1.png", width: 1, height: 1))]),
            CellResult(cell: cells[2], status: .passed), CellResult(cell: cells[3], status: .passed),
        ])
        XCTAssertEqual(p.thumbnail, "figure-1.png")
        XCTAssertEqual(
            p.warnings.map(\.description),
            ["Lessons/01-demo.md:12: figure 1 (cell 2) has no alt text: pass alt: to show() or add '//| fig-alt:'"])
        XCTAssertTrue(p.html.contains("<strong>Warnings</strong>"))
    }

    func testContentsPageSaysWhatTheCourseFileSays() {
        let record = BuildRecord(
            key: "k", slug: "01-demo", title: "Demo", summary: "S",
            failures: [LessonError(file: "f.md", line: 3, message: "m", cell: 1)],
            warnings: [], thumbnail: nil, seconds: 1, builtAt: Date(timeIntervalSince1970: 0))
        let html = IndexRenderer.render(
            [("01-demo", record), ("02-next", nil)],
            settings: CourseSettings(title: "Pixels <to> digits", summary: "It runs."))
        XCTAssertTrue(html.contains("<h1>Pixels &lt;to&gt; digits</h1>"))
        XCTAssertTrue(html.contains("<p class=\"summary\">It runs.</p>"))
        XCTAssertFalse(html.contains("MNIST"))
        XCTAssertTrue(html.contains("✗ 1 failure"))
        XCTAssertTrue(html.contains("not built yet"))
    }
}

final class CourseSettingsTests: XCTestCase {
    func read(_ json: String) throws -> CourseSettings {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("course-\(UUID().uuidString).json")
        try json.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        return try CourseSettings.read(file)
    }

    func testDefaultsUnknownKeysAndBadJSON() throws {
        XCTAssertEqual(try read(#"{"title": "T"}"#), CourseSettings(title: "T"))
        XCTAssertEqual(try CourseSettings.read(URL(fileURLWithPath: "/nonexistent/course.json")), CourseSettings())
        XCTAssertThrowsError(try read(#"{"titel": "T"}"#)) {
            XCTAssertTrue("\($0)".contains("unknown key 'titel'"), "\($0)")
        }
        XCTAssertThrowsError(try read(#"{"title": 3}"#)) {
            XCTAssertTrue("\($0)".hasSuffix("'title' has the wrong type"), "\($0)")
        }
        XCTAssertThrowsError(try read("{")) { XCTAssertTrue("\($0)".contains("not JSON"), "\($0)") }
    }

    func testTheShippedCourseFileReads() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let settings = try CourseSettings.read(root.appendingPathComponent("Lessons/course.json"))
        XCTAssertFalse(settings.title.isEmpty)
        XCTAssertEqual(settings.dataFolders, ["data/mnist"])
    }
}
