import Foundation
import LessonWire
import XCTest

final class WireTests: XCTestCase {
    let framing = WireFraming(tag: "t1")

    func testEveryEventSurvivesTheWire() throws {
        let events: [WireEvent] = [
            .cellStart(cell: 3), .cellEnd(cell: 3, seconds: 0.25), .display(text: "Optional \"quoted\"\nline"),
            .table(TableOutput(caption: "c", header: ["a"], rows: [["1"], ["<2>"]], numeric: true)),
            .figure(
                FigureOutput(
                    file: "figure-1.png", caption: nil, alt: "alt", notes: ["n"], frames: ["f1.png"], width: 640,
                    height: 400)),
            .expect(passed: false, claim: "sums to 7", line: 12, found: nil),
            .expect(passed: false, claim: "at least 0.9", line: 14, found: "0.8, needs ≥ 0.9"),
            .inlineValue(index: 2, text: "42"), .progress(text: "epoch 1/2", step: .epoch),
            .progress(text: "10/100", step: .batch), .error(message: "boom", line: nil), .error(message: "at", line: 4),
            .unexpectedSuccess,
        ]
        for event in events {
            let line = framing.encode(event)
            XCTAssertFalse(line.contains("\n"), "one event, one line: \(line)")
            XCTAssertEqual(try framing.decode(line), .event(event))
        }
    }

    func testPlainTextAndOtherTagsAreText() throws {
        XCTAssertEqual(try framing.decode("hello"), .text("hello"))
        XCTAssertEqual(try framing.decode(""), .text(""))
        // Another run's tag (a cell printing a line it made up) is just text.
        let forged = WireFraming(tag: "other").encode(.unexpectedSuccess)
        XCTAssertEqual(try framing.decode(forged), .text(forged))
    }

    func testMalformedAndUnknownEventsAreErrors() {
        func reason(_ body: String) -> String? {
            do {
                _ = try framing.decode(framing.prefix + body)
                return nil
            } catch { return error.reason }
        }
        XCTAssertEqual(reason("{not json"), "not JSON")
        XCTAssertEqual(reason(""), "not JSON")
        let unknown = reason(#"{"sparkle":{"x":1}}"#)
        XCTAssertEqual(unknown?.hasPrefix("unknown event"), true, unknown ?? "decoded")
        XCTAssertEqual(reason(#"{"cellStart":{}}"#), "missing 'cell' in cellStart")
        XCTAssertEqual(reason(#"{"cellStart":{"cell":"three"}}"#), "wrong type at cellStart.cell")
        XCTAssertEqual(reason(#"{"display":{"text":"a"},"cellStart":{"cell":1}}"#)?.hasPrefix("unknown event"), true)
        // A line cut short by a crash.
        let cut = framing.encode(.display(text: "a long value"))
        XCTAssertThrowsError(try framing.decode(String(cut.dropLast(5))))
    }

    func testErrorMessageIsShortAndSaysWhy() {
        let error = WireError(line: String(repeating: "x", count: 500), reason: "not JSON")
        XCTAssertTrue(error.description.hasPrefix("unreadable message from the lesson program (not JSON): xxx"))
        XCTAssertLessThan(error.description.count, 300)
    }
}
