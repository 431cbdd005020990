import XCTest

@testable import CNN

/// Strides that skip the input's last rows or columns ((in - k) % s != 0), through the Conv2D
/// layer's oneDNN passes, against the seven-loop definition and the col2im + GEMM twin.
///
/// A 1x1 convolution of stride 2 over fewer than 16 channels on a 62x62 or 64x64 input once
/// corrupted the heap ("munmap_chunk(): invalid pointer", or a crash later): oneDNN 2.6's 1x1
/// backward-weights kernel runs a strided 1x1 convolution as a unit-stride one over a copy of x it
/// keeps in a scratchpad too small for NHWC (see `cnn_dnnl_convolution_backward_create`).
final class StridedConvolutionTests: XCTestCase {
    /// [N, H, W, C], kernel, filters, strides; each with valid and same padding.
    static let cases: [([Int], (Int, Int), Int, (Int, Int))] = [
        ([4, 62, 62, 3], (1, 1), 8, (2, 2)),  // the reported shapes
        ([4, 64, 64, 3], (1, 1), 8, (2, 2)),
        ([2, 100, 100, 8], (1, 1), 4, (2, 2)),
        ([2, 62, 63, 17], (1, 1), 5, (2, 3)),
        ([3, 28, 28, 1], (1, 1), 4, (2, 2)),
        ([2, 63, 63, 3], (1, 1), 4, (3, 3)),
        ([2, 30, 30, 3], (3, 3), 6, (2, 2)),
        ([2, 31, 31, 2], (2, 2), 4, (3, 3)),
        ([2, 20, 21, 4], (4, 3), 3, (3, 2)),
        ([2, 64, 64, 3], (3, 3), 8, (2, 2)),
    ]

    func testForwardAndGradientsMatchTwins() throws {
        let saved = (Runtime.threads, Runtime.usesOneDNN)
        defer { Runtime.configure(threads: saved.0, oneDNN: saved.1) }
        for threads in [1, 2] {
            Runtime.configure(threads: threads, oneDNN: true)
            var g = RandomGenerator(seed: 61)
            for (shape, k, f, s) in Self.cases {
                for padding in [Padding.valid, .same] {
                    try check(shape, k, f, s, padding, generator: &g)
                }
            }
        }
    }

    func check(
        _ shape: [Int], _ k: (Int, Int), _ f: Int, _ s: (Int, Int), _ padding: Padding,
        generator g: inout RandomGenerator
    ) throws {
        let label = "\(shape) k\(k) s\(s) \(padding)"
        let geometry = WindowGeometry(inputShape: shape, kernelSize: k, strides: s, padding: padding, operation: "test")
        XCTAssertTrue(
            (shape[1] - k.0) % s.0 != 0 || (shape[2] - k.1) % s.1 != 0, "\(label): the stride skips some of the input")
        let layer = Conv2D(f, kernelSize: k, strides: s, padding: padding)
        layer.build(inputShape: Array(shape.dropFirst()), generator: &g)
        layer.bias!.value = Tensor.normal([f], generator: &g)
        let x = Tensor.normal(shape, generator: &g)
        let dy = Tensor.normal([shape[0], geometry.outputHeight, geometry.outputWidth, f], generator: &g)
        let kernel = layer.kernel!.value
        let y = layer.forward(x, mode: .training)
        XCTAssertEqual(layer.lastForwardPath, "oneDNN", label)
        let expected = naiveConv2d(x, kernel: kernel, bias: layer.bias!.value, strides: s, padding: padding)
        XCTAssertEqual(y.shape, expected.shape, label)
        for (a, e) in zip(y.scalars, expected.scalars) { XCTAssertEqual(a, e, accuracy: 1e-4, label) }
        let twin = conv2dBackward(input: x, kernel: kernel, outputGradient: dy, strides: s, padding: padding)
        // Three times: a write past a buffer shows as a crash sooner or later, not in the values.
        for _ in 0..<3 {
            let dx = layer.backward(dy)
            XCTAssertEqual(dx.shape, x.shape, label)
            for (a, e) in zip(dx.scalars, twin.input.scalars) { XCTAssertEqual(a, e, accuracy: 1e-3, label) }
            for (a, e) in zip(layer.kernel!.gradient.scalars, twin.kernel.scalars) {
                XCTAssertEqual(a, e, accuracy: 1e-3 * max(1, abs(e)), label)
            }
            for (a, e) in zip(layer.bias!.gradient.scalars, twin.bias.scalars) {
                XCTAssertEqual(a, e, accuracy: 1e-3 * max(1, abs(e)), label)
            }
        }
    }

    /// The input gradient of a model whose first layer is such a convolution, many times over (as
    /// the report ran it), against the model run without oneDNN.
    func testInputGradientOfAStrided1x1Model() {
        let saved = (Runtime.threads, Runtime.usesOneDNN)
        defer { Runtime.configure(threads: saved.0, oneDNN: saved.1) }
        for padding in [Padding.valid, .same] {
            for size in [62, 64] {
                let model = Sequential(
                    [
                        Conv2D(4, kernelSize: 1, strides: 2, padding: padding, activation: .relu),
                        Flatten(), Dense(3, activation: .softmax),
                    ], inputShape: [size, size, 3], seed: 9)
                model.compile(optimizer: SGD(), loss: .sparseCategoricalCrossentropy)
                let x = Tensor.normal([8, size, size, 3], seed: 10)
                let y = Tensor((0..<8).map { Float($0 % 3) })
                Runtime.configure(threads: saved.0, oneDNN: false)
                let twin = model.inputGradient(x, y)
                Runtime.configure(threads: saved.0, oneDNN: true)
                for _ in 0..<20 {
                    let g = model.inputGradient(x, y)
                    XCTAssertEqual(g.shape, x.shape)
                    for (a, e) in zip(g.scalars, twin.scalars) { XCTAssertEqual(a, e, accuracy: 1e-5) }
                }
            }
        }
    }

    /// The strided 1x1 convolutions take oneDNN's next backward-weights kernel, never the 1x1 one
    /// whose scratchpad they overflow; unit-stride 1x1 convolutions keep it.
    func testStrided1x1BackwardWeightsAvoidsThe1x1Kernel() throws {
        for (strides, avoided) in [((2, 2), true), ((1, 2), true), ((1, 1), false)] {
            let g = WindowGeometry(
                inputShape: [2, 64, 64, 3], kernelSize: (1, 1), strides: strides, padding: .valid, operation: "test")
            let backward = try XCTUnwrap(DNNLConvolutionBackward(geometry: g, filters: 8, computesInputGradient: true))
            XCTAssertEqual(
                backward.implementation.weights.hasPrefix("jit_1x1"), !avoided,
                "strides \(strides): \(backward.implementation.weights)")
        }
    }
}
