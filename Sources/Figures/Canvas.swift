import CCairo
import Foundation

/// A drawing surface in memory, drawn with Cairo in display units (CSS pixels) and stored at
/// `scale` times that (2 by default) so figures stay sharp on high-density screens.
public final class Canvas {
    public let width: Double, height: Double
    public let scale: Double
    let surface: OpaquePointer
    let cr: OpaquePointer

    /// The largest figure we draw, in stored pixels per side and in total (refuses absurd requests).
    public static let maximumSide = 8192, maximumPixels = 40_000_000

    public init(width: Double, height: Double, scale: Double = 2, background: Color? = Theme.current.background) throws
    {
        guard width.isFinite, height.isFinite, width >= 1, height >= 1 else {
            throw FigureError("figure size \(width) x \(height) is not a positive size")
        }
        let pw = Int((width * scale).rounded(.up))
        let ph = Int((height * scale).rounded(.up))
        guard pw <= Canvas.maximumSide, ph <= Canvas.maximumSide, pw * ph <= Canvas.maximumPixels else {
            throw FigureError(
                "figure size \(Int(width)) x \(Int(height)) (\(pw) x \(ph) pixels stored) is too large: at most \(Canvas.maximumSide) pixels a side and \(Canvas.maximumPixels / 1_000_000) million in all"
            )
        }
        guard let surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, Int32(pw), Int32(ph)),
            cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS, let cr = cairo_create(surface)
        else {
            throw FigureError("Cairo could not make a \(pw) x \(ph) surface")
        }
        self.width = width
        self.height = height
        self.scale = scale
        self.surface = surface
        self.cr = cr
        cairo_scale(cr, scale, scale)
        if let background { fillRect(0, 0, width, height, background) }
    }

    deinit {
        cairo_destroy(cr)
        cairo_surface_destroy(surface)
    }

    func setColor(_ c: Color) { cairo_set_source_rgba(cr, c.r, c.g, c.b, c.a) }

    public func fillRect(_ x: Double, _ y: Double, _ w: Double, _ h: Double, _ color: Color) {
        setColor(color)
        cairo_rectangle(cr, x, y, w, h)
        cairo_fill(cr)
    }

    public func strokeRect(
        _ x: Double, _ y: Double, _ w: Double, _ h: Double, _ color: Color, lineWidth: Double = 1, dash: [Double] = []
    ) {
        setColor(color)
        cairo_set_line_width(cr, lineWidth)
        cairo_set_dash(cr, dash, Int32(dash.count), 0)
        cairo_rectangle(cr, x, y, w, h)
        cairo_stroke(cr)
        cairo_set_dash(cr, nil, 0, 0)
    }

    /// A polyline; points with a non-finite coordinate break it into pieces.
    public func polyline(_ points: [(Double, Double)], _ color: Color, lineWidth: Double = 1.5, dash: [Double] = []) {
        setColor(color)
        cairo_set_line_width(cr, lineWidth)
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND)
        cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND)
        cairo_set_dash(cr, dash, Int32(dash.count), 0)
        var drawing = false
        for (x, y) in points {
            guard x.isFinite, y.isFinite else {
                drawing = false
                continue
            }
            if drawing {
                cairo_line_to(cr, x, y)
            } else {
                cairo_move_to(cr, x, y)
                drawing = true
            }
        }
        cairo_stroke(cr)
        cairo_set_dash(cr, nil, 0, 0)
    }

    public func line(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double, _ color: Color, lineWidth: Double = 1) {
        polyline([(x0, y0), (x1, y1)], color, lineWidth: lineWidth)
    }

    public func circle(_ x: Double, _ y: Double, radius: Double, fill: Color, stroke: Color? = nil) {
        setColor(fill)
        cairo_new_path(cr)
        cairo_arc(cr, x, y, radius, 0, 2 * Double.pi)
        if let stroke {
            cairo_fill_preserve(cr)
            setColor(stroke)
            cairo_set_line_width(cr, 1)
            cairo_stroke(cr)
        } else {
            cairo_fill(cr)
        }
    }

    /// A filled polygon.
    public func polygon(_ points: [(Double, Double)], fill: Color) {
        guard let first = points.first else { return }
        setColor(fill)
        cairo_move_to(cr, first.0, first.1)
        for p in points.dropFirst() { cairo_line_to(cr, p.0, p.1) }
        cairo_close_path(cr)
        cairo_fill(cr)
    }

    public enum Anchor: Sendable { case start, middle, end }

    /// Text in DejaVu Sans (found through fontconfig), anchored horizontally at x with its
    /// baseline-centre at y (`middle` vertical alignment), optionally rotated (radians).
    public func text(
        _ string: String, _ x: Double, _ y: Double, size: Double = 12, color: Color = .text,
        anchor: Anchor = .start, bold: Bool = false, rotation: Double = 0
    ) {
        guard !string.isEmpty else { return }
        cairo_save(cr)
        cairo_select_font_face(
            cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL)
        cairo_set_font_size(cr, size)
        setColor(color)
        var extents = cairo_text_extents_t()
        cairo_text_extents(cr, string, &extents)
        cairo_translate(cr, x, y)
        cairo_rotate(cr, rotation)
        let dx: Double
        switch anchor {
        case .start: dx = 0
        case .middle: dx = -extents.x_advance / 2
        case .end: dx = -extents.x_advance
        }
        // Centre vertically on y using the font's cap height, roughly 0.36 of the size.
        cairo_move_to(cr, dx, size * 0.36)
        cairo_show_text(cr, string)
        cairo_restore(cr)
    }

    /// A title centred at x, shrunk (down to 7 pt) until it fits the canvas and moved inward so
    /// neither end is cut off.
    public func title(_ string: String, _ x: Double, _ y: Double, size: Double = 12, bold: Bool = false) {
        var size = size
        while size > 7 && textWidth(string, size: size, bold: bold) > width - 8 { size -= 0.5 }
        let half = textWidth(string, size: size, bold: bold) / 2
        let centre = min(max(x, half + 4), width - half - 4)
        text(string, centre, y, size: size, anchor: .middle, bold: bold)
    }

    /// The width of a string in display units.
    public func textWidth(_ string: String, size: Double = 12, bold: Bool = false) -> Double {
        cairo_select_font_face(
            cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL)
        cairo_set_font_size(cr, size)
        var extents = cairo_text_extents_t()
        cairo_text_extents(cr, string, &extents)
        return extents.x_advance
    }

    /// Draws a grid of colours, one cell per value, as crisp blocks (nearest neighbour): cell (i, j)
    /// of `rows` x `columns` covers its own rectangle inside (x, y, w, h).
    public func cells(
        _ x: Double, _ y: Double, _ w: Double, _ h: Double, rows: Int, columns: Int, color: (Int, Int) -> Color
    ) {
        guard rows > 0, columns > 0 else { return }
        cairo_save(cr)
        cairo_set_antialias(cr, CAIRO_ANTIALIAS_NONE)
        let cw = w / Double(columns)
        let ch = h / Double(rows)
        for i in 0..<rows {
            for j in 0..<columns {
                // Snap edges to the stored pixel grid so neighbouring cells neither overlap nor gap.
                let x0 = ((x + Double(j) * cw) * scale).rounded() / scale
                let x1 = ((x + Double(j + 1) * cw) * scale).rounded() / scale
                let y0 = ((y + Double(i) * ch) * scale).rounded() / scale
                let y1 = ((y + Double(i + 1) * ch) * scale).rounded() / scale
                setColor(color(i, j))
                cairo_rectangle(cr, x0, y0, x1 - x0, y1 - y0)
                cairo_fill(cr)
            }
        }
        cairo_restore(cr)
    }

    public func clip(_ x: Double, _ y: Double, _ w: Double, _ h: Double) {
        cairo_save(cr)
        cairo_rectangle(cr, x, y, w, h)
        cairo_clip(cr)
    }

    public func unclip() { cairo_restore(cr) }

    /// The stored pixels as RGB (opaque canvases) or RGBA, un-premultiplied.
    public func pixelImage() -> PixelImage {
        cairo_surface_flush(surface)
        let pw = Int(cairo_image_surface_get_width(surface))
        let ph = Int(cairo_image_surface_get_height(surface))
        let stride = Int(cairo_image_surface_get_stride(surface))
        let data = cairo_image_surface_get_data(surface)!
        var opaque = true
        for y in 0..<ph where opaque {
            let row = data + y * stride
            for x in 0..<pw where row[4 * x + 3] != 255 {
                opaque = false
                break
            }
        }
        let channels = opaque ? 3 : 4
        var out = [UInt8](repeating: 0, count: pw * ph * channels)
        for y in 0..<ph {
            // ARGB32 is a native-endian 32-bit word: bytes B, G, R, A on little-endian machines.
            let row = UnsafeRawPointer(data + y * stride).assumingMemoryBound(to: UInt32.self)
            for x in 0..<pw {
                let word = row[x]
                let a = UInt32(word >> 24)
                let r = (word >> 16) & 0xFF
                let g = (word >> 8) & 0xFF
                let b = word & 0xFF
                let o = (y * pw + x) * channels
                if opaque {
                    out[o] = UInt8(r)
                    out[o + 1] = UInt8(g)
                    out[o + 2] = UInt8(b)
                } else {
                    let unpremultiply = { (c: UInt32) -> UInt8 in a == 0 ? 0 : UInt8(min(255, (c * 255 + a / 2) / a)) }
                    out[o] = unpremultiply(r)
                    out[o + 1] = unpremultiply(g)
                    out[o + 2] = unpremultiply(b)
                    out[o + 3] = UInt8(a)
                }
            }
        }
        return PixelImage(width: pw, height: ph, channels: channels, pixels: out)
    }
}
