import CNN
import XCTest

@testable import Figures

/// Figures drawn in the dark theme: dark background and light text, the same colour map.
final class ThemeTests: XCTestCase {
    func pixel(_ image: PixelImage, _ x: Int, _ y: Int) -> [UInt8] {
        let o = (y * image.width + x) * image.channels
        return Array(image.pixels[o..<(o + 3)])
    }

    func testDarkThemeChangesTheFrameNotTheData() throws {
        let values = Tensor(shape: [4, 4], scalars: (0..<16).map(Float.init))
        let light = try Theme.$current.withValue(.light) { try Heatmap(values, title: "ramp").render() }
        let dark = try Theme.$current.withValue(.dark) { try Heatmap(values, title: "ramp").render() }
        XCTAssertEqual(light.image.width, dark.image.width)
        XCTAssertEqual(pixel(light.image, 1, 1), [255, 255, 255])
        XCTAssertEqual(pixel(dark.image, 1, 1), [0x0F, 0x11, 0x15])
        // The colour map is the same: find the pixels that are viridis' ends in the light image;
        // the dark image has them at the same places.
        var sameData = 0
        var differentFrame = 0
        let light3 = stride(from: 0, to: light.image.pixels.count, by: light.image.channels).map {
            Array(light.image.pixels[$0..<($0 + 3)])
        }
        let dark3 = stride(from: 0, to: dark.image.pixels.count, by: dark.image.channels).map {
            Array(dark.image.pixels[$0..<($0 + 3)])
        }
        let low = [UInt8(0x44), 0x01, 0x54]
        let high = [UInt8(0xFD), 0xE7, 0x25]
        for (a, b) in zip(light3, dark3) {
            if a == low || a == high { if a == b { sameData += 1 } }
            if a == [255, 255, 255] && b != a { differentFrame += 1 }
        }
        XCTAssertGreaterThan(sameData, 100, "the colour map's pixels are the same in both themes")
        XCTAssertGreaterThan(differentFrame, light3.count / 4)
        // The default outside any theme scope is light.
        XCTAssertEqual(Theme.current, .light)
        XCTAssertEqual(Color.text, Theme.light.text)
    }

    func testThemeTextColoursReadOnTheirBackground() {
        func contrast(_ a: Color, _ b: Color) -> Double {
            func l(_ c: Color) -> Double {
                func f(_ x: Double) -> Double { x <= 0.04045 ? x / 12.92 : pow((x + 0.055) / 1.055, 2.4) }
                let r: Double = f(c.r)
                let g: Double = f(c.g)
                let b: Double = f(c.b)
                return 0.2126 * r + 0.7152 * g + 0.0722 * b
            }
            return (max(l(a), l(b)) + 0.05) / (min(l(a), l(b)) + 0.05)
        }
        for theme in [Theme.light, Theme.dark] {
            XCTAssertGreaterThanOrEqual(contrast(theme.text, theme.background), 7)
            XCTAssertGreaterThanOrEqual(contrast(theme.axis, theme.background), 4.5)
        }
    }
}
