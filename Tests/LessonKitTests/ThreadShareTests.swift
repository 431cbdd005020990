import Foundation
import XCTest

@testable import LessonKit

/// The build shares the cores among the lessons running at once, and a lesson's share grows as
/// the others end (`ThreadShare`, `NotebookRuntime.followThreadShare`).
final class ThreadShareTests: XCTestCase {
    func testSharesAreRewrittenAsProgramsJoinAndLeave() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("share-\(UUID().uuidString)")
        let a = folder.appendingPathComponent("a")
        let b = folder.appendingPathComponent("b")
        try FileManager.default.createDirectory(at: a, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: b, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        func read(_ file: URL) throws -> String { try String(contentsOf: file, encoding: .utf8) }
        let share = ThreadShare(cores: 4)
        let first = share.join(in: a)
        XCTAssertEqual(first.threads, 4)
        let second = share.join(in: b)
        XCTAssertEqual(second.threads, 2)
        XCTAssertEqual(try read(first.file), "2\n")
        XCTAssertEqual(try read(second.file), "2\n")
        share.leave(first.file)
        XCTAssertEqual(try read(second.file), "4\n")
        XCTAssertEqual(ThreadShare(cores: 3).join(in: a).threads, 3)
    }

    /// Two lessons built at once on a machine of at least two cores: the longer has half the
    /// cores while both run and all of them once the other has ended, without restarting.
    func testALessonsThreadsGrowWhenTheOtherEnds() throws {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        try XCTSkipIf(cores < 2, "one core: no share to grow")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("share-lessons-\(UUID().uuidString)")
        let lessons = folder.appendingPathComponent("lessons")
        let out = folder.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: lessons, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try """
        # Short

        ```swift
        Thread.sleep(forTimeInterval: 4)
        ```

        """.write(to: lessons.appendingPathComponent("01-short.md"), atomically: true, encoding: .utf8)
        try """
        # Long

        ```swift
        // Whichever lesson starts first, the two overlap (the other sleeps 4 s): a half share
        // while both run, every core once this one runs alone.
        let cores = ProcessInfo.processInfo.activeProcessorCount
        var seen: Set<Int> = [CNN.Runtime.threads]
        let deadline = Date().addingTimeInterval(60)
        while !(seen.contains(cores / 2) && CNN.Runtime.threads == cores) && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.05)
            seen.insert(CNN.Runtime.threads)
        }
        print("had \\(seen.sorted()), then \\(CNN.Runtime.threads) of \\(cores) cores")
        expect(seen.contains(cores / 2), "a half share while the other lesson runs")
        expect(CNN.Runtime.threads == cores, "every core once it runs alone")
        ```

        """.write(to: lessons.appendingPathComponent("02-long.md"), atomically: true, encoding: .utf8)
        let result = try LessonsBinary.run(["build", "--lessons", lessons.path, "--out", out.path, "--jobs", "2"])
        XCTAssertEqual(result.status, 0, result.output)
        let page = try String(contentsOf: out.appendingPathComponent("02-long/index.html"), encoding: .utf8)
        XCTAssertTrue(page.contains("then \(cores) of \(cores) cores"), page)
    }

    /// Lessons never run start first (in course order), then the longest last runs.
    func testLongestLessonsStartFirst() {
        XCTAssertEqual(CoursePublisher.startOrder([1.0, nil, 30.0, 2.5, nil]), [1, 4, 2, 3, 0])
        XCTAssertEqual(CoursePublisher.startOrder([nil, nil]), [0, 1])
        XCTAssertEqual(CoursePublisher.startOrder([]), [])
    }
}
