import Foundation
import LessonWire
import XCTest

@testable import LessonKit

/// The executor's parts, each on its own: no compiler, no child process.
final class CellRecorderTests: XCTestCase {
    let framing = WireFraming(tag: "tag")
    let path = "/x/01-demo.md"

    func cells(_ specs: [(fence: Int, code: String, options: CellOptions)]) -> [Cell] {
        specs.enumerated().map {
            Cell(number: $0.offset + 1, fenceLine: $0.element.fence, code: $0.element.code, options: $0.element.options)
        }
    }

    func recorder(_ cells: [Cell], timeout: Double = 600) -> CellRecorder {
        CellRecorder(cells: cells, framing: framing, sourcePath: path, defaultTimeout: timeout)
    }

    func send(_ r: inout CellRecorder, _ event: WireEvent, stream: CellRecorder.Stream = .standardOutput) -> [RunEvent]
    {
        r.feed(framing.encode(event), from: stream)
    }

    func testOutputGoesToTheCellThatIsRunning() {
        let c = cells([(1, "print(1)", CellOptions()), (5, "print(2)", CellOptions())])
        var r = recorder(c)
        _ = send(&r, .cellStart(cell: 1))
        _ = send(&r, .cellStart(cell: 1), stream: .standardError)
        _ = r.feed("one", from: .standardOutput)
        _ = r.feed("warn", from: .standardError)
        _ = r.feed("two", from: .standardOutput)
        _ = send(&r, .display(text: "Out"))
        _ = send(&r, .cellEnd(cell: 1, seconds: 0.5))
        _ = send(&r, .cellStart(cell: 2))
        _ = r.feed("three", from: .standardOutput)
        _ = send(&r, .cellEnd(cell: 2, seconds: 0.1))
        let results = r.ordered
        XCTAssertEqual(results[0].status, .passed)
        XCTAssertEqual(results[0].outputs, [.text("one\n"), .errorText("warn\n"), .text("two\n"), .display("Out")])
        XCTAssertEqual(results[0].seconds, 0.5)
        XCTAssertEqual(results[1].outputs, [.text("three\n")])
    }

    func testAMalformedOrUnknownEventFailsItsCell() {
        let c = cells([(1, "a", CellOptions()), (4, "b", CellOptions())])
        var r = recorder(c)
        _ = send(&r, .cellStart(cell: 1))
        _ = send(&r, .cellEnd(cell: 1, seconds: 0))
        _ = send(&r, .cellStart(cell: 2))
        _ = r.feed(framing.prefix + #"{"sparkle":{}}"#, from: .standardOutput)
        _ = send(&r, .cellEnd(cell: 2, seconds: 0))
        XCTAssertEqual(r.ordered[0].status, .passed)
        guard let failure = r.ordered[1].status.failure else { return XCTFail("an unknown event must fail its cell") }
        XCTAssertEqual(failure.cell, 2)
        XCTAssertEqual(failure.line, 5)
        XCTAssertTrue(
            failure.message.hasPrefix("cell 2: unreadable message from the lesson program (unknown event"),
            failure.message)
    }

    func testEventsOutsideAnyCellOrForUnknownCellsAreErrors() {
        let c = cells([(1, "a", CellOptions())])
        var r = recorder(c)
        _ = send(&r, .display(text: "early"))
        XCTAssertEqual(
            r.ordered[0].status.failure?.message, "the lesson program sent display(text: \"early\") outside any cell")
        var s = recorder(c)
        _ = send(&s, .cellStart(cell: 9))
        XCTAssertEqual(
            s.ordered[0].status.failure?.message, "the lesson program started cell 9, which it does not have")
    }

    func testProgressKeepsOneLinePerEpochAndStreamsSteps() {
        let c = cells([(1, "fit", CellOptions())])
        var r = recorder(c)
        _ = send(&r, .cellStart(cell: 1))
        let live = send(&r, .progress(text: "50/100", step: .batch))
        guard case .liveProgress(_, let text)? = live.first else { return XCTFail("a step line is streamed") }
        XCTAssertEqual(text, "50/100")
        _ = send(&r, .progress(text: "epoch 1/2", step: .epoch))
        _ = send(&r, .progress(text: "75/100", step: .batch))
        _ = send(&r, .progress(text: "epoch 2/2", step: .epoch))
        XCTAssertEqual(r.ordered[0].outputs, [.progress(["epoch 1/2", "epoch 2/2"])])
    }

    func testFigureTakesCaptionAndAltFromTheCellOptions() {
        var options = CellOptions()
        options.figureCaption = "from options"
        options.figureAlt = "alt from options"
        var r = recorder(cells([(1, "show(x)", options)]))
        _ = send(&r, .cellStart(cell: 1))
        _ = send(&r, .figure(FigureOutput(file: "f.png", caption: "own", width: 1, height: 1)))
        XCTAssertEqual(
            r.ordered[0].outputs,
            [.figure(FigureOutput(file: "f.png", caption: "own", alt: "alt from options", width: 1, height: 1))])
    }

    func testErrorEventKeepsItsLineInsideTheCell() {
        var r = recorder(cells([(10, "let a = 1\nexpect(a == 2, \"two\")", CellOptions())]))
        _ = send(&r, .cellStart(cell: 1))
        _ = send(&r, .expect(passed: false, claim: "two", line: 12, found: "1"))
        _ = send(&r, .error(message: "expectation failed: two (found 1)", line: 12))
        _ = r.finish(.exited(3), timedOut: nil)
        XCTAssertEqual(
            r.ordered[0].status,
            .failed(CellFailure(cell: r.ordered[0].cell, line: 12, kind: .expectation(claim: "two", found: "1"))))
        XCTAssertEqual(r.ordered[0].status.failure?.message, "expectation failed: two (found 1)")
        XCTAssertEqual(r.ordered[0].status.failure?.cellLines, 11...12)
    }

    func testAnErrorWithoutAFailedExpectIsTheProgramsOwn() {
        var r = recorder(cells([(10, "show(t)", CellOptions())]))
        _ = send(&r, .cellStart(cell: 1))
        _ = send(&r, .expect(passed: false, claim: "elsewhere", line: 30, found: nil))
        _ = send(&r, .error(message: "show: cannot write figure-1.png", line: nil))
        _ = r.finish(.exited(3), timedOut: nil)
        XCTAssertEqual(r.ordered[0].status.failure?.kind, .programError("show: cannot write figure-1.png"))
        XCTAssertEqual(r.ordered[0].status.failure?.line, 11)
    }

    func testCrashIsReadOnceFromTheCellsStderr() {
        let c = cells([
            (6, "print(1)", CellOptions()), (10, "print(\"x\")\nlet v = values[7]", CellOptions()),
            (14, "never", CellOptions()),
        ])
        var r = recorder(c)
        _ = send(&r, .cellStart(cell: 1))
        _ = send(&r, .cellEnd(cell: 1, seconds: 0))
        _ = send(&r, .cellStart(cell: 2))
        _ = send(&r, .cellStart(cell: 2), stream: .standardError)
        for line in [
            "x", "Fatal error: Index out of range", "swift-runtime: failed to suspend thread 7", "",
            "💣 Program crashed: Illegal instruction at 0x1", "Thread 0 crashed:",
            "0 [ra] 0x2 in lesson at /x/01-demo.md:12:15", "1 [ra] 0x3 in libswiftCore",
        ] {
            _ = r.feed(line, from: .standardError)
        }
        let events = r.finish(.signal(4), timedOut: nil)
        let crashed = r.ordered[1]
        XCTAssertEqual(
            crashed.status.failure,
            CellFailure(
                cell: c[1], line: 12, column: 15,
                kind: .trap(
                    Crash(
                        message: "Index out of range",
                        frames: [SourceLocation(file: "01-demo.md", line: 12, column: 15)], stderr: "x\n"))))
        XCTAssertEqual(crashed.status.failure?.text, "Index out of range (column 15)")
        XCTAssertEqual(
            crashed.outputs,
            [.errorText("x\nFatal error: Index out of range\nBacktrace, the lesson's frames:\n  at 01-demo.md:12:15\n")]
        )
        XCTAssertEqual(r.ordered[2].status, .notRun)
        guard case .cellFinished? = events.first else { return XCTFail("the crashed cell is reported finished") }
    }

    func testTimeoutNamesTheCellAndItsLimit() {
        var options = CellOptions()
        options.timeout = 1
        var r = recorder(cells([(3, "while true {}", options)]))
        let start = Date()
        _ = r.feed(framing.encode(.cellStart(cell: 1)), from: .standardOutput, at: start)
        XCTAssertNil(r.clock.overdue(at: start.addingTimeInterval(0.5)))
        let overdue = r.clock.overdue(at: start.addingTimeInterval(1.5))
        XCTAssertEqual(overdue?.cell, 1)
        _ = r.finish(.signal(9), timedOut: overdue)
        XCTAssertEqual(
            r.ordered[0].status.failure?.message,
            "timed out after 1.00 s (cell 1; raise it with '//| timeout: <seconds>')")
        XCTAssertEqual(r.ordered[0].status.failure?.line, 4)
    }

    func testExpectedFailureTakesTheChildsMessage() {
        var options = CellOptions()
        options.expect = .error
        var r = recorder(cells([(1, "t[9, 9]", options), (4, "print(2)", options)]))
        _ = send(&r, .cellStart(cell: 1))
        _ = send(&r, .cellStart(cell: 1), stream: .standardError)
        _ = r.feed("CNN/Tensor.swift:50: Fatal error: index out of range", from: .standardError)
        _ = send(&r, .cellEnd(cell: 1, seconds: 0))
        _ = send(&r, .cellStart(cell: 2))
        _ = send(&r, .unexpectedSuccess)
        _ = r.finish(.exited(3), timedOut: nil)
        XCTAssertEqual(r.ordered[0].status, .failedAsExpected("index out of range"))
        XCTAssertEqual(
            r.ordered[1].status.failure?.message,
            "the cell was expected to fail ('expect: error') but ran without error")
    }
}

final class ExecutorPartTests: XCTestCase {
    func testOutputBudgetCutsOncePerCell() {
        var budget = OutputBudget(bytesPerCell: 10)
        XCTAssertEqual(budget.admit("12345", cell: 1), "12345")
        XCTAssertEqual(budget.admit("6789abc", cell: 1), "6789a\n[output cut here: the cell printed more than 0 kB]\n")
        XCTAssertNil(budget.admit("more", cell: 1))
        XCTAssertEqual(budget.admit("other", cell: 2), "other", "each cell has its own budget")
    }

    func testCrashReportWithoutAMessageNamesTheSignal() {
        let report = CrashReport(stderr: "", sourcePath: "/x/a.md", lines: 3...4, termination: .signal(11))
        XCTAssertEqual(report.message, "crashed with signal 11 (SIGSEGV)")
        XCTAssertNil(report.line)
        XCTAssertEqual(
            CrashReport(stderr: "", sourcePath: "/x/a.md", lines: 3...4, termination: .exited(7)).message,
            "the program exited with status 7")
        // A frame outside the cell is not the cell's line.
        XCTAssertNil(
            CrashReport(stderr: "0 in f at /x/a.md:40:2", sourcePath: "/x/a.md", lines: 3...4, termination: .signal(4))
                .line)
        XCTAssertEqual(
            CrashReport.message(in: "Error raised at top level: lesson.Oops()\n"),
            "Error raised at top level: lesson.Oops()")
        XCTAssertEqual(CrashReport.shortened("plain\ntext\n"), "plain\ntext\n")
    }

    func testLineReaderSplitsLinesAndKeepsTheLastOne() throws {
        let pipe = Pipe()
        let writer = pipe.fileHandleForWriting
        writer.write(Data("a\nb".utf8))
        writer.write(Data("c\n\nd".utf8) + Data([0xFF]))
        try writer.close()
        var lines: [String] = []
        LineReader.readLines(pipe.fileHandleForReading) { lines.append($0) }
        XCTAssertEqual(lines, ["a", "bc", "", "d\u{FFFD}"])
    }

    func testThreadsShareTheCores() {
        XCTAssertEqual(CoursePublisher.threadsPerLesson(cores: 8, jobs: 2, lessons: 11), 4)
        XCTAssertEqual(CoursePublisher.threadsPerLesson(cores: 8, jobs: 8, lessons: 1), 8, "one lesson gets every core")
        XCTAssertEqual(CoursePublisher.threadsPerLesson(cores: 2, jobs: 4, lessons: 11), 1, "never below one")
        XCTAssertEqual(CoursePublisher.threadsPerLesson(cores: 6, jobs: 4, lessons: 11), 1)
    }
}

/// The whole executor against a small shell script that speaks the wire: a real child process
/// and real pipes, no compiler.
final class ExecutorTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("executor-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    /// A script; `event NAME JSON` writes a tagged line on stdout, `both JSON` on both streams.
    func script(_ body: String) throws -> URL {
        let file = folder.appendingPathComponent("program.sh")
        try """
        #!/bin/sh
        event() { printf '\\036%s %s\\n' "$LESSON_RUN_TAG" "$1"; }
        both() { event "$1"; event "$1" >&2; }
        \(body)
        """.write(to: file, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: file.path)
        return file
    }

    func cells(_ n: Int, timeout: Double? = nil) -> [Cell] {
        var options = CellOptions()
        options.timeout = timeout
        return (1...n).map { Cell(number: $0, fenceLine: $0 * 10, code: "code", options: options) }
    }

    final class Heard: Sendable {
        let events = Locked<[String]>([])
        func record(_ event: RunEvent) {
            let text: String
            switch event {
            case .cellStarted(let cell): text = "start \(cell.number)"
            case .output(let cell, let output): text = "output \(cell.number) \(output)"
            case .liveProgress(let cell, let line): text = "live \(cell.number) \(line)"
            case .cellFinished(let result): text = "finished \(result.cell.number)"
            }
            events.withLock { $0.append(text) }
        }
    }

    func testEventsTextCrashAndOrderThroughRealPipes() throws {
        let program = try script(
            """
            both '{"cellStart":{"cell":1}}'
            echo "hello"
            echo "to stderr" >&2
            event '{"display":{"text":"42"}}'
            event '{"progress":{"text":"5/10","step":"batch"}}'
            both '{"cellEnd":{"cell":1,"seconds":0.5}}'
            both '{"cellStart":{"cell":2}}'
            event '{"display":{"text":"unterminated'
            echo "Fatal error: Index out of range" >&2
            kill -ILL $$
            """)
        let heard = Heard()
        let executor = Executor(
            cells: cells(3), sourcePath: "/x/a.md", defaultTimeout: 60, environment: [LessonEnvironment.threads: "1"])
        let results = executor.run(program, figureDirectory: folder, workingDirectory: folder, onEvent: heard.record)
        XCTAssertEqual(results[0].status, .passed)
        // Each stream keeps its order; how the two interleave depends on the two reader threads.
        XCTAssertEqual(
            results[0].outputs.filter { if case .errorText = $0 { return false } else { return true } },
            [.text("hello\n"), .display("42")])
        XCTAssertTrue(results[0].outputs.contains(.errorText("to stderr\n")))
        XCTAssertEqual(results[0].seconds, 0.5)
        // The malformed line is the cell's first failure; the crash after it does not replace it.
        XCTAssertEqual(results[1].status.failure?.cell, 2)
        XCTAssertTrue(
            results[1].status.failure?.message.hasPrefix(
                "cell 2: unreadable message from the lesson program (not JSON)") == true, "\(results[1].status)")
        XCTAssertEqual(results[2].status, .notRun)
        let events = heard.events.withLock { $0 }
        XCTAssertEqual(events.first { !$0.contains("errorText") }, "start 1")
        XCTAssertTrue(events.contains("live 1 5/10"))
        XCTAssertEqual(events.filter { $0.hasPrefix("finished") }, ["finished 1", "finished 2"])
        XCTAssertLessThan(events.firstIndex(of: "finished 1")!, events.firstIndex(of: "start 2")!, "delivered in order")
    }

    func testACrashWithoutMessagesNamesTheSignal() throws {
        let program = try script(
            """
            both '{"cellStart":{"cell":1}}'
            kill -SEGV $$
            """)
        let results = Executor(cells: cells(1), sourcePath: "/x/a.md", defaultTimeout: 60, environment: [:])
            .run(program, figureDirectory: folder, workingDirectory: folder, onEvent: { _ in })
        XCTAssertEqual(results[0].status.failure?.message, "crashed with signal 11 (SIGSEGV)")
        XCTAssertEqual(results[0].status.failure?.line, 11)
    }

    func testATimedOutCellIsKilledAndNamed() throws {
        let program = try script(
            """
            both '{"cellStart":{"cell":1}}'
            echo "looping"
            sleep 30
            """)
        let start = Date()
        let results = Executor(
            cells: cells(1, timeout: 0.5), sourcePath: "/x/a.md", defaultTimeout: 60, environment: [:]
        )
        .run(program, figureDirectory: folder, workingDirectory: folder, onEvent: { _ in })
        // `sleep` is the script's own child: it is killed with it, or it would hold the pipes.
        XCTAssertLessThan(Date().timeIntervalSince(start), 10, "the program was killed, not waited for")
        XCTAssertEqual(
            results[0].status.failure?.message,
            "timed out after 0.50 s (cell 1; raise it with '//| timeout: <seconds>')")
        XCTAssertEqual(results[0].outputs, [.text("looping\n")])
    }

    func testTheProgramSeesItsEnvironment() throws {
        let program = try script(
            """
            both '{"cellStart":{"cell":1}}'
            echo "threads=$LESSON_THREADS source=$LESSON_SOURCE figures=$LESSON_FIGURE_DIR"
            both '{"cellEnd":{"cell":1,"seconds":0}}'
            """)
        let results = Executor(
            cells: cells(1), sourcePath: "/x/01-a.md", defaultTimeout: 60, environment: [LessonEnvironment.threads: "3"]
        )
        .run(program, figureDirectory: folder, workingDirectory: folder, onEvent: { _ in })
        XCTAssertEqual(results[0].outputs, [.text("threads=3 source=01-a.md figures=\(folder.path)\n")])
    }
}

final class LinkFileListTests: XCTestCase {
    /// SwiftPM's object list is read once, and again only after SwiftPM wrote it anew (its time
    /// or its size moved).
    func testTheListIsReadOnceUntilItChanges() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent(
            "link-\(UUID().uuidString).LinkFileList")
        defer { try? FileManager.default.removeItem(at: file) }
        let list = LinkFileList()
        XCTAssertNil(list.objects(in: file), "no list: nothing linked yet")
        let written = Date(timeIntervalSince1970: 1_000_000)
        try "\"/b/CNN.build/a.o\"\n'/b/Notebook.build/b.o'\n".write(to: file, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.modificationDate: written], ofItemAtPath: file.path)
        XCTAssertEqual(list.objects(in: file)?.map(\.path), ["/b/CNN.build/a.o", "/b/Notebook.build/b.o"])
        // Other text of the same size under the same time: the list read before stands.
        try "\"/b/CNN.build/c.o\"\n'/b/Notebook.build/d.o'\n".write(to: file, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.modificationDate: written], ofItemAtPath: file.path)
        XCTAssertEqual(list.objects(in: file)?.map(\.lastPathComponent), ["a.o", "b.o"])
        try FileManager.default.setAttributes(
            [.modificationDate: written.addingTimeInterval(1)], ofItemAtPath: file.path)
        XCTAssertEqual(list.objects(in: file)?.map(\.path), ["/b/CNN.build/c.o", "/b/Notebook.build/d.o"])
        // A list of another size is read again, whatever its time.
        try "\"/b/CNN.build/e.o\"\n".write(to: file, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes(
            [.modificationDate: written.addingTimeInterval(1)], ofItemAtPath: file.path)
        XCTAssertEqual(list.objects(in: file)?.map(\.path), ["/b/CNN.build/e.o"])
    }
}
