import CNN
import Foundation
import XCTest

@testable import Figures

/// Runs Debian's pngcheck on a file; returns its verdict line, or nil when pngcheck is missing.
func pngcheck(_ url: URL) -> (ok: Bool, output: String)? {
    guard FileManager.default.isExecutableFile(atPath: "/usr/bin/pngcheck") else { return nil }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/pngcheck")
    process.arguments = ["-q", url.path]
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try? process.run()
    process.waitUntilExit()
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    return (process.terminationStatus == 0, output)
}

final class PNGTests: XCTestCase {
    func testRoundTripGreyRGBAndRGBA() throws {
        for channels in [1, 3, 4] {
            let pixels = (0..<(5 * 3 * channels)).map { UInt8($0 * 7 % 256) }
            let image = PixelImage(width: 5, height: 3, channels: channels, pixels: pixels)
            let data = try PNG.encode(image, text: ["Source": "test \(channels)"])
            XCTAssertEqual(try PNG.decode(data), image)
            XCTAssertEqual(PNG.textChunks(data)["Source"], "test \(channels)")
            XCTAssertEqual(try PNG.encode(image, text: ["Source": "test \(channels)"]), data, "same image, same bytes")
            let file = FileManager.default.temporaryDirectory.appendingPathComponent(
                "roundtrip-\(channels)-\(UUID().uuidString).png")
            try data.write(to: file)
            defer { try? FileManager.default.removeItem(at: file) }
            if let check = pngcheck(file) { XCTAssertTrue(check.ok, check.output) }
        }
    }

    func testBadPNGIsAnErrorNotACrash() {
        XCTAssertThrowsError(try PNG.decode(Data([1, 2, 3]))) { XCTAssertTrue("\($0)".contains("not a PNG")) }
        let good = try! PNG.encode(PixelImage(width: 2, height: 2, channels: 1, pixels: [0, 1, 2, 3]))
        XCTAssertThrowsError(try PNG.decode(good.prefix(good.count - 20))) {
            XCTAssertTrue("\($0)".contains("PNG decoding failed"), "\($0)")
        }
    }
}

final class PictureTests: XCTestCase {
    /// Nearest-neighbour scaling: each tensor cell becomes a solid block of stored pixels.
    func testNearestNeighbourScalingIsPixelExact() throws {
        let t = Tensor(shape: [2, 2], scalars: [0, 1, 1, 0])
        let figure = try ImagePicture(t, displayWidth: 8).render()  // 8 display px -> 16 stored px
        XCTAssertEqual(figure.image.width, 16)
        XCTAssertEqual(figure.image.height, 16)
        for y in 0..<16 {
            for x in 0..<16 {
                let expected: UInt8 = (x < 8) == (y < 8) ? 0 : 255
                XCTAssertEqual(figure.image[x, y], [expected, expected, expected], "pixel \(x),\(y)")
            }
        }
    }

    /// The ends of the colour maps land exactly on their first and last colours.
    func testColorMapEnds() throws {
        let t = Tensor(shape: [1, 2], scalars: [0, 1])
        var heatmap = Heatmap(t, colorMap: .viridis, showValues: false, displayWidth: 20)
        heatmap.colorBar = false
        let image = try heatmap.render().image
        // Cell 0 starts at x = 6 display px (12 stored), each cell 10 display px (20 stored).
        XCTAssertEqual(image[16, 20], [0x44, 0x01, 0x54], "viridis low end")
        XCTAssertEqual(image[36, 20], [0xFD, 0xE7, 0x25], "viridis high end")
        // Diverging: zero is the middle, white-ish; -1 and 1 are its ends.
        let signed = Tensor(shape: [1, 3], scalars: [-1, 0, 1])
        var diverging = Heatmap(signed, showValues: false, displayWidth: 30)
        diverging.colorBar = false
        XCTAssertEqual(diverging.colorMap, .diverging)
        let d = try diverging.render().image
        XCTAssertEqual(d[16, 20], [0x05, 0x30, 0x61])
        XCTAssertEqual(d[36, 20], [0xF7, 0xF7, 0xF7])
        XCTAssertEqual(d[56, 20], [0x67, 0x00, 0x1F])
    }

    /// Padding cells are grey and dotted, real cells blue.
    func testConvolutionDiagramDrawsPaddingDistinctly() throws {
        let diagram = ConvolutionDiagram(
            input: Tensor(repeating: 1, shape: [3, 3]), kernel: Tensor(repeating: 1, shape: [3, 3]), padding: .same)
        XCTAssertEqual(diagram.output.scalars, [4, 6, 4, 6, 9, 6, 4, 6, 4])
        let image = try diagram.render().image
        // The padded grid starts at (16, 30) display px; cells are 34 px. Sample cell interiors near a corner.
        let paddingPixel = image[Int((16 + 4) * 2), Int((30 + 4) * 2)]
        let realPixel = image[Int((16 + 34 + 4) * 2), Int((30 + 34 + 4) * 2)]
        XCTAssertEqual(paddingPixel, [0xEE, 0xEE, 0xEE])
        XCTAssertEqual(realPixel, [0xDC, 0xEB, 0xFA])
    }

    func testBadInputGivesSensiblePicturesOrClearErrors() throws {
        let weird = Tensor(shape: [2, 2], scalars: [.nan, .infinity, -.infinity, 1])
        let figure = try Heatmap(weird).render()
        XCTAssertEqual(figure.notes, ["Not finite: 1 NaN (magenta), 1 +inf (yellow-green), 1 -inf (cyan)."])
        XCTAssertNoThrow(try Heatmap(Tensor(repeating: 3, shape: [4, 4])).render(), "constant data")
        XCTAssertNoThrow(try LinePlot([Series("empty", [Double]())]).render(), "empty series")
        XCTAssertNoThrow(try LinePlot([Series("one", [2.0])]).render(), "single point")
        XCTAssertNoThrow(try LinePlot([Series("log", [1, 0, -1, Double.nan, 100])], logY: true).render())
        XCTAssertThrowsError(try Canvas(width: 100_000, height: 100_000)) {
            XCTAssertTrue("\($0)".contains("too large"), "\($0)")
        }
        XCTAssertThrowsError(try ImagePicture(Tensor(zeros: [2, 2, 2])).render()) {
            XCTAssertTrue("\($0)".contains("[H, W, 3]"), "\($0)")
        }
    }

    func testSameFigureSameBytes() throws {
        let plot = LinePlot(
            [Series("a", [1, 3, 2]), Series("b", [2, 1, 0.5], dashed: true)], title: "t", xLabel: "epoch",
            yLabel: "loss")
        XCTAssertEqual(try plot.render().png(), try plot.render().png())
    }
}

/// Renders one example of every picture into .build/gallery (for the eye; not published with the
/// course) and checks each with pngcheck.
final class GalleryTests: XCTestCase {
    func testGallery() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let folder = root.appendingPathComponent(".build/gallery")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let mnist = try MNIST.load(directory: MNIST.shippedDirectory)
        let digit = mnist.trainImages.item(0)
        let edge = Tensor(shape: [3, 3], scalars: [1, 0, -1, 1, 0, -1, 1, 0, -1])
        let featureMap = conv2d(mnist.trainImages.batch(0..<1), kernel: edge.reshaped([3, 3, 1, 1]), padding: .same)
            .reshaped([28, 28])
        let x = stride(from: -4.0, through: 4, by: 0.1).map { $0 }
        let rectified = relu(featureMap.reshaped([1, 28, 28, 1]))
        let maxPooled = maxPool2d(rectified, poolSize: (2, 2), strides: (2, 2), padding: .valid).reshaped([14, 14])
        let averagePooled = avgPool2d(rectified, poolSize: (2, 2), strides: (2, 2), padding: .valid).reshaped([14, 14])
        let sharedTop = Double(maxPooled.max())
        func descend(_ start: (Double, Double), rate: Double, steps: Int) -> Series {
            var (a, b) = start
            var xs = [a]
            var ys = [b]
            for _ in 0..<steps {
                a -= rate * 2 * a
                b -= rate * (-2 * b + 0.4 * b * b * b)
                xs.append(a)
                ys.append(b)
            }
            return Series("SGD lr \(rate)", x: xs, y: ys)
        }
        let figures: [(String, Figure)] = [
            (
                "image",
                ImagePicture(
                    digit, title: "label \(Int(mnist.trainLabels.scalars[0]))",
                    overlays: [CellRect(row: 5, column: 5, height: 3, width: 3)])
            ),
            ("heatmap-feature-map", Heatmap(featureMap, title: "vertical edges")),
            ("heatmap-kernel-values", Heatmap(edge, title: "kernel")),
            ("kernel-stack", KernelStack(Tensor.normal([3, 3, 4], seed: 1), title: "a 3x3x4 kernel")),
            (
                "convolution-diagram",
                ConvolutionDiagram(
                    input: Tensor(shape: [5, 5], scalars: (0..<25).map(Float.init)), kernel: edge, stride: 2,
                    padding: .uniform(1), step: 3, title: "3x3 kernel, stride 2, padding 1")
            ),
            (
                "pooling-diagram",
                ConvolutionDiagram(
                    input: Tensor(shape: [4, 4], scalars: [1, 3, 2, 1, 4, 2, 0, 1, 5, 6, 1, 2, 7, 8, 3, 0]),
                    maxPooling: 2, step: 2, title: "2x2 max pooling")
            ),
            (
                "image-grid",
                ImageGrid(
                    batch: mnist.testImages, count: 25,
                    captions: (0..<25).map {
                        "pred \(Int(mnist.testLabels.scalars[$0])) / true \(Int(mnist.testLabels.scalars[$0]))"
                    }, wrong: [3, 17])
            ),
            (
                "line-plot",
                LinePlot(
                    [
                        Series("relu", x: x, y: x.map { max(0, $0) }),
                        Series("sigmoid", x: x, y: x.map { 1 / (1 + exp(-$0)) }),
                        Series("tanh", x: x, y: x.map { tanh($0) }, dashed: true),
                    ], title: "Activations", xLabel: "x", yLabel: "f(x)")
            ),
            (
                "log-plot",
                LinePlot(
                    [Series("dense", [1e-1, 1e-3, 1e-5, 1e-7]), Series("dense_1", [1, 0.5, 0.1, 0.01])],
                    title: "Gradient norm per layer", xLabel: "layer", yLabel: "norm", logY: true)
            ),
            (
                "bar-chart",
                BarChart(
                    labels: (0..<10).map(String.init),
                    values: [0.01, 0.02, 0.01, 0.03, 0.01, 0.02, 0.01, 0.85, 0.02, 0.02], title: "softmax",
                    xLabel: "digit", yLabel: "probability", highlight: [7])
            ),
            (
                "scatter",
                LinePlot.scatter(
                    [Series("points", x: (0..<50).map { Double($0) / 10 }, y: (0..<50).map { sin(Double($0) / 5) })],
                    title: "scatter")
            ),
            (
                "confusion-matrix",
                ConfusionMatrixFigure(
                    predicted: (0..<200).map { $0 % 10 == 3 ? 5 : $0 % 10 }, actual: (0..<200).map { $0 % 10 },
                    classes: 10)
            ),
            (
                "contour",
                ContourPlot(
                    { $0 * $0 - $1 * $1 + 0.1 * $1 * $1 * $1 * $1 }, x: (-4, 4), y: (-4, 4),
                    paths: [descend((3.5, 0.05), rate: 0.1, steps: 40), descend((-3, -0.1), rate: 0.05, steps: 60)],
                    title: "saddle point")
            ),
            // The readability options: shared scales, indices, magnitudes, legends that avoid data.
            (
                "heatmap-indices",
                Heatmap(
                    Tensor(shape: [6, 6], scalars: (0..<36).map { Float(($0 * 7) % 11) - 5 }),
                    title: "indices, cell (2, 3) outlined",
                    overlays: [CellRect(row: 2, column: 3, height: 1, width: 1)], range: -6...6, indices: true)
            ),
            ("heatmap-feature-map-indices", Heatmap(featureMap, title: "28x28 with indices", indices: true)),
            (
                "heatmap-shared-scale-max",
                Heatmap(
                    maxPooled, colorMap: .viridis, title: "max pooled, shared scale", showValues: false,
                    displayWidth: 200, range: 0...sharedTop)
            ),
            (
                "heatmap-shared-scale-average",
                Heatmap(
                    averagePooled, colorMap: .viridis, title: "average pooled, same scale", showValues: false,
                    displayWidth: 200, range: 0...sharedTop)
            ),
            (
                "image-grid-kernels",
                ImageGrid(
                    (0..<8).map { Tensor.normal([5, 5], seed: UInt64($0 + 1)) * Float(0.1 + 0.04 * Double($0)) },
                    captions: (0..<8).map { "kernel \($0)" }, columns: 4, title: "signed kernels, one symmetric scale",
                    cellSize: 72, colorMap: .diverging, range: -1...1)
            ),
            (
                "line-plot-overlap",
                LinePlot(
                    [
                        Series("ReLU", x: x, y: x.map { max(0, $0) }),
                        Series("leaky ReLU (0.3)", x: x, y: x.map { $0 > 0 ? $0 : 0.3 * $0 }),
                        Series("ELU", x: x, y: x.map { $0 > 0 ? $0 : exp($0) - 1 }),
                    ], title: "Curves on top of each other stay visible", xLabel: "x", yLabel: "f(x)")
            ),
            (
                "line-plot-large-values",
                LinePlot(
                    [
                        Series(
                            "parameters", x: [1.0, 2, 3, 4, 5], y: [320, 18_816, 101_770, 225_034, 1_500_000],
                            marker: true)
                    ], title: "Large magnitudes read 150k, 1.5M", xLabel: "model", yLabel: "count")
            ),
            (
                "line-plot-legend-below",
                LinePlot(
                    [
                        Series("training loss", x: x, y: x.map { 2 + $0 / 2 }),
                        Series("validation loss", x: x, y: x.map { 2 - $0 / 2 }),
                    ], title: "Every corner busy: the legend goes below", xLabel: "x", yLabel: "loss")
            ),
            (
                "log-plot-wide",
                LinePlot(
                    [
                        Series("exploding", x: (0..<10).map(Double.init), y: (0..<10).map { pow(8, Double($0)) / 1e2 }),
                        Series(
                            "vanishing", x: (0..<10).map(Double.init), y: (0..<10).map { pow(0.05, Double($0)) },
                            marker: true),
                    ], title: "Eighteen decades, thinned ticks", xLabel: "layer", yLabel: "gradient norm", logY: true)
            ),
            (
                "bar-chart-tiny",
                BarChart(
                    labels: ["c1 k", "c1 b", "c2 k", "c2 b", "d k", "d b"],
                    values: [3.2e-4, -1.5e-5, 2.1e-3, 7e-6, -4.4e-4, 1.2e-4],
                    title: "finite-difference error per parameter", xLabel: "parameter", yLabel: "absolute error")
            ),
        ]
        for (name, figure) in figures {
            let url = folder.appendingPathComponent("\(name).png")
            try figure.render().png(source: "gallery/\(name)").write(to: url)
            if let check = pngcheck(url) { XCTAssertTrue(check.ok, "\(name): \(check.output)") }
            // The phone layout, for the figures that have one.
            guard figure.hasPhoneLayout else { continue }
            let phoneURL = folder.appendingPathComponent("\(name)-phone.png")
            try FigureLayout.$phone.withValue(true) { try figure.render() }.png(source: "gallery/\(name)-phone")
                .write(to: phoneURL)
            if let check = pngcheck(phoneURL) { XCTAssertTrue(check.ok, "\(name) phone: \(check.output)") }
        }
        let diagram = ConvolutionDiagram(
            input: Tensor(shape: [4, 4], scalars: (0..<16).map(Float.init)),
            kernel: Tensor(repeating: 1, shape: [2, 2]), padding: .uniform(1), step: 0)
        let frames = try diagram.frames()
        XCTAssertEqual(frames.count, 25)
        let apng = try APNG.encode(frames, source: "gallery/convolution-animation")
        let url = folder.appendingPathComponent("convolution-animation.png")
        try apng.write(to: url)
        if let check = pngcheck(url) { XCTAssertTrue(check.ok, "APNG: \(check.output)") }
        XCTAssertEqual(try PNG.decode(apng).width, frames[0].image.width, "viewers without APNG see the first frame")
        for (i, frame) in frames.prefix(3).enumerated() {
            try frame.png().write(to: folder.appendingPathComponent("convolution-frame-\(i).png"))
        }
    }
}
