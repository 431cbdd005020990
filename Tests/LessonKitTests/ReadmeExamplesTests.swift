import Foundation
import XCTest

@testable import LessonKit

/// The README's examples stay true: every top-level Swift block compiles and links against the
/// project's modules as written, and the example lesson inside the ~~~markdown block runs with
/// every cell passing.
final class ReadmeExamplesTests: XCTestCase {
    static let readme = EndToEndTests.root.appendingPathComponent("README.md")

    /// The fenced blocks of `info` at the top level of the README (not inside another fence).
    static func blocks(_ info: String, fence: String = "```") throws -> [String] {
        var blocks: [String] = []
        var current: [String]?
        var outer: String?
        for line in try String(contentsOf: readme, encoding: .utf8).components(separatedBy: "\n") {
            if let o = outer {
                if line == o { outer = nil }
                continue
            }
            if current == nil, line.hasPrefix("~~~"), fence != "~~~" {
                outer = "~~~"
                continue
            }
            if current == nil, line == fence + info {
                current = []
                continue
            }
            if var c = current {
                if line == fence {
                    blocks.append(c.joined(separator: "\n"))
                    current = nil
                } else {
                    c.append(line)
                    current = c
                }
            }
        }
        return blocks
    }

    func testEverySwiftExampleCompilesAsWritten() throws {
        if case .failure(let why) = EndToEndTests.built {
            XCTFail(why.message)
            throw why
        }
        let examples = try Self.blocks("swift")
        XCTAssertFalse(examples.isEmpty, "the README has no Swift example to check")
        let toolchain = try Toolchain.locate(packageRoot: EndToEndTests.root)
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("readme-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        for (i, example) in examples.enumerated() {
            let source = work.appendingPathComponent("main.swift")
            try example.write(to: source, atomically: true, encoding: .utf8)
            let result = try toolchain.compile(source, to: work.appendingPathComponent("example-\(i)"))
            XCTAssertTrue(result.ok, "README Swift example \(i + 1) does not compile:\n\(result.diagnostics)")
        }
    }

    func testTheExampleLessonRunsWithEveryCellPassing() throws {
        if case .failure(let why) = EndToEndTests.built {
            XCTFail(why.message)
            throw why
        }
        let lessons = try Self.blocks("markdown", fence: "~~~")
        XCTAssertEqual(lessons.count, 1, "the README should show one example lesson")
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("readme-lesson-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: work) }
        let folder = work.appendingPathComponent("Lessons")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let file = folder.appendingPathComponent("01-example.md")
        try (lessons[0] + "\n").write(to: file, atomically: true, encoding: .utf8)
        let run = try LessonsBinary.run([
            "run", file.path, "--lessons", folder.path, "--out", work.appendingPathComponent("out").path,
        ])
        XCTAssertEqual(run.status, 0, run.output)
        XCTAssertTrue(run.output.contains("no cell failed"), run.output)
        let page = try String(contentsOf: work.appendingPathComponent("out/01-example/index.html"), encoding: .utf8)
        XCTAssertTrue(page.contains(">Figure 1</a>"), "the example's @fig reference should link its figure")
    }
}
