import Foundation

/// "Nice" tick values (1, 2, 5 times a power of ten) covering [low, high].
func niceTicks(_ low: Double, _ high: Double, count: Int = 6) -> [Double] {
    guard low.isFinite, high.isFinite, high > low else { return [low] }
    let raw = (high - low) / Double(max(count - 1, 1))
    let magnitude = pow(10, floor(log10(raw)))
    let step = [1.0, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
    var ticks: [Double] = []
    var t = ceil(low / step - 1e-9) * step
    while t <= high + step * 1e-9 { ticks.append(abs(t) < step * 1e-9 ? 0 : t); t += step }
    return ticks
}

/// Tick labels without noise: 0.5, 10, 1e-05.
func tickLabel(_ v: Double) -> String {
    if v == 0 { return "0" }
    let a = abs(v)
    if a >= 1e5 || a < 1e-3 { return String(format: "%.0e", v) }
    if v == v.rounded() { return String(Int(v)) }
    var s = String(format: "%.3f", v)
    while s.hasSuffix("0") { s.removeLast() }
    return s
}

/// A plotting area: data ranges mapped onto a rectangle of the canvas, with axes, ticks, grid,
/// labels, a title and a legend. The y axis may be logarithmic.
struct Axes {
    let canvas: Canvas
    let x0: Double, y0: Double, w: Double, h: Double
    let xRange: (Double, Double), yRange: (Double, Double)
    let logY: Bool

    init(canvas: Canvas, xRange: (Double, Double), yRange: (Double, Double), logY: Bool = false,
         title: String?, xLabel: String?, yLabel: String?, margins: (left: Double, right: Double, top: Double, bottom: Double) = (62, 18, 34, 46)) {
        self.canvas = canvas
        self.logY = logY
        x0 = margins.left; y0 = margins.top
        w = canvas.width - margins.left - margins.right
        h = canvas.height - margins.top - margins.bottom
        self.xRange = Axes.widened(xRange)
        self.yRange = logY ? Axes.widened((log10(yRange.0), log10(yRange.1))) : Axes.widened(yRange)
        if let title { canvas.text(title, canvas.width / 2, 16, size: 14, anchor: .middle, bold: true) }
        if let xLabel { canvas.text(xLabel, x0 + w / 2, canvas.height - 10, size: 12, anchor: .middle) }
        if let yLabel { canvas.text(yLabel, 14, y0 + h / 2, size: 12, anchor: .middle, rotation: -Double.pi / 2) }
    }

    /// A zero-width range (constant data, a single point) is widened so it still maps.
    static func widened(_ r: (Double, Double)) -> (Double, Double) {
        var (a, b) = r
        if !a.isFinite || !b.isFinite { (a, b) = (0, 1) }
        if b - a < 1e-12 { let pad = max(abs(a) * 0.1, 0.5); return (a - pad, b + pad) }
        return (a, b)
    }

    func px(_ x: Double) -> Double { x0 + (x - xRange.0) / (xRange.1 - xRange.0) * w }
    func py(_ y: Double) -> Double {
        let v = logY ? (y > 0 ? log10(y) : -Double.infinity) : y
        return y0 + h - (v - yRange.0) / (yRange.1 - yRange.0) * h
    }

    func drawFrame(xTicks: [Double]? = nil, xTickLabels: [String]? = nil, grid: Bool = true) {
        let xt = xTicks ?? niceTicks(xRange.0, xRange.1)
        for (i, t) in xt.enumerated() where t >= xRange.0 - 1e-9 && t <= xRange.1 + 1e-9 {
            if grid { canvas.line(px(t), y0, px(t), y0 + h, .grid, lineWidth: 0.6) }
            canvas.line(px(t), y0 + h, px(t), y0 + h + 4, .axis)
            canvas.text(xTickLabels?[i] ?? tickLabel(t), px(t), y0 + h + 13, size: 10, color: .axis, anchor: .middle)
        }
        let yt: [Double]
        if logY {
            yt = Array(Int(floor(yRange.0))...Int(ceil(yRange.1))).map { pow(10, Double($0)) }
        } else {
            yt = niceTicks(yRange.0, yRange.1)
        }
        for t in yt {
            let y = py(t)
            guard y >= y0 - 0.5 && y <= y0 + h + 0.5 else { continue }
            if grid { canvas.line(x0, y, x0 + w, y, .grid, lineWidth: 0.6) }
            canvas.line(x0 - 4, y, x0, y, .axis)
            canvas.text(logY ? "1e\(Int(log10(t).rounded()))" : tickLabel(t), x0 - 7, y, size: 10, color: .axis, anchor: .end)
        }
        canvas.strokeRect(x0, y0, w, h, .axis, lineWidth: 1)
    }

    /// A legend box in the top-right corner of the plotting area.
    func legend(_ entries: [(String, Color, dashed: Bool)]) {
        guard !entries.isEmpty else { return }
        let width = (entries.map { canvas.textWidth($0.0, size: 11) }.max() ?? 0) + 40
        let height = Double(entries.count) * 17 + 8
        let lx = x0 + w - width - 8, ly = y0 + 8
        canvas.fillRect(lx, ly, width, height, Color.white.withAlpha(0.88))
        canvas.strokeRect(lx, ly, width, height, .grid)
        for (i, entry) in entries.enumerated() {
            let y = ly + 12 + Double(i) * 17
            canvas.polyline([(lx + 6, y), (lx + 28, y)], entry.1, lineWidth: 2.5, dash: entry.dashed ? [5, 3] : [])
            canvas.text(entry.0, lx + 34, y, size: 11)
        }
    }
}
