import XCTest
@testable import CNN

/// The fused fast paths against their naive twins, and under the shared gradient checker.
final class FusedKernelTests: XCTestCase {
    static let cases: [([Int], (Int, Int), Int, (Int, Int), Padding)] = [
        ([2, 7, 6, 3], (3, 3), 4, (1, 1), .valid),
        ([1, 8, 8, 2], (3, 3), 5, (2, 2), .same),
        ([3, 9, 7, 1], (4, 4), 2, (1, 1), .same),
        ([2, 6, 6, 4], (1, 1), 3, (1, 1), .valid),
        // Large enough that the product is cut into row blocks, each rectified by its worker.
        ([4, 28, 28, 1], (3, 3), 32, (1, 1), .valid),
    ]

    /// conv2d with bias and ReLU applied to each block of the product as it is computed, against
    /// ReLU of the seven-loop definition.
    func testFusedBiasReluMatchesNaiveTwin() {
        var g = RandomGenerator(seed: 21)
        for (shape, k, f, s, p) in Self.cases {
            let x = Tensor.normal(shape, generator: &g)
            let w = Tensor.normal([k.0, k.1, shape[3], f], generator: &g), b = Tensor.normal([f], generator: &g)
            let geometry = WindowGeometry(inputShape: x.shape, kernelSize: k, strides: s, padding: p, operation: "test")
            var cols: [Float] = []
            let fused = conv2dForward(x, kernel: w, bias: b, geometry: geometry, cols: &cols, relu: true)
            let slow = relu(naiveConv2d(x, kernel: w, bias: b, strides: s, padding: p))
            XCTAssertEqual(fused.shape, slow.shape)
            for (a, e) in zip(fused.scalars, slow.scalars) { XCTAssertEqual(a, e, accuracy: 1e-4) }
            XCTAssertTrue(fused.scalars.contains(0) && fused.scalars.contains { $0 > 0 }, "both sides of the kink are exercised")
            let noBias = conv2dForward(x, kernel: w, bias: nil, geometry: geometry, cols: &cols, relu: false)
            let slowNoBias = naiveConv2d(x, kernel: w, strides: s, padding: p)
            for (a, e) in zip(noBias.scalars, slowNoBias.scalars) { XCTAssertEqual(a, e, accuracy: 1e-4) }
        }
    }

    /// The Conv2D layer's fused forward and backward (only y kept) give what the unfused pair
    /// (z and y kept, ReLU's rule applied to z) gives.
    func testFusedLayerMatchesUnfusedLayer() {
        for activation in [ActivationFunction.relu, .linear] {
            let layer = Conv2D(6, kernelSize: 3, padding: .same, activation: activation)
            var g = RandomGenerator(seed: 5)
            layer.build(inputShape: [9, 9, 3], generator: &g)
            layer.bias!.value = Tensor.normal([6], seed: 8)
            let x = Tensor.normal([3, 9, 9, 3], seed: 6), dy = Tensor.normal([3, 9, 9, 6], seed: 7)
            let fusedY = layer.forward(x, mode: .training)
            XCTAssertNil(layer.preActivation, "the fused pass keeps only y")
            let fusedDx = layer.backward(dy)
            let fusedGrads = layer.gradients
            let (plainY, z) = layer.forwardWithPreActivation(x, mode: .training)
            XCTAssertNotNil(layer.preActivation)
            let plainDx = layer.backward(dy)
            XCTAssertEqual(fusedY.shape, plainY.shape)
            for (a, e) in zip(fusedY.scalars, plainY.scalars) { XCTAssertEqual(a, e, accuracy: 1e-5) }
            for (a, e) in zip(fusedY.scalars, activation(z).scalars) { XCTAssertEqual(a, e, accuracy: 1e-5) }
            for (a, e) in zip(fusedDx.scalars, plainDx.scalars) { XCTAssertEqual(a, e, accuracy: 1e-4) }
            for (f, p) in zip(fusedGrads, layer.gradients) {
                for (a, e) in zip(f.scalars, p.scalars) { XCTAssertEqual(a, e, accuracy: 1e-3) }
            }
        }
    }

    /// The fused layer's gradients (input, kernel, bias) under the shared checker.
    func testFusedLayerGradients() {
        let layer = Conv2D(3, kernelSize: 3, activation: .relu)
        var g = RandomGenerator(seed: 9)
        layer.build(inputShape: [5, 5, 2], generator: &g)
        let x = Tensor.normal([2, 5, 5, 2], seed: 10)
        let w = layer.kernel!.value, b = Tensor.normal([3], seed: 11)
        func run(_ xs: [Tensor]) -> Tensor {
            layer.kernel!.value = xs[1]
            layer.bias!.value = xs[2]
            return layer.forward(xs[0], mode: .training)
        }
        let result = checkGradients("Conv2D relu (fused)", inputs: [("x", x), ("kernel", w), ("bias", b)],
            forward: run, backward: { xs, dy in
                _ = run(xs)
                let dx = layer.backward(dy)
                return [dx, layer.kernel!.gradient, layer.bias!.gradient]
            }, step: 1e-3)
        XCTAssertTrue(result.passed, result.description)
    }
}

/// Max pooling's fast pair (no indices kept; winners found again from x and y) against the twin
/// that records each winner's index.
final class FastPoolingTests: XCTestCase {
    func testFastMaxPoolingMatchesTwin() {
        let cases: [([Int], (Int, Int), (Int, Int), Padding)] = [
            ([2, 26, 26, 32], (2, 2), (2, 2), .valid),
            ([1, 11, 11, 64], (2, 2), (2, 2), .valid),  // odd size: the last row and column dropped
            ([2, 7, 6, 3], (3, 3), (2, 2), .same),
            ([1, 5, 5, 2], (2, 3), (1, 2), .explicit(top: 1, bottom: 0, left: 2, right: 1)),
        ]
        for (shape, k, s, p) in cases {
            // Rounded values: many ties inside windows, so the tie rule is exercised too.
            let x = Tensor.normal(shape, seed: UInt64(shape.reduce(0, +))).map { ($0 * 2).rounded() }
            let g = WindowGeometry(inputShape: shape, kernelSize: k, strides: s, padding: p, operation: "test")
            let (twinY, argmax) = maxPool2dWithArgmax(x, g)
            let fastY = maxPool2dForward(x, g)
            XCTAssertEqual(fastY.shape, twinY.shape)
            XCTAssertEqual(fastY.scalars, twinY.scalars)
            let dy = Tensor.normal(twinY.shape, seed: 3)
            let twinDx = maxPool2dBackward(argmax: argmax, inputShape: shape, outputGradient: dy)
            let fastDx = maxPool2dBackward(input: x, output: fastY, outputGradient: dy, g)
            XCTAssertEqual(fastDx.scalars, twinDx.scalars, "\(shape) \(p)")
        }
    }
}

/// The oneDNN forward convolution against the seven-loop definition, with and without the fused
/// bias and ReLU, and the Conv2D layer's oneDNN path against its im2col path.
final class OneDNNConvolutionTests: XCTestCase {
    /// On 1 and 3 threads: the slices are spread over the workers.
    func testOneDNNMatchesNaiveTwin() throws {
        let saved = Runtime.threads
        defer { Runtime.configure(threads: saved) }
        for threads in [1, 3] { Runtime.configure(threads: threads); try forwardMatchesNaiveTwin() }
    }

    func forwardMatchesNaiveTwin() throws {
        var g = RandomGenerator(seed: 31)
        for (shape, k, f, s, p) in FusedKernelTests.cases + [([3, 13, 13, 32], (3, 3), 64, (1, 1), .valid)] {
            let x = Tensor.normal(shape, generator: &g)
            let w = Tensor.normal([k.0, k.1, shape[3], f], generator: &g), b = Tensor.normal([f], generator: &g)
            let geometry = WindowGeometry(inputShape: x.shape, kernelSize: k, strides: s, padding: p, operation: "test")
            for (hasBias, relu) in [(true, true), (false, false), (true, false)] {
                let conv = DNNLConvolutionPlan(filters: f, hasBias: hasBias, relu: relu)
                let fast = try XCTUnwrap(conv.forward(x, kernel: w, bias: hasBias ? b : nil, geometry: geometry),
                                         "oneDNN refuses \(shape) k\(k) s\(s) \(p)")
                let plain = naiveConv2d(x, kernel: w, bias: hasBias ? b : nil, strides: s, padding: p)
                let slow = relu ? CNN.relu(plain) : plain
                XCTAssertEqual(fast.shape, slow.shape)
                for (a, e) in zip(fast.scalars, slow.scalars) { XCTAssertEqual(a, e, accuracy: 1e-4) }
                // The same call gives the same bits.
                XCTAssertEqual(conv.forward(x, kernel: w, bias: hasBias ? b : nil, geometry: geometry)?.scalars, fast.scalars)
            }
        }
    }

    /// The thread count changes no bit of a forward or backward pass: the batch is sliced by its
    /// size alone and the slices' kernel gradients are summed in slice order. (Lessons run with
    /// one thread in a parallel build and two in `lessons run`; their numbers must agree.)
    func testThreadCountChangesNoBit() throws {
        let saved = Runtime.threads
        defer { Runtime.configure(threads: saved) }
        var g = RandomGenerator(seed: 53)
        let x = Tensor.normal([37, 12, 12, 8], generator: &g), w = Tensor.normal([3, 3, 8, 16], generator: &g)
        let b = Tensor.normal([16], generator: &g), dz = Tensor.normal([37, 10, 10, 16], generator: &g)
        let geometry = WindowGeometry(inputShape: x.shape, kernelSize: (3, 3), strides: (1, 1), padding: .valid, operation: "test")
        func pass(threads: Int) throws -> [[Float]] {
            Runtime.configure(threads: threads)
            let conv = DNNLConvolutionPlan(filters: 16, hasBias: true, relu: true)
            let y = try XCTUnwrap(conv.forward(x, kernel: w, bias: b, geometry: geometry))
            let back = try XCTUnwrap(conv.backward(input: x, kernel: w, outputGradient: dz, geometry: geometry, computesInputGradient: true))
            return [y.scalars, back.input.scalars, back.kernel.scalars]
        }
        let one = try pass(threads: 1)
        for threads in [2, 3, 8] { XCTAssertEqual(try pass(threads: threads), one, "\(threads) threads") }
    }

    /// oneDNN's backward data and backward weights against col2im + GEMM (`conv2dBackward`,
    /// itself under the gradient checker).
    func testOneDNNBackwardMatchesTwin() throws {
        let saved = Runtime.threads
        defer { Runtime.configure(threads: saved) }
        for threads in [1, 3] { Runtime.configure(threads: threads); try backwardMatchesTwin() }
    }

    func backwardMatchesTwin() throws {
        var g = RandomGenerator(seed: 41)
        for (shape, k, f, s, p) in FusedKernelTests.cases + [([3, 13, 13, 32], (3, 3), 64, (1, 1), .valid)] {
            let x = Tensor.normal(shape, generator: &g), w = Tensor.normal([k.0, k.1, shape[3], f], generator: &g)
            let geometry = WindowGeometry(inputShape: x.shape, kernelSize: k, strides: s, padding: p, operation: "test")
            let dz = Tensor.normal([geometry.batch, geometry.outputHeight, geometry.outputWidth, f], generator: &g)
            let twin = conv2dBackward(input: x, kernel: w, outputGradient: dz, strides: s, padding: p)
            for needInput in [true, false] {
                let conv = DNNLConvolutionPlan(filters: f, hasBias: false, relu: false)
                func run() -> (input: Tensor, kernel: Tensor)? {
                    conv.backward(input: x, kernel: w, outputGradient: dz, geometry: geometry, computesInputGradient: needInput)
                }
                let fast = try XCTUnwrap(run())
                XCTAssertEqual(fast.kernel.shape, twin.kernel.shape)
                for (a, e) in zip(fast.kernel.scalars, twin.kernel.scalars) { XCTAssertEqual(a, e, accuracy: 1e-3) }
                if needInput {
                    XCTAssertEqual(fast.input.shape, twin.input.shape)
                    for (a, e) in zip(fast.input.scalars, twin.input.scalars) { XCTAssertEqual(a, e, accuracy: 1e-3) }
                } else {
                    XCTAssertEqual(fast.input.shape, [0])
                }
                let again = try XCTUnwrap(run())
                XCTAssertEqual(again.kernel.scalars, fast.kernel.scalars, "same call, same bits")
                XCTAssertEqual(again.input.scalars, fast.input.scalars)
            }
        }
    }

    func testLayerGivesTheSameWithAndWithoutOneDNN() {
        let saved = Runtime.threads
        defer { Runtime.configure(threads: saved) }
        let layer = Conv2D(8, kernelSize: 3, activation: .relu)
        var g = RandomGenerator(seed: 12)
        layer.build(inputShape: [10, 10, 4], generator: &g)
        layer.bias!.value = Tensor.normal([8], seed: 13)
        let x = Tensor.normal([5, 10, 10, 4], seed: 14), dy = Tensor.normal([5, 8, 8, 8], seed: 15)
        func pass() -> [Tensor] { [layer.forward(x, mode: .training), layer.backward(dy)] + layer.gradients }
        Runtime.configure(threads: saved, oneDNN: true)
        let fast = pass()
        Runtime.configure(threads: saved, oneDNN: false)
        let twin = pass()
        for (a, b) in zip(fast, twin) {
            XCTAssertEqual(a.shape, b.shape)
            for (u, v) in zip(a.scalars, b.scalars) { XCTAssertEqual(u, v, accuracy: 1e-3) }
        }
        Runtime.configure(threads: saved, oneDNN: true)
    }
}

/// dL/dz and dL/dbias after a fused ReLU pass (eight filters at a time where F allows) against
/// ReLU's own backward rule and a plain column sum.
final class ReluMaskTests: XCTestCase {
    func testMaskedGradientAndBiasSumsMatchTwins() {
        for f in [16, 6, 64] {
            let y = relu(Tensor.normal([3, 5, 4, f], seed: UInt64(f))), dy = Tensor.normal([3, 5, 4, f], seed: 99)
            let (dz, dBias) = preActivationAndBiasGradients(dy, reluOutput: y, positions: 60, filters: f)
            let twin = reluBackward(input: y, outputGradient: dy)
            XCTAssertEqual(dz.scalars, twin.scalars, "F = \(f)")
            let sums = twin.reshaped([60, f]).sum(alongAxis: 0)
            for (a, e) in zip(dBias.scalars, sums.scalars) { XCTAssertEqual(a, e, accuracy: 1e-4, "F = \(f)") }
        }
    }
}
