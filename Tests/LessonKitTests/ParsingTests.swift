import CCmark
import Foundation
import XCTest

@testable import LessonKit

final class ParsingTests: XCTestCase {
    let file = URL(fileURLWithPath: "/tmp/05-pooling.md")

    func parse(_ text: String) throws -> Lesson {
        try LessonParser.parse(text, file: file, displayPath: "Lessons/05-pooling.md")
    }

    func message(_ text: String) -> String {
        do {
            _ = try parse(text)
            return "no error"
        } catch { return "\(error)" }
    }

    func testFrontMatterCellsAndProse() throws {
        let lesson = try parse(
            """
            ---
            title: Pooling
            summary: "Max and average."
            ---
            # Pooling

            Prose.

            ```swift
            //| label: first
            let x = 1
            ```

            ```text
            not a cell
            ```

            ```swift
            x
            ```
            """)
        XCTAssertEqual(lesson.slug, "05-pooling")
        XCTAssertEqual(lesson.title, "Pooling")
        XCTAssertEqual(lesson.summary, "Max and average.")
        XCTAssertEqual(lesson.cells.count, 2)
        XCTAssertEqual(lesson.cells[0].fenceLine, 9)
        XCTAssertEqual(lesson.cells[0].firstLine, 10)
        XCTAssertEqual(lesson.cells[0].options.label, "first")
        XCTAssertEqual(lesson.cells[0].displayCode, "let x = 1")
        XCTAssertEqual(lesson.cells[1].code, "x")
        guard case .prose(let prose) = lesson.blocks[2] else { return XCTFail("expected prose with the text fence") }
        XCTAssertTrue(prose.markdown.contains("not a cell"))
        XCTAssertEqual(prose.nodes, [.codeBlock(info: "text", code: "not a cell\n")])
    }

    func testOptions() throws {
        let cell = try parse(
            """
            # T
            ```swift
            //| echo: false
            //| output: false
            //| eval: false
            //| fig-cap: "A caption: with a colon"
            //| fig-alt: Alt text
            //| timeout: 2.5
            //| expect: compile-error
            x
            ```
            """
        ).cells[0]
        XCTAssertFalse(cell.options.echo)
        XCTAssertFalse(cell.options.output)
        XCTAssertFalse(cell.options.eval)
        XCTAssertEqual(cell.options.figureCaption, "A caption: with a colon")
        XCTAssertEqual(cell.options.figureAlt, "Alt text")
        XCTAssertEqual(cell.options.timeout, 2.5)
        XCTAssertEqual(cell.options.expect, .compileError)
    }

    func testBadInputIsALineAndAMessage() {
        XCTAssertEqual(
            message("# T\n\n```swift\n//| eco: false\n```\n"),
            "Lessons/05-pooling.md:4: unknown cell option 'eco' (known: echo, output, eval, label, fig-cap, fig-alt, timeout, expect, exercise, check)"
        )
        XCTAssertEqual(
            message("# T\n```swift\n//| timeout: soon\n```\n"),
            "Lessons/05-pooling.md:3: cell option 'timeout' takes a number of seconds, not 'soon'")
        XCTAssertEqual(
            message("# T\n```swift\n//| expect: maybe\n```\n"),
            "Lessons/05-pooling.md:3: cell option 'expect' takes error or compile-error, not 'maybe'")
        XCTAssertEqual(
            message("# T\n\n```swift\nprint(1)\n"), "Lessons/05-pooling.md:3: code fence opened here is never closed")
        XCTAssertEqual(message(""), "Lessons/05-pooling.md:1: the lesson is empty")
        XCTAssertEqual(
            message("---\ntitle: x\n"), "Lessons/05-pooling.md:1: front matter opened with '---' is never closed")
    }

    func testMissingLibraryIsOneLineSayingWhatToInstall() {
        let message = Toolchain.missingLibrary(
            in: "error: link command failed\n/usr/bin/ld: cannot find -lopenblas: No such file or directory")
        XCTAssertEqual(
            message?.description,
            "the linker cannot find libopenblas: install it with `apt-get install libopenblas-dev`")
        XCTAssertNil(Toolchain.missingLibrary(in: "error: cannot convert value"))
    }

    func testLibraryFlagsFromPkgConfig() throws {
        let flags = LibraryFlags(cflags: "-I/usr/include/cairo -DX=1 \n", libs: "-L/opt/lib -lcairo -pthread\n")
        XCTAssertEqual(flags.compile, ["-Xcc", "-I/usr/include/cairo", "-Xcc", "-DX=1"])
        XCTAssertEqual(flags.link, ["-L/opt/lib", "-lcairo", "-Xclang-linker", "-pthread"])
        // On this machine: every library the lesson modules link is known to pkg-config.
        let here = try LibraryFlags.query()
        XCTAssertTrue(here.link.contains("-lopenblas") && here.link.contains("-lcairo"), "\(here.link)")
    }

    /// Two pkg-config runs when every library is there; a missing one is named.
    func testAMissingLibraryIsNamed() throws {
        let folder = try LessonsBinary.temporaryFolder("fake-pkg-config")
        defer { try? FileManager.default.removeItem(at: folder) }
        let script = folder.appendingPathComponent("pkg-config")
        try "#!/bin/sh\nfor a in \"$@\"; do [ \"$a\" = zlib ] && exit 1; done\necho -lx\n".write(
            to: script, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        setenv("PATH", folder.path, 1)
        defer { setenv("PATH", path, 1) }
        XCTAssertThrowsError(try LibraryFlags.query()) {
            XCTAssertEqual($0 as? MachineryError, .libraryNotInstalled(pkgConfigName: "zlib", package: "zlib1g-dev"))
        }
    }

    func testLastExpressionIsFoundExactly() {
        XCTAssertEqual(LastExpression.wrapped("let x = 1\nx + 1"), "let x = 1\ndisplayLast(x + 1)")
        XCTAssertEqual(LastExpression.wrapped("x = 2"), "x = 2")
        XCTAssertEqual(LastExpression.wrapped("x += 2"), "x += 2")
        XCTAssertEqual(LastExpression.wrapped("_ = f()"), "_ = f()")
        XCTAssertEqual(LastExpression.wrapped("let y = 3"), "let y = 3")
        XCTAssertEqual(LastExpression.wrapped("if a { b() }"), "if a { b() }")
        XCTAssertEqual(LastExpression.wrapped("for i in 0..<3 { print(i) }"), "for i in 0..<3 { print(i) }")
        XCTAssertEqual(
            LastExpression.wrapped("model.summary() // shows the table"),
            "displayLast(model.summary()) // shows the table")
        XCTAssertEqual(LastExpression.wrapped("a == b"), "displayLast(a == b)")
        XCTAssertEqual(LastExpression.wrapped("try load()"), "displayLast(try load())")
        // A string containing '=' or a multi-line call is still one expression.
        XCTAssertEqual(LastExpression.wrapped("f(\n  \"a = b\"\n)"), "displayLast(f(\n  \"a = b\"\n))")
    }
}

final class RenderingTests: XCTestCase {
    /// The lesson's Markdown goes through cmark once, when it is parsed: each prose block keeps
    /// its lines as written and the tree cmark made of them, each cell's HTML goes in its place,
    /// and math never runs into a cell.
    func testTheLessonIsParsedOnceAndEachCellIsInItsPlace() throws {
        let source = "---\ntitle: X\n---\n\n# X\n\nText.\n$$\n\\frac{1}{2}\n\n```swift\nlet a = 1\n```\n\nAfter, $y$.\n"
        let lesson = try LessonParser.parse(source, file: URL(fileURLWithPath: "/tmp/01-x.md"), displayPath: "01-x.md")
        let lines = source.components(separatedBy: "\n")
        for case .prose(let prose) in lesson.blocks {
            for (k, line) in prose.markdown.components(separatedBy: "\n").enumerated() {
                XCTAssertEqual(line, lines[prose.line - 1 + k], "line \(prose.line + k)")
            }
        }
        guard case .prose(let first) = lesson.blocks[0], case .prose(let last) = lesson.blocks[2] else {
            return XCTFail("prose, cell, prose: \(lesson.blocks)")
        }
        XCTAssertEqual(first.nodes, [.heading(level: 1, [.text("X")]), .paragraph([.text("Text.")])])
        XCTAssertEqual(first.warnings.map(\.description), ["01-x.md:8: math opened with '$$' is never closed"])
        XCTAssertEqual(last.nodes, [.paragraph([.text("After, "), .math(tex: "y", line: 15), .text(".")])])
        let executed = ExecutedLesson(
            lesson: lesson, results: [CellResult(cell: lesson.cells[0], status: .passed, outputs: [.display("1")])],
            swiftVersion: "6", builtAt: Date())
        let page = PageRenderer.render(
            executed, displayPath: "01-x.md", neighbours: CourseNeighbours(number: 1), courseTitle: "C")
        XCTAssertEqual(page.warnings.map(\.description), ["01-x.md:8: math opened with '$$' is never closed"])
        XCTAssertTrue(page.html.contains("<p>Text.</p>\n<section class=\"cell\" id=\"cell-1\">"), page.html)
        XCTAssertTrue(page.html.contains("</section>\n<p>After, <math"), page.html)
    }

    /// A prose block made from its Markdown alone (as a translation's would be) is the block the
    /// lesson parser made: the same steps, the same tree, its inline values numbered from where
    /// the block's first one stands in the lesson.
    func testAProseBlockMadeAloneIsTheLessonsBlock() throws {
        let source = """
            # X

            Before: `{swift} 1 + 1`, $a_1$ and @fig-p.

            ```swift
            //| label: fig-p
            let p = 2
            ```

            ## After *p*

            It is `{swift} p` and `{swift} p * 2`; $$x$$ too.

            $$
            y = x
            """
        let lesson = try LessonParser.parse(source, file: URL(fileURLWithPath: "/tmp/01-x.md"), displayPath: "01-x.md")
        var first = 0
        for case .prose(let prose) in lesson.blocks {
            let alone = try Prose.parse(prose.markdown, file: "01-x.md", line: prose.line, firstInlineValue: first)
            XCTAssertEqual(alone, prose)
            first += prose.inlineValues.count
        }
        XCTAssertEqual(lesson.inlineValues.map(\.expression), ["1 + 1", "p", "p * 2"])
        XCTAssertEqual(lesson.inlineValues.map(\.line), [3, 12, 12])
    }

    /// The tree renders as cmark's own HTML renderer writes it, for everything CommonMark has.
    func testTheTreeRendersAsCmarkDoes() throws {
        let markdown = """
            # Title *em* **strong** `code` <b>raw</b>

            Para with [a link](http://x.org/a b?q=1&r='2' "its \"title\"") and ![an *image*](i.png "t") and
            a hard\\
            break and a soft one,  
            another; <span>inline</span> & "quotes" -- dashes... 'single'.

            > quoted
            > > nested

            - tight
            - list
              1. inner

            3. loose

               second paragraph
            4. next

            ```c++ extra
            int <x> = "y";
            ```

                indented code

            <div class="x">
            raw *block*
            </div>

            ***

            Setext
            ------
            [ref]: /url 'T'
            [ref] and [text][ref] and <http://auto.link/&> and \\* escaped.
            """
        let prose = try Prose.parse(markdown, file: "t.md", line: 1)
        var renderer = ProseRenderer(file: "t.md")
        var html = ""
        renderer.render(prose, into: &html)
        guard let raw = cmark_markdown_to_html(markdown, markdown.utf8.count, CMARK_OPT_SMART | CMARK_OPT_UNSAFE)
        else { return XCTFail("cmark") }
        defer { free(raw) }
        // Headings of levels 1-4 link to themselves (the page's part, not cmark's).
        XCTAssertEqual(
            html.replacingOccurrences(
                of: ##"<h(\d) id="[^"]*"><a class="anchor" href="#[^"]*">(.*)</a></h"##, with: "<h$1>$2</h",
                options: .regularExpression),
            String(cString: raw))
    }

    func testEscaping() {
        XCTAssertEqual(
            HTML.escape("<script>alert('x') & \"y\"</script>"),
            "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;")
        XCTAssertEqual(HTML.escape("a\u{1}b"), "a\u{FFFD}b")
        XCTAssertEqual(HTML.slug("Max pooling, step by step!"), "max-pooling-step-by-step")
    }

    func testMathML() throws {
        XCTAssertEqual(
            try MathML.render("x_i^2", display: false),
            "<math xmlns=\"http://www.w3.org/1998/Math/MathML\"><mrow><msubsup><mi>x</mi><mrow><mi>i</mi></mrow><mrow><mn>2</mn></mrow></msubsup></mrow></math>"
        )
        let frac = try MathML.render("\\frac{\\partial L}{\\partial w}", display: true)
        XCTAssertTrue(frac.contains("display=\"block\""))
        XCTAssertTrue(
            frac.contains("<mfrac><mrow><mo>∂</mo><mi>L</mi></mrow><mrow><mo>∂</mo><mi>w</mi></mrow></mfrac>"), frac)
        XCTAssertTrue(try MathML.render("\\sqrt{x + 1}", display: false).contains("<msqrt>"))
        XCTAssertTrue(
            try MathML.render("\\left\\lfloor \\frac{a}{b} \\right\\rfloor", display: false).contains(
                "<mo stretchy=\"true\">⌊</mo>"))
        XCTAssertTrue(try MathML.render("\\text{if } x > 0", display: false).contains("<mtext>if </mtext>"))
        XCTAssertThrowsError(try MathML.render("\\nosuch{x}", display: false)) {
            XCTAssertEqual(($0 as? MathML.Failure)?.message, "unknown TeX command \\nosuch")
        }
        XCTAssertThrowsError(try MathML.render("{x", display: false))
    }

    func testProseKeepsMathOutOfMarkdownAndWarnsOnBadMath() throws {
        let (html, headings, warnings, _) = try renderProse(
            "## Sizes\n\nThe size $o_{k} = i*s$ and `$not math$`.\n\n$$\n\\bad\n$$\n", line: 10)
        XCTAssertTrue(html.contains("<h2 id=\"sizes\">"))
        XCTAssertEqual(headings.map(\.text), ["Sizes"])
        XCTAssertTrue(html.contains("<msub><mi>o</mi>"), html)
        XCTAssertFalse(html.contains("<em>"), "underscores and stars in math are not emphasis")
        XCTAssertTrue(html.contains("<code>$not math$</code>"))
        XCTAssertEqual(warnings.map(\.description), ["L.md:14: math: unknown TeX command \\bad in '\n\\bad\n'"])
    }

    /// A formula, a reference and an inline value are nodes of the tree: TeX stays TeX, and the
    /// apostrophe after one is an apostrophe, as after a word.
    func testMathReferencesAndInlineValuesAreNodesOfTheTree() throws {
        let markdown = "Channel $c$'s window, @fig-a's picture and `{swift} n`'s value; *$a_1 * b$* and @fig-nope.\n"
        let prose = try Prose.parse(markdown, file: "L.md", line: 7, firstInlineValue: 3)
        XCTAssertEqual(
            prose.nodes,
            [
                .paragraph([
                    .text("Channel "), .math(tex: "c", line: 7), .text("\u{2019}s window, "),
                    .reference(name: "fig-a", line: 7), .text("\u{2019}s picture and "),
                    .inlineValue(InlineValue(index: 3, line: 7, expression: "n", beforeCode: false)),
                    .text("\u{2019}s value; "), .emphasis([.math(tex: "a_1 * b", line: 7)]), .text(" and "),
                    .reference(name: "fig-nope", line: 7), .text("."),
                ])
            ])
        let (html, _, warnings, errors) = try renderProse(
            markdown, line: 7, references: ["fig-a": CrossReference(text: "Figure 1", anchor: "figure-1")],
            inlineValues: [3: "<42>"], firstInlineValue: 3)
        XCTAssertEqual(
            html,
            "<p>Channel <math xmlns=\"http://www.w3.org/1998/Math/MathML\"><mrow><mi>c</mi></mrow></math>’s window, "
                + "<a class=\"xref\" href=\"#figure-1\">Figure 1</a>’s picture and <span class=\"inline-value\">&lt;42&gt;</span>’s value; "
                + "<em><math xmlns=\"http://www.w3.org/1998/Math/MathML\"><mrow><msub><mi>a</mi><mrow><mn>1</mn></mrow></msub><mo>∗</mo><mi>b</mi></mrow></math></em> "
                + "and <code class=\"math-error\">@fig-nope</code>.</p>\n")
        XCTAssertEqual(warnings, [])
        XCTAssertEqual(
            errors.map(\.description),
            ["L.md:7: unknown cross-reference @fig-nope: no cell has '//| label: fig-nope' with a figure"])
    }

    /// A display formula labelled as in Quarto (`$$ ... $$ {#eq-name}`) is numbered by lesson,
    /// its number at its right, and `@eq-name` links to it as "Equation 5.2"; an unlabelled one
    /// is not numbered, and a label names one formula.
    func testLabelledFormulasAreNumberedAndReferenced() throws {
        let source = """
            ---
            title: X
            ---

            $$ a = 1 $$ {#eq-one} and after.

            $$
            b = 2
            $$

            $$
            c = 3
            $$ {#eq-three}

            As @eq-three and @eq-one say; @eq-nope does not; $$x$$ {#eq-inline} is inline, {#eq-no} text.

            $$ d $$ {#fig-x}

            $$ e $$ {#eq-one}

            ```swift
            let x = 1
            ```
            """
        let lesson = try LessonParser.parse(source, file: URL(fileURLWithPath: "/tmp/05-x.md"), displayPath: "05-x.md")
        guard case .prose(let prose) = lesson.blocks[0] else { return XCTFail("\(lesson.blocks)") }
        XCTAssertEqual(
            prose.nodes.compactMap {
                if case .displayMath(let tex, let line, let label) = $0 {
                    return "\(line) \(label ?? "-") \(tex)"
                } else {
                    return nil
                }
            },
            ["5 eq-one  a = 1 ", "7 - \nb = 2\n", "11 eq-three \nc = 3\n", "17 -  d ", "19 eq-one  e "])
        XCTAssertTrue(prose.nodes.contains(.paragraph([.text("and after.")])), "the line goes on after the label")
        XCTAssertTrue(prose.nodes.contains(.paragraph([.text("{#fig-x}")])), "only an eq- label labels a formula")
        let executed = ExecutedLesson(
            lesson: lesson, results: [CellResult(cell: lesson.cells[0], status: .passed)], swiftVersion: "6",
            builtAt: Date())
        let page = PageRenderer.render(
            executed, displayPath: "05-x.md", neighbours: CourseNeighbours(number: 5), courseTitle: "C")
        XCTAssertTrue(
            page.html.contains(
                "<div class=\"math-block numbered\" id=\"eq-one\"><math xmlns=\"http://www.w3.org/1998/Math/MathML\" display=\"block\"><mrow><mi>a</mi><mo>=</mo><mn>1</mn></mrow></math><span class=\"eqno\">(5.1)</span></div>"
            ), page.html)
        XCTAssertTrue(page.html.contains("<div class=\"math-block\"><math"), "the unlabelled formula is not numbered")
        XCTAssertTrue(page.html.contains("id=\"eq-three\">"), page.html)
        XCTAssertTrue(page.html.contains("<span class=\"eqno\">(5.2)</span>"), page.html)
        XCTAssertTrue(
            page.html.contains(
                "<p>As <a class=\"xref\" href=\"#eq-three\">Equation 5.2</a> and <a class=\"xref\" href=\"#eq-one\">Equation 5.1</a> say;"
            ), page.html)
        XCTAssertEqual(page.html.components(separatedBy: "id=\"eq-one\"").count, 2, "one element per id")
        XCTAssertEqual(
            page.errors.map(\.description),
            [
                "05-x.md:15: unknown cross-reference @eq-nope: no display formula is labelled '$$ {#eq-nope}'",
                "05-x.md:19: the label {#eq-one} is already the formula's at line 5: one label, one formula",
            ])
    }

    func testHeadingIdsComeFromCmarksTree() throws {
        let taken = try Prose.parse("# Taken\n", file: "L.md", line: 1)
        let prose = try Prose.parse(
            "# A *b* & `c`\n\n## A b & c\n\n> ### Taken\n\n## Size $x_1$\n\n<h2>raw html</h2>\n\n##### five\n",
            file: "L.md", line: 3)
        let headings = ProseRenderer.headings(in: [taken, prose], references: [:], inlineValues: [:])
        XCTAssertEqual(headings.map(\.text), ["Taken", "A b & c", "A b & c", "Taken", "Size x_1"])
        XCTAssertEqual(headings.map(\.id), ["taken", "a-b-c", "a-b-c-2", "taken-2", "size-x-1"])
        XCTAssertEqual(headings.map(\.level), [1, 1, 2, 3, 2])
        var renderer = ProseRenderer(file: "L.md", headings: headings)
        var html = ""
        renderer.render(taken, into: &html)
        renderer.render(prose, into: &html)
        XCTAssertTrue(
            html.contains(
                "<h1 id=\"a-b-c\"><a class=\"anchor\" href=\"#a-b-c\">A <em>b</em> &amp; <code>c</code></a></h1>"), html
        )
        XCTAssertTrue(html.contains("<blockquote>\n<h3 id=\"taken-2\">"), html)
        XCTAssertTrue(html.contains("<h2 id=\"size-x-1\"><a class=\"anchor\" href=\"#size-x-1\">Size <math"), html)
        XCTAssertTrue(html.contains("<h2>raw html</h2>"), "an author's own HTML is left alone")
        XCTAssertTrue(html.contains("<h5>five</h5>"), "levels past 4 get no id")
    }

    func testSwiftHighlighting() {
        let html = SwiftHighlighter.html("let x = Tensor([1]) // \"c\"\nprint(\"<b>\")")
        XCTAssertTrue(html.contains("<span class=\"kw\">let</span>"))
        XCTAssertTrue(html.contains("<span class=\"ty\">Tensor</span>"))
        XCTAssertTrue(html.contains("<span class=\"cm\">// &quot;c&quot;</span>"))
        XCTAssertTrue(html.contains("<span class=\"st\">&quot;&lt;b&gt;&quot;</span>"))
        XCTAssertTrue(html.contains("<span class=\"fn\">print</span>"))
    }

    func testHighlightingFollowsTheParser() {
        // A raw string is one string, quotes inside and '#' delimiters included.
        XCTAssertEqual(
            SwiftHighlighter.html(##"let s = #"a "b" // c"#"##),
            #"<span class="kw">let</span> s = <span class="st">#&quot;a &quot;b&quot; // c&quot;#</span>"#)
        // Interpolated code is code; a multi-line string keeps its lines (indentation is not string).
        XCTAssertEqual(
            SwiftHighlighter.html(#""n = \(n + 1)""#),
            #"<span class="st">&quot;n = </span>\(n + <span class="nu">1</span>)<span class="st">&quot;</span>"#)
        let multi = "let t = \"\"\"\n  line \"one\"\n  \"\"\"\nlet u = 2.5e-3 /* done */"
        XCTAssertEqual(
            SwiftHighlighter.html(multi),
            "<span class=\"kw\">let</span> t = <span class=\"st\">&quot;&quot;&quot;</span>\n  <span class=\"st\">line &quot;one&quot;</span>\n  <span class=\"st\">&quot;&quot;&quot;</span>\n"
                + "<span class=\"kw\">let</span> u = <span class=\"nu\">2.5e-3</span> <span class=\"cm\">/* done */</span>"
        )
        XCTAssertEqual(
            SwiftHighlighter.html("@MainActor func f(x: Int) {}"),
            "<span class=\"at\">@MainActor</span> <span class=\"kw\">func</span> <span class=\"fn\">f</span>(x: <span class=\"ty\">Int</span>) {}"
        )
        // Code that does not parse is still shown whole.
        let broken = "let = = ) \u{1} \"open"
        XCTAssertEqual(
            SwiftHighlighter.html(broken).replacingOccurrences(of: "<[^>]+>", with: "", options: .regularExpression),
            HTML.escape(broken))
    }
}

final class MathEnvironmentTests: XCTestCase {
    func testCasesAndBlackboardBold() throws {
        let cases = try MathML.render(
            "f(z) = \\begin{cases} z & z > 0 \\\\ \\alpha z & z \\le 0 \\end{cases}", display: true)
        XCTAssertTrue(
            cases.contains(
                "<mo stretchy=\"true\">{</mo><mtable columnalign=\"left\"><mtr><mtd><mrow><mi>z</mi></mrow></mtd>"),
            cases)
        XCTAssertEqual(cases.components(separatedBy: "<mtr>").count - 1, 2)
        XCTAssertTrue(try MathML.render("W \\in \\mathbb{R}^{n}", display: false).contains("ℝ"))
        XCTAssertThrowsError(try MathML.render("\\begin{cases} x", display: false))
    }
}

/// `markdown` parsed as one prose block (its first line at `line` of "L.md") and rendered alone.
func renderProse(
    _ markdown: String, line: Int, references: [String: CrossReference] = [:], inlineValues: [Int: String] = [:],
    firstInlineValue: Int = 0
) throws -> (html: String, headings: [Heading], warnings: [LessonError], errors: [LessonError]) {
    let prose = try Prose.parse(markdown, file: "L.md", line: line, firstInlineValue: firstInlineValue)
    let headings = ProseRenderer.headings(in: [prose], references: references, inlineValues: inlineValues)
    var renderer = ProseRenderer(file: "L.md", references: references, inlineValues: inlineValues, headings: headings)
    var html = ""
    renderer.render(prose, into: &html)
    return (html, headings, renderer.warnings, renderer.errors)
}
