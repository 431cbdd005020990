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
}

/// The default width of a figure in a page column, in CSS pixels.
public let defaultFigureWidth: Double = 640
