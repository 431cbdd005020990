import XCTest

@testable import LessonKit

/// Display math as TeX sets it: limits above and below big operators, \big delimiters at TeX's
/// sizes, primes at full size.
final class MathMLTests: XCTestCase {
    func testDisplaySumAndProductPutLimitsAboveAndBelowALargeOperator() throws {
        let sum = try MathML.render("\\sum_{i=1}^{n} x_i", display: true)
        XCTAssertTrue(
            sum.contains(
                "<munderover><mo largeop=\"true\" movablelimits=\"false\">∑</mo><mrow><mrow><mi>i</mi><mo>=</mo><mn>1</mn></mrow></mrow><mrow><mrow><mi>n</mi></mrow></mrow></munderover>"
            ), sum)
        XCTAssertFalse(sum.contains("<msubsup><mo>∑"), sum)
        let prod = try MathML.render("\\prod_{k} a_k", display: true)
        XCTAssertTrue(prod.contains("<munder><mo largeop=\"true\" movablelimits=\"false\">∏</mo>"), prod)
        let max = try MathML.render("\\max_{x} f", display: true)
        XCTAssertTrue(
            max.contains(
                "<munder><mrow><mi mathvariant=\"normal\">max</mi></mrow><mrow><mrow><mi>x</mi></mrow></mrow></munder>"),
            max)
        // Inline, limits stay at the side, as in TeX's text style.
        XCTAssertTrue(try MathML.render("\\sum_{i} x_i", display: false).contains("<msub><mo>∑</mo>"))
        // Inside a display environment too.
        XCTAssertTrue(
            try MathML.render("\\begin{aligned} y &= \\sum_{i} x_i \\end{aligned}", display: true).contains(
                "<munder><mo largeop=\"true\""))
    }

    func testBigDelimitersHaveTeXSizesAndLeftRightStretch() throws {
        let big = try MathML.render("\\big( x \\big)", display: true)
        XCTAssertTrue(
            big.contains("<mo stretchy=\"true\" symmetric=\"true\" minsize=\"1.2em\" maxsize=\"1.2em\">(</mo>"), big)
        XCTAssertTrue(
            try MathML.render("\\Bigl[ x \\Bigr]", display: true).contains(
                "minsize=\"1.623em\" maxsize=\"1.623em\">[</mo>"))
        XCTAssertTrue(
            try MathML.render("\\bigg\\| x", display: true).contains("minsize=\"2.047em\" maxsize=\"2.047em\">‖</mo>"))
        let plain = try MathML.render("( x )", display: true)
        XCTAssertFalse(plain.contains("minsize"), "a bare parenthesis keeps the text size")
        XCTAssertTrue(try MathML.render("\\left( x \\right)", display: true).contains("<mo stretchy=\"true\">(</mo>"))
    }

    /// |x| inside a row: the browser would space a bar as an infix operator ("| ŷ − y|").
    func testAbsoluteValueBarsTakeNoSpaceInside() throws {
        let abs = try MathML.render("e^{-|z|} + |a - b|", display: false)
        XCTAssertEqual(
            abs.components(separatedBy: "<mo stretchy=\"false\" lspace=\"0\" rspace=\"0\">|</mo>").count, 5, abs)
        XCTAssertTrue(try MathML.render("(x)", display: false).contains("<mo stretchy=\"false\">(</mo>"))
    }

    func testAPrimeIsAFullSizePrimeNotAScript() throws {
        let f = try MathML.render("f'(x)", display: false)
        XCTAssertTrue(f.contains("<mrow><mi>f</mi><mo lspace=\"0\" rspace=\"0\">′</mo></mrow>"), f)
        XCTAssertFalse(f.contains("<msup>"), f)
        XCTAssertTrue(
            try MathML.render("f''", display: false).contains(">″</mo>")
                || (try MathML.render("f''", display: false)).contains(">′′</mo>"))
        // With an exponent, the prime and the exponent share the superscript.
        XCTAssertTrue(
            try MathML.render("f'^2", display: false).contains(
                "<msup><mi>f</mi><mrow><mo lspace=\"0\" rspace=\"0\">′</mo><mn>2</mn></mrow></msup>"))
    }
}
