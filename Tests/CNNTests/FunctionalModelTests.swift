import Foundation
import XCTest

@testable import CNN

/// The functional API: symbolic tensors, merge layers, `Model(inputs:outputs:)`, its summary and
/// its errors; `Sequential` as the chain case of the same graph.
final class FunctionalModelTests: XCTestCase {
    /// A residual network on 8x8x1 images: Conv2D + BN + ReLU, a block whose output is added to its
    /// input, a concatenation of two branches, a dense head.
    static func residualNetwork(seed: UInt64 = 42, regularizer: Regularizer? = nil) -> Model {
        let inputs = Input(shape: [8, 8, 1])
        var x = Conv2D(4, kernelSize: 3, padding: .same)(inputs)
        x = BatchNormalization()(x)
        x = Activation(.relu)(x)
        var y = Conv2D(4, kernelSize: 3, padding: .same, kernelRegularizer: regularizer)(x)
        y = BatchNormalization()(y)
        x = Activation(.relu)(Add()([x, y]))
        let padded = ZeroPadding2D(padding: 1)(x)
        let a = Conv2D(3, kernelSize: 3, strides: 2, activation: .relu)(padded)
        let b = MaxPooling2D(2)(x)
        let joined = Concatenate(axis: -1)([a, b])
        let outputs = Dense(3, activation: .softmax, kernelRegularizer: regularizer)(Flatten()(joined))
        return Model(inputs: inputs, outputs: outputs, seed: seed)
    }

    func testSymbolicShapesAndKerasNames() {
        let inputs = Input(shape: [28, 28, 1])
        XCTAssertEqual(inputs.shape, [28, 28, 1])
        let h = Conv2D(16, kernelSize: 3, padding: .same)(inputs)
        XCTAssertEqual(h.shape, [28, 28, 16])
        XCTAssertEqual(Concatenate()([h, h]).shape, [28, 28, 32])
        XCTAssertEqual(Concatenate(axis: 1)([h, h]).shape, [56, 28, 16])
        XCTAssertEqual(ZeroPadding2D(padding: ((1, 2), (3, 4)))(h).shape, [31, 35, 16])
        XCTAssertEqual(ZeroPadding2D(padding: (1, 2))(h).shape, [30, 32, 16])
        XCTAssertEqual(ZeroPadding2D()(h).shape, [30, 30, 16])
        XCTAssertEqual(ZeroPadding2D(2)(h).shape, [32, 32, 16])
        XCTAssertEqual("\(h)", "<KerasTensor shape=(None, 28, 28, 16), from Conv2D>")

        let model = Self.residualNetwork()
        XCTAssertEqual(
            model.layers.map(\.name),
            [
                "conv2d", "batch_normalization", "activation", "conv2d_1", "batch_normalization_1",
                "add", "activation_1", "zero_padding2d", "conv2d_2", "max_pooling2d", "concatenate",
                "flatten", "dense",
            ])
        XCTAssertEqual(model.outputShapes.last, [3])
        XCTAssertTrue(model.layer(named: "conv2d_2") is Conv2D)
        XCTAssertNil(model.layer(named: "conv2d_9"))
        // 40 + 16 + 148 + 16 + 0 + 0 + 0 + 111 + 0 + 0 + 0 + 3 * 16 * 7 + 3
        XCTAssertEqual(model.parameterCount, 40 + 16 + 148 + 16 + 111 + 112 * 3 + 3)
        XCTAssertEqual(model.predict(Tensor.normal([5, 8, 8, 1], seed: 1), batchSize: 2).shape, [5, 3])
    }

    func testSummaryHasTheInputAndKerasConnectedToColumn() {
        let inputs = Input(shape: [6, 6, 2])
        let shared = Conv2D(2, kernelSize: 3, padding: .same)
        let a = shared(inputs)
        let b = shared(a)
        let model = Model(inputs: inputs, outputs: Dense(2)(Flatten()(Add()([a, b, inputs]))))
        let text = model.summaryText
        let lines = text.components(separatedBy: "\n")
        XCTAssertEqual(lines[0], "Model: \"functional\"")
        XCTAssertTrue(lines[2].hasSuffix("Connected to"), lines[2])
        XCTAssertTrue(text.contains("input_layer (InputLayer)"), text)
        let conv = lines.first { $0.hasPrefix("conv2d (Conv2D)") }!
        XCTAssertTrue(
            conv.contains("(None, 6, 6, 2)") && conv.contains("38") && conv.hasSuffix("input_layer[0][0]"), conv)
        // A shared layer's second call reads its first; Add lists one input per line.
        let convIndex = lines.firstIndex(of: conv)!
        XCTAssertTrue(lines[convIndex + 1].hasSuffix("conv2d[0][0]"), lines[convIndex + 1])
        let add = lines.firstIndex { $0.hasPrefix("add (Add)") }!
        XCTAssertTrue(lines[add].hasSuffix("conv2d[0][0]"))
        XCTAssertTrue(lines[add + 1].hasSuffix("conv2d[1][0]"))
        XCTAssertTrue(lines[add + 2].hasSuffix("input_layer[0][0]"))
        XCTAssertTrue(text.contains("Total params: 184 (736 B)"), text)
        // Sequential keeps its table (no input row, no Connected to).
        XCTAssertFalse(Sequential.tutorialModelA().summaryText.contains("Connected to"))
    }

    /// Every problem is caught before anything runs, with a message that names it (the public
    /// entry points stop at the caller's line with these messages).
    func testErrorsNameTheProblem() {
        let inputs = Input(shape: [6, 6, 2])
        let h = Conv2D(3, kernelSize: 3)(inputs)  // [4, 4, 3]
        XCTAssertEqual(
            Add().inputShapesProblem([h.shape, inputs.shape]),
            "add: Add needs inputs of one shape, got (None, 4, 4, 3) and (None, 6, 6, 2)")
        XCTAssertEqual(
            Concatenate().inputShapesProblem([h.shape, inputs.shape]),
            "concatenate: Concatenate(axis: -1) needs inputs that match except along axis -1, got (None, 4, 4, 3) and (None, 6, 6, 2)"
        )
        XCTAssertNil(Concatenate().inputShapesProblem([[4, 4, 3], [4, 4, 1]]))
        XCTAssertNotNil(Concatenate(axis: 0).inputShapesProblem([[4, 4, 3], [4, 4, 3]]))
        XCTAssertEqual(
            Dense(3).inputShapeProblem([4, 4, 3]),
            "dense: Dense takes flat [features] inputs, got [4, 4, 3]; add Flatten() before it")
        XCTAssertEqual(
            Conv2D(3, kernelSize: 5).inputShapeProblem([4, 4, 3]),
            "conv2d: a 5x5 window does not fit a 4x4 input with padding valid")
        XCTAssertEqual(
            MaxPooling2D(2).inputShapeProblem([12]), "max_pooling2d: MaxPooling2D takes [H, W, C] inputs, got [12]")
        // A layer with weights called on a tensor of another channel count (shared weights).
        let conv = Conv2D(2, kernelSize: 1)
        _ = Model(inputs: inputs, outputs: conv(inputs))
        XCTAssertEqual(
            conv.inputShapeProblem([4, 4, 3]),
            "conv2d: input has 3 channels but the kernel expects 2 (a layer called twice shares its weights)")

        func problem(_ inputs: KerasTensor, _ outputs: KerasTensor) -> String? {
            do {
                _ = try ModelGraph.between(inputs, outputs)
                return nil
            } catch { return error.message }
        }
        // Outputs from another model's input.
        let other = Input(shape: [6, 6, 2])
        XCTAssertEqual(
            problem(inputs, Flatten()(other)),
            "Model: the outputs depend on an Input of shape (None, 6, 6, 2) that is not this model's input (a tensor of another model?); build the model from that Input, or call the layers on this one"
        )
        XCTAssertEqual(problem(inputs, inputs), "Model: the outputs are the inputs; call a layer on the input first")
        // A cycle (only the core can make one: tensors are immutable to a lesson).
        let first = Activation(.relu)(inputs)
        let second = Activation(.tanh)(first)
        first.origin = .init(layer: first.origin!.layer, inputs: [second])
        XCTAssertEqual(problem(inputs, second), "Model: the graph has a cycle through activation (Activation)")
        // A shared layer on two shapes.
        let flat = Flatten()
        let a = flat(inputs)
        let b = flat(h)
        XCTAssertEqual(
            problem(inputs, Concatenate()([a, b])),
            "Model: a Flatten is called on inputs of different shapes (None, 6, 6, 2) and (None, 4, 4, 3); its one set of weights fits one"
        )
    }

    /// A layer called twice has one set of weights; its gradient is the sum over the calls.
    func testSharedLayerHasOneSetOfWeights() {
        let inputs = Input(shape: [3])
        let shared = Dense(3, activation: .tanh)
        let outputs = Dense(2, activation: .softmax)(Add()([shared(shared(inputs)), inputs]))
        let model = Model(inputs: inputs, outputs: outputs, seed: 3)
        XCTAssertEqual(model.layers.count, 3)
        XCTAssertEqual(model.parameterCount, 12 + 8)
        XCTAssertEqual(model.getWeights().count, 4)
        // Its output equals the layer applied twice by hand.
        let x = Tensor.normal([4, 3], seed: 2)
        let byHand = (model.layers[2] as! Dense).forward(
            shared.forward(shared.forward(x, mode: .inference), mode: .inference) + x, mode: .inference)
        XCTAssertEqual(model(x), byHand)
    }

    /// Sequential is the chain case of Model: the same numbers as a functional model of the same
    /// layers and seed, through the one training loop.
    func testSequentialAndFunctionalChainTrainAlike() {
        func layers() -> [Layer] {
            [
                Conv2D(4, kernelSize: 3, activation: .relu), MaxPooling2D(2), Conv2D(4, kernelSize: 3, padding: .same),
                BatchNormalization(), Activation(.relu), Flatten(), Dense(3, activation: .softmax),
            ]
        }
        let sequential = Sequential(layers(), inputShape: [10, 10, 1], seed: 9)
        let chain = layers()
        let inputs = Input(shape: [10, 10, 1])
        let functional = Model(inputs: inputs, outputs: chain.dropFirst().reduce(chain[0](inputs)) { $1($0) }, seed: 9)
        let x = Tensor.normal([12, 10, 10, 1], seed: 4)
        let y = Tensor((0..<12).map { Float($0 % 3) })
        // Weights from the same generator, in the same order.
        XCTAssertEqual(sequential.getWeights(), functional.getWeights())
        for model in [sequential, functional] as [Model] {
            model.compile(
                optimizer: AdamW(
                    learningRate: ExponentialDecay(initialLearningRate: 0.01, decaySteps: 2, decayRate: 0.5)),
                loss: .sparseCategoricalCrossentropy, metrics: [.accuracy])
        }
        let h1 = sequential.fit(x, y, epochs: 2, batchSize: 5, verbose: false)
        let h2 = functional.fit(x, y, epochs: 2, batchSize: 5, verbose: false)
        XCTAssertEqual(h1["loss"], h2["loss"])
        XCTAssertEqual(h1["learning_rate"], [0.01 * powf(0.5, 2 / 2), 0.01 * powf(0.5, 5 / 2.0)])
        XCTAssertEqual(sequential.getWeights(), functional.getWeights())
        XCTAssertEqual(sequential.evaluate(x, y), functional.evaluate(x, y))
        XCTAssertEqual(sequential.inputGradient(x, y), functional.inputGradient(x, y))
    }

    func testWeightsRoundTripThroughSafetensors() throws {
        let model = Self.residualNetwork(seed: 1)
        let copy = Self.residualNetwork(seed: 2)
        XCTAssertNotEqual(model.getWeights(), copy.getWeights())
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "functional-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try model.saveWeights(to: url)
        try copy.loadWeights(from: url)
        XCTAssertEqual(model.getWeights(), copy.getWeights())
        try copy.setWeights(Self.residualNetwork(seed: 3).getWeights())
        XCTAssertNotEqual(model.getWeights(), copy.getWeights())
    }

    /// fit with callbacks and validation, evaluate and inputGradient on a functional model.
    func testFunctionalModelTrains() {
        let model = Self.residualNetwork(seed: 5, regularizer: .l2(1e-3))
        model.compile(
            optimizer: AdamW(learningRate: CosineDecay(initialLearningRate: 0.01, decaySteps: 20)),
            loss: .sparseCategoricalCrossentropy, metrics: [.accuracy])
        var generator = RandomGenerator(seed: 6)
        let x = Tensor.normal([48, 8, 8, 1], generator: &generator)
        // A learnable rule: which third of the image is brightest.
        let y = Tensor(
            (0..<48).map { n in
                let rows = (0..<3).map { third in
                    (0..<64).filter { $0 / 8 * 3 / 8 == third }.map { x.scalars[n * 64 + $0] }.reduce(0, +)
                }
                return Float(rows.indices.max { rows[$0] < rows[$1] }!)
            })
        var epochsSeen = 0
        let history = model.fit(
            x, y, epochs: 4, batchSize: 8, validationSplit: 0.25, verbose: false,
            callbacks: [LambdaCallback(onEpochEnd: { _, _ in epochsSeen += 1 })])
        XCTAssertEqual(epochsSeen, 4)
        XCTAssertLessThan(history["loss"][3], history["loss"][0])
        XCTAssertEqual(history["val_loss"].count, 4)
        XCTAssertEqual(history["learning_rate"].count, 4)
        XCTAssertLessThan(history["learning_rate"][3], history["learning_rate"][0])
        XCTAssertEqual(Set(model.evaluate(x, y).keys), ["loss", "accuracy"])
        XCTAssertGreaterThan(model.regularizationLoss, 0)
        XCTAssertEqual(model.inputGradient(x.batch(0..<3), y.batch(0..<3)).shape, [3, 8, 8, 1])
    }

    /// The residual block's convolutions run through oneDNN as a stack's do (a ReLU convolution
    /// read only by 2x2 pooling fused with it), and training gives the same bits on any thread count.
    func testConvolutionPathsAndThreadCountIndependence() throws {
        let saved = Runtime.threads
        defer { Runtime.configure(threads: saved) }
        let x = Tensor.normal([10, 12, 12, 1], seed: 7)
        let y = Tensor((0..<10).map { Float($0 % 3) })
        func train(threads: Int) -> (weights: [[Float]], paths: [String?]) {
            Runtime.configure(threads: threads)
            let inputs = Input(shape: [12, 12, 1])
            let stem = MaxPooling2D(2)(Conv2D(8, kernelSize: 3, activation: .relu)(inputs))  // fused pair
            let y1 = Conv2D(8, kernelSize: 3, padding: .same, activation: .relu)(stem)
            let y2 = BatchNormalization()(Conv2D(8, kernelSize: 3, padding: .same, useBias: false)(y1))
            let block = Activation(.relu)(Add()([stem, y2]))
            let outputs = Dense(3, activation: .softmax)(Flatten()(block))
            let model = Model(inputs: inputs, outputs: outputs, seed: 8)
            model.compile(
                optimizer: AdamW(learningRate: PiecewiseConstantDecay(boundaries: [1], values: [0.01, 0.005])),
                loss: .sparseCategoricalCrossentropy)
            for _ in 0..<3 { model.trainStep(x, y) }
            return (
                model.parameters.map(\.value.scalars), model.layers.compactMap { $0 as? Conv2D }.map(\.lastForwardPath)
            )
        }
        let one = train(threads: 1)
        XCTAssertEqual(one.paths, ["oneDNN + pooling", "oneDNN", "oneDNN"])
        XCTAssertEqual(train(threads: 2).weights, one.weights, "2 threads")
    }
}
