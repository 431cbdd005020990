import CNN
import Foundation
import XCTest

@testable import Figures

/// Labels a reader sees: tick labels, bar labels, colour bar labels.
final class LabelTests: XCTestCase {
    /// A line broken at a jump is drawn as two series; the second, named "", adds no legend row.
    func testAnUnnamedSeriesContinuesTheLegendOfANamedOne() throws {
        let plot = LinePlot([Series("ReLU'", x: [-2, -1], y: [0, 0]), Series("", x: [1, 2], y: [1, 1])])
        XCTAssertEqual(plot.legendEntries.map(\.name), ["ReLU'"])
        XCTAssertTrue(plot.hasLegend)
        XCTAssertFalse(LinePlot([Series("", x: [0, 1], y: [0, 1])]).hasLegend)
        XCTAssertTrue(try plot.render().notes.isEmpty, "no value is left out, so no note")
    }

    func testTickLabelsReadAsMagnitudes() {
        XCTAssertEqual(tickLabels([0, 50_000, 100_000, 150_000]), ["0", "50k", "100k", "150k"])
        XCTAssertEqual(tickLabels([0, 500_000, 1_000_000, 1_500_000]), ["0", "0.5M", "1M", "1.5M"])
        XCTAssertEqual(tickLabels([0, 0.25, 0.5, 0.75, 1]), ["0", "0.25", "0.5", "0.75", "1"])
        XCTAssertEqual(tickLabels([0, 0.001, 0.002, 0.003]), ["0", "0.001", "0.002", "0.003"])
        XCTAssertEqual(tickLabels([0, 2.5e-6, 5e-6, 7.5e-6]), ["0", "2.5e-6", "5e-6", "7.5e-6"])
        XCTAssertEqual(tickLabels([2000, 4000, 6000, 8000]), ["2000", "4000", "6000", "8000"])
        XCTAssertEqual(tickLabels([-1, -0.5, 0, 0.5, 1]), ["-1", "-0.5", "0", "0.5", "1"])
    }

    /// The old labels printed "2e+05" for both 150,000 and 200,000; no axis may repeat a label.
    func testNoAxisRepeatsALabel() {
        for (low, high) in [
            (0.0, 150_000.0), (140_000, 160_000), (1.0, 1.0001), (0, 3e-6), (99_990, 100_010), (-2e7, 3e7),
            (0.999, 1.003),
        ] {
            let ticks = niceTicks(low, high)
            let labels = tickLabels(ticks)
            XCTAssertEqual(Set(labels).count, ticks.count, "\(low)...\(high): \(labels)")
            XCTAssertGreaterThanOrEqual(ticks.count, 3, "\(low)...\(high)")
        }
    }

    func testLogTicksAreDecadesThinnedWhenMany() {
        XCTAssertEqual(logTickLabels(logTicks(-4, 0)), ["1e-4", "0.001", "0.01", "0.1", "1"])
        let wide = logTicks(-10, 8)
        XCTAssertLessThanOrEqual(wide.count, 8)
        XCTAssertGreaterThanOrEqual(wide.count, 4)
        XCTAssertEqual(logTickLabels(wide), ["1e-9", "1e-6", "0.001", "1", "1000", "1M"])
        // Within one decade: 1-2-5 steps rather than a single tick.
        XCTAssertEqual(logTickLabels(logTicks(log10(0.8), log10(30))), ["1", "2", "5", "10", "20"])
        XCTAssertEqual(logTickLabels([1e4, 1e5, 1e6]), ["10k", "100k", "1M"])
    }

    func testValueLabelsNeverHideAMagnitude() {
        XCTAssertEqual(valueLabel(3.2e-4), "3.2e-4")
        XCTAssertEqual(valueLabel(0.85), "0.85")
        XCTAssertEqual(valueLabel(0.0032), "0.0032")
        XCTAssertEqual(valueLabel(150_000), "150k")
        XCTAssertEqual(valueLabel(1_500_000), "1.5M")
        XCTAssertEqual(valueLabel(-0.25), "-0.25")
        XCTAssertEqual(valueLabel(9999.7), "10k")
        XCTAssertEqual(valueLabel(2.5e-6), "2.5e-6")
        XCTAssertEqual(valueLabel(0), "0")
        XCTAssertEqual(distinctValueLabels([0.12344, 0.12346, 0.12348]), ["0.12344", "0.12346", "0.12348"])
        XCTAssertEqual(Tensor.formatShort(0.004), "0.004")
        XCTAssertEqual(Tensor.formatShort(0.25), "0.25")
        XCTAssertEqual(Tensor.formatShort(63), "63")
    }

    /// The bar labels are drawn text; the labels a bar chart would print for tiny gradients must
    /// not read "0" (L8's gradient bars all did).
    func testBarLabelsForTinyValues() throws {
        let values = [3.2e-4, -1.5e-5, 2e-3]
        let chart = BarChart(labels: ["a", "b", "c"], values: values)
        XCTAssertEqual(chart.barLabels, ["3.2e-4", "-1.5e-5", "0.002"])
        XCTAssertEqual(BarChart(labels: ["p", "n"], values: [150_000, 0.85]).barLabels, ["150k", "0.85"])
        XCTAssertNoThrow(try chart.render())
    }

    /// The labels the axes and colour bars draw (the same functions their drawing calls).
    func testAxisAndColorBarLabels() throws {
        let canvas = try Canvas(width: 640, height: 380)
        let axes = Axes(canvas: canvas, xRange: (0, 1), yRange: (0, 157_500), title: nil, xLabel: nil, yLabel: "count")
        XCTAssertEqual(axes.yTicks.map(\.label), ["0", "25k", "50k", "75k", "100k", "125k", "150k"])
        let log = Axes(
            canvas: canvas, xRange: (0, 1), yRange: (1e-4, 1), logY: true, title: nil, xLabel: nil, yLabel: nil)
        XCTAssertEqual(log.yTicks.map(\.label), ["1e-4", "0.001", "0.01", "0.1", "1"])
        XCTAssertEqual(
            colorBarLabels(map: .viridis, range: colorRange(.viridis, values: [0.2, 0.3], fixed: 0...1)),
            ["1", "0.5", "0"])
        XCTAssertEqual(
            colorBarLabels(map: .diverging, range: colorRange(.diverging, values: [0.2], fixed: -0.5...2e-4)),
            ["0.5", "0", "-0.5"])
        XCTAssertEqual(colorBarLabels(map: .viridis, range: (0, 3.2e-4)), ["3.2e-4", "1.6e-4", "0"])
    }
}

/// Where a legend goes for a given data layout.
final class LegendTests: XCTestCase {
    let plot = (x: 0.0, y: 0.0, w: 400.0, h: 300.0)
    let box = (w: 100.0, h: 50.0)

    func testLegendAvoidsCornersWithData() {
        XCTAssertEqual(LegendPlacement.choose(box: box, plot: plot, points: []), .topRight)
        let topRight = [(380.0, 20.0)]
        XCTAssertEqual(LegendPlacement.choose(box: box, plot: plot, points: topRight), .topLeft)
        let bothTop = [(380.0, 20.0), (20.0, 20.0)]
        XCTAssertEqual(LegendPlacement.choose(box: box, plot: plot, points: bothTop), .bottomRight)
        let threeCorners = bothTop + [(380.0, 280.0)]
        XCTAssertEqual(LegendPlacement.choose(box: box, plot: plot, points: threeCorners), .bottomLeft)
        let all = threeCorners + [(20.0, 280.0)]
        XCTAssertEqual(LegendPlacement.choose(box: box, plot: plot, points: all), .below)
    }

    /// A line crossing a corner covers it even when no sample point lies inside.
    func testLinesCountBetweenTheirPoints() {
        let diagonal = densified([[(0.0, 0.0), (400.0, 300.0)]])
        let antidiagonal = densified([[(0.0, 300.0), (400.0, 0.0)]])
        XCTAssertEqual(LegendPlacement.choose(box: box, plot: plot, points: diagonal), .topRight)
        XCTAssertEqual(LegendPlacement.choose(box: box, plot: plot, points: diagonal + antidiagonal), .below)
    }

    func testLinePlotPutsLegendWhereTheDataIsNot() throws {
        let x = (0...50).map { Double($0) }
        // Rising curves fill the top right and bottom left: the legend goes top left.
        let rising = LinePlot([Series("a", x: x, y: x), Series("b", x: x, y: x.map { $0 * 0.9 })])
        XCTAssertEqual(try rising.layout().placement, .topLeft)
        // An X fills all corners: below the plot, and the canvas grows to hold it.
        let cross = LinePlot([Series("up", x: x, y: x), Series("down", x: x, y: x.map { 50 - $0 })])
        let layout = try cross.layout()
        XCTAssertEqual(layout.placement, .below)
        XCTAssertGreaterThan(layout.canvas.height, cross.height)
        XCTAssertEqual(layout.axes.h, try rising.layout().axes.h, "the plotting area keeps its size")
    }
}

/// Styles that keep curves apart, fixed colour ranges, indices.
final class StyleTests: XCTestCase {
    func testSeriesCycleColoursAndDashesUnlessGiven() {
        let plot = LinePlot([
            Series("a", [1, 2]), Series("b", [1, 2]), Series("c", [1, 2]),
            Series("d", [1, 2], dashed: false, color: .red),
        ])
        let styles = plot.styles
        XCTAssertEqual(styles[0].dash, [])
        XCTAssertNotEqual(styles[1].dash, [])
        XCTAssertNotEqual(styles[1].dash, styles[2].dash)
        XCTAssertNotEqual(styles[0].color, styles[1].color)
        XCTAssertEqual(styles[3].dash, [], "explicit dashed: false stays solid")
        XCTAssertEqual(styles[3].color, .red, "explicit colour kept")
        XCTAssertEqual(LinePlot([Series("x", [1, 2], dashed: true)]).styles[0].dash, LineStyle.explicitDash)
    }

    /// The second curve of two identical ones is dashed, so the first shows through its gaps.
    func testIdenticalCurvesBothShow() throws {
        let y = [1.0, 2, 3, 4]
        let image = try LinePlot([Series("", y), Series("", y)]).render().image
        let colors = Set(
            stride(from: 0, to: image.pixels.count, by: 3).map { image.pixels[$0..<($0 + 3)] }.map { Array($0) })
        XCTAssertTrue(colors.contains(Color.series[0].bytes), "first series visible")
        XCTAssertTrue(colors.contains(Color.series[1].bytes), "second series visible")
    }

    func testMarkersDrawCircles() throws {
        var plain = LinePlot([Series("few", x: [0, 1, 2], y: [0, 1, 0])])
        plain.width = 200
        plain.height = 150
        var marked = plain
        marked.series[0].marker = true
        XCTAssertNotEqual(try plain.render().image, try marked.render().image)
        XCTAssertTrue(marked.styles[0].marker)
    }

    /// A fixed range changes the colours: 0.5 is the top of its own data but mid-scale in [0, 1].
    func testFixedRangeSharesOneScale() throws {
        let t = Tensor(shape: [1, 2], scalars: [0, 0.5])
        var own = Heatmap(t, colorMap: .viridis, showValues: false, displayWidth: 20)
        own.colorBar = false
        var fixed = Heatmap(t, colorMap: .viridis, showValues: false, displayWidth: 20, range: 0...1)
        fixed.colorBar = false
        XCTAssertEqual(try own.render().image[36, 20], [0xFD, 0xE7, 0x25], "own scale: the top colour")
        assertClose(
            try fixed.render().image[36, 20], ColorMap.viridis.color(0.5).bytes, "fixed scale: the middle colour")
        XCTAssertEqual(try fixed.render().image[16, 20], [0x44, 0x01, 0x54])
    }

    /// A diverging map with a lopsided range stays centred: zero is white.
    func testDivergingFixedRangeStaysCentred() throws {
        let t = Tensor(shape: [1, 2], scalars: [0, 2])
        var map = Heatmap(t, colorMap: .diverging, showValues: false, displayWidth: 20, range: -1...4)
        map.colorBar = false
        XCTAssertEqual(try map.render().image[16, 20], [0xF7, 0xF7, 0xF7])
        XCTAssertEqual(colorRange(.diverging, values: [], fixed: -1...4).low, -4)
    }

    func testValuesOutsideAFixedRangeAreNoted() throws {
        let t = Tensor(shape: [1, 3], scalars: [-2, 0.5, 3])
        let figure = try Heatmap(t, colorMap: .viridis, range: 0...1).render()
        XCTAssertEqual(
            figure.notes, ["2 values outside the colour range [0, 1] drawn in its end colours (1 below, 1 above)."])
    }

    func testIndicesAreDrawnAndMakeRoom() throws {
        let t = Tensor(shape: [12, 12], scalars: (0..<144).map(Float.init))
        let plain = try Heatmap(t, showValues: false).render()
        let indexed = try Heatmap(t, showValues: false, indices: true).render()
        XCTAssertGreaterThan(indexed.displayWidth, plain.displayWidth, "room for row numbers")
        XCTAssertGreaterThan(indexed.displayHeight, plain.displayHeight, "room for column numbers")
        // The strip above the grid holds dark text pixels only with indices.
        let strip = (0..<indexed.image.width).map { indexed.image[$0, 2 * 12] }
        XCTAssertTrue(strip.contains { $0[0] < 160 }, "column numbers drawn")
        XCTAssertEqual(indexStep(cell: 25, size: 12), 1)
        XCTAssertEqual(indexStep(cell: 5, size: 12), 5)
        XCTAssertEqual(indexStep(cell: 1, size: 12), 20)
    }

    func testImageGridWithColorMapSharesOneScale() throws {
        let a = Tensor(shape: [2, 2], scalars: [-1, 0, 0, 1])
        let b = Tensor(shape: [2, 2], scalars: [0.5, 0, 0, 0])
        let grid = ImageGrid([a, b], columns: 2, cellSize: 20, colorMap: .diverging, range: -1...1)
        let image = try grid.render().image
        // Image 2's first pixel (0.5) is three quarters up the diverging scale, not its top.
        let x = Int((8 + 20 + 8 + 5) * 2)
        let y = Int((4 + 5) * 2)
        assertClose(image[x, y], ColorMap.diverging.color(0.75).bytes)
        XCTAssertGreaterThan(
            image.width, try ImageGrid([a, b], columns: 2, cellSize: 20).render().image.width, "a colour bar")
        XCTAssertThrowsError(try ImageGrid([Tensor(zeros: [2, 2, 3])], colorMap: .viridis).render())
        XCTAssertEqual(grid.scale?.range.low, -1)
    }
}

extension Color {
    /// The 8-bit RGB bytes an opaque canvas stores for this colour.
    var bytes: [UInt8] { [r, g, b].map { UInt8(($0 * 255).rounded()) } }
}

/// Pixels equal up to Cairo's rounding of a colour to 8 bits (one unit per channel).
func assertClose(_ a: [UInt8], _ b: [UInt8], _ message: String = "", file: StaticString = #filePath, line: UInt = #line)
{
    XCTAssertEqual(a.count, b.count, message, file: file, line: line)
    XCTAssertTrue(
        zip(a, b).allSatisfy { abs(Int($0) - Int($1)) <= 1 }, "\(a) is not \(b) \(message)", file: file, line: line)
}

final class OverlapTests: XCTestCase {
    /// A series covered by later ones is drawn wider, so it shows around them; apart series keep the base width.
    func testCoveredSeriesGetWider() {
        let flat = (0...100).map { (Double($0) * 4, 200.0) }
        let other = (0...100).map { (Double($0) * 4, 50.0) }
        XCTAssertEqual(LinePlot.lineWidths([flat, other]), [2, 2])
        XCTAssertEqual(LinePlot.lineWidths([flat, flat, flat]), [5.6, 3.8, 2])
        let half = Array(flat.prefix(51))
        XCTAssertEqual(LinePlot.lineWidths([flat, half]), [3.8, 2])
        XCTAssertEqual(LinePlot.lineWidths([flat, Array(flat.prefix(10))]), [2, 2], "a short touch is no cover")
    }

    func testTickCountsStayReadable() {
        for (low, high) in [
            (-1.45, 4.25), (-0.00063, 0.00231), (0.0, 157_500), (0.3, 0.31), (-4.0, 4.0), (1.0, 1_000.0),
        ] {
            let n = niceTicks(low, high).count
            XCTAssertTrue((4...7).contains(n), "\(low)...\(high): \(n) ticks")
        }
    }
}

final class LayoutTests: XCTestCase {
    /// A one-row heatmap still gets a colour bar tall enough for three labels.
    func testOneRowHeatmapHasAReadableColorBar() throws {
        let row = Tensor(shape: [1, 28], scalars: (0..<28).map(Float.init))
        let image = try Heatmap(row, showValues: false).render().image
        // The bar is 14 px wide at x = grid end + 14; count its coloured rows in stored pixels.
        let barX = Int((6 + 300.0 / 28 * 28 + 14 + 7) * 2)
        let coloured = (0..<image.height).filter { image[barX, $0] != [255, 255, 255] }.count
        XCTAssertGreaterThanOrEqual(coloured, 200, "at least 100 display px")
    }

    /// A long title on a narrow heatmap shrinks to fit instead of running off the edges.
    func testLongTitleStaysInside() throws {
        let t = Tensor(shape: [2, 2], scalars: [0, 1, 2, 3])
        var map = Heatmap(t, title: String(repeating: "very long title ", count: 8), displayWidth: 60)
        map.colorBar = false
        let image = try map.render().image
        // The title row's first and last columns stay background: nothing drawn past the edges.
        let titleRow = 13 * 2
        XCTAssertEqual(image[0, titleRow], [255, 255, 255])
        XCTAssertEqual(image[image.width - 1, titleRow], [255, 255, 255])
        XCTAssertTrue((0..<image.width).contains { image[$0, titleRow][0] < 200 }, "title drawn")
    }

    func testKernelStackTakesASharedRange() throws {
        let kernel = Tensor(shape: [3, 3, 2], scalars: (0..<18).map { Float($0) / 17 - 0.5 })
        let own = try KernelStack(kernel).render()
        let shared = try KernelStack(kernel, range: -2...2).render()
        XCTAssertNotEqual(own.image, shared.image)
        XCTAssertEqual(try KernelStack(kernel, range: -0.1...0.1).render().notes.count, 1, "clipped values noted")
    }

    /// Every slice of a kernel stack is drawn in full, side by side: a stack of 4 is about twice as
    /// wide as a stack of 2, and a slice's own colour shows at its centre.
    func testKernelStackShowsEverySlice() throws {
        let two = try KernelStack(Tensor(repeating: 1, shape: [3, 3, 2])).render().image
        var fourValues = [Float](repeating: 0, count: 36)
        for i in 0..<9 { fourValues[i * 4 + 3] = 1 }  // only the last slice, c3, is non-zero
        let four = try KernelStack(Tensor(shape: [3, 3, 4], scalars: fourValues)).render().image
        XCTAssertGreaterThan(four.width, two.width + 60)
        // The centre of the last slice (40-pixel cells, 16-pixel gaps, starting at x = 10; two image pixels per unit).
        let x: Int = (10 + 3 * (120 + 16) + 60) * 2
        let y: Int = (8 + 60) * 2
        let o = (y * four.width + x) * four.channels
        XCTAssertLessThan(
            Int(four.pixels[o + 2]), 120,
            "the last slice, all 1, is drawn dark red, not hidden: \(Array(four.pixels[o..<(o + 3)]))")
    }

    /// A kernel stack of a worked example can write each weight in its cell.
    func testKernelStackCanShowItsValues() throws {
        let kernel = Tensor(shape: [3, 3, 1], scalars: [1, 0, -1, 1, 0, -1, 1, 0, -1])
        let plain = try KernelStack(kernel).render()
        let written = try KernelStack(kernel, showValues: true).render()
        XCTAssertEqual(plain.displayWidth, written.displayWidth)
        XCTAssertNotEqual(plain.image, written.image, "the values are drawn")
    }

    /// Issue 21: on a phone a 640 px plot is shown at half size. Under the phone layout the plots
    /// lay themselves out at 360 px with the same lettering; other figures keep their layout.
    func testPlotsLayThemselvesOutForAPhone() throws {
        let plot = LinePlot(
            [Series("loss", x: [1.0, 2, 3], y: [3.0, 2, 1])], title: "Loss", xLabel: "epoch", yLabel: "loss")
        let bars = BarChart(labels: ["a", "b"], values: [1, 2], title: "bars")
        let contour = ContourPlot({ $0 * $0 + $1 * $1 }, x: (-1, 1), y: (-1, 1), title: "bowl")
        let picture = ImagePicture(Tensor(repeating: 0.5, shape: [28, 28, 1]))
        XCTAssertTrue(plot.hasPhoneLayout && bars.hasPhoneLayout && contour.hasPhoneLayout)
        XCTAssertFalse(picture.hasPhoneLayout)
        for figure in [plot, bars, contour] as [Figure] {
            let page = try figure.render()
            let phone = try FigureLayout.$phone.withValue(true) { try figure.render() }
            XCTAssertEqual(page.displayWidth, 640)
            XCTAssertEqual(phone.displayWidth, 360)
            XCTAssertLessThan(phone.displayHeight, page.displayHeight)
        }
        // An axis label longer than the phone's canvas shrinks and stays inside it.
        var long = plot
        long.xLabel = "hidden layer ℓ (1 = input side, 10 = output side, counted from the images)"
        let image = try FigureLayout.$phone.withValue(true) { try long.render() }.image
        let labelRow = (380 * 8 / 10 - 46 + 36) * 2
        XCTAssertEqual(image[0, labelRow], [255, 255, 255])
        XCTAssertEqual(image[image.width - 1, labelRow], [255, 255, 255])
    }

    /// A diagram wider than a phone's figure stacks its kernel and output under the input there.
    func testAWideDiagramStacksOnAPhone() throws {
        let diagram = ConvolutionDiagram(
            input: Tensor(shape: [5, 5], scalars: (0..<25).map(Float.init)),
            kernel: Tensor(repeating: 1, shape: [3, 3]), stride: 2, padding: .uniform(1), step: 2)
        XCTAssertTrue(diagram.hasPhoneLayout)
        let page = try diagram.render()
        let phone = try FigureLayout.$phone.withValue(true) { try diagram.render() }
        XCTAssertGreaterThan(page.displayWidth, 360)
        XCTAssertLessThanOrEqual(phone.displayWidth, 360)
        XCTAssertGreaterThan(phone.displayHeight, page.displayHeight)
        let pooling = ConvolutionDiagram(input: Tensor(repeating: 1, shape: [2, 2]), maxPooling: 2)
        XCTAssertFalse(pooling.hasPhoneLayout, "a small diagram already fits")
    }

    func testDiscreteMapSetsZeroApart() {
        let map = ColorMap.discrete(levels: 9)
        XCTAssertEqual(map.color(0, range: (0, 9)), ColorMap.discreteZero)
        let one = map.color(1, range: (0, 9))
        let nine = map.color(9, range: (0, 9))
        XCTAssertLessThan(one.luminance, 0.3, "1 is dark")
        XCTAssertGreaterThan(ColorMap.discreteZero.luminance, 0.8, "0 is light")
        XCTAssertNotEqual(one, nine)
        XCTAssertEqual(
            Set((0...9).map { "\(map.color(Float($0), range: (0, 9)))" }).count, 10, "ten counts, ten colours")
    }

    func testHeatmapCellLabelsAndIndexOffsets() throws {
        let t = Tensor(shape: [2, 3], scalars: (0..<6).map(Float.init))
        var labelled = Heatmap(t, showValues: false, indices: true)
        labelled.cellLabels = (0..<6).map { "(\($0))" }
        let plain = try Heatmap(t, showValues: false, indices: true).render().image
        XCTAssertNotEqual(try labelled.render().image, plain, "labels drawn")
        labelled.cellLabels = ["one"]
        XCTAssertThrowsError(try labelled.render(), "one label for six cells")
        var shifted = Heatmap(t, showValues: false, indices: true)
        (shifted.firstRow, shifted.firstColumn) = (4, 10)
        XCTAssertNotEqual(try shifted.render().image, plain, "numbered from 4 and 10")
    }

    func testImageGridOwnScalesShowsAFaintMap() throws {
        let strong = Tensor(repeating: 5, shape: [4, 4])
        let faint = Tensor(repeating: 0.5, shape: [4, 4])
        var grid = ImageGrid([strong, faint], columns: 2, cellSize: 40, colorMap: .diverging)
        let shared = try grid.render().image
        grid.ownScales = true
        let own = try grid.render().image
        // The faint image's centre: pale on the shared scale, as dark as the strong one on its own.
        func red(_ image: PixelImage) -> [UInt8] {
            let x: Int = (8 + 48 + 20) * 2
            let y: Int = (4 + 20) * 2
            let o: Int = (y * image.width + x) * image.channels
            return Array(image.pixels[o..<(o + 3)])
        }
        XCTAssertGreaterThan(Int(red(shared)[1]), 150, "pale on the shared scale")
        XCTAssertLessThan(Int(red(own)[1]), 60, "dark on its own scale")
    }

    func testLogBarChartDrawsSmallBars() throws {
        let chart = BarChart(labels: ["a", "b"], values: [320, 204_928], logY: true)
        XCTAssertNoThrow(try chart.render())
        XCTAssertThrowsError(try BarChart(labels: ["a"], values: [0], logY: true).render(), "no zero on a log axis")
        let twoLines = try BarChart(labels: ["conv 1\nkernel", "dense\nbias"], values: [1, 2]).render().image
        XCTAssertGreaterThan(
            twoLines.height, try BarChart(labels: ["a", "b"], values: [1, 2]).render().image.height,
            "room for the second line")
    }

    func testConvolutionDiagramTakesNames() throws {
        var diagram = ConvolutionDiagram(
            input: Tensor(repeating: 1, shape: [4, 4]), kernel: Tensor(repeating: 1, shape: [2, 2]))
        let plain = try diagram.render().image
        (diagram.inputName, diagram.kernelName, diagram.outputName) = ("x", "δ", "dL/dK")
        XCTAssertNotEqual(try diagram.render().image, plain)
    }
}
