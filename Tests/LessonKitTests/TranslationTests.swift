import Foundation
import XCTest

@testable import LessonKit

/// The Chinese edition: translations tied to the English by hash, stale pieces found at both
/// lines, captions filled from the run, the Traditional edition derived by OpenCC.
final class TranslationTests: XCTestCase {
    static let lessons = EndToEndTests.root.appendingPathComponent("Lessons")

    func english(_ slug: String) throws -> Lesson {
        try LessonParser.parse(
            file: Self.lessons.appendingPathComponent(slug + ".md"), displayPath: "Lessons/\(slug).md")
    }

    /// Every lesson has a Chinese translation, and no piece of any is stale, untranslated or
    /// orphaned: an edit of the English fails here until the Chinese is brought up to date
    /// (`lessons translate --check` says which pieces, at both files' lines).
    func testEveryLessonIsTranslatedAndNoTranslatedPieceIsStale() throws {
        let folder = TranslationFolder(lessons: Self.lessons, displayLessons: "Lessons")
        let files = try LessonList.files(in: Self.lessons)
        XCTAssertEqual(files.count, 13)
        for file in files {
            let slug = file.deletingPathExtension().lastPathComponent
            let lesson = try english(slug)
            XCTAssertNotNil(try folder.translation(of: slug), "\(slug) has no Chinese translation")
            let problems = folder.problems(of: lesson, englishPath: "Lessons/\(slug).md")
            XCTAssertEqual(problems, [], problems.map(\.description).joined(separator: "\n"))
        }
    }

    /// One English paragraph edited is one stale Chinese piece, said at the translation's marker
    /// and at the English paragraph's line; the others stay current.
    func testEditingOneEnglishParagraphIsOneStalePieceAtBothLines() throws {
        let file = Self.lessons.appendingPathComponent("05-pooling.md")
        let text = try String(contentsOf: file, encoding: .utf8)
        let paragraph = "it slides a window over each feature map, but it has no weights: it applies a fixed rule."
        XCTAssertTrue(text.contains(paragraph))
        let edited = text.replacingOccurrences(of: paragraph, with: paragraph + " It learns nothing.")
        let lesson = try LessonParser.parse(edited, file: file, displayPath: "Lessons/05-pooling.md")
        let translation = try XCTUnwrap(
            TranslationFolder(lessons: Self.lessons, displayLessons: "Lessons").translation(of: "05-pooling"))
        let problems = TranslationReport.problems(
            TranslationMatch(lesson: lesson, translation: translation), translation: translation,
            english: "Lessons/05-pooling.md")
        XCTAssertEqual(problems.count, 1, problems.map(\.description).joined(separator: "\n"))
        let englishLine =
            edited.components(separatedBy: "\n").firstIndex { $0.hasPrefix("Take a 4x4 feature map") }! + 1
        let markerLine = translation.pieces.first { $0.text.hasPrefix("取一个 4x4") }?.line
        XCTAssertEqual(problems[0].file, "Lessons/zh-Hans/05-pooling.md")
        XCTAssertEqual(problems[0].line, markerLine)
        XCTAssertTrue(
            problems[0].message.contains("Lessons/05-pooling.md:\(englishLine) changed"), problems[0].description)
        // Back to the English as translated: nothing stale.
        XCTAssertEqual(
            TranslationReport.problems(
                TranslationMatch(lesson: try english("05-pooling"), translation: translation),
                translation: translation, english: "Lessons/05-pooling.md"), [])
    }

    /// Matching keeps order: a piece inserted, one deleted and one edited in the English are an
    /// untranslated unit, an orphaned piece and a stale piece, and the rest stay tied. (A deletion
    /// right next to an edit cannot be told from the edit of the other: the old English is known by
    /// its hash only, so the pieces left between two ties pair in order.)
    func testMatchingFindsInsertedDeletedAndEditedPieces() throws {
        func lesson(_ paragraphs: [String]) throws -> Lesson {
            try LessonParser.parse(
                "---\ntitle: T\n---\n\n" + paragraphs.joined(separator: "\n\n") + "\n",
                file: URL(fileURLWithPath: "/x/t.md"),
                displayPath: "t.md")
        }
        let old = try lesson(["One.", "Two.", "Three.", "Four."])
        var skeleton = TranslationSkeleton.text(for: old, existing: nil)
        for (en, zh) in [("One.", "一。"), ("Two.", "二。"), ("Three.", "三。"), ("Four.", "四。")] {
            skeleton = skeleton.replacingOccurrences(of: "\n\(en)\n", with: "\n\(zh)\n")
        }
        let translation = try Translation.parse(skeleton, slug: "t", displayPath: "zh/t.md")
        let new = try lesson(["Zero.", "One.", "Three.", "Four, edited."])
        let match = TranslationMatch(lesson: new, translation: translation)
        let states = match.units.map { unit, state -> String in
            switch state {
            case .current(let p): "current \(p.text)"
            case .stale(let p): "stale \(p.text)"
            case .untranslated: "untranslated \(unit.text)"
            }
        }
        XCTAssertEqual(states, ["untranslated Zero.", "current 一。", "current 三。", "stale 四。"])
        XCTAssertEqual(match.orphans.map(\.text), ["二。"])
    }

    func testCaptionTemplatesRecoverTheRunsValuesAndFillTheTranslation() {
        let english = CaptionTemplate(#"Loss after \(steps) steps: \(String(format: "%.2f", loss))"#)
        XCTAssertEqual(english.holes, ["steps", #"String(format: "%.2f", loss)"#])
        let values = english.match("Loss after 40 steps: 0.25")
        XCTAssertEqual(values?["steps"], "40")
        let chinese = CaptionTemplate(#"\(steps) 步之后的损失：\(String(format: "%.2f", loss))"#)
        XCTAssertEqual(values.flatMap { chinese.fill($0) }, "40 步之后的损失：0.25")
        XCTAssertNil(english.match("Accuracy after 40 steps"))
        XCTAssertEqual(CaptionTemplate(#"a \"quoted\" word"#).match(#"a "quoted" word"#), [:])
    }

    func testTraditionalChineseIsConvertedWithTheCoursesCorrectionsAndQuotationsKept() throws {
        let converter = try ScriptConverter(corrections: "影象 = 影像\n# a comment\n引數 = 參數\n")
        XCTAssertEqual(converter.convert("图像的参数通过网络"), "影像的參數透過網路")
        XCTAssertEqual(
            converter.convert("教程说：“<span lang=\"zh-Hans\">卷积核</span>”与卷积核"),
            "教程說：“<span lang=\"zh-Hans\">卷积核</span>”與卷積核")
        XCTAssertEqual(converter.convert("`Conv2D` and $x$"), "`Conv2D` and $x$")
        XCTAssertThrowsError(try ScriptConverter(corrections: "no equals sign"))
    }

    func testLineBreaksBetweenChineseCharactersAreDropped() {
        XCTAssertEqual(CJKLines.join("卷积\n核"), "卷积核")
        XCTAssertEqual(CJKLines.join("> 教程\n> 中说"), "> 教程中说")
        XCTAssertEqual(CJKLines.join("卷积 kernel\n核"), "卷积 kernel\n核")
        XCTAssertEqual(CJKLines.join("一。\n\n二。"), "一。\n\n二。")
        XCTAssertEqual(CJKLines.join("列表：\n- 一"), "列表：\n- 一")
    }

    func testChinesePunctuationStaysOnTheLineOfTheFormulaBeforeIt() {
        XCTAssertEqual(
            CJKPunctuation.keepWithPrevious("设 <math><mi>k</mi></math>，则 <code>x</code>。好"),
            "设 <math><mi>k</mi></math>\u{2060}，则 <code>x</code>\u{2060}。好")
        XCTAssertEqual(
            CJKPunctuation.keepWithPrevious("<span class=\"math-inline\"><math></math></span>。"),
            "<span class=\"math-inline\"><math></math></span>\u{2060}。")
        XCTAssertEqual(CJKPunctuation.keepWithPrevious("<code>a</code> b，"), "<code>a</code> b，")
    }

    func testFormatCaptionsAreTemplatesWithAHolePerConversion() throws {
        let lesson = try LessonParser.parse(
            "# T\n\n```swift\nshow(x, caption: String(format: \"fall %.2f of %d%%\", f, n), alt: \"a \" + \"b\")\n```\n",
            file: URL(fileURLWithPath: "/x/t.md"), displayPath: "t.md")
        let texts = SourceUnits.of(lesson).filter { $0.kind != .prose }.map(\.text)
        XCTAssertEqual(texts, [#"fall \(f) of \(n)%"#, "a b"])
        XCTAssertEqual(CaptionTemplate(texts[0]).match("fall 0.25 of 3%"), ["f": "0.25", "n": "3"])
    }

    func testMarkersThatDoNotParseAreErrorsAtTheirLines() {
        XCTAssertThrowsError(
            try Translation.parse(
                "---\ntitle: x\nen: 00000000\n---\n\n<!-- en xyz -->\n文\n", slug: "t", displayPath: "t.md")
        ) {
            XCTAssertEqual(($0 as? LessonError)?.line, 6)
        }
        XCTAssertThrowsError(
            try Translation.parse(
                "---\ntitle: x\nen: 00000000\n---\n\n前言\n<!-- en 00000000 -->\n文\n", slug: "t", displayPath: "t.md")
        ) {
            XCTAssertEqual(($0 as? LessonError)?.line, 6)
        }
        XCTAssertThrowsError(try Translation.parse("no front matter", slug: "t", displayPath: "t.md"))
    }
}
