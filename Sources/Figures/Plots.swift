import CNN
import Foundation

/// One series of a line or scatter plot.
public struct Series: Sendable {
    public var name: String
    public var x: [Double]
    public var y: [Double]
    /// Dashed (true) or solid (false); nil leaves the choice to the plot, which cycles solid,
    /// dashed, dotted and dash-dot by series index so that curves lying on each other stay apart.
    public var dashed: Bool?
    /// The line's colour; nil takes the plot's i-th series colour.
    public var color: Color?
    /// A small circle at every point, for series with few points.
    public var marker: Bool
    public init(
        _ name: String, x: [Double], y: [Double], dashed: Bool? = nil, color: Color? = nil, marker: Bool = false
    ) {
        self.name = name
        self.x = x
        self.y = y
        self.dashed = dashed
        self.color = color
        self.marker = marker
    }
    /// x and y of any floating-point type.
    public init<X: BinaryFloatingPoint, Y: BinaryFloatingPoint>(
        _ name: String, x: [X], y: [Y], dashed: Bool? = nil, color: Color? = nil, marker: Bool = false
    ) {
        self.init(name, x: x.map { Double($0) }, y: y.map { Double($0) }, dashed: dashed, color: color, marker: marker)
    }
    /// y against 1, 2, 3, ... (per-epoch curves).
    public init<Y: BinaryFloatingPoint>(
        _ name: String, _ y: [Y], dashed: Bool? = nil, color: Color? = nil, marker: Bool = false
    ) {
        self.init(
            name, x: (0..<y.count).map { Double($0 + 1) }, y: y.map { Double($0) }, dashed: dashed, color: color,
            marker: marker)
    }
}

/// A line plot (or, with `markers` and no lines, a scatter plot) with axes, ticks, labels, a
/// title, a legend and an optional logarithmic y axis. Series without an explicit colour or dash
/// choice get the i-th colour and the i-th dash pattern; the legend goes to a corner that holds
/// no data, or below the plot when every corner does.
public struct LinePlot: Figure, Sendable {
    public var series: [Series]
    public var title: String?
    public var xLabel: String?
    public var yLabel: String?
    public var logY = false
    public var lines = true
    public var markers = false
    public var width = defaultFigureWidth, height = 380.0
    public var yRange: (Double, Double)?

    public init(
        _ series: [Series], title: String? = nil, xLabel: String? = nil, yLabel: String? = nil, logY: Bool = false
    ) {
        self.series = series
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.logY = logY
    }

    /// A scatter plot: markers only.
    public static func scatter(_ series: [Series], title: String? = nil, xLabel: String? = nil, yLabel: String? = nil)
        -> LinePlot
    {
        var plot = LinePlot(series, title: title, xLabel: xLabel, yLabel: yLabel)
        plot.lines = false
        plot.markers = true
        return plot
    }

    /// Each series' style, in order.
    var styles: [LineStyle] {
        series.enumerated().map { i, s in
            var style = LineStyle.of(s, index: i)
            if !lines { style.dash = [] }
            style.marker = style.marker || markers
            return style
        }
    }

    var hasLegend: Bool { series.contains { !$0.name.isEmpty } }

    public var hasPhoneLayout: Bool { width > FigureLayout.phoneWidth }

    /// The canvas, axes and legend placement: the legend's box is tried in each corner of the
    /// plotting area against the drawn points; if all are covered the canvas grows below.
    func layout() throws -> (canvas: Canvas, axes: Axes, placement: LegendPlacement?, points: [[(Double, Double)]]) {
        let xs = series.flatMap(\.x).filter(\.isFinite)
        let ys = series.flatMap(\.y).filter { $0.isFinite && (!logY || $0 > 0) }
        let yr = yRange ?? (ys.min() ?? 0, ys.max() ?? 1)
        // Headroom so no line runs along the frame: 5% of the range, or a fifth of a decade on a log axis.
        let pad = logY ? 0 : (yr.1 - yr.0) * 0.05
        let range = logY ? (yr.0 / 1.6, yr.1 * 1.6) : (yr.0 - pad, yr.1 + pad)
        var xRange = (xs.min() ?? 0, xs.max() ?? 1)
        // Markers at the ends would be cut in half by the frame: 2% of room on each side.
        if styles.contains(where: \.marker) {
            let m = (xRange.1 - xRange.0) * 0.02
            xRange = (xRange.0 - m, xRange.1 + m)
        }
        let size = FigureLayout.size(width: width, height: height)
        func make(_ extra: Double) throws -> (Canvas, Axes, [[(Double, Double)]]) {
            let canvas = try Canvas(width: size.width, height: size.height + extra)
            var margins = Axes.defaultMargins
            margins.bottom += extra
            let axes = Axes(
                canvas: canvas, xRange: xRange, yRange: range, logY: logY, title: title, xLabel: xLabel, yLabel: yLabel,
                margins: margins)
            let points = series.map { s in
                zip(s.x, s.y).map { x, y -> (Double, Double) in
                    guard x.isFinite, y.isFinite, !logY || y > 0 else { return (.nan, .nan) }
                    return (axes.px(x), axes.py(y))
                }
            }
            return (canvas, axes, points)
        }
        let (canvas, axes, points) = try make(0)
        guard hasLegend else { return (canvas, axes, nil, points) }
        let entries = legendEntries
        let drawn = lines ? densified(points) : points.flatMap { $0 }.filter { $0.0.isFinite && $0.1.isFinite }
        let placement = LegendPlacement.choose(
            box: Axes.legendSize(entries, canvas: canvas), plot: axes.plotRect, points: drawn)
        if placement != .below { return (canvas, axes, placement, points) }
        let (tall, tallAxes, tallPoints) = try make(Axes.legendHeightBelow(entries, canvas: canvas, width: axes.w))
        return (tall, tallAxes, placement, tallPoints)
    }

    /// Line widths that keep curves lying on top of each other apart: a series that later series
    /// cover for more than a fifth of its length is drawn 1.8 px wider per covering series, so it shows
    /// as a band around them (ReLU under leaky ReLU for x > 0). Points are in canvas coordinates.
    static func lineWidths(_ points: [[(Double, Double)]], base: Double = 2) -> [Double] {
        struct Cell: Hashable { let x: Int, y: Int }
        let cells = points.map { line in
            Set(densified([line], spacing: 1).map { Cell(x: Int($0.0.rounded()), y: Int($0.1.rounded())) })
        }
        return cells.indices.map { i in
            guard !cells[i].isEmpty else { return base }
            let covering = (i + 1..<cells.count).filter { j in
                let shared = cells[i].filter { c in
                    (-1...1).contains { dx in
                        (-1...1).contains { dy in cells[j].contains(Cell(x: c.x + dx, y: c.y + dy)) }
                    }
                }.count
                return Double(shared) > 0.2 * Double(cells[i].count)
            }.count
            return base + 1.8 * Double(covering)
        }
    }

    /// One entry per named series: a series named "" continues an earlier one (a line broken at a
    /// jump is drawn as two series) and has no entry of its own.
    var legendEntries: [LegendEntry] {
        zip(series, styles).filter { !$0.0.name.isEmpty }.map { LegendEntry(name: $0.name, style: $1, line: lines) }
    }

    public func render() throws -> RenderedFigure {
        let (canvas, axes, placement, points) = try layout()
        let ys = series.flatMap(\.y).filter { $0.isFinite && (!logY || $0 > 0) }
        var notes: [String] = []
        let dropped = series.flatMap(\.y).count - ys.count
        if dropped > 0 {
            notes.append(
                "\(dropped) value\(dropped == 1 ? "" : "s") not drawn (\(logY ? "not finite or not positive on a log axis" : "not finite"))."
            )
        }
        axes.drawFrame()
        if series.allSatisfy({ $0.y.isEmpty }) {
            canvas.text("no data", axes.x0 + axes.w / 2, axes.y0 + axes.h / 2, size: 13, color: .axis, anchor: .middle)
            notes.append("No data to plot.")
        }
        canvas.clip(axes.x0, axes.y0, axes.w, axes.h)
        let widths = lines ? LinePlot.lineWidths(points) : points.map { _ in 2.0 }
        for ((line, style), width) in zip(zip(points, styles), widths) {
            if lines && line.count > 1 { canvas.polyline(line, style.color, lineWidth: width, dash: style.dash) }
        }
        // Markers over all lines, so a marked series stays visible under a later line.
        for (line, style) in zip(points, styles) where style.marker || line.count == 1 {
            for p in line where p.0.isFinite && p.1.isFinite {
                if lines {
                    canvas.circle(p.0, p.1, radius: 3.2, fill: style.color, stroke: Theme.current.background)
                } else {
                    canvas.circle(p.0, p.1, radius: 3, fill: style.color.withAlpha(0.8))
                }
            }
        }
        canvas.unclip()
        if let placement {
            let named = zip(series, widths).filter { !$0.0.name.isEmpty }.map(\.1)
            let entries = zip(legendEntries, named).map { entry, width in
                var e = entry
                e.width = width + 0.5
                return e
            }
            axes.legend(entries, placement: placement)
        }
        return RenderedFigure(canvas, notes: notes)
    }
}

/// A bar chart, for example softmax probabilities over the ten digits; `highlight` marks bars.
public struct BarChart: Figure, Sendable {
    public var labels: [String]
    public var values: [Double]
    public var title: String?
    public var xLabel: String?
    public var yLabel: String?
    public var highlight: Set<Int>
    public var width = defaultFigureWidth, height = 320.0
    /// A logarithmic value axis, for values of very different sizes (a bar of 320 beside one of
    /// 204,928): bars rise from the bottom of the axis; values must be positive.
    public var logY = false

    public init(
        labels: [String], values: [Double], title: String? = nil, xLabel: String? = nil, yLabel: String? = nil,
        highlight: Set<Int> = [],
        logY: Bool = false
    ) {
        self.labels = labels
        self.values = values
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.highlight = highlight
        self.logY = logY
    }

    /// The text over each bar: its value at any magnitude (3.2e-4, 0.85, 150k), never "0" for a non-zero value.
    var barLabels: [String] { values.map { valueLabel($0) } }

    public var hasPhoneLayout: Bool { width > FigureLayout.phoneWidth }

    public func render() throws -> RenderedFigure {
        guard labels.count == values.count else {
            throw FigureError("bar chart: \(labels.count) labels for \(values.count) values")
        }
        // Tick labels may hold line breaks ("conv 1\nkernel"): the bottom margin grows with them.
        let labelLines = labels.map { $0.components(separatedBy: "\n").count }.max() ?? 1
        let size = FigureLayout.size(width: width, height: height)
        let canvas = try Canvas(width: size.width, height: size.height + Double(labelLines - 1) * 12)
        let finite = values.filter(\.isFinite)
        if logY, let bad = finite.first(where: { $0 <= 0 }) {
            throw FigureError("bar chart: \(bad) on a log axis (values must be positive)")
        }
        let low = min(0, finite.min() ?? 0)
        let high = max(finite.max() ?? 1, low + 1e-9)
        let n = max(values.count, 1)
        var margins = Axes.defaultMargins
        margins.bottom += Double(labelLines - 1) * 12
        let yRange =
            logY
            ? ((finite.min() ?? 1) / 3, (finite.max() ?? 10) * 2.5)
            : (low < 0 ? low - (high - low) * 0.08 : low, high + (high - low) * 0.08)
        let axes = Axes(
            canvas: canvas, xRange: (-0.5, Double(n) - 0.5), yRange: yRange, logY: logY,
            title: title, xLabel: xLabel, yLabel: yLabel, margins: margins)
        axes.drawFrame(xTicks: values.indices.map(Double.init), xTickLabels: labels, grid: false)
        var notes: [String] = []
        for (i, v) in values.enumerated() {
            let x = axes.px(Double(i) - 0.38)
            let x1 = axes.px(Double(i) + 0.38)
            guard v.isFinite else {
                canvas.text(
                    "NaN", (x + x1) / 2, axes.y0 + axes.h - 10, size: 10, color: .nan, anchor: .middle, bold: true)
                continue
            }
            let top = logY ? axes.py(v) : axes.py(max(v, 0))
            let bottom = logY ? axes.y0 + axes.h : axes.py(min(v, 0))
            canvas.fillRect(
                x, top, x1 - x, max(bottom - top, 0.5), highlight.contains(i) ? .highlight : Color.series[0])
            // The value itself at any magnitude (3.2e-4, 0.85, 150k), above a positive bar, below a negative one.
            let labelY = v >= 0 ? top - 8 : bottom + 9
            let label = barLabels[i]
            let slot = axes.px(Double(i) + 0.5) - axes.px(Double(i) - 0.5) - 2
            var size = 9.0
            while size > 6 && canvas.textWidth(label, size: size) > slot { size -= 0.5 }
            canvas.text(label, (x + x1) / 2, labelY, size: size, color: .axis, anchor: .middle)
        }
        if let note = nonFiniteNote(values.map(Float.init)) { notes.append(note) }
        return RenderedFigure(canvas, notes: notes)
    }
}

/// A confusion matrix: rows are true classes, columns predicted ones, each cell its count.
public struct ConfusionMatrixFigure: Figure, Sendable {
    public var counts: [[Int]]
    public var labels: [String]
    public var title: String?

    public init(counts: [[Int]], labels: [String]? = nil, title: String? = "Confusion matrix") {
        self.counts = counts
        self.labels = labels ?? counts.indices.map(String.init)
        self.title = title
    }

    /// Counts from predicted and true class indices.
    public init(predicted: [Int], actual: [Int], classes: Int, title: String? = "Confusion matrix") {
        var counts = [[Int]](repeating: [Int](repeating: 0, count: classes), count: classes)
        for (p, a) in zip(predicted, actual) where p >= 0 && p < classes && a >= 0 && a < classes { counts[a][p] += 1 }
        self.init(counts: counts, title: title)
    }

    public func render() throws -> RenderedFigure {
        let n = counts.count
        guard n > 0, counts.allSatisfy({ $0.count == n }) else {
            throw FigureError("confusion matrix must be square and not empty")
        }
        let cell = min(44.0, 440 / Double(n))
        let side = cell * Double(n)
        let canvas = try Canvas(width: side + 110, height: side + 100)
        let x0 = 70.0
        let y0 = 44.0
        if let title { canvas.title(title, canvas.width / 2, 16, size: 14, bold: true) }
        let top = Double(counts.flatMap { $0 }.max() ?? 1)
        canvas.cells(x0, y0, side, side, rows: n, columns: n) { i, j in
            // Counts grow dark blue; a log scale keeps small off-diagonal counts visible.
            let t = top > 0 ? log1p(Double(counts[i][j])) / log1p(top) : 0
            return Color(1 - 0.85 * t, 1 - 0.6 * t, 1 - 0.25 * t)
        }
        for i in 0..<n {
            for j in 0..<n {
                let t = top > 0 ? log1p(Double(counts[i][j])) / log1p(top) : 0
                canvas.text(
                    String(counts[i][j]), x0 + (Double(j) + 0.5) * cell, y0 + (Double(i) + 0.5) * cell,
                    size: min(12, cell * 0.32), color: t > 0.6 ? .white : .ink, anchor: .middle, bold: i == j)
            }
            canvas.text(labels[i], x0 - 8, y0 + (Double(i) + 0.5) * cell, size: 11, anchor: .end)
            canvas.text(labels[i], x0 + (Double(i) + 0.5) * cell, y0 + side + 12, size: 11, anchor: .middle)
        }
        canvas.strokeRect(x0, y0, side, side, .axis)
        canvas.text("predicted", x0 + side / 2, y0 + side + 34, size: 12, anchor: .middle)
        canvas.text("true", 20, y0 + side / 2, size: 12, anchor: .middle, rotation: -Double.pi / 2)
        return RenderedFigure(canvas)
    }
}
