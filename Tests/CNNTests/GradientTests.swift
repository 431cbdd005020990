import XCTest

@testable import CNN

/// Every differentiable op and loss through the one shared checker, `checkGradients`.
final class GradientTests: XCTestCase {
    func assertPasses(_ result: GradientCheckResult, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertTrue(result.passed, result.description, file: file, line: line)
        XCTAssertFalse(result.entries.isEmpty, file: file, line: line)
    }

    /// The checker itself must be able to fail: a wrong backward rule is caught.
    func testCheckerCatchesAWrongRule() {
        let x = Tensor.normal([5], seed: 1)
        let wrong = checkGradients(
            "square with a wrong rule", inputs: [("x", x)],
            forward: { $0[0].squared() }, backward: { xs, dy in [xs[0] * dy] })  // should be 2x
        XCTAssertFalse(wrong.passed)
        let right = checkGradients(
            "square", inputs: [("x", x)],
            forward: { $0[0].squared() }, backward: { xs, dy in [xs[0] * dy * 2] })
        assertPasses(right)
    }

    func testConv2D() {
        var g = RandomGenerator(seed: 2)
        let configs: [([Int], (Int, Int), Int, (Int, Int), Padding)] = [
            ([2, 5, 5, 2], (3, 3), 3, (1, 1), .valid),
            ([1, 6, 5, 2], (3, 3), 2, (2, 2), .same),
            ([1, 5, 6, 1], (4, 4), 2, (1, 2), .same),
            ([2, 4, 4, 3], (2, 2), 2, (1, 1), .explicit(top: 1, bottom: 0, left: 0, right: 2)),
        ]
        for (shape, k, f, s, p) in configs {
            let x = Tensor.normal(shape, generator: &g)
            let w = Tensor.normal([k.0, k.1, shape[3], f], generator: &g)
            let b = Tensor.normal([f], generator: &g)
            assertPasses(
                checkGradients(
                    "conv2d \(shape) k\(k) s\(s) \(p)", inputs: [("x", x), ("kernel", w), ("bias", b)],
                    forward: { conv2d($0[0], kernel: $0[1], bias: $0[2], strides: s, padding: p) },
                    backward: { xs, dy in
                        let grads = conv2dBackward(
                            input: xs[0], kernel: xs[1], outputGradient: dy, strides: s, padding: p)
                        return [grads.input, grads.kernel, grads.bias]
                    }))
        }
    }

    func testPooling() {
        // Values spaced apart so no small step changes which cell wins a max.
        let x = Tensor(shape: [2, 5, 5, 2], scalars: RandomGenerator(seed: 3).permutationTensor(100))
        for p in [Padding.valid, .same] {
            assertPasses(
                checkGradients(
                    "maxPool2d \(p)", inputs: [("x", x)],
                    forward: { maxPool2d($0[0], padding: p) },
                    backward: { xs, dy in [maxPool2dBackward(input: xs[0], outputGradient: dy, padding: p)] }))
            assertPasses(
                checkGradients(
                    "avgPool2d 3x3 s2 \(p)", inputs: [("x", x)],
                    forward: { avgPool2d($0[0], poolSize: (3, 3), strides: (2, 2), padding: p) },
                    backward: { xs, dy in
                        [
                            avgPool2dBackward(
                                inputShape: xs[0].shape, outputGradient: dy, poolSize: (3, 3), strides: (2, 2),
                                padding: p)
                        ]
                    }))
        }
        assertPasses(
            checkGradients(
                "globalAvgPool2d", inputs: [("x", x)],
                forward: { globalAvgPool2d($0[0]) },
                backward: { xs, dy in [globalAvgPool2dBackward(inputShape: xs[0].shape, outputGradient: dy)] }))
    }

    func testActivations() {
        // Keep inputs away from ReLU's kink at 0, where the derivative jumps.
        let x = Tensor.normal([4, 6], seed: 4).map { $0 >= 0 ? $0 + 0.1 : $0 - 0.1 }
        for f in [ActivationFunction.linear, .relu, .leakyRelu, .sigmoid, .tanh, .softmax] {
            assertPasses(
                checkGradients(
                    "\(f)", inputs: [("x", x)],
                    forward: { f($0[0]) },
                    backward: { xs, dy in [f.backward(input: xs[0], output: f(xs[0]), outputGradient: dy)] }))
        }
    }

    func testDenseFlattenDropout() {
        var g = RandomGenerator(seed: 5)
        let x = Tensor.normal([3, 7], generator: &g)
        let w = Tensor.normal([7, 4], generator: &g)
        let b = Tensor.normal([4], generator: &g)
        assertPasses(
            checkGradients(
                "dense", inputs: [("x", x), ("weights", w), ("bias", b)],
                forward: { dense($0[0], weights: $0[1], bias: $0[2]) },
                backward: { xs, dy in
                    let grads = denseBackward(input: xs[0], weights: xs[1], outputGradient: dy)
                    return [grads.input, grads.weights, grads.bias]
                }))
        let image = Tensor.normal([2, 3, 3, 2], generator: &g)
        assertPasses(
            checkGradients(
                "flatten", inputs: [("x", image)],
                forward: { flatten($0[0]) }, backward: { xs, dy in [dy.reshaped(xs[0].shape)] }))
        // Dropout with a fixed mask is linear in x: its gradient is the mask.
        var maskGenerator = RandomGenerator(seed: 9)
        let mask = dropout(x, rate: 0.5, generator: &maskGenerator).mask
        XCTAssertTrue(mask.scalars.allSatisfy { $0 == 0 || $0 == 2 })
        assertPasses(
            checkGradients(
                "dropout", inputs: [("x", x)],
                forward: { $0[0] * mask }, backward: { _, dy in [dy * mask] }))
    }

    func testBatchNormalization() {
        var g = RandomGenerator(seed: 6)
        let x = Tensor.normal([4, 3, 3, 2], mean: 1, std: 2, generator: &g)
        let gamma = Tensor.normal([2], mean: 1, std: 0.3, generator: &g)
        let beta = Tensor.normal([2], generator: &g)
        assertPasses(
            checkGradients(
                "batchNorm (training)", inputs: [("x", x), ("gamma", gamma), ("beta", beta)],
                forward: { batchNormTraining($0[0], gamma: $0[1], beta: $0[2]).output },
                backward: { xs, dy in
                    let cache = batchNormTraining(xs[0], gamma: xs[1], beta: xs[2]).cache
                    let grads = batchNormBackward(outputGradient: dy, gamma: xs[1], cache: cache)
                    return [grads.input, grads.gamma, grads.beta]
                }, step: 1e-2, tolerance: 3e-2))
        let mean = Tensor.normal([2], generator: &g)
        let variance = Tensor.uniform([2], low: 0.5, high: 2, generator: &g)
        assertPasses(
            checkGradients(
                "batchNorm (inference)", inputs: [("x", x), ("gamma", gamma), ("beta", beta)],
                forward: { batchNormInference($0[0], gamma: $0[1], beta: $0[2], mean: mean, variance: variance) },
                backward: { xs, dy in
                    let grads = batchNormInferenceBackward(
                        input: xs[0], outputGradient: dy, gamma: xs[1], mean: mean, variance: variance)
                    return [grads.input, grads.gamma, grads.beta]
                }))
    }

    func testLosses() {
        var g = RandomGenerator(seed: 8)
        let regression = Tensor.normal([4, 3], generator: &g)
        let target = Tensor.normal([4, 3], generator: &g)
        for loss in [Loss.meanSquaredError, .meanAbsoluteError] {
            assertPasses(
                checkGradients(
                    loss.name, inputs: [("predictions", regression)],
                    forward: { Tensor(scalar: loss($0[0], target)) },
                    backward: { xs, dy in [loss.compute(xs[0], target).gradient * dy.scalars[0]] }, step: 1e-3))
        }
        let probabilities = Tensor.uniform([4, 3], low: 0.2, high: 0.8, generator: &g)
        let binaryTargets = Tensor(shape: [4, 3], scalars: (0..<12).map { Float($0 % 2) })
        assertPasses(
            checkGradients(
                "binary_crossentropy", inputs: [("predictions", probabilities)],
                forward: { Tensor(scalar: Loss.binaryCrossentropy($0[0], binaryTargets)) },
                backward: { xs, dy in [Loss.binaryCrossentropy.compute(xs[0], binaryTargets).gradient * dy.scalars[0]]
                }, step: 1e-3))
        let rows = softmax(Tensor.normal([4, 5], generator: &g))
        let labels = Tensor([0, 3, 4, 1])
        let oneHot = Tensor(
            shape: [4, 5], scalars: (0..<20).map { i in Float(i % 5) == labels.scalars[i / 5] ? 1 : 0 })
        assertPasses(
            checkGradients(
                "categorical_crossentropy", inputs: [("predictions", rows)],
                forward: { Tensor(scalar: Loss.categoricalCrossentropy($0[0], oneHot)) },
                backward: { xs, dy in [Loss.categoricalCrossentropy.compute(xs[0], oneHot).gradient * dy.scalars[0]] },
                step: 1e-3))
        assertPasses(
            checkGradients(
                "sparse_categorical_crossentropy", inputs: [("predictions", rows)],
                forward: { Tensor(scalar: Loss.sparseCategoricalCrossentropy($0[0], labels)) },
                backward: { xs, dy in
                    [Loss.sparseCategoricalCrossentropy.compute(xs[0], labels).gradient * dy.scalars[0]]
                }, step: 1e-3))
        // Keras' forms on rows that do not sum to 1 (rescaled first).
        let unnormalised = Tensor.uniform([4, 5], low: 0.05, high: 0.5, generator: &g)
        assertPasses(
            checkGradients(
                "categorical_crossentropy, rows rescaled", inputs: [("predictions", unnormalised)],
                forward: { Tensor(scalar: Loss.categoricalCrossentropy($0[0], oneHot)) },
                backward: { xs, dy in [Loss.categoricalCrossentropy.compute(xs[0], oneHot).gradient * dy.scalars[0]] },
                step: 1e-3))
        let soft = Tensor.uniform([4, 5], low: 0, high: 1, generator: &g)
        assertPasses(
            checkGradients(
                "categorical_crossentropy, soft targets", inputs: [("predictions", unnormalised)],
                forward: { Tensor(scalar: Loss.categoricalCrossentropy($0[0], soft)) },
                backward: { xs, dy in [Loss.categoricalCrossentropy.compute(xs[0], soft).gradient * dy.scalars[0]] },
                step: 1e-3))
        assertPasses(
            checkGradients(
                "sparse_categorical_crossentropy, rows rescaled", inputs: [("predictions", unnormalised)],
                forward: { Tensor(scalar: Loss.sparseCategoricalCrossentropy($0[0], labels)) },
                backward: { xs, dy in
                    [Loss.sparseCategoricalCrossentropy.compute(xs[0], labels).gradient * dy.scalars[0]]
                }, step: 1e-3))
        let binaryLogits = Tensor.normal([4, 3], std: 4, generator: &g)
        let binaryLoss = Loss.binaryCrossentropy(fromLogits: true)
        assertPasses(
            checkGradients(
                "binary_crossentropy from logits", inputs: [("logits", binaryLogits)],
                forward: { Tensor(scalar: binaryLoss($0[0], binaryTargets)) },
                backward: { xs, dy in [binaryLoss.compute(xs[0], binaryTargets).gradient * dy.scalars[0]] }))
        let logits = Tensor.normal([4, 5], std: 2, generator: &g)
        let softLogitLoss = Loss.categoricalCrossentropy(fromLogits: true)
        assertPasses(
            checkGradients(
                "categorical_crossentropy from logits, soft targets", inputs: [("logits", logits)],
                forward: { Tensor(scalar: softLogitLoss($0[0], soft)) },
                backward: { xs, dy in [softLogitLoss.compute(xs[0], soft).gradient * dy.scalars[0]] }))
        for sparse in [true, false] {
            let targets = sparse ? labels : oneHot
            assertPasses(
                checkGradients(
                    "softmax cross-entropy from logits (sparse: \(sparse))", inputs: [("logits", logits)],
                    forward: {
                        Tensor(scalar: softmaxCrossEntropy(logits: $0[0], targets: targets, sparse: sparse).loss)
                    },
                    backward: { xs, dy in
                        [softmaxCrossEntropy(logits: xs[0], targets: targets, sparse: sparse).gradient * dy.scalars[0]]
                    }))
        }
    }

    func testMergeLayers() {
        var g = RandomGenerator(seed: 10)
        let a = Tensor.normal([2, 3, 3, 2], generator: &g)
        let b = Tensor.normal([2, 3, 3, 2], generator: &g)
        let c = Tensor.normal([2, 3, 3, 2], generator: &g)
        let add = Add()
        assertPasses(
            checkGradients(
                "add of three", inputs: [("a", a), ("b", b), ("c", c)],
                forward: { add.forward($0, mode: .training) },
                backward: { xs, dy in
                    _ = add.forward(xs, mode: .training)
                    return add.backward(merged: dy)
                }))
        let d = Tensor.normal([2, 3, 3, 1], generator: &g)
        let e = Tensor.normal([2, 1, 3, 2], generator: &g)
        let channels = Concatenate()
        assertPasses(
            checkGradients(
                "concatenate channels", inputs: [("a", a), ("d", d)],
                forward: { channels.forward($0, mode: .training) },
                backward: { xs, dy in
                    _ = channels.forward(xs, mode: .training)
                    return channels.backward(merged: dy)
                }))
        let rows = Concatenate(axis: 1)
        assertPasses(
            checkGradients(
                "concatenate rows", inputs: [("a", a), ("e", e), ("b", b)],
                forward: { rows.forward($0, mode: .training) },
                backward: { xs, dy in
                    _ = rows.forward(xs, mode: .training)
                    return rows.backward(merged: dy)
                }))
    }

    func testZeroPadding() {
        let x = Tensor.normal([2, 3, 4, 2], seed: 11)
        for (t, b, l, r) in [(1, 1, 1, 1), (1, 0, 0, 2), (0, 0, 3, 0)] {
            assertPasses(
                checkGradients(
                    "zeroPad2d (\(t), \(b), \(l), \(r))", inputs: [("x", x)],
                    forward: { zeroPad2d($0[0], top: t, bottom: b, left: l, right: r) },
                    backward: { _, dy in [zeroPad2dBackward(outputGradient: dy, top: t, bottom: b, left: l, right: r)] }
                ))
        }
        // The padded cells are zero, the rest is x.
        let y = zeroPad2d(x, top: 1, bottom: 0, left: 0, right: 2)
        XCTAssertEqual(y.shape, [2, 4, 6, 2])
        XCTAssertEqual(y[0, 0, 0, 0], 0)
        XCTAssertEqual(y[1, 3, 3, 1], x[1, 2, 3, 1])
        XCTAssertEqual(y[1, 3, 4, 1], 0)
    }

    func testRegularizers() {
        // Away from 0, where |w| has its kink.
        let w = Tensor.normal([4, 5], seed: 12).map { $0 >= 0 ? $0 + 0.1 : $0 - 0.1 }
        for regularizer in [Regularizer.l2(0.3), .l1(0.2), .l1l2(l1: 0.1, l2: 0.05)] {
            assertPasses(
                checkGradients(
                    "\(regularizer)", inputs: [("w", w)],
                    forward: { Tensor(scalar: regularizer.penalty($0[0])) },
                    backward: { xs, dy in [regularizer.gradient(xs[0]) * dy.scalars[0]] }, step: 1e-3))
        }
        XCTAssertEqual(Regularizer.l2(0.5).penalty(Tensor([1, -2])), 2.5, "Keras 3's L2 is λ·Σw², no 1/2")
        XCTAssertEqual(Regularizer.l1(0.5).penalty(Tensor([1, -2])), 1.5)
    }

    /// Batch normalisation after a convolution (per channel over N, H, W), and weight penalties,
    /// through whole models of both kinds; a functional graph with a shared layer and fan-out.
    func testConvolutionBatchNormAndPenaltiesThroughModels() {
        let x = Tensor.normal([4, 6, 6, 2], seed: 13)
        let labels = Tensor([0, 1, 2, 1])
        let sequential = Sequential(
            [
                Conv2D(3, kernelSize: 3, padding: .same, kernelRegularizer: .l2(0.05), inputShape: [6, 6, 2]),
                BatchNormalization(),
                Activation(.tanh),
                ZeroPadding2D(padding: ((1, 0), (0, 1))),
                Conv2D(2, kernelSize: 3, strides: 2, activation: .tanh, kernelRegularizer: .l1(0.05)),
                Flatten(),
                Dense(3, activation: .softmax, kernelRegularizer: .l2(0.1)),
            ], seed: 14)
        sequential.compile(optimizer: SGD(), loss: .sparseCategoricalCrossentropy)
        let results = sequential.checkGradients(x, labels)
        XCTAssertEqual(results.count, 8)
        for (parameter, error) in results { XCTAssertLessThan(error, 2e-2, "\(parameter)") }

        // Residual: conv -> BN -> tanh, a shared convolution called twice, Add reading the block's
        // input again (fan-out), Concatenate of two branches, a dense head.
        let inputs = Input(shape: [6, 6, 2])
        let stem = Activation(.tanh)(BatchNormalization()(Conv2D(3, kernelSize: 3, padding: .same)(inputs)))
        let shared = Conv2D(3, kernelSize: 3, padding: .same, activation: .tanh, kernelRegularizer: .l2(0.05))
        let block = Add()([stem, shared(shared(stem)), stem])
        let joined = Concatenate()([
            AveragePooling2D(2)(block), Conv2D(2, kernelSize: 2, strides: 2)(ZeroPadding2D(padding: 0)(stem)),
        ])
        let outputs = Dense(3, activation: .softmax, kernelRegularizer: .l1(0.02))(Flatten()(joined))
        let functional = Model(inputs: inputs, outputs: outputs, seed: 15)
        functional.compile(optimizer: SGD(), loss: .sparseCategoricalCrossentropy)
        let graphResults = functional.checkGradients(x, labels)
        XCTAssertEqual(
            graphResults.map(\.parameter),
            [
                "conv2d/kernel", "conv2d/bias", "batch_normalization/gamma", "batch_normalization/beta",
                "conv2d_1/kernel", "conv2d_1/bias", "conv2d_2/kernel", "conv2d_2/bias",
                "dense/kernel", "dense/bias",
            ])
        for (parameter, error) in graphResults { XCTAssertLessThan(error, 2e-2, "\(parameter)") }
        // The input gradient through the graph (fan-out of the input into the stem only).
        assertPasses(
            checkGradients(
                "functional model input", inputs: [("x", x)],
                forward: { functional.run($0[0], mode: .inferenceForBackward, logits: false).output },
                backward: { xs, dy in [functional.inputGradient(xs[0], outputGradient: dy)] }, step: 1e-2))
    }

    /// Backpropagation through a whole small CNN, parameter by parameter.
    func testWholeModel() {
        let model = Sequential(
            [
                Conv2D(3, kernelSize: 3, activation: .tanh, inputShape: [6, 6, 2]),
                AveragePooling2D(2),
                Conv2D(2, kernelSize: 2, padding: .same, activation: .sigmoid),
                BatchNormalization(),
                Flatten(),
                Dense(4, activation: .softmax),
            ], seed: 3)
        model.compile(optimizer: SGD(), loss: .sparseCategoricalCrossentropy)
        let x = Tensor.normal([5, 6, 6, 2], seed: 4)
        let y = Tensor([0, 1, 2, 3, 1])
        let results = model.checkGradients(x, y)
        XCTAssertEqual(
            results.map(\.parameter),
            [
                "conv2d/kernel", "conv2d/bias", "conv2d_1/kernel", "conv2d_1/bias",
                "batch_normalization/gamma", "batch_normalization/beta", "dense/kernel", "dense/bias",
            ])
        for (parameter, error) in results { XCTAssertLessThan(error, 3e-2, "\(parameter)") }
        let plain = Sequential(
            [
                Conv2D(3, kernelSize: 3, activation: .relu, inputShape: [6, 6, 2]),
                MaxPooling2D(2),
                Flatten(),
                Dense(5, activation: .leakyRelu),
                Dense(4, activation: .softmax),
            ], seed: 5)
        plain.compile(optimizer: SGD(), loss: .categoricalCrossentropy)
        let oneHot = Tensor(shape: [5, 4], scalars: (0..<20).map { i in Float(i % 4) == y.scalars[i / 4] ? 1 : 0 })
        // A small step: ReLU and max pooling have kinks a large step could cross.
        for (parameter, error) in plain.checkGradients(x, oneHot, step: 1e-3) {
            XCTAssertLessThan(error, 1e-2, "\(parameter)")
        }
        // Sigmoid outputs with binary cross-entropy: the loss and gradient taken from the logits.
        let multiLabel = Sequential(
            [Flatten(inputShape: [6, 6, 2]), Dense(6, activation: .tanh), Dense(3, activation: .sigmoid)], seed: 6)
        multiLabel.compile(optimizer: SGD(), loss: .binaryCrossentropy)
        let tags = Tensor(shape: [5, 3], scalars: (0..<15).map { Float($0 * 7 % 3 == 0 ? 1 : 0) })
        let sigmoidResults = multiLabel.checkGradients(x, tags)
        XCTAssertEqual(sigmoidResults.count, 4)
        for (parameter, error) in sigmoidResults { XCTAssertLessThan(error, 1e-2, "\(parameter)") }
    }
}

extension RandomGenerator {
    /// 0, 1, ..., n-1 in random order, as floats: distinct values a whole unit apart.
    func permutationTensor(_ n: Int) -> [Float] {
        var copy = self
        return copy.permutation(n).map(Float.init)
    }
}
