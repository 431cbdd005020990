import Foundation

/// "Nice" tick values (1, 2, 2.5 or 5 times a power of ten) covering [low, high]: the finest
/// such step that gives at most `count + 1` ticks (so usually 4 to 7).
func niceTicks(_ low: Double, _ high: Double, count: Int = 6) -> [Double] {
    guard low.isFinite, high.isFinite, high > low else { return [low] }
    var magnitude = pow(10, floor(log10((high - low) / Double(max(count, 1) * 10))))
    var step = magnitude
    search: while magnitude.isFinite {
        for m in [1.0, 2, 2.5, 5] {
            step = m * magnitude
            let n = floor(high / step + 1e-9) - ceil(low / step - 1e-9) + 1
            if n <= Double(count + 1) { break search }
        }
        magnitude *= 10
    }
    var ticks: [Double] = []
    let first = ceil(low / step - 1e-9)
    // Multiples of the step (not a running sum), so 0.1 * 3 does not drift to 0.30000000000000004 twice.
    var k = 0.0
    while (first + k) * step <= high + step * 1e-9 {
        let t = (first + k) * step
        ticks.append(abs(t) < step * 1e-9 ? 0 : t)
        k += 1
    }
    return ticks
}

/// Ticks for a logarithmic axis whose range is given in log10 units: whole decades, thinned to
/// every 2nd, 5th, ... decade when there are many; 1-2-5 steps inside a range narrower than two
/// decades; plain nice ticks when even those are too few.
func logTicks(_ lowExponent: Double, _ highExponent: Double, maximum: Int = 8) -> [Double] {
    guard lowExponent.isFinite, highExponent.isFinite, highExponent > lowExponent else { return [] }
    let first = Int(ceil(lowExponent - 1e-9))
    let last = Int(floor(highExponent + 1e-9))
    if last - first + 1 >= 3 {
        let count = last - first + 1
        let step =
            [1, 2, 3, 5, 10, 20, 50, 100].first { (count + $0 - 1) / $0 <= maximum } ?? (count + maximum - 1) / maximum
        // Multiples of the step, so thinned decades land on 1e0, 1e-4, 1e4 rather than odd exponents.
        return (first...last).filter { $0 % step == 0 }.map { pow(10, Double($0)) }
    }
    var ticks: [Double] = []
    for e in Int(floor(lowExponent))...Int(ceil(highExponent)) {
        for m in [1.0, 2, 5] {
            let v = m * pow(10, Double(e))
            let l = log10(v)
            if l >= lowExponent - 1e-9 && l <= highExponent + 1e-9 { ticks.append(v) }
        }
    }
    if ticks.count >= 3 { return ticks }
    return niceTicks(pow(10, lowExponent), pow(10, highExponent), count: 4).filter { $0 > 0 }
}

/// A mantissa-and-exponent label without padding: 2.5e-6, 1e-12, 3e15.
func scientificLabel(_ v: Double, decimals: Int) -> String {
    let parts = String(format: "%.\(max(decimals, 0))e", v).split(separator: "e")
    guard parts.count == 2, let exponent = Int(parts[1]) else { return String(v) }
    return trimmedDecimal(String(parts[0])) + "e\(exponent)"
}

/// "2.500" -> "2.5", "3.000" -> "3", "-0.000" -> "0".
func trimmedDecimal(_ s: String) -> String {
    var s = s
    if s.contains(".") {
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
    }
    return s == "-0" ? "0" : s
}

/// Thousands as "k", millions as "M", billions as "G": the divisor and suffix for a magnitude,
/// or nil where a plain number (below 10,000) or scientific notation (1e12 and above) reads better.
func magnitudeSuffix(_ magnitude: Double) -> (divisor: Double, suffix: String)? {
    if magnitude >= 1e12 || magnitude < 1e4 { return nil }
    if magnitude >= 1e9 { return (1e9, "G") }
    if magnitude >= 1e6 { return (1e6, "M") }
    return (1e3, "k")
}

/// One number for a reader, with `significant` digits at any magnitude: 0.85, 0.0032, 3.2e-4,
/// 1235, 150k, 1.5M. Never rounds a non-zero value to "0".
func valueLabel(_ v: Double, significant: Int = 3) -> String {
    if v.isNaN { return "NaN" }
    if v.isInfinite { return v > 0 ? "inf" : "-inf" }
    if v == 0 { return "0" }
    let a = abs(v)
    let digits = max(significant, 1)
    if a < 1e-3 || a >= 1e12 { return scientificLabel(v, decimals: digits - 1) }
    let (divisor, suffix) = magnitudeSuffix(a) ?? (1, "")
    let scaled = v / divisor
    let s = String(format: "%.\(max(0, digits - 1 - Int(floor(log10(abs(scaled))))))f", scaled)
    // Rounding can cross into the next style (9999.7 -> "10000", 999.96k -> "1000k"): label the rounded value instead.
    let rounded = (Double(s) ?? scaled) * divisor
    if (magnitudeSuffix(abs(rounded))?.divisor ?? 1) != divisor || abs(rounded) >= 1e12 {
        return valueLabel(rounded, significant: digits)
    }
    return trimmedDecimal(s) + suffix
}

/// Labels for a few values that must read differently (a colour bar's ends and middle): the
/// fewest significant digits, from 3, that tell distinct values apart.
func distinctValueLabels(_ values: [Double]) -> [String] {
    let distinct = Set(values).count
    for digits in 3...15 {
        let labels = values.map { valueLabel($0, significant: digits) }
        if Set(labels).count == distinct { return labels }
    }
    return values.map { String($0) }
}

/// Labels for the evenly spaced ticks of one axis, in one style for the whole axis: the fewest
/// decimals that state every tick exactly, so no two ticks share a label; "150k" and "1.5M" for
/// large magnitudes; "2.5e-6" only when every tick is below 0.001.
func tickLabels(_ ticks: [Double]) -> [String] {
    let finite = ticks.filter(\.isFinite)
    guard let largest = finite.map(abs).max(), largest > 0 else { return ticks.map { valueLabel($0) } }
    let distinct = Set(ticks).count
    let tolerance = largest * 1e-9
    func exact(_ labels: [String], _ divisor: Double) -> Bool {
        zip(labels, ticks).allSatisfy { label, t in
            guard t.isFinite else { return true }
            let number =
                label.hasSuffix("k") || label.hasSuffix("M") || label.hasSuffix("G") ? String(label.dropLast()) : label
            guard let parsed = Double(number) else { return false }
            return abs(parsed * divisor - t) <= tolerance
        }
    }
    if largest < 1e-3 || largest >= 1e12 {
        for decimals in 0...12 {
            let labels = ticks.map {
                $0 == 0 ? "0" : $0.isFinite ? scientificLabel($0, decimals: decimals) : valueLabel($0)
            }
            if Set(labels).count == distinct && exact(labels, 1) { return labels }
        }
    } else {
        let (divisor, suffix) = magnitudeSuffix(largest) ?? (1, "")
        for decimals in 0...12 {
            let labels = ticks.map { t -> String in
                guard t.isFinite else { return valueLabel(t) }
                let s = trimmedDecimal(String(format: "%.\(decimals)f", t / divisor))
                return s == "0" ? "0" : s + suffix
            }
            if Set(labels).count == distinct && exact(labels, divisor) { return labels }
        }
    }
    return distinctValueLabels(ticks)
}

/// A one-value label for the few places that still label values one at a time.
func tickLabel(_ v: Double) -> String { valueLabel(v) }

/// Labels for a log axis' ticks: "0.001", "1", "100", "10k", "1M", "1e-4", "2e-5".
func logTickLabels(_ ticks: [Double]) -> [String] { ticks.map { valueLabel($0) } }

/// How a series is drawn: its colour, its dash pattern (empty for solid) and whether each point
/// gets a small circle.
struct LineStyle: Equatable {
    var color: Color
    var dash: [Double]
    var marker: Bool

    /// Dash patterns cycled by series index so curves that lie on each other stay apart: solid,
    /// dashed, dotted, dash-dot (dots rely on round caps).
    static let dashCycle: [[Double]] = [[], [7, 4], [0.5, 4], [9, 3, 0.5, 3]]
    static let explicitDash: [Double] = [7, 4]

    /// Series i's style: its own colour and dash choice when given, otherwise the i-th colour and
    /// the i-th dash pattern.
    static func of(_ series: Series, index i: Int, palette: [Color] = Color.series) -> LineStyle {
        let dash = series.dashed.map { $0 ? explicitDash : [] } ?? dashCycle[i % dashCycle.count]
        return LineStyle(color: series.color ?? palette[i % palette.count], dash: dash, marker: series.marker)
    }
}

/// One line of a legend.
struct LegendEntry {
    var name: String
    var style: LineStyle
    /// False for series drawn as markers only (a scatter plot): the sample shows just a marker.
    var line = true
    var width = 2.5
}

/// Where a legend goes: a corner of the plotting area that holds no data, or below the plot.
enum LegendPlacement: Equatable, CaseIterable {
    case topRight, topLeft, bottomRight, bottomLeft, below

    static let corners: [LegendPlacement] = [.topRight, .topLeft, .bottomRight, .bottomLeft]

    /// The corner (in order of preference) whose legend box covers the fewest data points, when
    /// that is none; otherwise below the plot. Points are in canvas coordinates; `inset` is the
    /// gap between frame and box, `pad` how close a point may come to the box (a line's width).
    static func choose(
        box: (w: Double, h: Double), plot: (x: Double, y: Double, w: Double, h: Double),
        points: [(Double, Double)], inset: Double = 8, pad: Double = 3
    ) -> LegendPlacement {
        guard box.w + 2 * inset <= plot.w, box.h + 2 * inset <= plot.h else { return .below }
        let counts = corners.map { corner -> Int in
            let r = corner.rect(box: box, plot: plot, inset: inset)
            return points.filter {
                $0.0 >= r.x - pad && $0.0 <= r.x + r.w + pad && $0.1 >= r.y - pad && $0.1 <= r.y + r.h + pad
            }.count
        }
        if let best = counts.indices.min(by: { counts[$0] < counts[$1] }), counts[best] == 0 { return corners[best] }
        return .below
    }

    /// The legend box inside the plotting area for a corner.
    func rect(box: (w: Double, h: Double), plot: (x: Double, y: Double, w: Double, h: Double), inset: Double = 8) -> (
        x: Double, y: Double, w: Double, h: Double
    ) {
        let left = plot.x + inset
        let right = plot.x + plot.w - inset - box.w
        let top = plot.y + inset
        let bottom = plot.y + plot.h - inset - box.h
        switch self {
        case .topRight: return (right, top, box.w, box.h)
        case .topLeft: return (left, top, box.w, box.h)
        case .bottomRight: return (right, bottom, box.w, box.h)
        case .bottomLeft, .below: return (left, bottom, box.w, box.h)
        }
    }
}

/// Points along polylines (canvas coordinates) every `spacing` units, so a legend test sees a
/// line crossing a corner even where no sample lies inside it. Non-finite points break a line.
func densified(_ lines: [[(Double, Double)]], spacing: Double = 2) -> [(Double, Double)] {
    var out: [(Double, Double)] = []
    for line in lines {
        var previous: (Double, Double)?
        for p in line {
            guard p.0.isFinite, p.1.isFinite else {
                previous = nil
                continue
            }
            if let q = previous {
                let length = hypot(p.0 - q.0, p.1 - q.1)
                let n = min(Int(length / spacing), 10_000)
                if n > 0 {
                    for k in 1...n {
                        let t = Double(k) / Double(n + 1)
                        out.append((q.0 + (p.0 - q.0) * t, q.1 + (p.1 - q.1) * t))
                    }
                }
            }
            out.append(p)
            previous = p
        }
    }
    return out
}

/// A plotting area: data ranges mapped onto a rectangle of the canvas, with axes, ticks, grid,
/// labels, a title and a legend. The y axis may be logarithmic.
struct Axes {
    let canvas: Canvas
    let x0: Double, y0: Double, w: Double, h: Double
    let xRange: (Double, Double), yRange: (Double, Double)
    let logY: Bool

    static let defaultMargins: (left: Double, right: Double, top: Double, bottom: Double) = (62, 18, 34, 46)

    init(
        canvas: Canvas, xRange: (Double, Double), yRange: (Double, Double), logY: Bool = false,
        title: String?, xLabel: String?, yLabel: String?,
        margins: (left: Double, right: Double, top: Double, bottom: Double) = Axes.defaultMargins
    ) {
        self.canvas = canvas
        self.logY = logY
        self.xRange = Axes.widened(xRange)
        self.yRange = logY ? Axes.widened((log10(yRange.0), log10(yRange.1))) : Axes.widened(yRange)
        // Wide y tick labels ("-1.5e-5") push the plotting area right rather than run into the y label.
        let widest = Axes.yTicks(self.yRange, logY: logY).map { canvas.textWidth($0.label, size: 10) }.max() ?? 0
        let left = max(margins.left, widest + 7 + (yLabel == nil ? 6 : 26))
        x0 = left
        y0 = margins.top
        w = canvas.width - left - margins.right
        h = canvas.height - margins.top - margins.bottom
        if let title { canvas.title(title, canvas.width / 2, 16, size: 14, bold: true) }
        // An axis label longer than the canvas (a phone variant's narrow one) shrinks to fit and
        // moves inward, as a title does.
        if let xLabel {
            let size = Axes.fitted(xLabel, size: 12, within: canvas.width - 8, canvas: canvas)
            let half = canvas.textWidth(xLabel, size: size) / 2
            let centre = min(max(x0 + w / 2, half + 4), canvas.width - half - 4)
            canvas.text(xLabel, centre, y0 + h + 36, size: size, anchor: .middle)
        }
        if let yLabel {
            let size = Axes.fitted(yLabel, size: 12, within: canvas.height - 8, canvas: canvas)
            let half = canvas.textWidth(yLabel, size: size) / 2
            let centre = min(max(y0 + h / 2, half + 4), canvas.height - half - 4)
            canvas.text(yLabel, 14, centre, size: size, anchor: .middle, rotation: -Double.pi / 2)
        }
    }

    /// The largest size, from `size` down to 8, at which `text` is at most `within` wide.
    static func fitted(_ text: String, size: Double, within: Double, canvas: Canvas) -> Double {
        var size = size
        while size > 8 && canvas.textWidth(text, size: size) > within { size -= 0.5 }
        return size
    }

    /// A zero-width range (constant data, a single point) is widened so it still maps.
    static func widened(_ r: (Double, Double)) -> (Double, Double) {
        var (a, b) = r
        if !a.isFinite || !b.isFinite { (a, b) = (0, 1) }
        if b - a < 1e-12 {
            let pad = max(abs(a) * 0.1, 0.5)
            return (a - pad, b + pad)
        }
        return (a, b)
    }

    var plotRect: (x: Double, y: Double, w: Double, h: Double) { (x0, y0, w, h) }

    func px(_ x: Double) -> Double { x0 + (x - xRange.0) / (xRange.1 - xRange.0) * w }
    func py(_ y: Double) -> Double {
        let v = logY ? (y > 0 ? log10(y) : -Double.infinity) : y
        return y0 + h - (v - yRange.0) / (yRange.1 - yRange.0) * h
    }

    /// The y ticks and their labels.
    var yTicks: [(value: Double, label: String)] { Axes.yTicks(yRange, logY: logY) }

    static func yTicks(_ yRange: (Double, Double), logY: Bool) -> [(value: Double, label: String)] {
        if logY {
            let ticks = logTicks(yRange.0, yRange.1)
            return Array(zip(ticks, logTickLabels(ticks)))
        }
        let ticks = niceTicks(yRange.0, yRange.1)
        return Array(zip(ticks, tickLabels(ticks)))
    }

    func drawFrame(xTicks: [Double]? = nil, xTickLabels: [String]? = nil, grid: Bool = true) {
        let xt = (xTicks ?? niceTicks(xRange.0, xRange.1))
        let inside = xt.indices.filter { xt[$0] >= xRange.0 - 1e-9 && xt[$0] <= xRange.1 + 1e-9 }
        let labels = xTickLabels ?? tickLabels(inside.map { xt[$0] })
        for (k, i) in inside.enumerated() {
            let t = xt[i]
            if grid { canvas.line(px(t), y0, px(t), y0 + h, .grid, lineWidth: 0.6) }
            canvas.line(px(t), y0 + h, px(t), y0 + h + 4, .axis)
            // A label with line breaks is drawn one line under the other.
            for (n, line) in (xTickLabels == nil ? labels[k] : labels[i]).components(separatedBy: "\n").enumerated() {
                canvas.text(line, px(t), y0 + h + 13 + Double(n) * 12, size: 10, color: .axis, anchor: .middle)
            }
        }
        for (t, label) in yTicks {
            let y = py(t)
            guard y >= y0 - 0.5 && y <= y0 + h + 0.5 else { continue }
            if grid { canvas.line(x0, y, x0 + w, y, .grid, lineWidth: 0.6) }
            canvas.line(x0 - 4, y, x0, y, .axis)
            canvas.text(label, x0 - 7, y, size: 10, color: .axis, anchor: .end)
        }
        canvas.strokeRect(x0, y0, w, h, .axis, lineWidth: 1)
    }

    static let legendRow = 17.0

    /// The size of a legend box drawn in a corner.
    static func legendSize(_ entries: [LegendEntry], canvas: Canvas) -> (w: Double, h: Double) {
        ((entries.map { canvas.textWidth($0.name, size: 11) }.max() ?? 0) + 40, Double(entries.count) * legendRow + 8)
    }

    /// The rows of a legend laid out below the plot: entries side by side, wrapped to the width.
    static func legendRowsBelow(_ entries: [LegendEntry], canvas: Canvas, width: Double) -> [[Int]] {
        var rows: [[Int]] = [[]]
        var used = 0.0
        for (i, e) in entries.enumerated() {
            let w = canvas.textWidth(e.name, size: 11) + 52
            if used + w > width && !rows[rows.count - 1].isEmpty {
                rows.append([])
                used = 0
            }
            rows[rows.count - 1].append(i)
            used += w
        }
        return rows
    }

    /// The extra canvas height a legend below the plot needs.
    static func legendHeightBelow(_ entries: [LegendEntry], canvas: Canvas, width: Double) -> Double {
        Double(legendRowsBelow(entries, canvas: canvas, width: width).count) * legendRow + 14
    }

    /// A sample of an entry's line (and marker) from x to x + 22 at height y.
    func legendSample(_ entry: LegendEntry, _ x: Double, _ y: Double) {
        // A near-white line (a path over a dark map) gets a dark chip behind it so it shows on the white legend.
        if entry.style.color.luminance > 0.85 { canvas.fillRect(x - 3, y - 5, 28, 10, .axis) }
        if entry.line {
            canvas.polyline(
                [(x, y), (x + 22, y)], entry.style.color, lineWidth: min(entry.width, 7), dash: entry.style.dash)
        }
        if entry.style.marker || !entry.line {
            canvas.circle(x + 11, y, radius: 3.2, fill: entry.style.color, stroke: Theme.current.background)
        }
    }

    /// Draws the legend where `placement` says; below the plot it uses the space under the x label.
    func legend(_ entries: [LegendEntry], placement: LegendPlacement) {
        guard !entries.isEmpty else { return }
        if placement == .below {
            var y = y0 + h + 52
            for row in Axes.legendRowsBelow(entries, canvas: canvas, width: w) {
                let total = row.reduce(0.0) { $0 + canvas.textWidth(entries[$1].name, size: 11) + 52 } - 18
                var x = x0 + max(0, (w - total) / 2)
                for i in row {
                    legendSample(entries[i], x, y)
                    canvas.text(entries[i].name, x + 28, y, size: 11)
                    x += canvas.textWidth(entries[i].name, size: 11) + 52
                }
                y += Axes.legendRow
            }
            return
        }
        let size = Axes.legendSize(entries, canvas: canvas)
        let r = placement.rect(box: size, plot: plotRect)
        canvas.fillRect(r.x, r.y, r.w, r.h, Theme.current.background.withAlpha(0.88))
        canvas.strokeRect(r.x, r.y, r.w, r.h, .grid)
        for (i, entry) in entries.enumerated() {
            let y = r.y + 12 + Double(i) * Axes.legendRow
            legendSample(entry, r.x + 6, y)
            canvas.text(entry.name, r.x + 34, y, size: 11)
        }
    }
}
