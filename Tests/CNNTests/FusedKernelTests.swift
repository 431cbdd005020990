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
            let w = Tensor.normal([k.0, k.1, shape[3], f], generator: &g)
            let b = Tensor.normal([f], generator: &g)
            let geometry = WindowGeometry(inputShape: x.shape, kernelSize: k, strides: s, padding: p, operation: "test")
            var cols: [Float] = []
            let fused = conv2dForward(x, kernel: w, bias: b, geometry: geometry, cols: &cols, relu: true)
            let slow = relu(naiveConv2d(x, kernel: w, bias: b, strides: s, padding: p))
            XCTAssertEqual(fused.shape, slow.shape)
            for (a, e) in zip(fused.scalars, slow.scalars) { XCTAssertEqual(a, e, accuracy: 1e-4) }
            XCTAssertTrue(
                fused.scalars.contains(0) && fused.scalars.contains { $0 > 0 }, "both sides of the kink are exercised")
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
            let x = Tensor.normal([3, 9, 9, 3], seed: 6)
            let dy = Tensor.normal([3, 9, 9, 6], seed: 7)
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
        let w = layer.kernel!.value
        let b = Tensor.normal([3], seed: 11)
        func run(_ xs: [Tensor]) -> Tensor {
            layer.kernel!.value = xs[1]
            layer.bias!.value = xs[2]
            return layer.forward(xs[0], mode: .training)
        }
        let result = checkGradients(
            "Conv2D relu (fused)", inputs: [("x", x), ("kernel", w), ("bias", b)],
            forward: run,
            backward: { xs, dy in
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
            ([3, 9, 6, 21], (2, 2), (2, 2), .valid),  // the 2x2 kernel's channel tail, an odd height
            ([2, 4, 7, 5], (2, 2), (2, 2), .valid),  // no full vector of channels, an odd width
            ([2, 7, 6, 3], (3, 3), (2, 2), .same),
            ([1, 5, 5, 2], (2, 3), (1, 2), .explicit(top: 1, bottom: 0, left: 2, right: 1)),
        ]
        for (shape, k, s, p) in cases {
            // Rounded values: many ties inside windows, so the tie rule is exercised too.
            var x = Tensor.normal(shape, seed: UInt64(shape.reduce(0, +))).map { ($0 * 2).rounded() }
            // And a NaN here and there: first in a window it stays the maximum, later it never wins.
            if shape[3] % 2 == 1 { for i in stride(from: 5, to: x.count, by: 37) { x.scalars[i] = .nan } }
            let g = WindowGeometry(inputShape: shape, kernelSize: k, strides: s, padding: p, operation: "test")
            let (twinY, argmax) = maxPool2dWithArgmax(x, g)
            let fastY = maxPool2d(x, poolSize: k, strides: s, padding: p)
            XCTAssertEqual(fastY.shape, twinY.shape)
            XCTAssertEqual(fastY.scalars.map(\.bitPattern), twinY.scalars.map(\.bitPattern), "\(shape) \(p)")
            let dy = Tensor.normal(twinY.shape, seed: 3)
            let twinDx = maxPool2dBackward(argmax: argmax, inputShape: shape, outputGradient: dy)
            let fastDx = maxPool2dBackward(input: x, outputGradient: dy, poolSize: k, strides: s, padding: p)
            XCTAssertEqual(fastDx.scalars.map(\.bitPattern), twinDx.scalars.map(\.bitPattern), "\(shape) \(p)")
            // The layer, which keeps the winners (2x2) or x and y (any other window) between its passes.
            let layer = MaxPooling2D(poolSize: k, strides: s, padding: p)
            XCTAssertEqual(layer.forward(x, mode: .training).scalars.map(\.bitPattern), twinY.scalars.map(\.bitPattern))
            XCTAssertEqual(
                layer.backward(dy).scalars.map(\.bitPattern), twinDx.scalars.map(\.bitPattern), "\(shape) \(p)")
            // The general pair on the same window (the 2x2 windows take their own kernels above).
            let generalDx = maxPool2dBackward(input: x, output: twinY, outputGradient: dy, g)
            XCTAssertEqual(generalDx.scalars.map(\.bitPattern), twinDx.scalars.map(\.bitPattern), "\(shape) \(p)")
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
        for threads in [1, 3] {
            Runtime.configure(threads: threads)
            try forwardMatchesNaiveTwin()
        }
    }

    func forwardMatchesNaiveTwin() throws {
        var g = RandomGenerator(seed: 31)
        for (shape, k, f, s, p) in FusedKernelTests.cases + [([3, 13, 13, 32], (3, 3), 64, (1, 1), .valid)] {
            let x = Tensor.normal(shape, generator: &g)
            let w = Tensor.normal([k.0, k.1, shape[3], f], generator: &g)
            let b = Tensor.normal([f], generator: &g)
            let geometry = WindowGeometry(inputShape: x.shape, kernelSize: k, strides: s, padding: p, operation: "test")
            for (hasBias, relu) in [(true, true), (false, false), (true, false)] {
                let conv = DNNLConvolutionPlan(filters: f, hasBias: hasBias, relu: relu)
                let fast = try XCTUnwrap(
                    conv.forward(x, kernel: w, bias: hasBias ? b : nil, geometry: geometry),
                    "oneDNN refuses \(shape) k\(k) s\(s) \(p)")
                let plain = naiveConv2d(x, kernel: w, bias: hasBias ? b : nil, strides: s, padding: p)
                let slow = relu ? CNN.relu(plain) : plain
                XCTAssertEqual(fast.shape, slow.shape)
                for (a, e) in zip(fast.scalars, slow.scalars) { XCTAssertEqual(a, e, accuracy: 1e-4) }
                // The same call gives the same bits.
                XCTAssertEqual(
                    conv.forward(x, kernel: w, bias: hasBias ? b : nil, geometry: geometry)?.scalars, fast.scalars)
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
        let x = Tensor.normal([37, 12, 12, 8], generator: &g)
        let w = Tensor.normal([3, 3, 8, 16], generator: &g)
        let b = Tensor.normal([16], generator: &g)
        let dz = Tensor.normal([37, 10, 10, 16], generator: &g)
        let geometry = WindowGeometry(
            inputShape: x.shape, kernelSize: (3, 3), strides: (1, 1), padding: .valid, operation: "test")
        func pass(threads: Int) throws -> [[Float]] {
            Runtime.configure(threads: threads)
            let conv = DNNLConvolutionPlan(filters: 16, hasBias: true, relu: true)
            let y = try XCTUnwrap(conv.forward(x, kernel: w, bias: b, geometry: geometry))
            let back = try XCTUnwrap(
                conv.backward(input: x, kernel: w, outputGradient: dz, geometry: geometry, computesInputGradient: true))
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
        for threads in [1, 3] {
            Runtime.configure(threads: threads)
            try backwardMatchesTwin()
        }
    }

    func backwardMatchesTwin() throws {
        var g = RandomGenerator(seed: 41)
        for (shape, k, f, s, p) in FusedKernelTests.cases + [([3, 13, 13, 32], (3, 3), 64, (1, 1), .valid)] {
            let x = Tensor.normal(shape, generator: &g)
            let w = Tensor.normal([k.0, k.1, shape[3], f], generator: &g)
            let geometry = WindowGeometry(inputShape: x.shape, kernelSize: k, strides: s, padding: p, operation: "test")
            let dz = Tensor.normal([geometry.batch, geometry.outputHeight, geometry.outputWidth, f], generator: &g)
            let twin = conv2dBackward(input: x, kernel: w, outputGradient: dz, strides: s, padding: p)
            for needInput in [true, false] {
                let conv = DNNLConvolutionPlan(filters: f, hasBias: false, relu: false)
                func run() -> (input: Tensor, kernel: Tensor)? {
                    conv.backward(
                        input: x, kernel: w, outputGradient: dz, geometry: geometry, computesInputGradient: needInput)
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
        let x = Tensor.normal([5, 10, 10, 4], seed: 14)
        let dy = Tensor.normal([5, 8, 8, 8], seed: 15)
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
            let y = relu(Tensor.normal([3, 5, 4, f], seed: UInt64(f)))
            let dy = Tensor.normal([3, 5, 4, f], seed: 99)
            let (dz, dBias) = preActivationAndBiasGradients(dy, reluOutput: y, positions: 60, filters: f)
            let twin = reluBackward(input: y, outputGradient: dy)
            XCTAssertEqual(dz.scalars, twin.scalars, "F = \(f)")
            let sums = twin.reshaped([60, f]).sum(alongAxis: 0)
            for (a, e) in zip(dBias.scalars, sums.scalars) { XCTAssertEqual(a, e, accuracy: 1e-4, "F = \(f)") }
        }
    }
}

/// A ReLU convolution followed by 2x2 max pooling runs as one pass, a few images at a time
/// (ConvolutionPooling.swift): the same outputs and gradients as the two layers' own passes one
/// after the other, the twin.
final class ConvolutionPoolingFusionTests: XCTestCase {
    /// 20 filters: one vector of 16 channels and a tail of 4; odd sizes (28x27 after the first
    /// convolution, 14x13 after the second) leave cells in no window; the second convolution has
    /// 'same' padding and no bias.
    func makeModel(seed: UInt64 = 11, inputShape: [Int] = [30, 29, 3]) -> Sequential {
        let model = Sequential(
            [
                Conv2D(20, kernelSize: 3, activation: .relu, inputShape: inputShape),
                MaxPooling2D(2),
                Conv2D(16, kernelSize: 2, padding: .same, activation: .relu, useBias: false),
                MaxPooling2D(2),
                Flatten(),
                Dense(4, activation: .softmax),
            ], seed: seed)
        model.compile(optimizer: SGD(), loss: .sparseCategoricalCrossentropy)
        return model
    }

    func testFusedPassesMatchLayerByLayer() throws {
        let saved = Runtime.threads
        defer { Runtime.configure(threads: saved) }
        for threads in [1, 2] {
            Runtime.configure(threads: threads)
            try fusedPassesMatchLayerByLayer()
        }
    }

    func fusedPassesMatchLayerByLayer() throws {
        let model = makeModel()
        // 37 images: several slices (6 images each for the first pair) and a shorter last one.
        let x = Tensor.normal([37, 30, 29, 3], seed: 12)
        let y = Tensor((0..<37).map { Float($0 % 4) })
        let layers = model.layers
        let last = try XCTUnwrap(layers.last as? Dense)
        XCTAssertEqual(
            DNNLConvolutionPlan.imagesPerSlice(
                WindowGeometry(
                    inputShape: [37, 30, 29, 3], kernelSize: (3, 3), strides: (1, 1), padding: .valid, operation: "test"
                ), filters: 20), 6)

        // The twin: each layer's own forward and backward pass, in order.
        let hidden = layers.dropLast().reduce(x) { $1.forward($0, mode: .training) }
        let (output, logits) = last.forwardWithPreActivation(hidden, mode: .training)
        let (twinLoss, dLogits) = model.batchLoss(output: output, logits: logits, y)
        var g = last.backward(preActivationGradient: dLogits)
        for layer in layers.dropLast().reversed() { g = layer.backward(g) }
        let twin = model.parameters.map(\.gradient)

        let (fusedLoss, predictions) = model.computeGradients(x, y)  // the fused pairs
        XCTAssertEqual(fusedLoss, twinLoss, accuracy: 1e-6)
        for (a, e) in zip(predictions.scalars, output.scalars) { XCTAssertEqual(a, e, accuracy: 1e-6) }
        for (parameter, (fused, expected)) in zip(
            model.parameters.map(\.name), zip(model.parameters.map(\.gradient), twin))
        {
            XCTAssertEqual(fused.shape, expected.shape)
            for (a, e) in zip(fused.scalars, expected.scalars) {
                XCTAssertEqual(a, e, accuracy: 1e-5 * max(1, abs(e)), parameter)
            }
        }
        // Inference, and the input gradient (the first convolution's backward data pass).
        let plain = layers.reduce(x) { $1.forward($0, mode: .inference) }
        for (a, e) in zip(model(x).scalars, plain.scalars) { XCTAssertEqual(a, e, accuracy: 1e-6) }
        let fusedInput = model.inputGradient(x, y)
        let first = try XCTUnwrap(layers[0] as? Conv2D)
        first.computesInputGradient = true
        defer { first.computesInputGradient = false }
        _ = layers.dropLast().reduce(x) { $1.forward($0, mode: .inferenceForBackward) }
        _ = last.forwardWithPreActivation(
            layers.dropLast().reduce(x) { $1.forward($0, mode: .inferenceForBackward) }, mode: .inferenceForBackward)
        var twinInput = last.backward(preActivationGradient: dLogits)
        for layer in layers.dropLast().reversed() { twinInput = layer.backward(twinInput) }
        XCTAssertEqual(fusedInput.shape, twinInput.shape)
        for (a, e) in zip(fusedInput.scalars, twinInput.scalars) {
            XCTAssertEqual(a, e, accuracy: 1e-5 * max(1, abs(e)))
        }
    }

    /// No images and one image: the same as the layers' own passes.
    func testEmptyAndSingleImageBatches() throws {
        let model = makeModel()
        XCTAssertEqual(model(Tensor(zeros: [0, 30, 29, 3])).shape, [0, 4])
        XCTAssertEqual(model.predict(Tensor(zeros: [0, 30, 29, 3])).shape, [0, 4])
        let one = Tensor.normal([1, 30, 29, 3], seed: 3)
        let plain = model.layers.reduce(one) { $1.forward($0, mode: .inference) }
        for (a, e) in zip(model(one).scalars, plain.scalars) { XCTAssertEqual(a, e, accuracy: 1e-6) }
    }

    /// The gradients are those of the loss: finite differences through the fused passes.
    func testFusedGradientsAreTheLoss() {
        let model = makeModel(seed: 13, inputShape: [13, 12, 3])
        let x = Tensor.normal([5, 13, 12, 3], seed: 14)
        let y = Tensor([0, 1, 2, 3, 1])
        // The checker's tolerance: a step can cross a kink of ReLU or a change of winner.
        for (parameter, error) in model.checkGradients(x, y, step: 1e-3) {
            XCTAssertLessThan(error, 2e-2, "\(parameter)")
        }
    }

    /// A convolution whose every output is 0 (ReLU of a very negative bias) passes nothing back:
    /// windows whose maximum is 0 give no gradient, as ReLU's own mask would not.
    func testNonPositiveWindowsPassNothing() throws {
        let model = Sequential(
            [
                Conv2D(16, kernelSize: 3, activation: .relu, inputShape: [6, 6, 1]), MaxPooling2D(2),
                Flatten(), Dense(2, activation: .softmax),
            ], seed: 3)
        model.compile(optimizer: SGD(), loss: .sparseCategoricalCrossentropy)
        let conv = try XCTUnwrap(model.layers[0] as? Conv2D)
        conv.bias!.value = Tensor(repeating: -100, shape: [16])
        model.computeGradients(Tensor.normal([4, 6, 6, 1], seed: 5), Tensor([0, 1, 0, 1]))
        XCTAssertEqual(conv.kernel!.gradient.scalars, [Float](repeating: 0, count: 144))
        XCTAssertEqual(conv.bias!.gradient.scalars, [Float](repeating: 0, count: 16))
        conv.bias!.value = Tensor(repeating: 0.5, shape: [16])
        model.computeGradients(Tensor.normal([4, 6, 6, 1], seed: 5), Tensor([0, 1, 0, 1]))
        XCTAssertNotEqual(conv.bias!.gradient.scalars, [Float](repeating: 0, count: 16), "the check can fail")
    }

    /// The model keeps the pair's pass on its tape: the layers' own passes, run in between, go
    /// back through their own and leave the tape's as it was.
    func testLayersAloneAfterAFusedPassRunTheirOwnPasses() throws {
        let model = makeModel()
        let x = Tensor.normal([3, 30, 29, 3], seed: 2)
        let conv = try XCTUnwrap(model.layers[0] as? Conv2D)
        let pool = try XCTUnwrap(model.layers[1] as? MaxPooling2D)
        let tape = model.run(x, mode: .training, logits: false).tape
        let first = try XCTUnwrap(tape.steps.first)
        guard case .convolution(let fused, let pass) = first.kept else { return XCTFail("\(first.kept)") }
        XCTAssertTrue(fused === conv)
        XCTAssertEqual(first.nodes, 0...1)
        XCTAssertEqual(conv.lastForwardPath, "oneDNN + pooling")
        let dy = Tensor.normal([3, 14, 13, 20], seed: 3)
        conv.computesInputGradient = true  // the model's first layer skips it in training
        let fusedDx = conv.backward(dy, through: pass)
        XCTAssertEqual(fusedDx.shape, x.shape)
        let fusedGradients = conv.gradients
        // The layers' own passes one after the other, the twin.
        _ = pool.forward(conv.forward(x, mode: .training), mode: .training)
        XCTAssertEqual(conv.lastForwardPath, "oneDNN")
        let twinDx = conv.backward(pool.backward(dy))
        for (a, e) in zip(fusedDx.scalars, twinDx.scalars) { XCTAssertEqual(a, e, accuracy: 1e-5 * max(1, abs(e))) }
        for (fused, twin) in zip(fusedGradients, conv.gradients) {
            // Sums over the batch, sliced otherwise: the order of the additions differs.
            for (a, e) in zip(fused.scalars, twin.scalars) { XCTAssertEqual(a, e, accuracy: 1e-4 * max(1, abs(e))) }
        }
        XCTAssertEqual(conv.backward(dy, through: pass).scalars, fusedDx.scalars, "the tape's pass, unchanged")
    }

    /// Three training steps of a small tutorial-shaped CNN give the same weights, bit for bit, on
    /// 1, 2 and 3 threads: every loop of a step (the fused pairs, the bias sums, the optimiser) is
    /// cut by the data's size, never by the thread count.
    func testTrainingIsTheSameOnAnyThreadCount() {
        let saved = Runtime.threads
        defer { Runtime.configure(threads: saved) }
        let x = Tensor.normal([40, 14, 14, 1], seed: 21)
        let y = Tensor((0..<40).map { Float($0 % 10) })
        func train(threads: Int) -> [[Float]] {
            Runtime.configure(threads: threads)
            let model = Sequential(
                [
                    Conv2D(16, kernelSize: 3, activation: .relu, inputShape: [14, 14, 1]),
                    MaxPooling2D(2),
                    Conv2D(32, kernelSize: 3, activation: .relu),
                    MaxPooling2D(2),
                    Flatten(),
                    Dense(24, activation: .relu),
                    Dense(10, activation: .softmax),
                ], seed: 22)
            model.compile(optimizer: RMSprop(), loss: .sparseCategoricalCrossentropy)
            for _ in 0..<3 { model.trainStep(x, y) }
            return model.parameters.map(\.value.scalars)
        }
        let one = train(threads: 1)
        for threads in [2, 3] { XCTAssertEqual(train(threads: threads), one, "\(threads) threads") }
    }
}
