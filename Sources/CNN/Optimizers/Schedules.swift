#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A learning rate that changes with the optimiser's step count, as Keras'
/// `LearningRateSchedule`: evaluated at `optimizer.iterations` before each step (0 for the first),
/// so the first step uses `learningRate(at: 0)`. Every optimiser takes one as `learningRate:`.
public protocol LearningRateSchedule: Sendable {
    /// The learning rate at optimiser step `step` (0, 1, 2, ...).
    func learningRate(at step: Int) -> Float
}

/// Keras' `ExponentialDecay`: initial · rate^(step / decaySteps), the exponent floored with
/// `staircase` (the rate falls in steps every `decaySteps`). In Float, as Keras computes it.
public struct ExponentialDecay: LearningRateSchedule {
    public let initialLearningRate: Float
    public let decaySteps: Int
    public let decayRate: Float
    public let staircase: Bool

    public init(initialLearningRate: Float, decaySteps: Int, decayRate: Float, staircase: Bool = false) {
        require(decaySteps >= 1, "ExponentialDecay: decaySteps must be at least 1, got \(decaySteps)")
        self.initialLearningRate = initialLearningRate
        self.decaySteps = decaySteps
        self.decayRate = decayRate
        self.staircase = staircase
    }

    public func learningRate(at step: Int) -> Float {
        var p = Float(step) / Float(decaySteps)
        if staircase { p = p.rounded(.down) }
        return initialLearningRate * powf(decayRate, p)
    }
}

/// Keras' `CosineDecay` (without warm-up): with s = min(step, decaySteps),
/// initial · ((1 - alpha) · 0.5 · (1 + cos(π s / decaySteps)) + alpha); from `decaySteps` on it
/// stays at initial · alpha.
public struct CosineDecay: LearningRateSchedule {
    public let initialLearningRate: Float
    public let decaySteps: Int
    public let alpha: Float

    public init(initialLearningRate: Float, decaySteps: Int, alpha: Float = 0) {
        require(decaySteps >= 1, "CosineDecay: decaySteps must be at least 1, got \(decaySteps)")
        self.initialLearningRate = initialLearningRate
        self.decaySteps = decaySteps
        self.alpha = alpha
    }

    public func learningRate(at step: Int) -> Float {
        let fraction = Float(Swift.min(step, decaySteps)) / Float(decaySteps)
        let cosine = 0.5 * (1 + cosf(Float.pi * fraction))
        return initialLearningRate * ((1 - alpha) * cosine + alpha)
    }
}

/// Keras' `PiecewiseConstantDecay`: values[0] while step <= boundaries[0], values[i] while
/// boundaries[i-1] < step <= boundaries[i], the last value after the last boundary.
public struct PiecewiseConstantDecay: LearningRateSchedule {
    public let boundaries: [Int]
    public let values: [Float]

    public init(boundaries: [Int], values: [Float]) {
        require(
            values.count == boundaries.count + 1,
            "PiecewiseConstantDecay: \(values.count) values for \(boundaries.count) boundaries; give one value more than boundaries"
        )
        require(
            zip(boundaries, boundaries.dropFirst()).allSatisfy { $0 < $1 },
            "PiecewiseConstantDecay: boundaries \(boundaries) must increase")
        self.boundaries = boundaries
        self.values = values
    }

    public func learningRate(at step: Int) -> Float {
        values[boundaries.firstIndex { step <= $0 } ?? boundaries.count]
    }
}
