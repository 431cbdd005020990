import XCTest

@testable import CNN

/// The tutorials' two CNNs, the core's issue defines them; the layer-by-layer test below pins their shape.
func modelA(seed: UInt64 = 42) -> Sequential { .tutorialModelA(seed: seed) }
func modelB(seed: UInt64 = 42) -> Sequential { .tutorialModelB(seed: seed) }

final class ModelTests: XCTestCase {
    func testSummariesMatchKerasCounts() {
        let a = modelA()
        let b = modelB()
        XCTAssertEqual(a.parameterCount, 225_034)
        XCTAssertEqual(b.parameterCount, 104_202)
        XCTAssertEqual(a.layers.map(\.parameterCount), [320, 0, 18_496, 0, 0, 204_928, 1_290])
        XCTAssertEqual(a.outputShapes, [[26, 26, 32], [13, 13, 32], [11, 11, 64], [5, 5, 64], [1600], [128], [10]])
        XCTAssertEqual(b.outputShapes.last(where: { $0.count == 3 }), [3, 3, 128])
        let text = a.summaryText
        XCTAssertTrue(text.contains("conv2d_1 (Conv2D)"), text)
        XCTAssertTrue(text.contains("(None, 26, 26, 32)"), text)
        XCTAssertTrue(text.contains("Total params: 225,034 (879.04 KB)"), text)
        XCTAssertTrue(text.contains("Trainable params: 225,034"), text)
        XCTAssertTrue(text.contains("Non-trainable params: 0"), text)
        XCTAssertTrue(b.summaryText.contains("Total params: 104,202"), b.summaryText)
        // (kh * kw * C_in + 1) * C_out for every convolution.
        XCTAssertEqual((3 * 3 * 32 + 1) * 64, a.layers[2].parameterCount)
    }

    func testSoftmaxIsStableForHugeLogits() {
        let p = softmax(Tensor([[1000, 999, 0], [-1000, -1000, -1000]]))
        XCTAssertTrue(p.scalars.allSatisfy(\.isFinite))
        XCTAssertEqual(p[0, 0], 1 / (1 + expf(-1)), accuracy: 1e-6)
        XCTAssertEqual(p[1, 2], 1.0 / 3, accuracy: 1e-6)
        let (loss, gradient) = softmaxCrossEntropy(logits: Tensor([[1000, 0]]), targets: Tensor([1]), sparse: true)
        XCTAssertEqual(loss, 1000, accuracy: 1e-2)
        XCTAssertTrue(gradient.scalars.allSatisfy(\.isFinite))
    }

    func testKnownLossValues() {
        let p = Tensor([[0.7, 0.2, 0.1], [0.1, 0.8, 0.1]])
        let labels = Tensor([0, 1])
        XCTAssertEqual(Loss.sparseCategoricalCrossentropy(p, labels), -(logf(0.7) + logf(0.8)) / 2, accuracy: 1e-6)
        let y = Tensor([[1, 0, 0], [0, 1, 0]])
        XCTAssertEqual(Loss.categoricalCrossentropy(p, y), -(logf(0.7) + logf(0.8)) / 2, accuracy: 1e-6)
        XCTAssertEqual(Loss.meanSquaredError(p, y), (0.09 + 0.04 + 0.01 + 0.01 + 0.04 + 0.01) / 6, accuracy: 1e-6)
        XCTAssertEqual(Loss.meanAbsoluteError(p, y), (0.3 + 0.2 + 0.1 + 0.1 + 0.2 + 0.1) / 6, accuracy: 1e-6)
        XCTAssertEqual(
            Loss.binaryCrossentropy(Tensor([0.9, 0.2]), Tensor([1, 0])), -(logf(0.9) + logf(0.8)) / 2, accuracy: 1e-6)
    }

    func testOptimiserStepsFollowKerasFormulas() {
        func step(_ optimizer: Optimizer, _ g: Float, times: Int = 1) -> Float {
            let p = Parameter(name: "w", value: Tensor([1]))
            for _ in 0..<times {
                p.gradient = Tensor([g])
                optimizer.apply(to: [p])
            }
            return p.value.scalars[0]
        }
        XCTAssertEqual(step(SGD(learningRate: 0.1), 2), 0.8, accuracy: 1e-6)
        // Momentum 0.9: m1 = -0.2, m2 = -0.38; w = 1 - 0.58.
        XCTAssertEqual(step(SGD(learningRate: 0.1, momentum: 0.9), 2, times: 2), 0.42, accuracy: 1e-6)
        // Nesterov, one step: w = 1 + 0.9 * (-0.2) - 0.2.
        XCTAssertEqual(step(SGD(learningRate: 0.1, momentum: 0.9, nesterov: true), 2), 0.62, accuracy: 1e-6)
        // RMSprop, one step: v = 0.1 * 4, w = 1 - 0.001 * 2 / sqrt(0.4 + 1e-7).
        XCTAssertEqual(step(RMSprop(), 2), 1 - 0.002 / (0.4 as Float + 1e-7).squareRoot(), accuracy: 1e-6)
        // Adam's first step is lr * g / (|g| + eps'), about lr.
        XCTAssertEqual(step(Adam(), 3), 0.999, accuracy: 1e-6)
        // Clipping: a gradient of norm 5 clipped to norm 1, then plain SGD.
        let p = Parameter(name: "w", value: Tensor([0, 0]))
        p.gradient = Tensor([3, 4])
        SGD(learningRate: 1, clipNorm: 1).apply(to: [p])
        XCTAssertEqual(p.value.scalars[0], -0.6, accuracy: 1e-6)
        XCTAssertEqual(p.value.scalars[1], -0.8, accuracy: 1e-6)
        p.gradient = Tensor([3, -0.5])
        SGD(learningRate: 1, clipValue: 1).apply(to: [p])
        XCTAssertEqual(p.value.scalars, [-1.6, -0.3])
    }

    /// RMSprop's update, sixteen values at a time and the tail one by one, is the scalar formula
    /// bit for bit (two steps over 37 values: two vectors and a tail of 5).
    func testRMSpropVectorsAreTheScalarFormula() {
        let optimizer = RMSprop(learningRate: 0.01)
        let start = Tensor.normal([37], seed: 8)
        let gradients = [Tensor.normal([37], seed: 9), Tensor.normal([37], seed: 10)]
        let p = Parameter(name: "w", value: start)
        var w = start.scalars
        var v = [Float](repeating: 0, count: 37)
        for g in gradients {
            p.gradient = g
            optimizer.apply(to: [p])
            for i in 0..<37 {
                v[i] = 0.9 * v[i] + (1 - 0.9) * g.scalars[i] * g.scalars[i]
                w[i] -= 0.01 * g.scalars[i] / (v[i] + 1e-7).squareRoot()
            }
        }
        XCTAssertEqual(p.value.scalars.map(\.bitPattern), w.map(\.bitPattern))
        XCTAssertNotEqual(p.value.scalars, start.scalars)
    }

    /// Optimiser state is updated in place: the same storage before and after a step.
    func testOptimiserStateIsUpdatedInPlace() {
        for optimizer in [Adam(), RMSprop(), SGD(momentum: 0.9)] as [Optimizer] {
            let p = Parameter(name: "w", value: Tensor(repeating: 1, shape: [1000]))
            p.gradient = Tensor(repeating: 0.5, shape: [1000])
            optimizer.apply(to: [p])
            func addresses() -> [UnsafeRawPointer?] {
                optimizer.slots[ObjectIdentifier(p)]!.map {
                    $0.scalars.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
                }
            }
            let before = addresses()
            optimizer.apply(to: [p])
            XCTAssertEqual(addresses(), before, optimizer.name)
        }
    }

    func testInitialisersAreSeededAndScaled() {
        var g1 = RandomGenerator(seed: 1)
        var g2 = RandomGenerator(seed: 1)
        let a = Initializer.glorotUniform.make([3, 3, 32, 64], generator: &g1)
        XCTAssertEqual(a, Initializer.glorotUniform.make([3, 3, 32, 64], generator: &g2))
        let limit = (6 / Float(9 * 32 + 9 * 64)).squareRoot()
        XCTAssertLessThanOrEqual(a.abs().max(), limit)
        XCTAssertGreaterThan(a.abs().max(), limit * 0.95)
        let he = Initializer.heNormal.make([1000, 100], generator: &g1)
        XCTAssertEqual(sqrtf(he.squared().mean()), (2 / Float(1000)).squareRoot(), accuracy: 0.003)
        XCTAssertEqual(Initializer.constant(0.5).make([2], generator: &g1).scalars, [0.5, 0.5])
    }

    func testShortTrainingOnShippedDataLowersTheLossAndIsDeterministic() throws {
        let mnist = try MNIST.load(directory: MNIST.shippedDirectory)
        let x = mnist.trainImages.batch(0..<1024)
        let y = mnist.trainLabels.batch(0..<1024)
        func train() -> History {
            let model = Sequential(
                [
                    Conv2D(8, kernelSize: 3, activation: .relu, inputShape: [28, 28, 1]),
                    MaxPooling2D(2),
                    Flatten(),
                    Dropout(0.2),
                    Dense(10, activation: .softmax),
                ], seed: 7)
            model.compile(optimizer: RMSprop(), loss: .sparseCategoricalCrossentropy, metrics: [.accuracy])
            var batches = 0
            let counter = LambdaCallback(onBatchEnd: { _, _ in batches += 1 })
            let history = model.fit(
                x, y, epochs: 3, batchSize: 64, validationSplit: 0.25, verbose: false, callbacks: [counter])
            XCTAssertEqual(batches, 3 * 12)  // 768 training images / 64
            return history
        }
        let first = train()
        let second = train()
        XCTAssertEqual(first["loss"], second["loss"], "same seed, same numbers")
        XCTAssertLessThan(first["loss"][2], first["loss"][0])
        XCTAssertLessThan(first["val_loss"][2], first["val_loss"][0])
        XCTAssertGreaterThan(first["val_accuracy"][2], 0.8)
    }

    func testFitPrintsKerasStyleLinesAndPredictEvaluateShapes() {
        let model = Sequential([Flatten(inputShape: [2, 2, 1]), Dense(3, activation: .softmax)], seed: 1)
        model.compile(optimizer: Adam(learningRate: 0.05), loss: .sparseCategoricalCrossentropy, metrics: [.accuracy])
        let x = Tensor.uniform([40, 2, 2, 1], seed: 2)
        let y = Tensor(x.reshaped([40, 4]).argmax().map { Float($0 % 3) })
        var lines: [String] = []
        model.fit(x, y, epochs: 2, batchSize: 16, validationData: (x, y), log: { lines.append($0) })
        XCTAssertEqual(lines.count, 4)
        XCTAssertEqual(lines[0], "Epoch 1/2")
        XCTAssertNotNil(
            lines[1].range(
                of:
                    #"^3/3 - \d+s - \d+ms/step - loss: \d+\.\d{4} - accuracy: \d\.\d{4} - val_loss: \d+\.\d{4} - val_accuracy: \d\.\d{4}$"#,
                options: .regularExpression), lines[1])
        XCTAssertEqual(model.predict(x, batchSize: 7).shape, [40, 3])
        XCTAssertEqual(Set(model.evaluate(x, y).keys), ["loss", "accuracy"])
        XCTAssertEqual(model.activations(x).map(\.layer), ["flatten", "dense"])
    }
}
