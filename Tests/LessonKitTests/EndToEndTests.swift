import Foundation
import XCTest

@testable import LessonKit

/// Runs the built `lessons` binary on the fixture lessons and checks what it prints and writes,
/// with times and temporary paths normalised.
final class EndToEndTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    var out: URL!

    override func setUpWithError() throws {
        out = FileManager.default.temporaryDirectory.appendingPathComponent("lessons-e2e-\(UUID().uuidString)")
        // Never skipped: the binary is built when missing, and a failed build fails the test.
        if case .failure(let why) = Self.built {
            XCTFail(why.message)
            throw why
        }
    }

    struct BuildFailure: Error { let message: String }

    /// `swift test` builds every product, `lessons` included; a test run on its own may not have.
    static let built: Result<Void, BuildFailure> = {
        if FileManager.default.isExecutableFile(atPath: binary.path) { return .success(()) }
        guard let swift = Toolchain.findExecutable("swift") else {
            return .failure(
                BuildFailure(message: "lessons is not built at \(binary.path) and swift is not on PATH to build it"))
        }
        let result = try? Toolchain.run(swift, ["build", "--product", "lessons"], currentDirectory: root)
        guard let result, result.status == 0, FileManager.default.isExecutableFile(atPath: binary.path) else {
            return .failure(
                BuildFailure(
                    message:
                        "lessons is not built at \(binary.path), and `swift build --product lessons` failed: \(result?.output.suffix(2000) ?? "could not run")"
                ))
        }
        return .success(())
    }()

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: out) }

    static var binary: URL { root.appendingPathComponent(".build/debug/lessons") }

    @discardableResult
    func lessons(_ args: [String]) throws -> (status: Int32, output: String) { try LessonsBinary.run(args) }

    /// Times ("0.4 s") become "T"; the output folder becomes OUT.
    func normalised(_ text: String) -> String {
        text.replacingOccurrences(of: out.path, with: "OUT")
            .replacingOccurrences(of: #"\d+\.\d+ s"#, with: "T", options: .regularExpression)
    }

    func page(_ slug: String) throws -> String {
        try String(contentsOf: out.appendingPathComponent("\(slug)/index.html"), encoding: .utf8)
    }

    func testEveryFailureKindIsReportedAtItsLine() throws {
        let result = try lessons([
            "build", "--lessons", "Tests/LessonKitTests/Fixtures/failures", "--out", out.path, "--jobs", "2",
        ])
        XCTAssertEqual(result.status, 1, result.output)
        let summary = normalised(result.output).components(separatedBy: "\n").drop { !$0.hasPrefix("10 failures:") }
            .joined(separator: "\n")
        XCTAssertEqual(
            summary,
            """
            10 failures:
            Tests/LessonKitTests/Fixtures/failures/01-trap.md:13: Index out of range (column 15)
            Tests/LessonKitTests/Fixtures/failures/02-compile-error.md:9: compile error: cannot convert value of type 'String' to specified type 'Int' (column 14)
            Tests/LessonKitTests/Fixtures/failures/03-timeout.md:4: timed out after T (cell 1; raise it with '//| timeout: <seconds>')
            Tests/LessonKitTests/Fixtures/failures/04-expect.md:5: expectation failed: the values sum to 7
            Tests/LessonKitTests/Fixtures/failures/05-unknown-option.md:4: unknown cell option 'eco' (known: echo, output, eval, label, fig-cap, fig-alt, timeout, expect, exercise, check)
            Tests/LessonKitTests/Fixtures/failures/06-unclosed-fence.md:3: code fence opened here is never closed
            Tests/LessonKitTests/Fixtures/failures/07-empty.md:1: the lesson is empty
            Tests/LessonKitTests/Fixtures/failures/08-thrown-error.md:4: Error raised at top level: lesson.Oops()
            Tests/LessonKitTests/Fixtures/failures/09-unexpected-success.md:4: the cell was expected to fail ('expect: error') but ran without error
            Tests/LessonKitTests/Fixtures/failures/10-timeout-in-expected-failure.md:6: timed out after T (cell 1; raise it with '//| timeout: <seconds>')

            """, result.output)
        // Every lesson was still built, each with a whole page.
        for slug in ["01-trap", "02-compile-error", "03-timeout", "07-empty"] {
            XCTAssertTrue(try page(slug).hasSuffix("</html>\n"), slug)
        }
        // Cells before a failure keep their output; later ones are marked not run.
        let trap = try page("01-trap")
        XCTAssertTrue(trap.contains("before the trap"))
        XCTAssertTrue(trap.contains("about to read past the end"), "output printed just before a crash is kept")
        XCTAssertFalse(trap.contains(">never printed\n"))
        XCTAssertTrue(
            trap.contains("not run: <a href=\"#cell-2\">cell 2</a> failed"), "later cells name the cell that failed")
        let compile = try page("02-compile-error")
        XCTAssertTrue(compile.contains("a is 1"), "the cells before a compile error still ran")
        XCTAssertTrue(compile.contains("02-compile-error.md:9:14: error: cannot convert value"))
        XCTAssertTrue(try page("03-timeout").contains("looping"))
        let index = try String(contentsOf: out.appendingPathComponent("index.html"), encoding: .utf8)
        XCTAssertEqual(index.components(separatedBy: "✗ 1 failure").count - 1, 10)
    }

    func testGoodLessonStateDisplayOptionsAndEscaping() throws {
        let result = try lessons(["build", "--lessons", "Tests/LessonKitTests/Fixtures/good", "--out", out.path])
        XCTAssertEqual(result.status, 0, result.output)
        XCTAssertTrue(result.output.contains("[1/2]") && result.output.contains("[2/2]"), "progress: lesson i of n")
        let html = try page("01-state")
        XCTAssertTrue(html.contains("counter is 2"), "state flows from cell to cell")
        XCTAssertTrue(
            html.contains("<span class=\"label\">Out[2]</span><pre><span class=\"line\">10.0\n</span></pre>"),
            "the last expression is displayed")
        XCTAssertTrue(html.contains("hidden code, shown output"))
        XCTAssertFalse(
            html.contains("<span class=\"st\">&quot;hidden code, shown output&quot;</span>"),
            "echo: false hides the code")
        XCTAssertTrue(html.contains("<span class=\"st\">&quot;shown code, hidden output&quot;</span>"))
        XCTAssertFalse(
            html.contains("<pre class=\"stdout\">shown code, hidden output"), "output: false hides the output")
        XCTAssertTrue(html.contains("not run (eval: false)"))
        XCTAssertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; \u{FFFD}"), "printed text is escaped")
        XCTAssertFalse(html.contains("<script>"))
        XCTAssertTrue(html.contains("[output cut here: the cell printed more than 200 kB]"))
        XCTAssertTrue(html.contains("<img src=\"figure-1.png\" alt=\"Four coloured squares\""))
        XCTAssertTrue(html.contains("<strong>Figure 1.</strong> A heatmap"))
        XCTAssertTrue(html.contains("✓ Checked: the counter was incremented once"))
        XCTAssertTrue(
            html.contains("Tensor: index [9, 9] out of range for shape [2, 2]"), "an expected trap shows its message")
        XCTAssertTrue(
            html.contains("cannot convert value of type &#39;String&#39; to specified type &#39;Int&#39;"),
            "an expected compile error shows it")
        XCTAssertTrue(html.contains("after the expected failures, counter is 2"))
        XCTAssertTrue(html.contains("Swift version 6"), "the page says which Swift built it")
        XCTAssertFalse(
            html.replacingOccurrences(
                of: "<script src=\"../search-index.js\" defer></script><script src=\"../course.js\" defer></script>",
                with: ""
            ).contains("<script"),
            "no scripts but the course's search and copy script, from files beside the pages")
        XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent("course.js").path))
        XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent("search-index.js").path))
        XCTAssertNil(
            html.range(of: #"(src|href)="(https?:)?//"#, options: .regularExpression),
            "nothing fetched from the network")
        let png = try Data(contentsOf: out.appendingPathComponent("01-state/figure-1.png"))
        XCTAssertNotNil(
            String(decoding: png, as: UTF8.self).range(of: "Source\u{0}01-state.md, cell 7"),
            "the PNG records the lesson and cell that made it")
        XCTAssertTrue(
            try page("02-bytes").contains("f\u{FFFD}\u{FFFD}o"),
            "bytes that are not UTF-8 become replacement characters")
        XCTAssertTrue(html.contains("id=\"no-alt-text\""), "a label names the cell's anchor")
        XCTAssertTrue(
            result.output.contains(
                "warning: Tests/LessonKitTests/Fixtures/good/01-state.md:47: figure 2 (cell 8) has no alt text"),
            result.output)
        XCTAssertTrue(html.contains("<strong>Warnings</strong>"), "the page lists its warnings")
        XCTAssertTrue(
            html.contains("<span class=\"label\">Out[12]</span><pre><span class=\"line\">3\n</span></pre>"),
            "an Optional shows its value")
        XCTAssertTrue(
            html.contains("<span class=\"label\">Out[13]</span><pre><span class=\"line\">nil\n</span></pre>"),
            "an empty Optional shows nil")
        XCTAssertFalse(html.contains("Optional("))
        XCTAssertNotNil(
            html.range(
                of:
                    #"<pre class="log"><span class="line">demo: epoch 1/2 - 3/3 - [^\n<]*\n</span><span class="line">demo: epoch 2/2 - 3/3 - [^\n<]*\n</span></pre>"#,
                options: .regularExpression),
            "the page keeps one line per epoch")
        XCTAssertFalse(html.contains("demo: 1/3"), "step lines are not kept on the page")
        // Its share when it started: the cores over the lessons running then (the other of the two
        // may have started before it, or not yet; ThreadShareTests follows a share as it changes).
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let shares = Set([max(1, cores / 2), cores])
        XCTAssertTrue(
            shares.contains { html.contains("threads: \($0)<") || html.contains("threads: \($0)\n") },
            "each lesson is told its share of the cores: \(shares)")
    }

    func testCacheHitMissAndForce() throws {
        let lessonsFolder = out.appendingPathComponent("src")
        try FileManager.default.createDirectory(at: lessonsFolder, withIntermediateDirectories: true)
        let lesson = lessonsFolder.appendingPathComponent("01-cached.md")
        try "# Cached\n\n```swift\nprint(\"run one\")\n```\n".write(to: lesson, atomically: true, encoding: .utf8)
        let site = out.appendingPathComponent("site").path
        XCTAssertFalse(
            try lessons(["build", "--lessons", lessonsFolder.path, "--out", site]).output.contains("not rerun"))
        XCTAssertTrue(
            try lessons(["build", "--lessons", lessonsFolder.path, "--out", site]).output.contains(
                "(unchanged, not rerun)"))
        try "# Cached\n\n```swift\nprint(\"run two\")\n```\n".write(to: lesson, atomically: true, encoding: .utf8)
        XCTAssertFalse(
            try lessons(["build", "--lessons", lessonsFolder.path, "--out", site]).output.contains("not rerun"),
            "an edit is a miss")
        XCTAssertTrue(try String(contentsOfFile: site + "/01-cached/index.html", encoding: .utf8).contains("run two"))
        XCTAssertFalse(
            try lessons(["build", "--force", "--lessons", lessonsFolder.path, "--out", site]).output.contains(
                "not rerun"))
        // The course's title is on every page: a new one rebuilds them.
        XCTAssertFalse(
            try lessons(["build", "--title", "Another course", "--lessons", lessonsFolder.path, "--out", site]).output
                .contains("not rerun"))
        XCTAssertTrue(
            try String(contentsOfFile: site + "/01-cached/index.html", encoding: .utf8).contains(
                "<title>Cached · Another course</title>"))
        XCTAssertTrue(
            try lessons(["build", "--title", "Another course", "--lessons", lessonsFolder.path, "--out", site]).output
                .contains("(unchanged, not rerun)"))
    }

    func testAFailedStepIsNamedAndLeavesOtherFoldersAlone() throws {
        let lessonsFolder = out.appendingPathComponent("src")
        try FileManager.default.createDirectory(at: lessonsFolder, withIntermediateDirectories: true)
        try "# Mine\n\n```swift\nprint(1)\n```\n".write(
            to: lessonsFolder.appendingPathComponent("01-mine.md"), atomically: true, encoding: .utf8)
        let site = out.appendingPathComponent("site")
        let theirs = site.appendingPathComponent("01-mine")
        try FileManager.default.createDirectory(at: theirs, withIntermediateDirectories: true)
        try "not the runner's".write(to: theirs.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        let result = try lessons(["build", "--lessons", lessonsFolder.path, "--out", site.path])
        XCTAssertEqual(result.status, 2, "a failure of the machinery, not of the lesson: \(result.output)")
        XCTAssertTrue(
            result.output.contains(
                """
                1 lesson could not be published:
                \(lessonsFolder.path)/01-mine.md: publish failed: refusing to replace \(theirs.path): it was not made by lessons (no .lessons-manifest inside)
                """), result.output)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: theirs.path), ["notes.txt"])
    }

    func testInterruptedBuildLeavesThePreviousPageWhole() throws {
        let lessonsFolder = out.appendingPathComponent("src")
        try FileManager.default.createDirectory(at: lessonsFolder, withIntermediateDirectories: true)
        let lesson = lessonsFolder.appendingPathComponent("01-slow.md")
        try "# Slow\n\n```swift\nprint(\"first version\")\n```\n".write(to: lesson, atomically: true, encoding: .utf8)
        let site = out.appendingPathComponent("site")
        try lessons(["build", "--lessons", lessonsFolder.path, "--out", site.path])
        let before = try String(contentsOf: site.appendingPathComponent("01-slow/index.html"), encoding: .utf8)
        try "# Slow\n\n```swift\nprint(\"second version\")\nsleep(60)\n```\n".write(
            to: lesson, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = ["build", "--lessons", lessonsFolder.path, "--out", site.path]
        process.currentDirectoryURL = Self.root
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        sleep(3)
        process.interrupt()
        process.waitUntilExit()
        XCTAssertEqual(
            try String(contentsOf: site.appendingPathComponent("01-slow/index.html"), encoding: .utf8), before)
    }

    func testCommandsRefuseBadInputClearly() throws {
        let unknown = try lessons([
            "build", "nosuch", "--lessons", "Tests/LessonKitTests/Fixtures/good", "--out", out.path,
        ])
        XCTAssertNotEqual(unknown.status, 0)
        XCTAssertTrue(unknown.output.contains("unknown lesson 'nosuch'; available: 01-state, 02-bytes"), unknown.output)
        let root = try lessons(["build", "--lessons", "Tests/LessonKitTests/Fixtures/good", "--out", "/"])
        XCTAssertNotEqual(root.status, 0)
        XCTAssertTrue(root.output.contains("refusing to write the course into /"), root.output)
        let home = try lessons(["clean", "--out", FileManager.default.homeDirectoryForCurrentUser.path])
        XCTAssertNotEqual(home.status, 0)
        // A machinery failure is its own message, not the usage text.
        let missing = try lessons(["build", "--lessons", "/nonexistent/lessons", "--out", out.path])
        XCTAssertEqual(missing.status, 2, missing.output)
        XCTAssertTrue(missing.output.hasPrefix("error: cannot read the folder /nonexistent/lessons"), missing.output)
        XCTAssertFalse(missing.output.contains("Usage:"), missing.output)
        XCTAssertEqual(root.status, 2)
        XCTAssertFalse(root.output.contains("Usage:"), root.output)
    }

    func testCleanRemovesOnlyWhatTheRunnerMade() throws {
        try lessons(["build", "01-state", "--lessons", "Tests/LessonKitTests/Fixtures/good", "--out", out.path])
        let mine = out.appendingPathComponent("notes.txt")
        try "keep me".write(to: mine, atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(
            at: out.appendingPathComponent("mine"), withIntermediateDirectories: true)
        let list = try lessons(["list", "--lessons", "Tests/LessonKitTests/Fixtures/good", "--out", out.path])
        XCTAssertTrue(list.output.contains("01-state") && list.output.contains("passed"), list.output)
        XCTAssertTrue(list.output.contains("02-bytes") && list.output.contains("not built"), list.output)
        let clean = try lessons(["clean", "--out", out.path])
        XCTAssertEqual(clean.status, 0)
        let left = try FileManager.default.contentsOfDirectory(atPath: out.path).sorted()
        XCTAssertEqual(left, ["mine", "notes.txt"])
    }

    func testRunStreamsCellsInOrder() throws {
        let result = try lessons(["run", "Tests/LessonKitTests/Fixtures/failures/01-trap.md", "--out", out.path])
        XCTAssertEqual(result.status, 1)
        let text = normalised(result.output)
        let first = text.range(of: "── In [1] Tests/LessonKitTests/Fixtures/failures/01-trap.md:7")
        let printed = text.range(of: "before the trap")
        let second = text.range(of: "── In [2] Tests/LessonKitTests/Fixtures/failures/01-trap.md:12")
        XCTAssertNotNil(first, text)
        XCTAssertNotNil(printed)
        XCTAssertNotNil(second)
        if let first, let printed, let second {
            XCTAssertTrue(first.upperBound < printed.lowerBound && printed.upperBound < second.lowerBound)
        }
        XCTAssertTrue(text.contains("✗ Tests/LessonKitTests/Fixtures/failures/01-trap.md:13: Index out of range"), text)
        XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent("01-trap/index.html").path))
    }
}
