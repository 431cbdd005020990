import Foundation

/// A function of two variables as a heatmap with contour lines, and paths drawn over it (for
/// example gradient descent, momentum, RMSprop and Adam on a surface with a saddle point).
public struct ContourPlot: Figure {
    public var function: (Double, Double) -> Double
    public var xRange: (Double, Double)
    public var yRange: (Double, Double)
    public var paths: [Series]
    public var title: String?
    public var levels: Int
    public var width = defaultFigureWidth, height = 460.0
    /// Samples per axis of the function.
    public var resolution = 120

    public init(
        _ function: @escaping (Double, Double) -> Double, x: (Double, Double), y: (Double, Double),
        paths: [Series] = [], title: String? = nil, levels: Int = 14
    ) {
        self.function = function
        self.xRange = x
        self.yRange = y
        self.paths = paths
        self.title = title
        self.levels = levels
    }

    public var hasPhoneLayout: Bool { width > FigureLayout.phoneWidth }

    public func render() throws -> RenderedFigure {
        let size = FigureLayout.size(width: width, height: height)
        let pathColors = [
            Color(hex: 0xFF4136), Color(hex: 0xFFFFFF), Color(hex: 0xFF851B), Color(hex: 0x39CCCC),
            Color(hex: 0xF012BE),
        ]
        let entries = paths.enumerated().map {
            LegendEntry(name: $1.name, style: LineStyle.of($1, index: $0, palette: pathColors))
        }
        // The legend takes a corner no path crosses, else the space below the plot.
        func make(_ extra: Double) throws -> (Canvas, Axes) {
            let canvas = try Canvas(width: size.width, height: size.height + extra)
            let axes = Axes(
                canvas: canvas, xRange: xRange, yRange: yRange, title: title, xLabel: "x", yLabel: "y",
                margins: (56, 80, 34, 46 + extra))
            return (canvas, axes)
        }
        var (canvas, axes) = try make(0)
        var placement = LegendPlacement.topRight
        if !paths.isEmpty {
            let drawn = densified(paths.map { p in zip(p.x, p.y).map { (axes.px($0), axes.py($1)) } })
            placement = LegendPlacement.choose(
                box: Axes.legendSize(entries, canvas: canvas), plot: axes.plotRect, points: drawn, pad: 6)
            if placement == .below {
                (canvas, axes) = try make(Axes.legendHeightBelow(entries, canvas: canvas, width: axes.w))
            }
        }
        let n = max(resolution, 8)
        // Sample at cell corners: values[i][j] at (x_j, y_i), i going up.
        var values = [[Double]](repeating: [Double](repeating: 0, count: n + 1), count: n + 1)
        for i in 0...n {
            for j in 0...n {
                values[i][j] = function(
                    xRange.0 + (xRange.1 - xRange.0) * Double(j) / Double(n),
                    yRange.0 + (yRange.1 - yRange.0) * Double(i) / Double(n))
            }
        }
        let finite = values.flatMap { $0 }.filter(\.isFinite)
        let low = finite.min() ?? 0
        let high = max(finite.max() ?? 1, low + 1e-12)
        let map = ColorMap.viridis
        canvas.cells(axes.x0, axes.y0, axes.w, axes.h, rows: n, columns: n) { r, c in
            let v = values[n - 1 - r][c]
            return v.isFinite ? map.color((v - low) / (high - low)).withAlpha(0.85) : .nan
        }
        // Contour lines by marching squares at evenly spaced levels.
        let cw = axes.w / Double(n)
        let ch = axes.h / Double(n)
        func point(_ i: Int, _ j: Int, _ i2: Int, _ j2: Int, _ level: Double) -> (Double, Double) {
            let a = values[i][j]
            let b = values[i2][j2]
            let t = abs(b - a) < 1e-300 ? 0.5 : (level - a) / (b - a)
            let x = Double(j) + t * Double(j2 - j)
            let y = Double(i) + t * Double(i2 - i)
            return (axes.x0 + x * cw, axes.y0 + axes.h - y * ch)
        }
        for k in 1...max(levels, 1) {
            let level = low + (high - low) * Double(k) / Double(levels + 1)
            for i in 0..<n {
                for j in 0..<n {
                    let corners = [(i, j), (i, j + 1), (i + 1, j + 1), (i + 1, j)]
                    guard corners.allSatisfy({ values[$0.0][$0.1].isFinite }) else { continue }
                    var crossings: [(Double, Double)] = []
                    for e in 0..<4 {
                        let (a, b) = (corners[e], corners[(e + 1) % 4])
                        if (values[a.0][a.1] < level) != (values[b.0][b.1] < level) {
                            crossings.append(point(a.0, a.1, b.0, b.1, level))
                        }
                    }
                    if crossings.count >= 2 {
                        canvas.polyline([crossings[0], crossings[1]], Color.white.withAlpha(0.55), lineWidth: 0.8)
                    }
                    if crossings.count == 4 {
                        canvas.polyline([crossings[2], crossings[3]], Color.white.withAlpha(0.55), lineWidth: 0.8)
                    }
                }
            }
        }
        canvas.clip(axes.x0, axes.y0, axes.w, axes.h)
        for (path, entry) in zip(paths, entries) {
            let color = entry.style.color
            let points = zip(path.x, path.y).map { (axes.px($0), axes.py($1)) }
            canvas.polyline(points, color, lineWidth: 2.2, dash: entry.style.dash)
            if entry.style.marker {
                for p in points where p.0.isFinite && p.1.isFinite { canvas.circle(p.0, p.1, radius: 2.5, fill: color) }
            }
            if let start = points.first(where: { $0.0.isFinite && $0.1.isFinite }) {
                canvas.circle(start.0, start.1, radius: 4, fill: color, stroke: .black)
            }
            if let end = points.last(where: { $0.0.isFinite && $0.1.isFinite }) {
                canvas.polygon(
                    [(end.0 - 4, end.1 - 4), (end.0 + 4, end.1 - 4), (end.0 + 4, end.1 + 4), (end.0 - 4, end.1 + 4)],
                    fill: color)
            }
        }
        canvas.unclip()
        axes.drawFrame(grid: false)
        if !paths.isEmpty { axes.legend(entries, placement: placement) }
        drawColorBar(canvas, x: axes.x0 + axes.w + 12, y: axes.y0, height: axes.h, map: map, range: (low, high))
        var notes: [String] = []
        let bad = values.flatMap { $0 }.count - finite.count
        if bad > 0 { notes.append("\(bad) samples of the function are not finite (magenta).") }
        return RenderedFigure(canvas, notes: notes)
    }
}
