/// The result of comparing analytic gradients with central differences, per input.
public struct GradientCheckResult: CustomStringConvertible, Sendable {
    public struct Entry: Sendable {
        public let input: String
        /// max |analytic - numeric| / max(1, |numeric|) over the checked values.
        public let maxRelativeError: Float
        public let checkedValues: Int
    }
    public let operation: String
    public let entries: [Entry]
    public let tolerance: Float
    public var passed: Bool { entries.allSatisfy { $0.maxRelativeError <= tolerance } }
    public var worstError: Float { entries.map(\.maxRelativeError).max() ?? 0 }
    public var description: String {
        "\(operation): "
            + entries.map {
                "d/d\($0.input) error \(Tensor.format($0.maxRelativeError)) over \($0.checkedValues) values"
            }.joined(separator: ", ")
            + (passed ? " (ok)" : " (FAILED, tolerance \(Tensor.format(tolerance)))")
    }
}

/// Checks a backward rule against central differences, the one checker every op and loss uses.
///
/// The scalar checked is L = sum(f(inputs) * R) for a fixed random R, so dL/dy = R and
/// `backward(inputs, R)` must return dL/dinput for each input. Each numeric derivative is
/// (L(x + h) - L(x - h)) / 2h, accumulated in Double. Up to `maxValuesPerInput` values of each
/// input are checked (spread evenly), which keeps large inputs fast.
public func checkGradients(
    _ operation: String, inputs: [(name: String, value: Tensor)],
    forward: ([Tensor]) -> Tensor, backward: ([Tensor], Tensor) -> [Tensor],
    step: Float = 1e-2, tolerance: Float = 2e-2, maxValuesPerInput: Int = 60, seed: UInt64 = 7
) -> GradientCheckResult {
    let values = inputs.map(\.value)
    let y = forward(values)
    let upstream = Tensor.uniform(y.shape, low: -1, high: 1, seed: seed)
    let analytic = backward(values, upstream)
    require(
        analytic.count == inputs.count,
        "\(operation): backward returned \(analytic.count) gradients for \(inputs.count) inputs")
    func objective(_ xs: [Tensor]) -> Double {
        zip(forward(xs).scalars, upstream.scalars).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
    }
    var entries: [GradientCheckResult.Entry] = []
    for (i, input) in inputs.enumerated() {
        require(
            analytic[i].shape == input.value.shape,
            "\(operation): gradient for \(input.name) has shape \(analytic[i].shape), input has \(input.value.shape)")
        let n = input.value.count
        let stride = Swift.max(1, n / maxValuesPerInput)
        var worst: Float = 0
        var checked = 0
        for j in Swift.stride(from: 0, to: n, by: stride) {
            var plus = values
            var minus = values
            plus[i].scalars[j] += step
            minus[i].scalars[j] -= step
            let numeric = Float((objective(plus) - objective(minus)) / (2 * Double(step)))
            let error = Swift.abs(analytic[i].scalars[j] - numeric) / Swift.max(1, Swift.abs(numeric))
            worst = Swift.max(worst, error)
            checked += 1
        }
        entries.append(.init(input: input.name, maxRelativeError: worst, checkedValues: checked))
    }
    return GradientCheckResult(operation: operation, entries: entries, tolerance: tolerance)
}

extension Model {
    /// Checks every trainable parameter's backpropagated gradient against central differences of
    /// the model's loss on (x, y), layer by layer. The loss is taken in training mode (batch
    /// normalisation uses the batch's statistics, as the backward pass assumes); running statistics
    /// are restored afterwards. Dropout must be off (rate 0) for the check to hold.
    public func checkGradients(
        _ x: Tensor, _ y: Tensor, step: Float = 1e-2, tolerance: Float = 2e-2,
        maxValuesPerParameter: Int = 20
    ) -> [(parameter: String, maxRelativeError: Float)] {
        guard loss != nil else { fatalError("\(name): compile before checking gradients") }
        let fixed = parameters.filter { !$0.trainable }
        let saved = fixed.map(\.value)
        defer { for (p, v) in zip(fixed, saved) { p.value = v } }
        // The loss exactly as training takes it (from the logits where training does).
        func lossAt() -> Double { Double(trainingLoss(x, y)) }
        computeGradients(x, y)
        var results: [(String, Float)] = []
        for layer in layers {
            for p in layer.parameters where p.trainable {
                let analytic = p.gradient
                let stride = Swift.max(1, p.value.count / maxValuesPerParameter)
                var worst: Float = 0
                for j in Swift.stride(from: 0, to: p.value.count, by: stride) {
                    let original = p.value.scalars[j]
                    p.value.scalars[j] = original + step
                    let up = lossAt()
                    p.value.scalars[j] = original - step
                    let down = lossAt()
                    p.value.scalars[j] = original
                    let numeric = Float((up - down) / (2 * Double(step)))
                    worst = Swift.max(
                        worst, Swift.abs(analytic.scalars[j] - numeric) / Swift.max(1, Swift.abs(numeric)))
                }
                results.append(("\(layer.name)/\(p.name)", worst))
            }
        }
        return results
    }
}
