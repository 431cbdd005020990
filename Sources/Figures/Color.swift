/// An RGBA colour with components in [0, 1].
public struct Color: Equatable, Sendable {
    public var r: Double, g: Double, b: Double, a: Double
    public init(_ r: Double, _ g: Double, _ b: Double, _ a: Double = 1) {
        self.r = r
        self.g = g
        self.b = b
        self.a = a
    }
    /// From 0xRRGGBB.
    public init(hex: UInt32, alpha: Double = 1) {
        self.init(Double(hex >> 16 & 0xFF) / 255, Double(hex >> 8 & 0xFF) / 255, Double(hex & 0xFF) / 255, alpha)
    }
    public func withAlpha(_ a: Double) -> Color { Color(r, g, b, a) }
    /// Relative luminance, to choose black or white text over a cell.
    public var luminance: Double { 0.2126 * r + 0.7152 * g + 0.0722 * b }

    public static let black = Color(0, 0, 0), white = Color(1, 1, 1)
    /// The current theme's text, grid and axis colours (see `Theme`).
    public static var text: Color { Theme.current.text }
    public static var grid: Color { Theme.current.grid }
    public static var axis: Color { Theme.current.axis }
    /// Text on a light fill (a colour-map cell, a diagram's box), the same in every theme.
    public static let ink = Color(hex: 0x222222)
    public static let red = Color(hex: 0xD62728), highlight = Color(hex: 0xFF7F0E)
    /// Non-finite values: NaN in magenta, +inf in bright yellow-green, -inf in cyan.
    public static let nan = Color(hex: 0xFF00FF), positiveInfinity = Color(hex: 0xB8FF00),
        negativeInfinity = Color(hex: 0x00E5FF)
    /// Distinct series colours (Tableau 10), in order.
    public static let series: [Color] = [
        0x1F77B4, 0xFF7F0E, 0x2CA02C, 0xD62728, 0x9467BD, 0x8C564B, 0xE377C2, 0x7F7F7F, 0xBCBD22, 0x17BECF,
    ].map { Color(hex: $0) }
}

/// Maps numbers to colours.
public enum ColorMap: Equatable, Sendable {
    /// Perceptually uniform, dark purple to yellow (matplotlib's viridis): for magnitudes.
    case viridis
    /// Diverging blue - white - red, centred on zero: for signed values.
    case diverging
    /// Black to white: for images.
    case grey
    /// Whole-number counts 0 to `levels` (over the range), one distinct colour per count: 0 a
    /// light grey that stands apart from every other count, 1 to `levels` stepping along viridis.
    /// For maps where "none" against "some" is the point (pixels no window reads).
    case discrete(levels: Int)

    /// The colour of t in [0, 1] (clamped).
    public func color(_ t: Double) -> Color {
        let t = Swift.min(Swift.max(t.isNaN ? 0 : t, 0), 1)
        switch self {
        case .grey: return Color(t, t, t)
        case .viridis: return interpolate(ColorMap.viridisStops, t)
        case .diverging: return interpolate(ColorMap.divergingStops, t)
        case .discrete(let levels):
            let n = Swift.max(levels, 1)
            let level = Int((t * Double(n)).rounded())
            if level == 0 { return ColorMap.discreteZero }
            return interpolate(ColorMap.viridisStops, n == 1 ? 1 : 0.12 + 0.88 * Double(level - 1) / Double(n - 1))
        }
    }

    /// The colour of a zero count in a discrete map: a light grey, far from viridis' dark end.
    static let discreteZero = Color(hex: 0xE2E2E2)

    /// The range a tensor's values map to: for `diverging`, symmetric around 0 so that white is 0.
    public func range(of values: [Float]) -> (low: Double, high: Double) {
        let finite = values.filter(\.isFinite).map(Double.init)
        var low = finite.min() ?? 0
        var high = finite.max() ?? 1
        if self == .diverging {
            let m = Swift.max(Swift.abs(low), Swift.abs(high), 1e-12)
            low = -m
            high = m
        }
        if high - low < 1e-12 {
            low -= 0.5
            high += 0.5
        }  // constant data: a zero range still maps
        return (low, high)
    }

    /// The colour of a value within a range; non-finite values get their own colours.
    public func color(_ v: Float, range: (low: Double, high: Double)) -> Color {
        if v.isNaN { return .nan }
        if v == .infinity { return .positiveInfinity }
        if v == -.infinity { return .negativeInfinity }
        return color((Double(v) - range.low) / (range.high - range.low))
    }

    private func interpolate(_ stops: [Color], _ t: Double) -> Color {
        let x = t * Double(stops.count - 1)
        let i = Swift.min(Int(x), stops.count - 2)
        let f = x - Double(i)
        let a = stops[i]
        let b = stops[i + 1]
        return Color(a.r + (b.r - a.r) * f, a.g + (b.g - a.g) * f, a.b + (b.b - a.b) * f)
    }

    /// viridis sampled at 17 evenly spaced points (matplotlib's table).
    static let viridisStops: [Color] = [
        0x440154, 0x481A6C, 0x472F7D, 0x414487, 0x39568C, 0x31688E, 0x2A788E, 0x23888E, 0x1F988B,
        0x22A884, 0x35B779, 0x54C568, 0x7AD151, 0xA5DB36, 0xD2E21B, 0xEAE51A, 0xFDE725,
    ].map { Color(hex: $0) }

    /// RdBu reversed (blue for negative, white at zero, red for positive), 11 points.
    static let divergingStops: [Color] = [
        0x053061, 0x2166AC, 0x4393C3, 0x92C5DE, 0xD1E5F0, 0xF7F7F7, 0xFDDBC7, 0xF4A582, 0xD6604D, 0xB2182B, 0x67001F,
    ].map { Color(hex: $0) }
}

/// Counts of non-finite values, for a figure's caption.
public func nonFiniteNote(_ values: [Float]) -> String? {
    let nan = values.filter(\.isNaN).count
    let pos = values.filter { $0 == .infinity }.count
    let neg = values.filter { $0 == -.infinity }.count
    var parts: [String] = []
    if nan > 0 { parts.append("\(nan) NaN (magenta)") }
    if pos > 0 { parts.append("\(pos) +inf (yellow-green)") }
    if neg > 0 { parts.append("\(neg) -inf (cyan)") }
    return parts.isEmpty ? nil : "Not finite: " + parts.joined(separator: ", ") + "."
}

/// The colours a figure is drawn in around its data: background, text, axes, grid. Colour maps
/// and series colours are the same in every theme, so a value reads the same in light and dark.
/// Figures draw in `Theme.current`; `Theme.$current.withValue(.dark) { try figure.render() }`
/// draws the dark variant (scoped to that call, nothing process-wide changes).
public struct Theme: Equatable, Sendable {
    public var background: Color
    public var text: Color
    public var axis: Color
    public var grid: Color

    /// On the page's light background (#ffffff).
    public static let light = Theme(
        background: .white, text: Color(hex: 0x222222), axis: Color(hex: 0x555555), grid: Color(hex: 0xDDDDDD))
    /// On the page's dark background (#0f1115).
    public static let dark = Theme(
        background: Color(hex: 0x0F1115), text: Color(hex: 0xE6E8EB), axis: Color(hex: 0xA3ABB5),
        grid: Color(hex: 0x2E343D))

    @TaskLocal public static var current: Theme = .light
}
