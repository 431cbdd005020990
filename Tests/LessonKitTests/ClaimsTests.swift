import Foundation
import XCTest

@testable import LessonKit

/// Claims that hold on every machine: inline values in prose, and `lessons audit`.
final class ClaimsTests: XCTestCase {
    var work: URL!
    var lessons: URL { work.appendingPathComponent("src") }
    var site: URL { work.appendingPathComponent("site") }

    override func setUpWithError() throws {
        work = try LessonsBinary.temporaryFolder("lessons-claims")
        try FileManager.default.createDirectory(at: lessons, withIntermediateDirectories: true)
    }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: work) }

    func write(_ text: String, as name: String) throws {
        try text.write(to: lessons.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }

    func build(_ extra: [String] = []) throws -> (status: Int32, output: String) {
        try LessonsBinary.run(["build", "--lessons", lessons.path, "--out", site.path] + extra)
    }

    func page(_ slug: String) throws -> String {
        try String(contentsOf: site.appendingPathComponent("\(slug)/index.html"), encoding: .utf8)
    }

    func testInlineValueIsTheRunsValueEscaped() throws {
        try write(
            """
            ---
            title: Values
            ---

            Above every cell: `{swift} 6 * 7`.

            ```swift
            let name = "<b>bold</b> & co"
            let accuracy = 0.987654
            let missing: Int? = nil
            ```

            Name `{swift} name`, accuracy `{swift} String(format: "%.2f", accuracy * 100)`%, \
            missing `{swift} missing`, and `not {swift} a value`.
            """, as: "01-values.md")
        let result = try build()
        XCTAssertEqual(result.status, 0, result.output)
        let html = try page("01-values")
        XCTAssertTrue(html.contains("Above every cell: <span class=\"inline-value\">42</span>"), html)
        XCTAssertTrue(
            html.contains("<span class=\"inline-value\">&lt;b&gt;bold&lt;/b&gt; &amp; co</span>"),
            "escaped, never markup")
        XCTAssertFalse(html.contains("<b>bold</b>"))
        XCTAssertTrue(html.contains("<span class=\"inline-value\">98.77</span>%"))
        XCTAssertTrue(html.contains("<span class=\"inline-value\">nil</span>"))
        XCTAssertTrue(
            html.contains("<code>not {swift} a value</code>"), "a code span that does not start with {swift} stays code"
        )
    }

    func testBrokenInlineValueFailsAtItsLine() throws {
        try write(
            """
            ---
            title: Broken
            ---

            ```swift
            let x = 1
            ```

            Fine: `{swift} x`.
            Broken: `{swift} x + undefinedThing`.
            """, as: "01-broken.md")
        try write(
            """
            ---
            title: Trap
            ---

            ```swift
            let xs = [1, 2, 3]
            ```

            Traps: `{swift} xs[xs.count]`.
            """, as: "02-trap.md")
        let result = try build()
        XCTAssertEqual(result.status, 1, result.output)
        XCTAssertTrue(
            result.output.contains(
                "01-broken.md:10: compile error: in the inline value 'x + undefinedThing': cannot find 'undefinedThing' in scope"
            ), result.output)
        XCTAssertTrue(result.output.contains("02-trap.md:9: Index out of range"), result.output)
    }

    /// A name a later cell declares is in scope, but not yet set, where the value stands: the
    /// compiler accepts it, so the parser refuses it at the value's line.
    func testInlineValueThatUsesALaterCellsNameIsAnErrorAtItsLine() throws {
        let text = """
            ---
            title: Order
            ---

            ```swift
            let a = 1
            ```

            Fine: `{swift} a`. Too early: `{swift} String(a + later.count)`.

            ```swift
            let later = [1, 2]
            ```

            Now fine: `{swift} later.count`.
            """
        XCTAssertThrowsError(
            try LessonParser.parse(text, file: URL(fileURLWithPath: "/x/01-order.md"), displayPath: "01-order.md")
        ) { error in
            XCTAssertEqual(
                (error as? LessonError)?.description,
                "01-order.md:9: inline value 'String(a + later.count)' uses 'later', which the cell at line 12 below it defines: move the value below that cell"
            )
        }
        let fixed = text.replacingOccurrences(of: " Too early: `{swift} String(a + later.count)`.", with: "")
        XCTAssertEqual(
            try LessonParser.parse(fixed, file: URL(fileURLWithPath: "/x/01-order.md"), displayPath: "01-order.md")
                .inlineValues.count, 2)
    }

    /// The text test that spares most cells a parse lets through every name a cell declares: in
    /// each cell of the course, and in declarations written every way a cell may write them.
    func testOnlyCellsThatMayDeclareANameAreParsed() throws {
        var cells = [
            "let (a, b) = (1, 2)\nvar c: Int = 0, d = f(1, 2), e2 = 3",
            "func e<T>(_ x: T) {}\n@discardableResult func f() -> Int { 1 }",
            "final class G {}\nstruct H: Equatable {}\nindirect enum I { case j }", "let\n  k = 1",
        ]
        for file in try LessonList.files(in: EndToEndTests.root.appendingPathComponent("Lessons")) {
            cells += try LessonParser.parse(file: file).cells.map(\.code)
        }
        for code in cells {
            for name in InlineValueOrder.declaredNames(code) {
                XCTAssertTrue(InlineValueOrder.mayDeclare(code, name), "\(name) in \(code)")
            }
        }
        XCTAssertEqual(
            InlineValueOrder.declaredNames(cells[0] + "\n" + cells[1] + "\n" + cells[2] + "\n" + cells[3]),
            ["a", "b", "c", "d", "e2", "e", "f", "G", "H", "I", "k"])
        XCTAssertFalse(InlineValueOrder.mayDeclare("let s = String(x) + String(y)\nprint(s)", "String"))
        XCTAssertFalse(InlineValueOrder.mayDeclare("print(String(x))", "String"), "a call, not a tuple pattern")
        XCTAssertTrue(InlineValueOrder.mayDeclare("var ((x, y), z) = ((1, 2), 3)", "x"))
        XCTAssertTrue(InlineValueOrder.mayDeclare("f(a, String(x))", "String"), "after ',': parsed to find out")
        XCTAssertFalse(InlineValueOrder.mayDeclare("let xs = [1].map { $0 + 1 }", "$0"))
        XCTAssertFalse(InlineValueOrder.mayDeclare("let laterOn = 1", "later"), "a whole word only")
    }

    func testInlineValuesSurviveAFreezeAndAreCode() throws {
        let ledger = work.appendingPathComponent("ledger.txt")
        try "".write(to: ledger, atomically: true, encoding: .utf8)
        func lesson(prose: String, expression: String) -> String {
            """
            ---
            title: Frozen
            ---

            \(prose)

            ```swift
            let ledger = FileHandle(forWritingAtPath: "\(ledger.path)")!
            ledger.seekToEndOfFile(); ledger.write("ran\\n".data(using: .utf8)!)
            let answer = 6 * 7
            ```

            The answer is `{swift} \(expression)`.
            """
        }
        func runs() throws -> Int {
            try String(contentsOf: ledger, encoding: .utf8).components(separatedBy: "ran").count - 1
        }
        try write(lesson(prose: "First words.", expression: "answer"), as: "01-frozen.md")
        XCTAssertEqual(try build().status, 0)
        XCTAssertTrue(try page("01-frozen").contains("The answer is <span class=\"inline-value\">42</span>"))

        // Prose elsewhere changes (and the value moves down two lines): re-rendered, not run.
        try write(lesson(prose: "## New\n\nOther words.", expression: "answer"), as: "01-frozen.md")
        let frozen = try build()
        XCTAssertTrue(frozen.output.contains("re-rendered from the stored run"), frozen.output)
        XCTAssertEqual(try runs(), 1)
        let html = try page("01-frozen")
        XCTAssertTrue(
            html.contains("Other words") && html.contains("The answer is <span class=\"inline-value\">42</span>"), html)

        // The expression is code: editing it runs the lesson again.
        try write(lesson(prose: "Other words.", expression: "answer + 1"), as: "01-frozen.md")
        XCTAssertEqual(try build().status, 0)
        XCTAssertEqual(try runs(), 2)
        XCTAssertTrue(try page("01-frozen").contains("The answer is <span class=\"inline-value\">43</span>"))
    }

    /// A claim that holds only for its own seed's weights fails the audit under another seed; a
    /// claim about the method holds in every variant. The output folder is not touched.
    func testAuditFlagsAClaimThatHoldsForOneSeedOnly() throws {
        try write(
            """
            ---
            title: Weights
            ---

            ```swift
            let model = Sequential([Dense(1, inputShape: [2])], seed: 42)
            let first = model.getWeights()[0].scalars[0]
            // Glorot uniform for fan-in 2, fan-out 1: limit sqrt(6 / 3).
            expect(abs(first) <= Float(2).squareRoot(), "the first weight is within Glorot's limit")
            expect(first, in: 0.68324...0.68326, "the first weight is 0.68325")
            ```
            """, as: "01-weights.md")
        let json = work.appendingPathComponent("audit.json")
        let result = try LessonsBinary.run(["audit", "--lessons", lessons.path, "--runs", "2", "--json", json.path])
        XCTAssertEqual(result.status, 1, result.output)
        XCTAssertTrue(result.output.contains("1 claim failed in some variant"), result.output)
        XCTAssertTrue(
            result.output.contains("01-weights.md:9 ")
                && result.output.contains("✓✓✓✓  4/4  the first weight is within Glorot's limit"), result.output)
        XCTAssertTrue(result.output.contains("✓✓✗✗  2/4  the first weight is 0.68325"), result.output)
        XCTAssertTrue(result.output.contains("variant 3 (seed+1 best 1t): "), result.output)
        let report = try JSONDecoder().decode(LessonAuditor.Report.self, from: Data(contentsOf: json))
        XCTAssertEqual(report.variants.count, 4)
        let fragile = try XCTUnwrap(report.claims.first { $0.claim == "the first weight is 0.68325" })
        XCTAssertEqual(fragile.observations.map(\.held), [true, true, false, false])
        XCTAssertTrue(
            fragile.observations[2].found?.contains("needs 0.68324...0.68326") ?? false, "\(fragile.observations)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: site.path), "the audit writes no pages")

        // Without the fragile claim the audit passes.
        try write(
            String(contentsOf: lessons.appendingPathComponent("01-weights.md"), encoding: .utf8)
                .replacingOccurrences(
                    of: "expect(first, in: 0.68324...0.68326, \"the first weight is 0.68325\")\n", with: ""),
            as: "01-weights.md")
        let robust = try LessonsBinary.run(["audit", "--lessons", lessons.path, "--runs", "2", "--json", json.path])
        XCTAssertEqual(robust.status, 0, robust.output)
        XCTAssertTrue(robust.output.contains("every claim held in every variant"), robust.output)
    }
}
