import Foundation
import XCTest

@testable import LessonKit

/// The built pages of the fixture course in `Fixtures/golden`, compared whole with the committed
/// pages in `Fixtures/golden-pages` once what changes from build to build is normalised out: the
/// times, the date, the Swift version, the folders, and the stylesheet (whose rules are not
/// the build's concern here). A page that differs fails with the first line that differs.
///
/// After a change meant to alter the pages, write them again with
/// `LESSONS_UPDATE_GOLDEN=1 swift test --filter GoldenPageTests` and read the diff.
final class GoldenPageTests: XCTestCase {
    static let lessons = EndToEndTests.fixtures.appendingPathComponent("golden")
    static let expected = EndToEndTests.fixtures.appendingPathComponent("golden-pages")
    static let pages = ["01-prose-and-outputs", "02-compile-errors", "03-trap"]
    /// The Chinese editions' pages: a translation with an untranslated and a stale piece, the
    /// page of a lesson with no translation, the Traditional page derived by OpenCC, the contents.
    static let translatedPages = [
        "zh-Hans/01-prose-and-outputs", "zh-Hans/02-compile-errors", "zh-Hant/01-prose-and-outputs", "zh-Hans/index",
    ]

    var out: URL!
    override func setUpWithError() throws { out = try LessonsBinary.temporaryFolder("lessons-golden") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: out) }

    func testBuiltPagesMatchTheGoldenPages() throws {
        // A copy, so that a prose edit can send the lessons down the stored run's path.
        let source = out.appendingPathComponent("src")
        let site = out.appendingPathComponent("site")
        try FileManager.default.copyItem(at: Self.lessons, to: source)
        let arguments = ["build", "--lessons", source.path, "--out", site.path, "--title", "Golden"]
        let built = try LessonsBinary.run(arguments)
        XCTAssertEqual(built.status, 1, "lessons 02 and 03 fail on purpose: \(built.output)")
        try compare(site: site, source: source)
        // Rendered again from the stored runs after an edit outside the cells: the same pages.
        for page in Self.pages {
            let file = source.appendingPathComponent(page + ".md")
            try (String(contentsOf: file, encoding: .utf8) + "\n").write(to: file, atomically: true, encoding: .utf8)
        }
        let frozen = try LessonsBinary.run(arguments)
        XCTAssertEqual(frozen.status, 1, frozen.output)
        XCTAssertEqual(
            frozen.output.components(separatedBy: "re-rendered from the stored run").count, Self.pages.count + 1,
            frozen.output)
        try compare(site: site, source: source)
    }

    func compare(site: URL, source: URL) throws {
        let update = ProcessInfo.processInfo.environment["LESSONS_UPDATE_GOLDEN"] == "1"
        for page in Self.pages + ["index"] + Self.translatedPages {
            let built = site.appendingPathComponent(page.hasSuffix("index") ? "\(page).html" : "\(page)/index.html")
            let html = Self.normalised(
                try String(contentsOf: built, encoding: .utf8), paths: [site.path: "SITE", source.path: "LESSONS"])
            let file = Self.expected.appendingPathComponent(page.replacingOccurrences(of: "/", with: "_") + ".html")
            if update {
                try FileManager.default.createDirectory(at: Self.expected, withIntermediateDirectories: true)
                try html.write(to: file, atomically: true, encoding: .utf8)
                continue
            }
            let golden = try String(contentsOf: file, encoding: .utf8)
            guard html != golden else { continue }
            let (a, b) = (html.components(separatedBy: "\n"), golden.components(separatedBy: "\n"))
            let k = (0..<min(a.count, b.count)).first { a[$0] != b[$0] } ?? min(a.count, b.count)
            XCTFail(
                "\(page) differs from \(file.lastPathComponent) at line \(k + 1):\n built:  \(k < a.count ? a[k] : "(end)")\n golden: \(k < b.count ? b[k] : "(end)")"
            )
        }
    }

    /// What changes from build to build, replaced by fixed words.
    static func normalised(_ html: String, paths: [String: String]) -> String {
        paths.reduce(html) { $0.replacingOccurrences(of: $1.key, with: $1.value) }
            .replacingOccurrences(
                of: #"<style>[\s\S]*?</style>"#, with: "<style>CSS</style>", options: .regularExpression
            )
            .replacingOccurrences(
                of: #"<span class="time">[^<]*</span>"#, with: #"<span class="time">T</span>"#,
                options: .regularExpression
            )
            .replacingOccurrences(
                of: #"with [^<]* on \d{4}-\d\d-\d\dT[0-9:]+Z; cells ran for [0-9.]+ s in all"#,
                with: "with SWIFT on DATE; cells ran for T in all", options: .regularExpression
            )
            .replacingOccurrences(of: #"</span> · [0-9.]+ s"#, with: "</span> · T", options: .regularExpression)
            .replacingOccurrences(
                of: #"使用 [^<]*，(时间|時間) \d{4}-\d\d-\d\dT[0-9:]+Z；(单元格共运行|單元格共執行) [0-9.]+ s"#,
                with: "使用 SWIFT，$1 DATE；$2 T", options: .regularExpression)
    }

    /// The normalisation keeps what a page says and takes only what moves.
    func testNormalisationTakesOnlyWhatMoves() {
        let page =
            #"<style>a{}</style><span class="time">0.25 s</span><footer>with Swift version 6.3 (swift-6.3-RELEASE) on 2026-12-01T21:50:43Z; cells ran for 1.20 s in all.</footer><span class="result ok">✓ all cells ran</span> · 3.1 s"#
        XCTAssertEqual(
            Self.normalised(page, paths: ["/tmp/x": "SITE"]),
            #"<style>CSS</style><span class="time">T</span><footer>with SWIFT on DATE; cells ran for T in all.</footer><span class="result ok">✓ all cells ran</span> · T"#
        )
    }
}
