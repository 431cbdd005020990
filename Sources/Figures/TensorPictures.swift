import CNN
import Foundation

/// A rectangle over a grid of cells (a kernel window, pooling window or receptive field).
public struct CellRect: Equatable, Sendable {
    public var row: Int, column: Int, height: Int, width: Int
    public var color: Color
    /// The outline's width in pixels (thin outlines for many small windows, thick for one).
    public var lineWidth: Double
    public init(row: Int, column: Int, height: Int, width: Int, color: Color = .highlight, lineWidth: Double = 3) {
        self.row = row
        self.column = column
        self.height = height
        self.width = width
        self.color = color
        self.lineWidth = lineWidth
    }
}

/// The rows and columns of a picture tensor: [H, W], [H, W, 1] or [H, W, 3] (or one image of a
/// batch, [1, H, W, C]).
func imageGeometry(_ t: Tensor) throws -> (rows: Int, columns: Int, channels: Int) {
    var shape = t.shape
    if shape.count == 4 && shape[0] == 1 { shape.removeFirst() }
    switch shape.count {
    case 2: return (shape[0], shape[1], 1)
    case 3 where shape[2] == 1 || shape[2] == 3: return (shape[0], shape[1], shape[2])
    default: throw FigureError("a picture needs a [H, W], [H, W, 1] or [H, W, 3] tensor, got \(t.shape)")
    }
}

/// An image (grey or RGB, values in [0, 1]) scaled up crisply, nearest neighbour, to a
/// readable size; optional rectangles drawn over it.
public struct ImagePicture: Figure, Sendable {
    public var image: Tensor
    public var title: String?
    public var displayWidth: Double
    public var overlays: [CellRect]

    public init(_ image: Tensor, title: String? = nil, displayWidth: Double = 224, overlays: [CellRect] = []) {
        self.image = image
        self.title = title
        self.displayWidth = displayWidth
        self.overlays = overlays
    }

    public func render() throws -> RenderedFigure {
        let (rows, columns, channels) = try imageGeometry(image)
        guard rows > 0, columns > 0 else { throw FigureError("cannot picture an empty image \(image.shape)") }
        let cell = displayWidth / Double(columns)
        let top = title == nil ? 0.0 : 24
        let canvas = try Canvas(width: displayWidth, height: cell * Double(rows) + top)
        if let title { canvas.title(title, displayWidth / 2, 12, size: 12) }
        let v = image.scalars
        canvas.cells(0, top, displayWidth, cell * Double(rows), rows: rows, columns: columns) { i, j in
            let o = (i * columns + j) * channels
            if let bad = v[o..<(o + channels)].first(where: { !$0.isFinite }) {
                return ColorMap.grey.color(bad, range: (0, 1))
            }
            if channels == 1 { return ColorMap.grey.color(Double(v[o])) }
            return Color(
                Double(min(max(v[o], 0), 1)), Double(min(max(v[o + 1], 0), 1)), Double(min(max(v[o + 2], 0), 1)))
        }
        for r in overlays {
            canvas.strokeRect(
                Double(r.column) * cell, top + Double(r.row) * cell, Double(r.width) * cell, Double(r.height) * cell,
                r.color, lineWidth: min(2.5, r.lineWidth))
        }
        return RenderedFigure(canvas, notes: [nonFiniteNote(v)].compactMap { $0 })
    }
}

/// The values a colour map spans: a fixed range when given (so pictures compared side by side
/// share one scale), otherwise the data's own; a diverging map is always centred on zero.
func colorRange(_ map: ColorMap, values: [Float], fixed: ClosedRange<Double>?) -> (low: Double, high: Double) {
    guard let fixed, fixed.lowerBound.isFinite, fixed.upperBound.isFinite else { return map.range(of: values) }
    var low = fixed.lowerBound
    var high = fixed.upperBound
    if map == .diverging {
        let m = Swift.max(Swift.abs(low), Swift.abs(high))
        low = -m
        high = m
    }
    if high - low < 1e-12 {
        low -= 0.5
        high += 0.5
    }
    return (low, high)
}

/// A caption note for values a fixed colour range cuts off (they take the range's end colours).
func outsideRangeNote(_ values: [Float], _ range: (low: Double, high: Double), fixed: Bool) -> String? {
    guard fixed else { return nil }
    let below = values.filter { $0.isFinite && Double($0) < range.low }.count
    let above = values.filter { $0.isFinite && Double($0) > range.high }.count
    guard below + above > 0 else { return nil }
    let labels = distinctValueLabels([range.low, range.high])
    return
        "\(below + above) value\(below + above == 1 ? "" : "s") outside the colour range [\(labels[0]), \(labels[1])] drawn in its end colours (\(below) below, \(above) above)."
}

/// Every k-th index, k from 1, 2, 5, 10, 20, ..., so labels `size` wide fit cells `cell` wide.
func indexStep(cell: Double, size: Double) -> Int {
    guard cell > 0, size.isFinite else { return 1 }
    var magnitude = 1
    while magnitude < 1_000_000 {
        for m in [1, 2, 5] where Double(m * magnitude) * cell >= size { return m * magnitude }
        magnitude *= 10
    }
    return magnitude
}

/// A 2-D tensor in a colour map with a colour bar giving its range; optionally each cell's value
/// printed, row and column numbers along the edges, and rectangles outlined over it. Viridis for
/// magnitudes, diverging (centred on zero) for signed values. A fixed `range` gives maps compared
/// side by side one colour scale.
public struct Heatmap: Figure, Sendable {
    public var values: Tensor
    public var colorMap: ColorMap
    public var title: String?
    public var showValues: Bool
    public var overlays: [CellRect]
    public var displayWidth: Double
    public var colorBar = true
    /// The values the colour map spans (the colour bar shows it); nil spans the data. Values
    /// outside take the end colours and are counted in the caption notes.
    public var range: ClosedRange<Double>?
    /// Row numbers on the left and column numbers on top, from 0 as in `tensor[i, j]`.
    public var indices: Bool
    /// The numbers of the first row and column (a patch cut from a larger image keeps its place:
    /// rows 4-13 of a digit are numbered 4 to 13).
    public var firstRow = 0, firstColumn = 0
    /// Text for each cell, row by row, in place of its value (for example "(0,1,2)" for the entry at
    /// row 0, column 1, channel 2); nil shows the values when `showValues` is on.
    public var cellLabels: [String]?

    public init(
        _ values: Tensor, colorMap: ColorMap? = nil, title: String? = nil, showValues: Bool? = nil,
        overlays: [CellRect] = [], displayWidth: Double = 300, range: ClosedRange<Double>? = nil, indices: Bool = false
    ) {
        self.values = values
        // Signed data (or a signed fixed range) gets the diverging map unless told otherwise.
        self.colorMap =
            colorMap ?? (values.scalars.contains { $0 < 0 } || (range?.lowerBound ?? 0) < 0 ? .diverging : .viridis)
        self.title = title
        self.showValues = showValues ?? (values.count <= 100)
        self.overlays = overlays
        self.displayWidth = displayWidth
        self.range = range
        self.indices = indices
    }

    public func render() throws -> RenderedFigure {
        var t = values
        if t.rank == 3 && t.shape[2] == 1 { t = t.reshaped([t.shape[0], t.shape[1]]) }
        if t.rank == 1 { t = t.reshaped([1, t.count]) }
        guard t.rank == 2, t.count > 0 else {
            throw FigureError("a heatmap needs a non-empty [H, W] tensor, got \(values.shape)")
        }
        let rows = t.shape[0]
        let columns = t.shape[1]
        let barWidth = colorBar ? 70.0 : 0
        let cell = min(displayWidth / Double(columns), 420 / Double(rows))
        let indexSize = 9.0
        // Room for row numbers on the left and column numbers on top.
        let rowLabelWidth = indices ? Double(String(firstRow + rows - 1).count) * indexSize * 0.64 + 8 : 0
        let top = (title == nil ? 6.0 : 28) + (indices ? 14 : 0)
        let x0 = 6.0 + rowLabelWidth
        let gridWidth = cell * Double(columns)
        let gridHeight = cell * Double(rows)
        let canvas = try Canvas(width: x0 + gridWidth + barWidth + 6, height: max(gridHeight + top + 8, 150))
        if let title { canvas.title(title, x0 + gridWidth / 2, 13, size: 12) }
        let range = colorRange(colorMap, values: t.scalars, fixed: self.range)
        canvas.cells(x0, top, gridWidth, gridHeight, rows: rows, columns: columns) { i, j in
            colorMap.color(t.scalars[i * columns + j], range: range)
        }
        if showValues || cellLabels != nil {
            let labels = cellLabels ?? t.scalars.map { Tensor.formatShort($0) }
            guard labels.count == rows * columns else {
                throw FigureError("heatmap: \(labels.count) cell labels for \(rows * columns) cells")
            }
            // One size for every label, shrunk until the widest fits its cell.
            var size = min(13, cell * 0.3)
            let widest = labels.map { canvas.textWidth($0, size: 10) }.max() ?? 0
            if widest > 0 { size = min(size, 10 * (cell - 4) / widest) }
            for i in 0..<rows {
                for j in 0..<columns {
                    let v = t.scalars[i * columns + j]
                    let c = colorMap.color(v, range: range)
                    canvas.text(
                        labels[i * columns + j], x0 + (Double(j) + 0.5) * cell, top + (Double(i) + 0.5) * cell,
                        size: size, color: c.luminance > 0.5 ? .ink : .white, anchor: .middle)
                }
            }
        }
        if indices {
            let columnStep = indexStep(
                cell: cell, size: canvas.textWidth(String(firstColumn + columns - 1), size: indexSize) + 4)
            for j in stride(from: 0, to: columns, by: columnStep) {
                canvas.text(
                    String(firstColumn + j), x0 + (Double(j) + 0.5) * cell, top - 7, size: indexSize, color: .axis,
                    anchor: .middle)
            }
            let rowStep = indexStep(cell: cell, size: indexSize + 2)
            for i in stride(from: 0, to: rows, by: rowStep) {
                canvas.text(
                    String(firstRow + i), x0 - 4, top + (Double(i) + 0.5) * cell, size: indexSize, color: .axis,
                    anchor: .end)
            }
        }
        canvas.strokeRect(x0, top, gridWidth, gridHeight, .axis, lineWidth: 0.8)
        for r in overlays {
            canvas.strokeRect(
                x0 + Double(r.column) * cell, top + Double(r.row) * cell, Double(r.width) * cell,
                Double(r.height) * cell, r.color, lineWidth: r.lineWidth)
        }
        // At least 100 tall so its three labels never overlap (a one-row map is only a cell high).
        if colorBar {
            drawColorBar(
                canvas, x: x0 + gridWidth + 14, y: top, height: min(max(gridHeight, 100), 260), map: colorMap,
                range: range)
        }
        let notes = [nonFiniteNote(t.scalars), outsideRangeNote(t.scalars, range, fixed: self.range != nil)].compactMap
        { $0 }
        return RenderedFigure(canvas, notes: notes)
    }
}

/// The colour bar's top, middle and bottom labels (zero in the middle of a diverging map).
func colorBarLabels(map: ColorMap, range: (low: Double, high: Double)) -> [String] {
    let middle = map == .diverging ? 0 : (range.low + range.high) / 2
    return distinctValueLabels([range.high, middle, range.low])
}

/// A vertical colour bar with its top, middle and bottom values (labels that tell them apart).
func drawColorBar(
    _ canvas: Canvas, x: Double, y: Double, height: Double, map: ColorMap, range: (low: Double, high: Double),
    labels: [String]? = nil
) {
    if case .discrete(let levels) = map {
        // One block per count, highest on top, each labelled when there is room.
        let n = max(levels, 1)
        let block = height / Double(n + 1)
        let every = block >= 11 ? 1 : Int((11 / block).rounded(.up))
        for k in 0...n {
            let top = y + Double(n - k) * block
            canvas.fillRect(x, top, 14, block, map.color(Double(k) / Double(n)))
            if k % every == 0 || k == n {
                canvas.text(
                    valueLabel(range.low + Double(k) * (range.high - range.low) / Double(n)), x + 21, top + block / 2,
                    size: 10, color: .axis)
            }
        }
        canvas.strokeRect(x, y, 14, height, .axis, lineWidth: 0.6)
        return
    }
    let steps = 64
    canvas.cells(x, y, 14, height, rows: steps, columns: 1) { i, _ in map.color(1 - (Double(i) + 0.5) / Double(steps)) }
    canvas.strokeRect(x, y, 14, height, .axis, lineWidth: 0.6)
    for (t, label) in zip([0.0, 0.5, 1.0], labels ?? colorBarLabels(map: map, range: range)) {
        canvas.line(x + 14, y + t * height, x + 18, y + t * height, .axis)
        canvas.text(label, x + 21, y + t * height, size: 10, color: .axis)
    }
}

extension Tensor {
    /// A value short enough for a cell: "3", "-0.25", "12.35", "0.004", "4e-4" (never "0" for a
    /// value that is not zero).
    static func formatShort(_ v: Float) -> String {
        if v.isNaN { return "NaN" }
        if v.isInfinite { return v > 0 ? "inf" : "-inf" }
        let d = Double(v)
        if d != 0 && Swift.abs(d) < 0.01 { return valueLabel(d, significant: 1) }
        return valueLabel((d * 100).rounded() / 100, significant: 4)
    }
}

/// Many images in a grid with captions, for example 5 x 5 digits captioned "pred 7 / true 7",
/// the wrong ones framed and captioned in red. With a colour map (or a range) one-channel images
/// are drawn on one shared colour scale with a colour bar: for example signed kernels in
/// `.diverging` with a symmetric range.
public struct ImageGrid: Figure, Sendable {
    public var images: [Tensor]
    public var captions: [String]
    public var wrong: Set<Int>
    public var columns: Int
    public var title: String?
    public var cellSize: Double
    /// nil draws images as they are (grey or RGB, values in [0, 1]).
    public var colorMap: ColorMap?
    /// The values the colour map spans, shared by every image; nil spans all images' values together.
    public var range: ClosedRange<Double>?
    /// Each image on its own scale (its own largest magnitude for a diverging map, its own
    /// minimum and maximum otherwise), written under its caption; the colour bar then reads
    /// "max", "0", "-max". For maps whose sizes differ so much that one scale would hide one.
    public var ownScales = false

    public init(
        _ images: [Tensor], captions: [String] = [], wrong: Set<Int> = [], columns: Int = 5, title: String? = nil,
        cellSize: Double = 96,
        colorMap: ColorMap? = nil, range: ClosedRange<Double>? = nil
    ) {
        self.images = images
        self.captions = captions
        self.wrong = wrong
        self.columns = columns
        self.title = title
        self.cellSize = cellSize
        self.colorMap = colorMap
        self.range = range
    }

    /// The first `count` images of a batch `[N, H, W, C]`.
    public init(
        batch: Tensor, count: Int, captions: [String] = [], wrong: Set<Int> = [], columns: Int = 5,
        title: String? = nil,
        colorMap: ColorMap? = nil, range: ClosedRange<Double>? = nil
    ) {
        self.init(
            (0..<min(count, batch.shape[0])).map { batch.item($0) }, captions: captions, wrong: wrong, columns: columns,
            title: title,
            colorMap: colorMap, range: range)
    }

    /// The shared map and its range, when images are drawn through a colour map.
    var scale: (map: ColorMap, range: (low: Double, high: Double))? {
        guard colorMap != nil || range != nil || ownScales else { return nil }
        let map = colorMap ?? .grey
        return (map, colorRange(map, values: images.flatMap(\.scalars), fixed: range))
    }

    public func render() throws -> RenderedFigure {
        guard !images.isEmpty else { throw FigureError("an image grid needs at least one image") }
        let scale = self.scale
        let cols = max(1, min(columns, images.count))
        let rows = (images.count + cols - 1) / cols
        let captionHeight = captions.isEmpty && !ownScales ? 4.0 : 20
        let top = title == nil ? 4.0 : 28
        let gap = 8.0
        let barWidth = scale == nil ? 0.0 : 76
        let gridWidth = Double(cols) * (cellSize + gap) + gap
        let canvas = try Canvas(
            width: gridWidth + barWidth,
            height: max(top + Double(rows) * (cellSize + captionHeight + gap), scale == nil ? 1 : 130))
        if let title { canvas.title(title, canvas.width / 2, 14, size: 13, bold: true) }
        var notes: [String] = []
        for (k, image) in images.enumerated() {
            let (h, w, c) = try imageGeometry(image)
            if scale != nil && c != 1 {
                throw FigureError(
                    "image grid: a colour map needs one-channel images, image \(k + 1) has shape \(image.shape)")
            }
            let x = gap + Double(k % cols) * (cellSize + gap)
            let y = top + Double(k / cols) * (cellSize + captionHeight + gap)
            let v = image.scalars
            let own = ownScales ? scale.map { colorRange($0.map, values: v, fixed: nil) } : nil
            canvas.cells(x, y, cellSize, cellSize * Double(h) / Double(w), rows: h, columns: w) { i, j in
                let o = (i * w + j) * c
                if let scale { return scale.map.color(v[o], range: own ?? scale.range) }
                if !v[o].isFinite { return ColorMap.grey.color(v[o], range: (0, 1)) }
                return c == 1
                    ? ColorMap.grey.color(Double(v[o])) : Color(Double(v[o]), Double(v[o + 1]), Double(v[o + 2]))
            }
            // A thin frame, so a white (zero) border of a diverging image still shows its edge.
            if scale != nil {
                canvas.strokeRect(
                    x, y, cellSize, cellSize * Double(h) / Double(w), Color.axis.withAlpha(0.5), lineWidth: 0.6)
            }
            let isWrong = wrong.contains(k)
            if isWrong {
                canvas.strokeRect(x - 2, y - 2, cellSize + 4, cellSize * Double(h) / Double(w) + 4, .red, lineWidth: 3)
            }
            if k < captions.count || own != nil {
                var caption = k < captions.count ? captions[k] : ""
                if let own, let map = scale?.map {
                    let scaleText =
                        map == .diverging
                        ? "±" + valueLabel(own.high) : valueLabel(own.low) + " to " + valueLabel(own.high)
                    caption += caption.isEmpty ? scaleText : " (" + scaleText + ")"
                }
                // Shrink a long caption until it fits under its image (and its gap).
                var size = 11.0
                while size > 7 && canvas.textWidth(caption, size: size, bold: isWrong) > cellSize + gap - 2 {
                    size -= 0.5
                }
                canvas.text(
                    caption, x + cellSize / 2, y + cellSize + 10, size: size, color: isWrong ? .red : .text,
                    anchor: .middle, bold: isWrong)
            }
            if let note = nonFiniteNote(v) { notes.append("Image \(k + 1): \(note)") }
        }
        if let scale {
            drawColorBar(
                canvas, x: gridWidth + 4, y: top,
                height: min(max(Double(rows) * (cellSize + captionHeight + gap) - gap, 110), 260), map: scale.map,
                range: scale.range,
                labels: ownScales ? (scale.map == .diverging ? ["max", "0", "-max"] : ["max", "", "min"]) : nil)
            if !ownScales, let note = outsideRangeNote(images.flatMap(\.scalars), scale.range, fixed: range != nil) {
                notes.append(note)
            }
        }
        return RenderedFigure(canvas, notes: notes)
    }
}

/// A multi-channel kernel [KH, KW, C_in] (or one filter of [KH, KW, C_in, C_out]) drawn as its
/// C_in slices side by side, one per input channel, each labelled c0, c1, ... on one diverging
/// scale.
public struct KernelStack: Figure, Sendable {
    public var kernel: Tensor
    public var title: String?
    /// The values the diverging map spans (symmetric about zero), shared by stacks drawn side by
    /// side; nil spans this kernel's own values.
    public var range: ClosedRange<Double>?
    /// Each weight's value written in its cell (small integer kernels worked by hand).
    public var showValues: Bool

    public init(
        _ kernel: Tensor, filter: Int = 0, title: String? = nil, range: ClosedRange<Double>? = nil,
        showValues: Bool = false
    ) {
        self.range = range
        self.showValues = showValues
        if kernel.rank == 4 {
            let (kh, kw, ci, co) = (kernel.shape[0], kernel.shape[1], kernel.shape[2], kernel.shape[3])
            var slice = [Float](repeating: 0, count: kh * kw * ci)
            for i in 0..<(kh * kw * ci) { slice[i] = kernel.scalars[i * co + filter] }
            self.kernel = Tensor(shape: [kh, kw, ci], scalars: slice)
        } else {
            self.kernel = kernel
        }
        self.title = title
    }

    public func render() throws -> RenderedFigure {
        guard kernel.rank == 3, kernel.count > 0 else {
            throw FigureError("a kernel stack needs [KH, KW, C_in], got \(kernel.shape)")
        }
        let (kh, kw, ci) = (kernel.shape[0], kernel.shape[1], kernel.shape[2])
        // The slices side by side, channel 0 first, each labelled under it (a block drawn in depth
        // hides its back slices); at most 8 a row, 16 in all.
        let shown = min(ci, 16)
        let perRow = min(shown, 8)
        let rowCount = (shown + perRow - 1) / perRow
        // Cells large enough to tell a slice's pattern (and read its values) at the page's size.
        let cell = 40.0
        let gap = 16.0
        let labelHeight = 18.0
        let w = Double(kw) * cell
        let h = Double(kh) * cell
        let top = title == nil ? 8.0 : 30
        let gridWidth = Double(perRow) * w + Double(perRow - 1) * gap
        let gridHeight = Double(rowCount) * (h + labelHeight) + Double(rowCount - 1) * 6
        let canvas = try Canvas(width: max(gridWidth + 20 + 60, 200), height: top + max(gridHeight, 100) + 24)
        if let title { canvas.title(title, canvas.width / 2, 14, size: 13, bold: true) }
        let map = ColorMap.diverging
        let range = colorRange(map, values: kernel.scalars, fixed: self.range)
        for c in 0..<shown {
            let x = 10 + Double(c % perRow) * (w + gap)
            let y = top + Double(c / perRow) * (h + labelHeight + 6)
            canvas.cells(x, y, w, h, rows: kh, columns: kw) { i, j in
                map.color(kernel.scalars[(i * kw + j) * ci + c], range: range)
            }
            if showValues {
                for i in 0..<kh {
                    for j in 0..<kw {
                        let v = kernel.scalars[(i * kw + j) * ci + c]
                        let fill = map.color(v, range: range)
                        canvas.text(
                            Tensor.formatShort(v), x + (Double(j) + 0.5) * cell, y + (Double(i) + 0.5) * cell,
                            size: cell * 0.34, color: fill.luminance < 0.45 ? .white : Color(hex: 0x111111),
                            anchor: .middle)
                    }
                }
            }
            canvas.strokeRect(x, y, w, h, .axis, lineWidth: 1)
            canvas.text("c\(c)", x + w / 2, y + h + 10, size: 10, color: .axis, anchor: .middle)
        }
        let total =
            "\(kh)x\(kw)x\(ci): one \(kh)x\(kw) slice per input channel" + (ci > shown ? " (first \(shown) shown)" : "")
        canvas.text(total, 10, canvas.height - 8, size: 11, color: .axis)
        drawColorBar(
            canvas, x: 10 + gridWidth + 14, y: top, height: max(min(gridHeight, 160), 90), map: map, range: range)
        return RenderedFigure(
            canvas,
            notes: [nonFiniteNote(kernel.scalars), outsideRangeNote(kernel.scalars, range, fixed: self.range != nil)]
                .compactMap { $0 })
    }
}
