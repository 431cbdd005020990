import Foundation
import XCTest

@testable import LessonKit

/// The `lessons` command as a user meets it: what `clean` removes and leaves, bad folders refused
/// before anything is written, partial builds without dead links, lesson names, flags and the
/// progress a build prints. Runs the built binary, like `EndToEndTests`.
final class CliTests: XCTestCase {
    var out: URL!
    let good = "Tests/LessonKitTests/Fixtures/good"

    override func setUpWithError() throws {
        out = FileManager.default.temporaryDirectory.appendingPathComponent("lessons-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        if case .failure(let why) = EndToEndTests.built {
            XCTFail(why.message)
            throw why
        }
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: out) }

    /// Runs `lessons` in the package root, stdout and stderr in one pipe (each line whole).
    @discardableResult
    func lessons(_ args: [String], environment: [String: String] = [:]) throws -> (status: Int32, output: String) {
        try LessonsBinary.run(args, environment: environment)
    }

    func normalised(_ text: String) -> String {
        text.replacingOccurrences(of: out.path, with: "OUT").replacingOccurrences(
            of: #"\d+\.\d+ s"#, with: "T", options: .regularExpression)
    }

    /// Every file and folder under `folder`, relative, folders ending in "/".
    func tree(_ folder: URL) -> [String] {
        let e = FileManager.default.enumerator(atPath: folder.path)
        var all: [String] = []
        while let path = e?.nextObject() as? String {
            var isDir: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: folder.appendingPathComponent(path).path, isDirectory: &isDir)
            all.append(path + (isDir.boolValue ? "/" : ""))
        }
        return all.sorted()
    }

    // MARK: 1. clean

    func testCleanRemovesOnlyWhatTheManifestsNameAndSaysWhatItLeft() throws {
        let site = out.appendingPathComponent("site")
        XCTAssertEqual(try lessons(["build", "01-state", "--lessons", good, "--out", site.path]).status, 0)
        try "mine".write(to: site.appendingPathComponent("01-state/mine.txt"), atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(
            at: site.appendingPathComponent("extra"), withIntermediateDirectories: true)
        try "theirs".write(to: site.appendingPathComponent("extra/notes.txt"), atomically: true, encoding: .utf8)
        // A rebuild swaps the page in, and what someone else put beside it moves along.
        XCTAssertEqual(try lessons(["build", "01-state", "--force", "--lessons", good, "--out", site.path]).status, 0)
        XCTAssertEqual(
            try String(contentsOf: site.appendingPathComponent("01-state/mine.txt"), encoding: .utf8), "mine")

        let clean = try lessons(["clean", "--out", site.path])
        XCTAssertEqual(clean.status, 0, clean.output)
        // How many files a page has (figures in two themes, the stored run) is not this test's
        // business; the tree below says exactly what is left.
        let said = clean.output.replacingOccurrences(of: site.path, with: "SITE")
            .replacingOccurrences(of: #"^Removed \d+ items"#, with: "Removed N items", options: .regularExpression)
        XCTAssertEqual(
            said,
            """
            Removed N items from SITE.
            Left 2 items lessons did not make:
              SITE/01-state/mine.txt
              SITE/extra/

            """)
        XCTAssertEqual(tree(site), ["01-state/", "01-state/mine.txt", "extra/", "extra/notes.txt"])
        let again = try lessons(["clean", "--out", site.path])
        XCTAssertEqual(
            again.output.replacingOccurrences(of: site.path, with: "SITE"),
            """
            Nothing to remove.
            Left 2 items lessons did not make:
              SITE/01-state/
              SITE/extra/

            """)
    }

    func testAFileNotInTheManifestSurvivesCleanEvenAtTheTop() throws {
        let site = out.appendingPathComponent("site")
        try FileManager.default.createDirectory(at: site, withIntermediateDirectories: true)
        try "<p>my own page</p>".write(to: site.appendingPathComponent("about.html"), atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(
            at: site.appendingPathComponent(".staging-01-x-ABC"), withIntermediateDirectories: true)
        let cleaning = try OutputFolder(site).clean()
        XCTAssertEqual(cleaning, OutputFolder.Cleaning(removed: [".staging-01-x-ABC/"], left: ["about.html"]))
    }

    // MARK: 2. bad folders

    func testBadFoldersAreOneLineErrorsThatWriteNothing() throws {
        let site = out.appendingPathComponent("site")
        try FileManager.default.createDirectory(at: site, withIntermediateDirectories: true)
        try "previous contents page".write(
            to: site.appendingPathComponent("index.html"), atomically: true, encoding: .utf8)
        let empty = out.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)

        let file = try lessons(["build", "--lessons", "\(good)/01-state.md", "--out", site.path])
        XCTAssertEqual(file.status, 64)
        XCTAssertEqual(
            file.output,
            "error: --lessons \(good)/01-state.md is a file, not a folder: pass the folder (--lessons \(good)) and the lesson's slug, or run the file with `lessons run \(good)/01-state.md`\n"
        )
        let none = try lessons(["build", "--lessons", empty.path, "--out", site.path])
        XCTAssertEqual(none.status, 64)
        XCTAssertEqual(none.output, "error: no lessons in \(empty.path): a lesson is a file named like 01-intro.md\n")
        for command in ["build", "run 01-state", "list", "clean"] {
            let noOut = try lessons(command.split(separator: " ").map(String.init) + ["--lessons", good, "--out", ""])
            XCTAssertEqual(noOut.status, 64, command)
            XCTAssertEqual(
                noOut.output, "error: --out is empty: name the folder the pages go to (default: output)\n", command)
        }
        XCTAssertEqual(tree(site), ["index.html"])
        XCTAssertEqual(
            try String(contentsOf: site.appendingPathComponent("index.html"), encoding: .utf8), "previous contents page"
        )
        XCTAssertEqual(tree(empty), [])
    }

    // MARK: 3. partial builds

    func testAPartialBuildLeavesNoDeadLink() throws {
        let site = out.appendingPathComponent("site")
        let result = try lessons(["build", "02-bytes", "--lessons", good, "--out", site.path])
        XCTAssertEqual(result.status, 0, result.output)
        let notBuilt = try String(contentsOf: site.appendingPathComponent("01-state/index.html"), encoding: .utf8)
        XCTAssertTrue(notBuilt.contains("This lesson is not built yet."), notBuilt)
        XCTAssertTrue(notBuilt.contains("swift run lessons build 01-state"))
        XCTAssertFalse(
            FileManager.default.fileExists(atPath: site.appendingPathComponent("01-state/.lesson.json").path),
            "no record: list says not built")
        XCTAssertTrue(try lessons(["list", "--lessons", good, "--out", site.path]).output.contains("not built"))
        // Every local link of every page points at a file that is there.
        var links = 0
        for page in tree(site) where page.hasSuffix(".html") {
            let html = try String(contentsOf: site.appendingPathComponent(page), encoding: .utf8)
            let regex = try NSRegularExpression(pattern: ##"(?:href|src)="([^"#]+)"##)
            for match in regex.matches(in: html, range: NSRange(html.startIndex..., in: html)) {
                let target = String(html[Range(match.range(at: 1), in: html)!])
                let resolved = site.appendingPathComponent(page).deletingLastPathComponent().appendingPathComponent(
                    target
                ).standardizedFileURL
                XCTAssertTrue(
                    FileManager.default.fileExists(atPath: resolved.path),
                    "\(page) links to \(target), which is not there")
                links += 1
            }
        }
        XCTAssertGreaterThan(links, 4)
        // Building the lesson replaces its placeholder.
        XCTAssertEqual(try lessons(["build", "01-state", "--lessons", good, "--out", site.path]).status, 0)
        XCTAssertFalse(
            try String(contentsOf: site.appendingPathComponent("01-state/index.html"), encoding: .utf8).contains(
                "not built yet"))
    }

    // MARK: 4. progress

    func testABuildLogsEachLessonsCellsAndPrintsResultsInLessonOrder() throws {
        let result = try lessons(["build", "--lessons", good, "--out", out.path, "--jobs", "2"])
        XCTAssertEqual(result.status, 0, result.output)
        let lines = normalised(result.output).components(separatedBy: "\n")
        // In a log (stderr is not a terminal) each change is one plain line, no escapes.
        XCTAssertFalse(result.output.contains("\u{1B}"), result.output)
        for expected in [
            "01-state: compiling (T)", "01-state: cell 1 of 15 (T)", "01-state: cell 15 of 15 (T)",
            "02-bytes: compiling (T)", "02-bytes: cell 1 of 1 (T)",
        ] {
            XCTAssertTrue(lines.contains(expected), "\(expected) in\n\(result.output)")
        }
        let first = try XCTUnwrap(lines.firstIndex(of: "[1/2] 01-state: ok T"), result.output)
        let second = try XCTUnwrap(lines.firstIndex(of: "[2/2] 02-bytes: ok T"), result.output)
        XCTAssertLessThan(first, second, "results in lesson order, whichever finished first")
        XCTAssertLessThan(try XCTUnwrap(lines.firstIndex(of: "01-state: cell 15 of 15 (T)")), first)
        XCTAssertEqual(lines.last { !$0.isEmpty }, "All 2 lessons built; no cell failed.")
    }

    /// On a terminal (a pseudo-terminal from util-linux's `script`) the status lines are redrawn
    /// in place and results are coloured; `NO_COLOR` keeps the redrawing and drops the colours.
    func testOnATerminalStatusLinesAreRedrawnAndNoColorIsHonoured() throws {
        let script = try XCTUnwrap(Toolchain.findExecutable("script"), "util-linux's script is needed for a terminal")
        func onTerminal(_ noColor: Bool) throws -> String {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: script)
            let command = [
                EndToEndTests.binary.path, "build", "--force", "--lessons", good, "--out", out.path, "-j", "2",
            ].joined(separator: " ")
            process.arguments = ["-qec", command, "/dev/null"]
            process.currentDirectoryURL = EndToEndTests.root
            var environment = ProcessInfo.processInfo.environment
            environment["NO_COLOR"] = noColor ? "1" : nil
            process.environment = environment
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardInput = FileHandle.nullDevice
            try process.run()
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            XCTAssertEqual(process.terminationStatus, 0)
            return String(decoding: data, as: UTF8.self)
        }
        let coloured = try onTerminal(false)
        XCTAssertTrue(coloured.contains("\u{1B}[32mok\u{1B}[0m"), coloured)
        XCTAssertTrue(coloured.contains("01-state: cell 15 of 15"), coloured)
        XCTAssertTrue(
            coloured.contains("\u{1B}[1A\r\u{1B}[J"), "status lines are taken away before a result: \(coloured)")
        XCTAssertFalse(coloured.contains("\n01-state: cell"), "no plain log lines on a terminal")
        let plain = try onTerminal(true)
        XCTAssertNil(
            plain.range(of: "\u{1B}\\[[0-9;]*m", options: .regularExpression), "no colour with NO_COLOR: \(plain)")
        XCTAssertTrue(plain.contains("\u{1B}[1A\r\u{1B}[J") && plain.contains("[1/2] 01-state: ok"), plain)
    }

    // MARK: 5. run's terminal

    func testACrashIsSaidOnceUnderItsCellWithTheLessonsFramesAndTheCellsItStopped() throws {
        let result = try lessons(["run", "Tests/LessonKitTests/Fixtures/failures/01-trap.md", "--out", out.path])
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(
            normalised(result.output),
            """
            ── In [1] Tests/LessonKitTests/Fixtures/failures/01-trap.md:7
            before the trap
              (T)
            ── In [2] Tests/LessonKitTests/Fixtures/failures/01-trap.md:12
            about to read past the end
            ✗ Tests/LessonKitTests/Fixtures/failures/01-trap.md:13: Index out of range (column 15)
              at 01-trap.md:13:15
            Not run because cell 2 failed: cell 3.
            01-trap: FAILED in T; page: OUT/01-trap/index.html

            """)
    }

    func testEveryCompileErrorOfACellIsSaidInItsPlace() throws {
        let result = try lessons(["run", "Tests/LessonKitTests/Fixtures/cli/01-three-errors.md", "--out", out.path])
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(
            normalised(result.output),
            """
            ── In [1] Tests/LessonKitTests/Fixtures/cli/01-three-errors.md:4
            a is 1
              (T)
            ── In [2] Tests/LessonKitTests/Fixtures/cli/01-three-errors.md:9
            ✗ Tests/LessonKitTests/Fixtures/cli/01-three-errors.md:9: 3 compile errors, the first: cannot convert value of type 'String' to specified type 'Int' (column 14)
            01-three-errors.md:9:14: error: cannot convert value of type 'String' to specified type 'Int'
            01-three-errors.md:10:17: error: cannot convert value of type 'Int' to specified type 'String'
            01-three-errors.md:11:9: error: cannot find 'undefinedName' in scope
            Not run because cell 2 failed: cells 3, 4.
            01-three-errors: FAILED in T; page: OUT/01-three-errors/index.html

            """)
        let page = try String(contentsOf: out.appendingPathComponent("01-three-errors/index.html"), encoding: .utf8)
        for line in [
            "9:14: error: cannot convert value of type &#39;String&#39;",
            "10:17: error: cannot convert value of type &#39;Int&#39;",
            "11:9: error: cannot find &#39;undefinedName&#39;",
        ] {
            XCTAssertTrue(page.contains(line), line)
        }
    }

    func testAnExpectedFailureIsOneLineAndACutOutputIsSaid() throws {
        let result = try lessons(["run", "\(good)/01-state.md", "--out", out.path])
        XCTAssertEqual(result.status, 0, result.output)
        let text = normalised(result.output)
        XCTAssertTrue(
            text.contains(
                """
                ── In [9] Tests/LessonKitTests/Fixtures/good/01-state.md:52
                ✓ failed as expected: Tensor: index [9, 9] out of range for shape [2, 2] T
                ── In [11]
                """), text)
        XCTAssertFalse(text.contains("Backtrac"), "no backtrace for a failure that was asked for")
        XCTAssertFalse(text.contains("Fatal error"), text)
        XCTAssertTrue(
            text.contains(
                "[output cut here: the cell printed more than 200 kB]\n  (output cut: the cell printed more than the page keeps)\n"
            ), text)
    }

    func testCtrlCLeavesNoProgramTemporaryFolderOrHalfPageBehind() throws {
        let slug = "01-interrupt\(UInt32.random(in: 0...UInt32.max))"
        let folder = out.appendingPathComponent("src")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try "# Slow\n\n```swift\nprint(\"started\")\nsleep(120)\n```\n".write(
            to: folder.appendingPathComponent("\(slug).md"), atomically: true, encoding: .utf8)
        let site = out.appendingPathComponent("site")
        let process = Process()
        process.executableURL = EndToEndTests.binary
        process.arguments = ["build", "--lessons", folder.path, "--out", site.path]
        process.currentDirectoryURL = EndToEndTests.root
        let log = out.appendingPathComponent("log.txt")
        XCTAssertTrue(FileManager.default.createFile(atPath: log.path, contents: nil))
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        // Wait until the lesson's program runs its cell: compiled, in its temporary folder.
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline,
            !((try? String(contentsOf: log, encoding: .utf8)) ?? "").contains("\(slug): cell 1 of 1")
        { usleep(100_000) }
        let temporary = {
            (try? FileManager.default.contentsOfDirectory(atPath: FileManager.default.temporaryDirectory.path)) ?? []
        }
        XCTAssertEqual(
            temporary().filter { $0.hasPrefix("lesson-\(slug)-") }.count, 1, "the lesson runs from its temporary folder"
        )
        XCTAssertEqual(
            try FileManager.default.contentsOfDirectory(atPath: site.path).filter { $0.hasPrefix(".staging-") }.count, 1
        )
        process.interrupt()
        process.waitUntilExit()
        try handle.close()
        XCTAssertEqual(process.terminationStatus, 130)
        XCTAssertTrue(
            try String(contentsOf: log, encoding: .utf8).contains(
                "Interrupted: stopped the running lessons and removed 2 unfinished folders; published pages are as they were.\n"
            ))
        XCTAssertEqual(temporary().filter { $0.hasPrefix("lesson-\(slug)-") }, [], "no /tmp/lesson-* left")
        XCTAssertEqual(tree(site), [], "no staging folder, no half page, no contents page")
        // No process runs the lesson's program any more.
        let programs = try FileManager.default.contentsOfDirectory(atPath: "/proc").filter { Int($0) != nil }.filter {
            pid in
            (FileManager.default.contents(atPath: "/proc/\(pid)/cmdline").map { String(decoding: $0, as: UTF8.self) }
                ?? "").contains("lesson-\(slug)-")
        }
        XCTAssertEqual(programs, [])
    }

    // MARK: 6. names

    func testLessonNamesNumbersDuplicatesAndAmbiguity() throws {
        let result = try lessons([
            "build", "2", "02-bytes", "bytes", "BYT", "-j1", "--lessons", good, "--out", out.path,
        ])
        XCTAssertEqual(result.status, 0, result.output)
        let text = normalised(result.output)
        XCTAssertEqual(
            text.components(separatedBy: "02-bytes: compiling").count - 1, 1, "named four times, run once:\n\(text)")
        XCTAssertTrue(
            text.hasSuffix("[1/1] 02-bytes: ok T\nBuilt into OUT/index.html in T.\n1 lesson built; no cell failed.\n"),
            text)

        let folder = out.appendingPathComponent("src")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for name in ["01-pool", "02-pooling", "03-padding"] {
            try "# \(name)\n".write(to: folder.appendingPathComponent("\(name).md"), atomically: true, encoding: .utf8)
        }
        XCTAssertEqual(
            CoursePublisher.candidates(for: "pool", in: ["01-pool", "02-pooling", "03-padding"]), ["01-pool"],
            "a whole name wins over a prefix")
        XCTAssertEqual(
            CoursePublisher.candidates(for: "3", in: ["01-pool", "02-pooling", "03-padding"]), ["03-padding"])
        XCTAssertEqual(
            CoursePublisher.candidates(for: "p", in: ["01-pool", "02-pooling", "03-padding"]),
            ["01-pool", "02-pooling", "03-padding"])
        let ambiguous = try lessons(["run", "poo", "--lessons", folder.path, "--out", out.path])
        XCTAssertEqual(ambiguous.status, 64)
        XCTAssertEqual(
            ambiguous.output,
            """
            error: lesson 'poo' is ambiguous; it could be: 01-pool, 02-pooling
            Usage: lessons run <lesson> [--lessons <lessons>] [--out <out>] [--course <course>] [--title <title>]

            """)
        let unknown = try lessons(["build", "nosuch", "--lessons", folder.path, "--out", out.path])
        XCTAssertEqual(unknown.status, 64)
        XCTAssertEqual(
            unknown.output,
            """
            error: unknown lesson 'nosuch'; available: 01-pool, 02-pooling, 03-padding
            Usage: lessons build [<slugs> ...] [--lessons <lessons>] [--out <out>] [--course <course>] [--title <title>] [--force] [--jobs <jobs>]

            """)
        let missing = try lessons(["run", "nosuch.md", "--lessons", folder.path, "--out", out.path])
        XCTAssertEqual(missing.status, 64)
        XCTAssertEqual(
            missing.output,
            """
            error: no lesson file at nosuch.md
            Usage: lessons run <lesson> [--lessons <lessons>] [--out <out>] [--course <course>] [--title <title>]

            """)
        XCTAssertFalse(
            FileManager.default.fileExists(atPath: out.appendingPathComponent("01-pool").path),
            "a wrong name writes nothing")
    }

    // MARK: 7. flags

    func testVersionJobsHelpAndBadJobs() throws {
        let version = try lessons(["--version"])
        XCTAssertEqual(version.status, 0)
        XCTAssertEqual(version.output, "lessons 1.0 (pages: \(CoursePublisher.formatVersion))\n")
        let help = try lessons(["build", "--help"]).output
        let jobs = help.components(separatedBy: "-j, --jobs <jobs>").dropFirst().first ?? ""
        let jobsHelp = jobs.components(separatedBy: "\n  -").first ?? ""
        XCTAssertEqual(jobsHelp.components(separatedBy: "default").count - 1, 1, "the default is said once:\n\(help)")
        for bad in [["-j", "-3"], ["--jobs", "-3"], ["--jobs=0"]] {
            let result = try lessons(["build"] + bad + ["--lessons", good, "--out", out.path])
            XCTAssertEqual(result.status, 64, bad.joined(separator: " "))
            XCTAssertTrue(
                result.output.hasPrefix("Error: --jobs must be at least 1 (got \(bad.count == 2 ? "-3" : "0"))\n"),
                result.output)
        }
        XCTAssertEqual(tree(out), [], "nothing written")
    }
}
