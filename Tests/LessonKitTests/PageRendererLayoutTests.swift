import Foundation
import LessonWire
import XCTest

@testable import LessonKit

/// How the page reads on every screen: structure that validates, scroll boxes instead of
/// clipping, colour contrast, dark and still variants of figures, the sidebar, cross-references.
final class PageRendererLayoutTests: XCTestCase {
    let lesson = try! LessonParser.parse(
        """
        ---
        title: Pooling
        ---
        See @fig-pool and @tbl-sizes, then @cell-3; mail me@fig-pool.org; `@fig-nothing` is code.

        ```swift
        //| label: fig-pool
        animate(d)
        ```

        ```swift
        //| label: tbl-sizes
        table(rows)
        ```

        ```swift
        print(1)
        ```
        """, file: URL(fileURLWithPath: "/tmp/05-pooling.md"), displayPath: "Lessons/05-pooling.md")

    let animation = FigureOutput(
        file: "figure-1.png", caption: "Max pooling", alt: "A window",
        frames: ["figure-1-step-1.png", "figure-1-step-2.png"],
        darkFile: "figure-1-dark.png", darkFrames: ["figure-1-step-1-dark.png", "figure-1-step-2-dark.png"], width: 300,
        height: 120)

    func page(_ lesson: Lesson? = nil, outputs: [[CellOutput]] = [], course: [CourseEntry] = []) -> PageRenderer.Page {
        let lesson = lesson ?? self.lesson
        let results = lesson.cells.enumerated().map { k, cell in
            CellResult(cell: cell, status: .passed, outputs: k < outputs.count ? outputs[k] : [])
        }
        let executed = ExecutedLesson(
            lesson: lesson, results: results, swiftVersion: "Swift 6.3", builtAt: Date(timeIntervalSince1970: 0))
        return PageRenderer.render(
            executed, displayPath: "Lessons/05-pooling.md", neighbours: CourseNeighbours(number: 2, course: course),
            courseTitle: "C")
    }

    var fullPage: PageRenderer.Page {
        page(
            outputs: [[.figure(animation)], [.table(TableOutput(header: ["a"], rows: [["1"]]))], [.text("x\n")]],
            course: [
                CourseEntry(slug: "01-images", title: "Images"), CourseEntry(slug: "05-pooling", title: "Pooling"),
                CourseEntry(slug: "06-act", title: "Act"),
            ])
    }

    func testAFigureIsPictureThenStepsThenCaptionLast() {
        let html = fullPage.html
        let figure = html[html.range(of: "<figure")!.lowerBound..<html.range(of: "</figure>")!.upperBound]
        // figcaption must be the first or last child of figure: the steps come before it.
        XCTAssertTrue(figure.hasSuffix("</figcaption></figure>"), String(figure))
        XCTAssertLessThan(figure.range(of: "<details")!.lowerBound, figure.range(of: "<figcaption")!.lowerBound)
        // A light and a dark picture, the stylesheet showing one (so paper gets the light one);
        // each with its animation's first step for readers who ask for reduced motion.
        XCTAssertTrue(
            figure.contains(
                "<figure id=\"figure-1\"><picture class=\"light\"><source srcset=\"figure-1-step-1.png\" media=\"(prefers-reduced-motion: reduce)\"><img src=\"figure-1.png\" alt=\"A window\" width=\"300\" height=\"120\" loading=\"lazy\"></picture><picture class=\"dark\"><source srcset=\"figure-1-step-1-dark.png\" media=\"(prefers-reduced-motion: reduce)\"><img src=\"figure-1-dark.png\" alt=\"A window\" width=\"300\" height=\"120\" loading=\"lazy\"></picture>"
            ), String(figure))
        // Every image has its size, steps included: two pictures, two steps, each light and dark.
        let images = figure.components(separatedBy: "<img ").dropFirst()
        XCTAssertEqual(images.count, 6)
        for image in images {
            XCTAssertTrue(image.contains("width=\"300\" height=\"120\"") && image.contains("loading=\"lazy\""), image)
        }
        XCTAssertTrue(
            figure.contains(
                "<picture class=\"dark\"><img src=\"figure-1-step-2-dark.png\" alt=\"A window, step 2 of 2\""),
            String(figure))
        let css = Stylesheet.css
        XCTAssertTrue(css.contains("picture.dark { display: none; }"), "light unless the screen is dark")
        let darkTheme = css.components(separatedBy: "@media screen and (prefers-color-scheme: dark)")[1].components(
            separatedBy: "\n    }")[0]
        XCTAssertTrue(
            darkTheme.contains("figure picture.light { display: none; }")
                && darkTheme.contains("figure picture.dark { display: block; }"), darkTheme)
    }

    func testAFigureWithoutADarkVariantSitsOnAPlate() {
        let html = page(outputs: [[.figure(FigureOutput(file: "figure-1.png", alt: "x", width: 4, height: 5))]]).html
        XCTAssertTrue(
            html.contains(
                "<img src=\"figure-1.png\" alt=\"x\" width=\"4\" height=\"5\" loading=\"lazy\" class=\"plain\">"), html)
        XCTAssertFalse(html.contains("<picture>"))
        XCTAssertTrue(Stylesheet.css.contains("figure img.plain { background: #ffffff"))
    }

    func testTablesScrollAndNothingInACellIsClipped() {
        XCTAssertTrue(fullPage.html.contains("<div class=\"table-scroll\"><table class=\"data\">"))
        let css = Stylesheet.css
        XCTAssertFalse(css.contains("overflow: hidden"), "nothing is clipped")
        XCTAssertTrue(css.contains(".table-scroll { overflow-x: auto;"))
        XCTAssertTrue(css.contains("pre { overflow-x: auto;"))
        XCTAssertTrue(
            css.contains("display: block; min-height: 1.45em; white-space: pre-wrap; overflow-wrap: anywhere;"),
            "every line of code and output wraps")
        XCTAssertFalse(css.contains("white-space: pre;"), "no line is kept from wrapping")
        XCTAssertTrue(css.contains(".outputs > :not(figure) { margin: 0; }"), "figures keep their margin")
    }

    func testALongInlineFormulaScrollsInItsOwnBox() throws {
        let html = try renderProse("A $x$ and $\\sigma(z) = \\frac{1}{1 + e^{-z}} \\approx z$ here.", line: 1).html
        XCTAssertTrue(html.contains("A <math"), "a short formula stays inline as it is")
        XCTAssertTrue(html.contains("<span class=\"math-inline\"><math"), html)
    }

    /// WCAG 2 relative luminance and contrast ratio.
    func contrast(_ a: String, _ b: String) -> Double {
        func luminance(_ hex: String) -> Double {
            let v: Int = Int(hex.dropFirst(), radix: 16)!
            func linear(_ byte: Int) -> Double {
                let x = Double(byte) / 255
                return x <= 0.04045 ? x / 12.92 : pow((x + 0.055) / 1.055, 2.4)
            }
            let r: Double = linear((v >> 16) & 0xFF)
            let g: Double = linear((v >> 8) & 0xFF)
            let b: Double = linear(v & 0xFF)
            return 0.2126 * r + 0.7152 * g + 0.0722 * b
        }
        let (x, y) = (luminance(a), luminance(b))
        return (max(x, y) + 0.05) / (min(x, y) + 0.05)
    }

    func testEveryTextColourReachesAAOnEveryBackgroundInBothThemes() {
        XCTAssertEqual(
            contrast("#6e7781", "#f6f8fa"), 4.27, accuracy: 0.01, "the formula reproduces the issue's measurement")
        for (name, palette) in [("light", Stylesheet.light), ("dark", Stylesheet.dark)] {
            XCTAssertEqual(palette.texts.count, 13)
            for text in palette.texts {
                for background in palette.backgrounds {
                    XCTAssertGreaterThanOrEqual(
                        contrast(text.hex, background.hex), 4.5,
                        "\(name): --\(text.name) \(text.hex) on --\(background.name) \(background.hex)")
                }
            }
            XCTAssertTrue(Stylesheet.css.contains(palette.css))
        }
    }

    func testTheSidebarListsTheCourseWithThisLessonMarked() {
        let html = fullPage.html
        XCTAssertTrue(
            html.contains(
                "<strong>Lessons</strong><ol><li><a href=\"../01-images/index.html\">Images</a></li><li class=\"current\"><a href=\"index.html\" aria-current=\"page\">Pooling</a></li><li><a href=\"../06-act/index.html\">Act</a></li></ol>"
            ), html)
        // No headings: the sidebar lists the page's figures instead.
        XCTAssertTrue(
            html.contains(
                "<strong>Figures on this page</strong><ul><li><a href=\"#figure-1\">Figure 1</a>: Max pooling</li></ul>"
            ), html)
        XCTAssertFalse(html.contains("On this page</strong><ul></ul>"))
    }

    func testCrossReferencesLinkWithTheirNumbers() {
        let p = fullPage
        XCTAssertTrue(
            p.html.contains(
                "See <a class=\"xref\" href=\"#figure-1\">Figure 1</a> and <a class=\"xref\" href=\"#tbl-sizes\">Table 1</a>, then <a class=\"xref\" href=\"#cell-3\">Cell 3</a>;"
            ), p.html)
        XCTAssertTrue(p.html.contains("me@fig-pool.org"), "an address is not a reference")
        XCTAssertTrue(p.html.contains("<code>@fig-nothing</code>"), "code is not a reference")
        XCTAssertEqual(p.errors, [])
    }

    func testAnUnknownReferenceIsAnErrorAtItsLine() {
        let lesson = try! LessonParser.parse(
            "---\ntitle: T\n---\nFirst line.\n\nAs @fig-missing shows.\n\n```swift\nprint(1)\n```\n",
            file: URL(fileURLWithPath: "/tmp/05-pooling.md"), displayPath: "Lessons/05-pooling.md")
        let p = page(lesson)
        XCTAssertEqual(
            p.errors.map(\.description),
            [
                "Lessons/05-pooling.md:6: unknown cross-reference @fig-missing: no cell has '//| label: fig-missing' with a figure"
            ])
        XCTAssertTrue(
            p.html.contains(
                "<div class=\"banner failed\"><strong>1 error in the lesson's text.</strong><ul><li>Lessons/05-pooling.md:6: unknown cross-reference @fig-missing"
            ), p.html)
        XCTAssertTrue(p.html.contains("As <code class=\"math-error\">@fig-missing</code> shows."), p.html)
    }

    func testAFigureCarriesItsDarkVariantOverTheWireAndOldEventsStillRead() throws {
        let framing = WireFraming(tag: "t")
        XCTAssertEqual(try framing.decode(framing.encode(.figure(animation))), .event(.figure(animation)))
        let old = framing.prefix + #"{"figure":{"_0":{"file":"f.png","notes":[],"frames":[],"width":3,"height":4}}}"#
        XCTAssertEqual(try framing.decode(old), .event(.figure(FigureOutput(file: "f.png", width: 3, height: 4))))
    }

    func testContentsThumbnailsHaveTheirSize() {
        let record = BuildRecord(
            key: "k", slug: "01-a", title: "A", summary: "", failures: [], warnings: [], thumbnail: "figure-1.png",
            seconds: 1, builtAt: Date(timeIntervalSince1970: 0))
        // The picture is the link's only content: its alt text names the lesson.
        XCTAssertTrue(
            IndexRenderer.render([("01-a", record)], settings: CourseSettings(title: "T")).contains(
                "<a href=\"01-a/index.html\"><img src=\"01-a/figure-1.png\" alt=\"A\" width=\"140\" height=\"100\" class=\"plain\"></a>"
            ))
    }
}
