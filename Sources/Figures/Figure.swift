import CNN
import Foundation

/// A drawn figure: its pixels (stored at twice the display size), its display size in CSS
/// pixels, and notes for its caption (such as counts of NaN values drawn).
public struct RenderedFigure: Sendable {
    public let image: PixelImage
    public let displayWidth: Int
    public let displayHeight: Int
    public let notes: [String]

    init(_ canvas: Canvas, notes: [String] = []) {
        image = canvas.pixelImage()
        displayWidth = Int(canvas.width.rounded())
        displayHeight = Int(canvas.height.rounded())
        self.notes = notes
    }

    /// The PNG file, with tEXt chunks recording what made it.
    public func png(source: String? = nil) throws -> Data {
        var text = ["Software": "CNN course Figures (Cairo, libpng)"]
        if let source { text["Source"] = source }
        return try PNG.encode(image, text: text)
    }
}

/// Anything that can be drawn as a figure.
public protocol Figure {
    func render() throws -> RenderedFigure
    /// True when the figure lays itself out anew under `FigureLayout.phone`, so that a phone
    /// variant of it differs from the page's picture and is worth drawing.
    var hasPhoneLayout: Bool { get }
}

extension Figure {
    public var hasPhoneLayout: Bool { false }
}

/// The default width of a figure in a page column, in CSS pixels.
public let defaultFigureWidth: Double = 640

/// How figures are laid out while they render. On a 390 px phone the page's column is about
/// 330 px wide, so a 640 px plot is shown at half size and its 10 px tick labels at 5 px. Under
/// `phone` the plots that can (line, bar and contour plots) lay themselves out at
/// `phoneWidth`, lettering unchanged: shown in a phone's column, their text is near its size.
public enum FigureLayout {
    @TaskLocal public static var phone = false

    /// The width of a plot's phone variant, in CSS pixels.
    public static let phoneWidth: Double = 360

    /// A plot's size for the current layout: its own, or under `phone` the phone width and 80%
    /// of its height (the plotting area keeps a readable shape).
    static func size(width: Double, height: Double) -> (width: Double, height: Double) {
        guard phone, width > phoneWidth else { return (width, height) }
        return (phoneWidth, (height * 0.8).rounded())
    }
}
