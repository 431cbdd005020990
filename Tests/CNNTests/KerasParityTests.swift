import XCTest

@testable import CNN

/// Where the core claims Keras' behaviour, a case Keras decides and the old behaviour failed.
final class KerasParityTests: XCTestCase {
    /// A Dense layer on [N, 2] inputs with fixed weights, so its logits are known exactly.
    func denseModel(units: Int, activation: ActivationFunction, kernel: [[Float]], bias: [Float], loss: Loss)
        -> Sequential
    {
        let model = Sequential([Dense(units, activation: activation, inputShape: [kernel.count])], seed: 1)
        model.compile(optimizer: SGD(learningRate: 0), loss: loss, metrics: [.accuracy])
        XCTAssertNoThrow(try model.setWeights([Tensor(kernel), Tensor(bias)]))
        return model
    }

    /// Keras trains on the first floor(n * (1 - split)) samples: 10 at 0.25 -> 7 and 3; at 0.1 -> 9
    /// and 1 (the split taken as the decimal 0.1, not as the float nearest it).
    func testValidationSplitTrainsOnTheFirstFloorShare() {
        for (split, trained) in [(0.25, 7), (0.1, 9), (0.5, 5)] {
            let x = Tensor(shape: [10, 2], scalars: (0..<20).map { Float($0) / 20 })
            let y = Tensor((0..<10).map { Float($0 % 2) })
            let model = Sequential([Dense(2, activation: .softmax, inputShape: [2])], seed: 3)
            model.compile(optimizer: SGD(learningRate: 0), loss: .sparseCategoricalCrossentropy)
            var steps = 0
            let history = model.fit(
                x, y, epochs: 1, batchSize: 1, validationSplit: split, shuffle: false, verbose: false,
                callbacks: [LambdaCallback(onBatchEnd: { _, _ in steps += 1 })])
            XCTAssertEqual(steps, trained, "validationSplit \(split)")
            // With a learning rate of 0 the weights stay put: val_loss is the loss on the last samples.
            let tail = 10 - trained
            XCTAssertEqual(
                history["val_loss"].first ?? .nan,
                model.evaluate(x.batch(trained..<10), y.batch(trained..<10))["loss"]!, accuracy: 1e-6,
                "\(tail) validation samples")
        }
    }

    func testValidationSplitCountsAsPythonComputesThem() {
        XCTAssertEqual(trainingCount(samples: 60_000, validationSplit: 0.1), 54_000)
        XCTAssertEqual(trainingCount(samples: 10, validationSplit: 0.25), 7)
        XCTAssertEqual(trainingCount(samples: 1024, validationSplit: 0.25), 768)
        XCTAssertEqual(trainingCount(samples: 3, validationSplit: 0.5), 1)
    }

    /// Accuracy judges what the model outputs: a sigmoid model with a loss declared on logits (Keras
    /// then takes the layer's logits for the loss) still thresholds its probabilities at 0.5.
    func testAccuracyOfASigmoidModelWithALossOnLogits() {
        let model = denseModel(
            units: 1, activation: .sigmoid, kernel: [[1], [0]], bias: [0], loss: .binaryCrossentropy(fromLogits: true))
        let x = Tensor([[-2, 0], [-1, 0], [3, 0]])
        let y = Tensor([[0], [0], [1]])
        XCTAssertEqual(model.evaluate(x, y)["accuracy"], 1)
        XCTAssertEqual(
            model.evaluate(x, y)["loss"]!, Loss.binaryCrossentropy(fromLogits: true)(Tensor([[-2], [-1], [3]]), y),
            accuracy: 1e-6)
    }

    /// Sigmoid + binary cross-entropy from the logit: z = 30 for a target of 0 costs 30 (log(1 + e^30))
    /// and its gradient is sigmoid(30) - 0 = 1. Through probabilities p rounds to 1, the loss is clipped
    /// to -log(1.2e-7) = 15.9 and the gradient is 0.
    func testConfidentlyWrongSigmoidGetsItsFullLossAndGradient() {
        let model = denseModel(
            units: 1, activation: .sigmoid, kernel: [[30], [0]], bias: [0], loss: .binaryCrossentropy)
        let x = Tensor([[1, 0]])
        let y = Tensor([[0]])
        let (loss, predictions) = model.computeGradients(x, y)
        XCTAssertEqual(predictions.scalars[0], 1, "sigmoid(30) rounds to 1 in float32")
        let exact = Float(log1p(exp(30.0)))
        XCTAssertEqual(loss, exact, accuracy: 1e-4)
        XCTAssertEqual(model.layers[0].gradients[0].scalars, [1, 0])
        XCTAssertEqual(model.layers[0].gradients[1].scalars, [1])
        XCTAssertEqual(model.evaluate(x, y)["loss"]!, exact, accuracy: 1e-4)
        XCTAssertLessThan(Loss.binaryCrossentropy(predictions, y), 16.2, "on probabilities Keras clips too")
    }

    /// `evaluate` (and so val_loss) takes the loss from the logits as training does. Two samples:
    /// one confidently wrong (logits 0, 40.46, 0 for class 0: loss 40.46), one confidently right
    /// (loss about 0); Keras reports their mean, 20.23. From clipped probabilities it would be
    /// (15.94 + 0) / 2 = 7.97.
    func testEvaluateOnSaturatedSoftmaxMatchesTheLogitLoss() {
        let model = denseModel(
            units: 3, activation: .softmax, kernel: [[0, 40.46, 0], [40, 0, 0]], bias: [0, 0, 0],
            loss: .sparseCategoricalCrossentropy)
        let x = Tensor([[1, 0], [0, 1]])
        let y = Tensor([0, 0])
        // log-softmax written out in Double: log(sum_k e^z_k) - z_label per sample.
        func logitLoss(_ z: [Double], _ label: Int) -> Double {
            log(z.map { exp($0 - z.max()!) }.reduce(0, +)) + z.max()! - z[label]
        }
        let expected = Float((logitLoss([0, 40.46, 0], 0) + logitLoss([40, 0, 0], 0)) / 2)
        XCTAssertEqual(expected, 20.23, accuracy: 1e-3)
        let logs = model.evaluate(x, y, batchSize: 1)
        XCTAssertEqual(logs["loss"]!, expected, accuracy: 1e-3)
        XCTAssertEqual(logs["accuracy"]!, 0.5)
        XCTAssertEqual(
            model.computeGradients(x, y).loss, logs["loss"]!, accuracy: 1e-5, "training and evaluation agree")
        let history = model.fit(x, y, epochs: 1, batchSize: 2, validationData: (x, y), verbose: false)
        XCTAssertEqual(history["val_loss"][0], expected, accuracy: 1e-3)
        XCTAssertEqual(history["loss"][0], expected, accuracy: 1e-3)
    }

    /// Keras rescales each row of probabilities to sum to 1 before categorical cross-entropy:
    /// [0.2, 0.2, 0.4] for class 2 becomes [0.25, 0.25, 0.5] and costs -log 0.5, not -log 0.4.
    func testCategoricalCrossentropyRescalesRows() {
        let p = Tensor([[0.2, 0.2, 0.4], [0.1, 0.6, 0.3]])
        let y = Tensor([[0, 0, 1], [0, 1, 0]])
        XCTAssertEqual(Loss.categoricalCrossentropy(p, y), -(logf(0.5) + logf(0.6)) / 2, accuracy: 1e-6)
        // Keras' sparse form takes log(clip(p)) as logits, which rescales the same way.
        XCTAssertEqual(
            Loss.sparseCategoricalCrossentropy(p, Tensor([2, 1])), -(logf(0.5) + logf(0.6)) / 2, accuracy: 1e-6)
    }

    /// `fromLogits: true` on a linear output is the same loss and gradient as the softmax (sigmoid)
    /// model with the same weights, and the same as the loss applied to softmax(z) where that is exact.
    func testFromLogitsMatchesTheActivatedModel() {
        let kernel: [[Float]] = [[0.5, -1, 2], [1.5, 0.3, -0.7]]
        let bias: [Float] = [0.1, 0, -0.2]
        let x = Tensor([[1, 2], [-1, 0.5], [0.3, -2]])
        let labels = Tensor([2, 0, 1])
        let oneHot = Tensor([[0, 0, 1], [1, 0, 0], [0, 1, 0]])
        for (loss, y) in [(Loss.sparseCategoricalCrossentropy, labels), (.categoricalCrossentropy, oneHot)] {
            let withSoftmax = denseModel(units: 3, activation: .softmax, kernel: kernel, bias: bias, loss: loss)
            let onLogits = denseModel(units: 3, activation: .linear, kernel: kernel, bias: bias, loss: loss.onLogits)
            let a = withSoftmax.computeGradients(x, y).loss
            let b = onLogits.computeGradients(x, y).loss
            XCTAssertEqual(a, b, accuracy: 1e-6, loss.name)
            for (ga, gb) in zip(withSoftmax.layers[0].gradients, onLogits.layers[0].gradients) {
                XCTAssertEqual(ga.shape, gb.shape)
                for (u, v) in zip(ga.scalars, gb.scalars) { XCTAssertEqual(u, v, accuracy: 1e-6, loss.name) }
            }
            XCTAssertEqual(withSoftmax.evaluate(x, y)["accuracy"], onLogits.evaluate(x, y)["accuracy"])
            let z = onLogits.predict(x)
            XCTAssertEqual(loss.onLogits(z, y), loss(softmax(z), y), accuracy: 1e-5)
        }
        let binaryKernel: [[Float]] = [[0.5], [-1]]
        let binaryBias: [Float] = [0.2]
        let binaryY = Tensor([[1], [0], [1]])
        let sigmoidModel = denseModel(
            units: 1, activation: .sigmoid, kernel: binaryKernel, bias: binaryBias, loss: .binaryCrossentropy)
        let logitModel = denseModel(
            units: 1, activation: .linear, kernel: binaryKernel, bias: binaryBias,
            loss: .binaryCrossentropy(fromLogits: true))
        XCTAssertEqual(
            sigmoidModel.evaluate(x, binaryY)["loss"]!, logitModel.evaluate(x, binaryY)["loss"]!, accuracy: 1e-6)
        XCTAssertEqual(sigmoidModel.evaluate(x, binaryY)["accuracy"], logitModel.evaluate(x, binaryY)["accuracy"])
        let z = logitModel.predict(x)
        XCTAssertEqual(
            Loss.binaryCrossentropy(fromLogits: true)(z, binaryY), Loss.binaryCrossentropy(sigmoid(z), binaryY),
            accuracy: 1e-5)
    }

    func testSetWeightsInKerasOrderWithClearErrors() throws {
        let model = Sequential(
            [Conv2D(2, kernelSize: 2, inputShape: [3, 3, 1]), BatchNormalization(), Flatten(), Dense(2)], seed: 4)
        let weights = model.getWeights()
        XCTAssertEqual(weights.map(\.shape), [[2, 2, 1, 2], [2], [2], [2], [2], [2], [8, 2], [2]])
        let changed = weights.map { $0 + 1 }
        try model.setWeights(changed)
        XCTAssertEqual(model.getWeights(), changed)
        XCTAssertEqual((model.layers[1] as! BatchNormalization).movingVariance?.value.scalars, [2, 2])
        XCTAssertThrowsError(try model.setWeights(Array(weights.dropLast()))) { error in
            XCTAssertTrue("\(error)".contains("7 arrays given, the model has 8"), "\(error)")
        }
        var wrong = weights
        wrong[6] = Tensor(zeros: [2, 8])
        XCTAssertThrowsError(try model.setWeights(wrong)) { error in
            XCTAssertEqual(
                "\(error)", "sequential.setWeights: array 6 is dense/kernel, which has shape [8, 2], not [2, 8]")
        }
        XCTAssertEqual(model.getWeights(), changed, "a failed setWeights changes nothing")
    }

    /// The input gradient through convolution, batch normalisation (running statistics), dropout
    /// (off), pooling and softmax, against central differences of `evaluate`'s loss.
    func testInputGradientAgreesWithFiniteDifferences() {
        let model = Sequential(
            [
                Conv2D(3, kernelSize: 3, activation: .tanh, inputShape: [6, 6, 2]),
                BatchNormalization(),
                AveragePooling2D(2),
                Dropout(0.5),
                Flatten(),
                Dense(4, activation: .softmax),
            ], seed: 11)
        model.compile(optimizer: SGD(learningRate: 0.1), loss: .sparseCategoricalCrossentropy)
        let x = Tensor.normal([3, 6, 6, 2], seed: 12)
        let y = Tensor([0, 3, 1])
        model.trainStep(x, y)  // running statistics away from their starting values
        let before = model.getWeights()
        let result = checkGradients(
            "model input gradient", inputs: [("x", x)],
            forward: { Tensor(scalar: model.evaluate($0[0], y)["loss"]!) },
            backward: { xs, dy in [model.inputGradient(xs[0], y) * dy.scalars[0]] }, step: 1e-2)
        XCTAssertTrue(result.passed, result.description)
        XCTAssertEqual(model.getWeights(), before, "input gradients leave weights and running statistics alone")
        XCTAssertFalse(
            (model.layers[0] as! Conv2D).computesInputGradient, "training still skips the first layer's input gradient")
        // Saliency: d(class score)/dx, before and after the softmax, against central differences.
        let dense = model.layers.last as! Dense
        func logits(_ x: Tensor) -> Tensor {
            dense.forwardWithPreActivation(
                model.layers.dropLast().reduce(x) { $1.forward($0, training: false) }, mode: .inference
            ).preActivation
        }
        let scores = checkGradients(
            "class scores before softmax", inputs: [("x", x)],
            forward: { logits($0[0]) },
            backward: { xs, dy in [model.inputGradient(xs[0], outputGradient: dy, beforeActivation: true)] })
        XCTAssertTrue(scores.passed, scores.description)
        let probabilities = checkGradients(
            "probabilities", inputs: [("x", x)],
            forward: { model($0[0]) },
            backward: { xs, dy in [model.inputGradient(xs[0], outputGradient: dy)] })
        XCTAssertTrue(probabilities.passed, probabilities.description)
    }
}
