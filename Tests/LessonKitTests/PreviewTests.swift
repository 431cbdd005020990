import Foundation
import Synchronization
import XCTest

@testable import LessonKit

#if canImport(Glibc)
    import Glibc
#endif

/// The author's loop end to end: `lessons preview` serves a page on 127.0.0.1, an edit to the
/// lesson is rebuilt and served, the page's reload counter moves, and Ctrl-C stops it.
final class PreviewTests: XCTestCase {
    var work: URL!
    override func setUpWithError() throws { work = try LessonsBinary.temporaryFolder("lessons-preview") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: work) }

    /// GET over a plain loopback socket: the status line and the body.
    func get(_ port: UInt16, _ path: String) -> (status: String, body: String)? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { return nil }
        let request = "GET \(path) HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n"
        _ = request.withCString { send(fd, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
        var data = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 8192)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { break }
            data += buffer[0..<n]
        }
        let text = String(decoding: data, as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n") else { return nil }
        return (text[..<split.lowerBound].components(separatedBy: "\r\n")[0], String(text[split.upperBound...]))
    }

    /// Polls `condition` every quarter second for at most `seconds`.
    func eventually(_ seconds: Double, _ condition: () -> Bool) -> Bool {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            if condition() { return true }
            usleep(250_000)
        }
        return condition()
    }

    func testEditIsRebuiltServedAndReloadedThenCtrlCStops() throws {
        if case .failure(let why) = EndToEndTests.built { throw why }
        let lessons = work.appendingPathComponent("src")
        let site = work.appendingPathComponent("site")
        try FileManager.default.createDirectory(at: lessons, withIntermediateDirectories: true)
        let file = lessons.appendingPathComponent("01-live.md")
        func write(_ prose: String, option: String = "") throws {
            try "# Live\n\n\(prose)\n\n```swift\n\(option)print(\"six times seven is \\(6 * 7)\")\n```\n".write(
                to: file, atomically: true, encoding: .utf8)
        }
        try write("The first words.")

        let (process, output) = try LessonsBinary.start([
            "preview", "01-live", "--lessons", lessons.path, "--out", site.path,
        ])
        defer { if process.isRunning { process.terminate() } }

        var port: UInt16 = 0
        XCTAssertTrue(
            eventually(240) {
                let text = output.text
                guard
                    let match = text.range(
                        of: #"http://127\.0\.0\.1:(\d+)/01-live/index\.html"#, options: .regularExpression)
                else { return false }
                port = UInt16(text[match].split(separator: ":")[2].split(separator: "/")[0]) ?? 0
                return true
            }, output.text)
        guard port != 0 else { return }

        let first = try XCTUnwrap(get(port, "/01-live/index.html"))
        XCTAssertEqual(first.status, "HTTP/1.0 200 OK")
        XCTAssertTrue(
            first.body.contains("The first words.") && first.body.contains("six times seven is 42"), first.body)
        XCTAssertTrue(first.body.contains("/__version"), "the served page carries the reload script")
        let published = try String(contentsOf: site.appendingPathComponent("01-live/index.html"), encoding: .utf8)
        XCTAssertFalse(
            published.replacingOccurrences(
                of: "<script src=\"../search-index.js\" defer></script><script src=\"../course.js\" defer></script>",
                with: ""
            ).contains("<script"),
            "the published file has no reload script, only the course's own")
        let version = try XCTUnwrap(get(port, "/__version")).body
        XCTAssertEqual(get(port, "/../../etc/passwd")?.status, "HTTP/1.0 404 Not Found")

        // An edit is rebuilt, the counter the page polls moves, and the new page is served.
        try write("The second words.")
        XCTAssertTrue(eventually(120) { get(port, "/__version")?.body != version }, output.text)
        XCTAssertTrue(try XCTUnwrap(get(port, "/01-live/index.html")).body.contains("The second words."))

        // A broken lesson shows its error on the page.
        let before = try XCTUnwrap(get(port, "/__version")).body
        try write("The second words.", option: "//| eco: false\n")
        XCTAssertTrue(eventually(120) { get(port, "/__version")?.body != before }, output.text)
        XCTAssertTrue(
            try XCTUnwrap(get(port, "/01-live/index.html")).body.contains("unknown cell option &#39;eco&#39;"))

        // Ctrl-C stops it cleanly.
        process.interrupt()
        XCTAssertTrue(eventually(20) { !process.isRunning })
        XCTAssertEqual(process.terminationStatus, 0)
        XCTAssertTrue(output.text.contains("Preview stopped."))
        XCTAssertNil(get(port, "/__version"), "nothing listens after Ctrl-C")
    }

    /// Ctrl-C while the preview rebuilds a lesson goes the way of every command: the lesson's
    /// program is killed, its temporary folder and the unfinished page are removed.
    func testCtrlCDuringARebuildLeavesNoProcessNoTemporaryFolderNoHalfPage() throws {
        if case .failure(let why) = EndToEndTests.built { throw why }
        let slug = "01-slow\(UInt32.random(in: 0...UInt32.max))"
        let lessons = work.appendingPathComponent("src")
        let site = work.appendingPathComponent("site")
        try FileManager.default.createDirectory(at: lessons, withIntermediateDirectories: true)
        let file = lessons.appendingPathComponent("\(slug).md")
        try "# Slow\n\n```swift\nprint(\"quick\")\n```\n".write(to: file, atomically: true, encoding: .utf8)
        let (process, output) = try LessonsBinary.start([
            "preview", slug, "--lessons", lessons.path, "--out", site.path,
        ])
        defer { if process.isRunning { process.terminate() } }
        XCTAssertTrue(eventually(240) { output.text.contains("http://127.0.0.1:") }, output.text)

        // The edit makes the rebuild run a program that takes two minutes.
        try "# Slow\n\n```swift\nprint(\"started\")\nsleep(120)\n```\n".write(
            to: file, atomically: true, encoding: .utf8)
        let temporary = {
            (try? FileManager.default.contentsOfDirectory(atPath: FileManager.default.temporaryDirectory.path)) ?? []
        }
        func programs() -> [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).filter { Int($0) != nil }.filter {
                pid in
                (FileManager.default.contents(atPath: "/proc/\(pid)/cmdline").map {
                    String(decoding: $0, as: UTF8.self)
                } ?? "").contains("lesson-\(slug)-")
            }
        }
        XCTAssertTrue(eventually(120) { !programs().isEmpty }, "the rebuild runs the lesson's program: \(output.text)")
        XCTAssertEqual(temporary().filter { $0.hasPrefix("lesson-\(slug)-") }.count, 1, "from its temporary folder")
        XCTAssertEqual(
            try FileManager.default.contentsOfDirectory(atPath: site.path).filter { $0.hasPrefix(".staging-") }.count, 1
        )

        process.interrupt()
        XCTAssertTrue(eventually(20) { !process.isRunning }, output.text)
        XCTAssertEqual(process.terminationStatus, 0)
        XCTAssertTrue(
            output.text.contains(
                "Interrupted: stopped the running lessons and removed 2 unfinished folders; published pages are as they were.\nPreview stopped.\n"
            ), output.text)
        // A killed program can take a moment to be gone from /proc on a loaded machine; one that
        // was not killed sleeps for two minutes.
        XCTAssertTrue(eventually(5) { programs().isEmpty }, "no lesson program left running: \(programs())")
        XCTAssertEqual(temporary().filter { $0.hasPrefix("lesson-\(slug)-") }, [], "no /tmp/lesson-* left")
        XCTAssertEqual(
            try FileManager.default.contentsOfDirectory(atPath: site.path).filter { $0.hasPrefix(".staging-") }, [],
            "no half page")
        XCTAssertTrue(
            try String(contentsOf: site.appendingPathComponent("\(slug)/index.html"), encoding: .utf8).contains(
                "quick"),
            "the published page is the one before the edit")
    }
}
