import Foundation
import LessonWire
import XCTest

@testable import LessonKit

/// Issue 21: code that wraps instead of being cut, long lines warned about, maths spaced and
/// sized right, the keyboard's first stop, section numbers, the practice box, and search.
final class ReadingTests: XCTestCase {
    let lesson = try! LessonParser.parse(
        """
        ---
        title: Pooling
        ---
        Intro; see @sec-second-part.

        ## First part

        Text.

        ### A detail

        ```swift
        //| exercise: pool
        let aVeryLongName = [1, 2, 3].map { $0 * 2 }.filter { $0 > 2 }.reduce(0, +) + [4, 5, 6].map { $0 * 3 }.count
        /* a comment
           on two lines */
        print(aVeryLongName)
        ```

        ## Second part

        ```swift
        //| check: pool
        //| fig-cap: an option line may be as long as it likes, since the page never shows it to a reader at all
        expect(true, "x")
        ```
        """, file: URL(fileURLWithPath: "/tmp/05-pooling.md"), displayPath: "Lessons/05-pooling.md")

    func page(_ results: [CellResult]? = nil) -> PageRenderer.Page {
        let results = results ?? lesson.cells.map { CellResult(cell: $0, status: .passed) }
        let executed = ExecutedLesson(
            lesson: lesson, results: results, swiftVersion: "Swift 6.3", builtAt: Date(timeIntervalSince1970: 0))
        return PageRenderer.render(
            executed, displayPath: "Lessons/05-pooling.md", neighbours: CourseNeighbours(number: 5), courseTitle: "C")
    }

    func testEachLineIsAWrappingLineAndASpanOverALineBreakIsSplit() {
        XCTAssertEqual(
            CodeLines.wrap("a\n  b\n"), "<span class=\"line\">a\n</span><span class=\"line i2\">  b\n</span>")
        XCTAssertEqual(CodeLines.wrap("x"), "<span class=\"line\">x\n</span>")
        XCTAssertEqual(CodeLines.wrap(""), "<span class=\"line\">\n</span>", "an empty output is one empty line")
        XCTAssertEqual(
            CodeLines.wrap("<span class=\"cm\">/* a\n   b */</span> x"),
            "<span class=\"line\"><span class=\"cm\">/* a</span>\n</span><span class=\"line\"><span class=\"cm\">   b */</span> x\n</span>"
        )
        let html = page().html
        XCTAssertTrue(
            html.contains(
                "<pre class=\"source\"><code class=\"language-swift\"><span class=\"line\"><span class=\"kw\">let</span>"
            ), html)
        // The text of the code is unchanged once the tags are dropped.
        let code = html.components(separatedBy: "<code class=\"language-swift\">")[1].components(
            separatedBy: "</code>")[0]
        let text = code.replacingOccurrences(of: "<[^>]+>", with: "", options: .regularExpression)
        XCTAssertEqual(text, HTML.escape(lesson.cells[0].displayCode) + "\n")
    }

    func testALongCellLineIsAWarningAtItsLineButNotInThePage() {
        let p = page()
        XCTAssertEqual(
            p.warnings.map(\.description),
            ["Lessons/05-pooling.md:14: line of 108 columns (at most 90 fit the page's code column; longer ones wrap)"])
        XCTAssertFalse(p.html.contains("<strong>Warnings</strong>"), "the author's to fix, not the reader's to read")
    }

    func testAStringLiteralTooLongForAnyLineIsNotWarnedAbout() {
        let long = String(repeating: "w", count: 89)
        for line in [
            "    caption: \"\(long)\",", "\"\(long)\")", "        + \"\(long)\"",
            "    alt: \"a \\(f(\"\\(x)\", y)) \(long)\")",
        ] {
            XCTAssertTrue(LineLengths.isUnbreakableLiteral(line), line)
        }
        for line in [
            "    caption: \"\(long.dropLast(3))\")",  // fits on a line of its own, without the parenthesis
            "    show(x, caption: \"\(long)\")",  // a break between the arguments shortens it
            "    caption: \"\(long)\") // and a comment",
            "    caption: \"\(long)\" + suffix",
        ] {
            XCTAssertFalse(LineLengths.isUnbreakableLiteral(line), line)
        }
    }

    /// Issue 21: the course's own cells fit the page's code column, shown or hidden.
    func testNoCellLineOfTheCourseIsLongerThanNinetyColumns() throws {
        let folder = EndToEndTests.root.appendingPathComponent("Lessons")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".md") }.sorted()
        XCTAssertEqual(files.count, 13)
        var long: [String] = []
        for file in files {
            let lesson = try LessonParser.parse(
                file: folder.appendingPathComponent(file), displayPath: "Lessons/\(file)")
            for cell in lesson.cells {
                long += LineLengths.longLines(cell).map { "Lessons/\(file):\($0.line): \($0.columns) columns" }
            }
        }
        XCTAssertEqual(long, [], "cell lines over \(LineLengths.limit) columns:\n" + long.joined(separator: "\n"))
    }

    func testTheSkipLinkIsTheFirstThingToFocusAndThePhoneHeaderComesBeforeTheLesson() {
        let html = page().html
        let body = html.components(separatedBy: "<body>")[1]
        let firstLink = body.range(of: "<a ")!.lowerBound
        XCTAssertEqual(
            body.range(of: "<a class=\"skip\" href=\"#content\">")?.lowerBound, firstLink,
            "no link before the skip link")
        XCTAssertTrue(html.contains("<main id=\"content\" tabindex=\"-1\">"))
        XCTAssertLessThan(html.range(of: "<nav class=\"phone\"")!.lowerBound, html.range(of: "<main")!.lowerBound)
        XCTAssertTrue(
            html.contains(
                "<li class=\"h2\"><a href=\"#first-part\">5.1 First part</a></li><li class=\"h3\"><a href=\"#a-detail\">5.1.1 A detail</a></li>"
            ), html)
        XCTAssertFalse(html.contains("tabindex=\"1"), "no positive tabindex reorders the page")
    }

    func testSectionsAreNumberedInTheText() {
        let html = page().html
        XCTAssertTrue(
            html.contains(
                "<h2 id=\"first-part\"><a class=\"anchor\" href=\"#first-part\"><span class=\"secno\">5.1</span>First part</a></h2>"
            ), html)
        XCTAssertTrue(html.contains("<span class=\"secno\">5.1.1</span>A detail"))
        XCTAssertTrue(html.contains("<span class=\"secno\">5.2</span>Second part"))
        // @sec- names a section by its anchor, before or after it.
        XCTAssertTrue(html.contains("Intro; see <a class=\"xref\" href=\"#second-part\">Section 5.2</a>."), html)
        XCTAssertEqual(page().errors, [])
    }

    func testThePractiseBoxGivesTheCommand() {
        XCTAssertTrue(page().html.contains("<code>swift run lessons practice 05-pooling</code>"))
        let none = try! LessonParser.parse(
            "---\ntitle: T\n---\nNo exercises.\n", file: URL(fileURLWithPath: "/tmp/01-a.md"), displayPath: "a.md")
        XCTAssertEqual(PageChrome.practiceBox(none), "")
    }

    func testAFailedCellSaysItsMessageOnce() {
        let cells = lesson.cells
        let failure = CellFailure(
            cell: cells[0], line: 14, kind: .trap(Crash(message: "Fatal error: Index out of range")))
        let html = page([
            CellResult(
                cell: cells[0], status: .failed(failure),
                outputs: [.errorText("Fatal error: Index out of range\nat line 14\n")]),
            CellResult(cell: cells[1], status: .notRun),
        ]).html
        let cell = html.components(separatedBy: "<section class=\"cell failed\"")[1].components(
            separatedBy: "</section>")[0]
        XCTAssertEqual(cell.components(separatedBy: "Index out of range").count - 1, 1, cell)
        // Without the error text, the message is said under the cell.
        let bare = page([
            CellResult(cell: cells[0], status: .failed(failure)), CellResult(cell: cells[1], status: .notRun),
        ]).html
        XCTAssertTrue(bare.contains("<p class=\"error\">Lessons/05-pooling.md:14: Fatal error: Index out of range</p>"))
    }

    /// Issue 21: a plot's phone variant is offered to narrow screens in each theme's picture; an
    /// animation's phone still comes first for a phone that asks for reduced motion, and its
    /// steps get phone stills too.
    func testAFigureOffersItsPhoneVariantToNarrowScreens() {
        var renderer = OutputRenderer(displayPath: "a.md")
        let plot = renderer.figure(
            FigureOutput(
                file: "figure-1.png", alt: "a plot", darkFile: "figure-1-dark.png", phoneFile: "figure-1-phone.png",
                phoneDarkFile: "figure-1-phone-dark.png", width: 640, height: 380), number: 1, in: lesson.cells[0])
        XCTAssertTrue(
            plot.contains(
                "<picture class=\"light\"><source srcset=\"figure-1-phone.png\" media=\"(max-width: 540px)\"><img src=\"figure-1.png\""
            ), plot)
        XCTAssertTrue(
            plot.contains(
                "<picture class=\"dark\"><source srcset=\"figure-1-phone-dark.png\" media=\"(max-width: 540px)\"><img src=\"figure-1-dark.png\""
            ), plot)
        let animation = renderer.figure(
            FigureOutput(
                file: "figure-2.png", alt: "steps", frames: ["figure-2-step-1.png"], darkFile: "figure-2-dark.png",
                darkFrames: ["figure-2-step-1-dark.png"], phoneFile: "figure-2-phone.png",
                phoneDarkFile: "figure-2-phone-dark.png", phoneFrames: ["figure-2-step-1-phone.png"],
                phoneDarkFrames: ["figure-2-step-1-phone-dark.png"], width: 572, height: 330), number: 2,
            in: lesson.cells[0])
        XCTAssertTrue(
            animation.contains(
                "<picture class=\"light\"><source srcset=\"figure-2-step-1-phone.png\" media=\"(prefers-reduced-motion: reduce) and (max-width: 540px)\"><source srcset=\"figure-2-step-1.png\" media=\"(prefers-reduced-motion: reduce)\"><source srcset=\"figure-2-phone.png\" media=\"(max-width: 540px)\"><img src=\"figure-2.png\""
            ), animation)
        XCTAssertTrue(
            animation.contains(
                "<li><picture class=\"light\"><source srcset=\"figure-2-step-1-phone.png\" media=\"(max-width: 540px)\"><img src=\"figure-2-step-1.png\""
            ), animation)
        XCTAssertTrue(
            animation.contains(
                "<picture class=\"dark\"><source srcset=\"figure-2-step-1-phone-dark.png\" media=\"(max-width: 540px)\"><img src=\"figure-2-step-1-dark.png\""
            ), animation)
        // A figure without a phone variant keeps its plain picture.
        let picture = renderer.figure(
            FigureOutput(file: "figure-3.png", alt: "a digit", darkFile: "figure-3-dark.png", width: 224, height: 224),
            number: 3, in: lesson.cells[0])
        XCTAssertFalse(picture.contains("<source"), picture)
    }

    func testNumbersInTablesAreRightAligned() {
        let html = OutputRenderer(displayPath: "a.md").table(
            TableOutput(header: ["name", "n"], rows: [["relu", "1,024"], ["tanh", "-0.5"], ["x", "98.7%"]]))
        XCTAssertTrue(
            html.contains(
                "<tr><td>relu</td><td class=\"num\">1,024</td></tr><tr><td>tanh</td><td class=\"num\">-0.5</td></tr><tr><td>x</td><td class=\"num\">98.7%</td></tr>"
            ), html)
    }

    func testASignIsAPrefixAndPlainBracketsDoNotStretch() throws {
        let m = try MathML.render("f(-2) = -8 - x, \\hat{y} - y, e^{-z}", display: false)
        XCTAssertTrue(
            m.contains(
                "<mo stretchy=\"false\">(</mo><mo form=\"prefix\">−</mo><mn>2</mn><mo stretchy=\"false\">)</mo>"), m)
        XCTAssertTrue(m.contains("<mo>=</mo><mo form=\"prefix\">−</mo><mn>8</mn><mo>−</mo><mi>x</mi>"), m)
        XCTAssertTrue(m.contains("</mover><mo>−</mo><mi>y</mi>"), "after ŷ a minus subtracts: \(m)")
        XCTAssertTrue(
            m.contains("<msup><mi>e</mi><mrow><mrow><mo form=\"prefix\">−</mo><mi>z</mi></mrow></mrow></msup>"), m)
        // \left and \right still stretch, \lceil alone does not.
        XCTAssertTrue(
            try MathML.render("\\left\\lceil x \\right\\rceil \\lceil y \\rceil", display: false)
                .contains(
                    "<mo stretchy=\"true\">⌈</mo><mi>x</mi><mo stretchy=\"true\">⌉</mo><mo stretchy=\"false\">⌈</mo>"))
        XCTAssertFalse(Stylesheet.css.contains("overflow-y: hidden"), "a display formula's ink is not shaved")
    }

    func testSearchIndexesEachSectionOfThePublishedPages() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("search-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        try FileManager.default.createDirectory(
            at: out.appendingPathComponent("05-pooling"), withIntermediateDirectories: true)
        try Data(page().html.utf8).write(to: out.appendingPathComponent("05-pooling/index.html"))
        let entries = SearchIndex.entries(output: out, lessons: [("01-missing", "Missing"), ("05-pooling", "Pooling")])
        XCTAssertEqual(
            entries.map(\.u),
            [
                "05-pooling/index.html", "05-pooling/index.html#first-part", "05-pooling/index.html#a-detail",
                "05-pooling/index.html#second-part",
            ])
        XCTAssertEqual(entries[1].h, "5.1 First part")
        XCTAssertEqual(entries[1].l, "Lesson 2 · Pooling")
        XCTAssertTrue(entries[2].t.contains("let aVeryLongName"), entries[2].t)
        XCTAssertFalse(entries.contains { $0.t.contains("Built from") || $0.t.contains("<") }, "no footer, no tags")
        let script = try SearchIndex.script(entries)
        XCTAssertTrue(script.hasPrefix("// The course's text by section"))
        XCTAssertTrue(script.contains("window.LESSON_SEARCH = [{"))
        XCTAssertTrue(
            page().html.contains(
                "<script src=\"../search-index.js\" defer></script><script src=\"../course.js\" defer></script>"))
    }

    /// The index is read from the pages again only when they changed: their keys say so.
    func testTheSearchIndexIsWrittenAgainOnlyForOtherPages() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("search-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        let output = try OutputFolder(out)
        let file = out.appendingPathComponent("05-pooling/index.html")
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(page().html.utf8).write(to: file)
        func index() throws -> String {
            try String(contentsOf: out.appendingPathComponent(SearchIndex.indexFile), encoding: .utf8)
        }
        try SearchIndex.write(into: output, lessons: [("05-pooling", "Pooling")], pages: "k1")
        XCTAssertTrue(try index().contains("First part"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent(SearchIndex.scriptFile).path))
        try Data(page().html.replacingOccurrences(of: "First part", with: "Premier").utf8).write(to: file)
        try SearchIndex.write(into: output, lessons: [("05-pooling", "Pooling")], pages: "k1")
        XCTAssertTrue(try index().contains("First part"), "the same keys: the pages were not read again")
        try SearchIndex.write(into: output, lessons: [("05-pooling", "Pooling")], pages: "k2")
        XCTAssertFalse(try index().contains("First part"))
        XCTAssertTrue(try index().contains("Premier"))
        try Data(page().html.utf8).write(to: file)
        try SearchIndex.write(into: output, lessons: [("05-pooling", "Pooling")], pages: nil)
        XCTAssertTrue(try index().contains("First part"), "no keys: read again")
    }

    func testTheBuildsFilesLiveBesideThePublishedFolderAndCleanRemovesThem() throws {
        let fm = FileManager.default
        let base = fm.temporaryDirectory.appendingPathComponent("state-\(UUID().uuidString)")
        defer { try? fm.removeItem(at: base) }
        let output = try OutputFolder(base.appendingPathComponent("site"))
        for round in 1...2 {
            let stage = try output.stagingFolder("01-a")
            try Data("page \(round)".utf8).write(to: stage.appendingPathComponent("index.html"))
            try Data("{}".utf8).write(to: stage.appendingPathComponent(StoredRun.fileName))
            try Data("{}".utf8).write(to: stage.appendingPathComponent(BuildRecord.fileName))
            try OutputFolder.writeManifest(of: stage)
            try output.publish(stage, as: "01-a")
        }
        try output.writeAtomically("contents", to: "index.html")
        XCTAssertEqual(
            OutputFolder.files(under: output.url), ["01-a/index.html", "index.html"],
            "only what a reader reads is published")
        let state = base.appendingPathComponent(".site.lessons-build")
        XCTAssertEqual(
            OutputFolder.files(under: state),
            ["." + "lessons-manifest", "01-a/.executed.json", "01-a/.lesson.json", "01-a/.lessons-manifest"])
        XCTAssertEqual(
            OutputFolder.manifest(of: output.lessonFolder("01-a")), [".executed.json", ".lesson.json", "index.html"])
        let cleaning = try output.clean()
        XCTAssertEqual(cleaning.left, [])
        XCTAssertFalse(fm.fileExists(atPath: state.path), "clean removes the build's files too")
        XCTAssertEqual(try fm.contentsOfDirectory(atPath: output.url.path), [])
    }
}
