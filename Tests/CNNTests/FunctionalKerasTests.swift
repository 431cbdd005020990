import Foundation
import XCTest

@testable import CNN

/// Differential tests against Keras 3.15.1 / TensorFlow 2.21 (CPU): the numbers in
/// Fixtures/keras_functional.json, written by Fixtures/make_keras_fixtures.py (run by hand; CI
/// needs no TensorFlow). Each case builds the same functional model, sets Keras' weights by layer
/// name, and compares the inference output, the training loss (weight penalties included), every
/// gradient, then three `fit` steps with a scheduled optimiser: losses, learning rates, weights
/// (batch norm's running statistics too).
///
/// Tolerances, |ours - Keras| <= tolerance * max(1, |Keras|); the largest differences measured
/// (printed by each case as "max |diff|") are in the comments beside each.
final class FunctionalKerasTests: XCTestCase {
    /// Read afresh on each use (a stored static of `Any` values would not be Sendable).
    static var fixtures: [String: Any] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "Fixtures/keras_functional.json")
        let data = try! Data(contentsOf: url)
        return try! JSONSerialization.jsonObject(with: data) as! [String: Any]
    }

    static func tensor(_ json: Any?) -> Tensor {
        let object = json as! [String: Any]
        return Tensor(
            shape: (object["shape"] as! [NSNumber]).map(\.intValue),
            scalars: (object["values"] as! [NSNumber]).map(\.floatValue))
    }

    /// The largest |a - e| / max(1, |e|), with the tolerance asserted.
    @discardableResult
    func compare(
        _ actual: Tensor, _ expected: Tensor, _ tolerance: Float, _ what: String, file: StaticString = #filePath,
        line: UInt = #line
    ) -> Float {
        XCTAssertEqual(actual.shape, expected.shape, what, file: file, line: line)
        let worst =
            zip(actual.scalars, expected.scalars).map { Swift.abs($0 - $1) / Swift.max(1, Swift.abs($1)) }.max() ?? 0
        XCTAssertLessThanOrEqual(worst, tolerance, what, file: file, line: line)
        return worst
    }

    /// Sets each named layer's parameters from the fixture's weights ("conv_a": {"kernel": ...}).
    func setWeights(_ layers: [String: Layer], _ weights: Any?) {
        let byLayer = weights as! [String: [String: Any]]
        XCTAssertEqual(Set(byLayer.keys), Set(layers.filter { !$0.value.parameters.isEmpty }.keys))
        for (name, values) in byLayer {
            for parameter in layers[name]!.parameters { parameter.value = Self.tensor(values[parameter.name]) }
        }
    }

    /// Runs one fixture case: forward, loss and gradients, three fit steps. Returns the largest
    /// differences (forward, gradients, after training).
    func check(
        _ key: String, model: Model, layers: [String: Layer], optimizer: Optimizer,
        tolerances: (forward: Float, gradient: Float, trained: Float)
    ) {
        let fixture = Self.fixtures[key] as! [String: Any]
        let x = Self.tensor(fixture["x"])
        let y = Self.tensor(fixture["y"])
        setWeights(layers, fixture["weights"])
        model.compile(optimizer: optimizer, loss: .sparseCategoricalCrossentropy)
        let forward = compare(
            model.predict(x), Self.tensor(fixture["prediction"]), tolerances.forward, "\(key): prediction")

        // The training loss and gradients (batch statistics), then the weights put back: the
        // training pass moved the running statistics, as Keras' did before it put them back.
        let start = model.getWeights()
        let (loss, _) = model.computeGradients(x, y)
        var gradient = Swift.abs(loss - (fixture["loss"] as! NSNumber).floatValue)
        XCTAssertEqual(
            model.regularizationLoss, (fixture["penalty"] as! NSNumber).floatValue, accuracy: 1e-6, "\(key): penalty")
        for (name, parameters) in fixture["gradients"] as! [String: [String: Any]] {
            for (parameterName, expected) in parameters {
                let parameter = layers[name]!.parameter(parameterName)!
                gradient = Swift.max(
                    gradient,
                    compare(
                        parameter.gradient, Self.tensor(expected), tolerances.gradient,
                        "\(key): d/d \(name)/\(parameterName)"))
            }
        }
        XCTAssertLessThanOrEqual(gradient, tolerances.gradient, "\(key): loss")
        try! model.setWeights(start)

        let history = model.fit(x, y, epochs: 3, batchSize: x.shape[0], shuffle: false, verbose: false)
        var trained: Float = 0
        for (ours, keras) in zip(history["loss"], (fixture["history_loss"] as! [NSNumber]).map(\.floatValue)) {
            trained = Swift.max(trained, Swift.abs(ours - keras) / Swift.max(1, Swift.abs(keras)))
        }
        XCTAssertLessThanOrEqual(trained, tolerances.trained, "\(key): history loss \(history["loss"])")
        for (ours, keras) in zip(history["learning_rate"], (fixture["learning_rates"] as! [NSNumber]).map(\.floatValue))
        {
            XCTAssertEqual(ours, keras, accuracy: 1e-9 + 1e-6 * keras, "\(key): learning rate")
        }
        for (name, parameters) in fixture["trained"] as! [String: [String: Any]] {
            for (parameterName, expected) in parameters {
                let parameter = layers[name]!.parameter(parameterName)!
                trained = Swift.max(
                    trained,
                    compare(
                        parameter.value, Self.tensor(expected), tolerances.trained,
                        "\(key): trained \(name)/\(parameterName)"))
            }
        }
        print("\(key): max |diff| forward \(forward), loss and gradients \(gradient), after 3 fit steps \(trained)")
    }

    /// Conv2D + BN + ReLU twice with a 1x1 projection shortcut, Add, ZeroPadding2D, two branches
    /// joined by Concatenate, L2 on a convolution and L1 on the head; AdamW (weight decay 0.05)
    /// with ExponentialDecay(0.01, 2, 0.5).
    func testResidualBlockWithAdamWAndExponentialDecay() {
        let convA = Conv2D(4, kernelSize: 3, padding: .same, useBias: false)
        let bnA = BatchNormalization()
        let convB = Conv2D(4, kernelSize: 3, padding: .same, useBias: false, kernelRegularizer: .l2(1e-2))
        let bnB = BatchNormalization()
        let shortcut = Conv2D(4, kernelSize: 1)
        let branch1 = Conv2D(3, kernelSize: 3, activation: .relu)
        let branch2 = Conv2D(2, kernelSize: 3)
        let head = Dense(3, activation: .softmax, kernelRegularizer: .l1(1e-2))
        let inputs = Input(shape: [6, 6, 2])
        let h = bnB(convB(Activation(.relu)(bnA(convA(inputs)))))
        let r = Activation(.relu)(Add()([h, shortcut(inputs)]))
        let p = ZeroPadding2D(padding: ((1, 0), (0, 1)))(r)
        let outputs = head(Flatten()(Concatenate(axis: -1)([branch1(p), branch2(p)])))
        let model = Model(inputs: inputs, outputs: outputs)
        let layers: [String: Layer] = [
            "conv_a": convA, "bn_a": bnA, "conv_b": convB, "bn_b": bnB, "shortcut": shortcut,
            "branch_1": branch1, "branch_2": branch2, "head": head,
        ]
        let optimizer = AdamW(
            learningRate: ExponentialDecay(initialLearningRate: 0.01, decaySteps: 2, decayRate: 0.5), weightDecay: 0.05)
        // Measured: forward 1.2e-7, loss and gradients 1.9e-6, after 3 steps 4.7e-6.
        check(
            "residual_adamw_exponential", model: model, layers: layers, optimizer: optimizer,
            tolerances: (forward: 1e-5, gradient: 1e-4, trained: 1e-4))
    }

    /// One Dense layer called twice (shared weights; its input and output read again by Add), L1 on
    /// it and L2 on the head; AdamW (Keras' default decay) with CosineDecay, and SGD with momentum
    /// and PiecewiseConstantDecay.
    func testSharedLayerWithSchedules() {
        func build() -> (Model, [String: Layer]) {
            let shared = Dense(3, activation: .tanh, kernelRegularizer: .l1(1e-2))
            let head = Dense(2, activation: .softmax, kernelRegularizer: .l2(1e-2))
            let inputs = Input(shape: [3])
            let h1 = shared(inputs)
            let h2 = shared(h1)
            return (Model(inputs: inputs, outputs: head(Add()([h2, inputs, h1]))), ["shared": shared, "head": head])
        }
        let (cosineModel, cosineLayers) = build()
        // Measured: forward 6e-8, loss and gradients 3e-8, after 3 steps 8.6e-7.
        check(
            "shared_adamw_cosine", model: cosineModel, layers: cosineLayers,
            optimizer: AdamW(learningRate: CosineDecay(initialLearningRate: 0.05, decaySteps: 4, alpha: 0.1)),
            tolerances: (forward: 1e-5, gradient: 1e-5, trained: 1e-5))
        let (piecewiseModel, piecewiseLayers) = build()
        // Measured: forward 1.2e-7, loss and gradients 6e-8, after 3 steps 6e-8.
        check(
            "shared_sgd_piecewise", model: piecewiseModel, layers: piecewiseLayers,
            optimizer: SGD(learningRate: PiecewiseConstantDecay(boundaries: [1], values: [0.1, 0.02]), momentum: 0.9),
            tolerances: (forward: 1e-5, gradient: 1e-5, trained: 1e-5))
    }

    /// The schedules at steps 0..12 and AdamW's defaults, against Keras'.
    func testSchedulesAndAdamWDefaults() {
        let table = Self.fixtures["schedules"] as! [String: [NSNumber]]
        let schedules: [String: any LearningRateSchedule] = [
            "exponential": ExponentialDecay(initialLearningRate: 0.1, decaySteps: 3, decayRate: 0.5),
            "exponential_staircase": ExponentialDecay(
                initialLearningRate: 0.1, decaySteps: 3, decayRate: 0.5, staircase: true),
            "cosine": CosineDecay(initialLearningRate: 0.1, decaySteps: 10, alpha: 0.2),
            "piecewise": PiecewiseConstantDecay(boundaries: [2, 5], values: [1, 0.5, 0.1]),
        ]
        XCTAssertEqual(Set(table.keys), Set(schedules.keys))
        for (name, values) in table {
            for (step, keras) in values.map(\.floatValue).enumerated() {
                XCTAssertEqual(
                    schedules[name]!.learningRate(at: step), keras, accuracy: 1e-6 * keras, "\(name) at step \(step)")
            }
        }
        let defaults = Self.fixtures["adamw_defaults"] as! [String: NSNumber]
        let adamW = AdamW()
        XCTAssertEqual(adamW.learningRate, defaults["learning_rate"]!.floatValue)
        XCTAssertEqual(adamW.weightDecay, defaults["weight_decay"]!.floatValue)
        XCTAssertEqual(adamW.beta1, defaults["beta_1"]!.floatValue)
        XCTAssertEqual(adamW.beta2, defaults["beta_2"]!.floatValue)
        XCTAssertEqual(adamW.epsilon, defaults["epsilon"]!.floatValue)
        XCTAssertEqual(adamW.name, "AdamW")
    }

    /// AdamW's first step by hand: w <- w - w·wd·lr, then Adam's step (lr·m̂/(√v̂ + eps) = lr·sign(g)).
    func testAdamWFirstStepByHand() {
        let p = Parameter(name: "w", value: Tensor([2, -1]))
        p.gradient = Tensor([0.5, -0.25])
        let optimizer = AdamW(learningRate: 0.1, weightDecay: 0.5)
        optimizer.apply(to: [p])
        let decayed: [Float] = [2 - 2 * 0.5 * 0.1, -1 - (-1) * 0.5 * 0.1]
        // Adam's first step is lr·sign(g) up to rounding (√(1 - b2) in Float) and eps.
        XCTAssertEqual(p.value.scalars[0], decayed[0] - 0.1, accuracy: 1e-5)
        XCTAssertEqual(p.value.scalars[1], decayed[1] + 0.1, accuracy: 1e-5)
        XCTAssertEqual(optimizer.iterations, 1)
    }
}
