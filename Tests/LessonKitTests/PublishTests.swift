import Foundation
import XCTest

@testable import LessonKit

final class PublishTests: XCTestCase {
    func testTheBuildRecordKeepsFailuresAsValues() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("record-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let record = BuildRecord(
            key: "k", slug: "01-a", title: "A", summary: "",
            failures: [
                LessonError(file: "Lessons/01-a.md", line: 13, message: "Index out of range (column 15)", cell: 2),
                LessonError(file: "Lessons/01-a.md", line: 3, message: "a path: with colons: 4: in it"),
            ], warnings: [], thumbnail: "figure-1.png", seconds: 1.5, builtAt: Date(timeIntervalSince1970: 1_000_000))
        try record.write(to: folder)
        let read = try XCTUnwrap(BuildRecord.read(from: folder))
        XCTAssertEqual(read, record)
        XCTAssertEqual(read.failures[0].cell, 2)
        XCTAssertEqual(
            read.failures[1].message, "a path: with colons: 4: in it", "nothing is parsed back out of a string")
    }

    func testEveryLessonIsParsedOnceAndNeighboursComeFromThoseResults() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("course-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "---\ntitle: First\n---\n# x\n".write(
            to: folder.appendingPathComponent("01-first.md"), atomically: true, encoding: .utf8)
        try "".write(to: folder.appendingPathComponent("02-empty.md"), atomically: true, encoding: .utf8)
        try "# Third\n".write(to: folder.appendingPathComponent("03-third.md"), atomically: true, encoding: .utf8)
        let parsed = try LessonList.files(in: folder).map { ParsedLesson(file: $0, displayPath: $0.lastPathComponent) }
        XCTAssertEqual(parsed.map(\.title), ["First", "02-empty", "Third"])
        guard case .failure(let error) = parsed[1].lesson else { return XCTFail("an empty lesson is a parse failure") }
        XCTAssertEqual(error.description, "02-empty.md:1: the lesson is empty")
        XCTAssertThrowsError(try LessonList.files(in: folder.appendingPathComponent("missing"))) {
            XCTAssertTrue("\($0)".hasPrefix("cannot read the folder \(folder.path)/missing"), "\($0)")
        }
    }

    func testAPublishErrorSaysItsStep() {
        XCTAssertEqual(
            PublishError(step: .stage, file: "Lessons/01-a.md", message: "disk full").description,
            "Lessons/01-a.md: stage failed: disk full")
        XCTAssertEqual(PublishStep.allCases.map(\.rawValue), ["parse", "key", "run", "render", "stage", "publish"])
    }
}
