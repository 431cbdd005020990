/// Updates parameters from their gradients. Subclasses implement one step for one parameter;
/// this base class clips gradients (Keras' `clipnorm`, `global_clipnorm`, `clipvalue`), follows a
/// learning-rate schedule, applies decoupled weight decay (Keras' `weight_decay`) and keeps
/// per-parameter state.
open class Optimizer {
    /// The learning rate of the next step; with a schedule, set from it before each step.
    public var learningRate: Float
    /// The learning rate as a function of the step count (Keras' `LearningRateSchedule`), if any:
    /// each step uses `learningRateSchedule.learningRate(at: iterations)`, iterations counted before it.
    public var learningRateSchedule: (any LearningRateSchedule)?
    /// Decoupled weight decay (Keras' `weight_decay`, AdamW's 0.004): before each update every
    /// trainable value moves by -value · weightDecay · learningRate, as Keras 3 applies it.
    public var weightDecay: Float?
    /// Rescales each parameter's gradient whose L2 norm exceeds this to exactly this norm.
    public var clipNorm: Float?
    /// Rescales all gradients together when their joint L2 norm exceeds this.
    public var globalClipNorm: Float?
    /// Clamps every gradient value to [-clipValue, clipValue].
    public var clipValue: Float?
    /// Steps taken so far.
    public private(set) var iterations = 0
    var slots: [ObjectIdentifier: [Tensor]] = [:]

    public init(learningRate: Float, clipNorm: Float? = nil, globalClipNorm: Float? = nil, clipValue: Float? = nil) {
        self.learningRate = learningRate
        self.clipNorm = clipNorm
        self.globalClipNorm = globalClipNorm
        self.clipValue = clipValue
    }

    /// Keras' class name, for messages.
    open var name: String { "Optimizer" }

    /// The learning rate the next step will use (Keras' `optimizer.learning_rate`): the schedule's
    /// value at `iterations`, or `learningRate`.
    public var currentLearningRate: Float { learningRateSchedule?.learningRate(at: iterations) ?? learningRate }

    /// One update of every trainable parameter from its `gradient`.
    public func apply(to parameters: [Parameter]) {
        let trainable = parameters.filter(\.trainable)
        var gradients = trainable.map { clipped($0.gradient) }
        if let globalClipNorm {
            let total = gradients.map { Double($0.norm()) * Double($0.norm()) }.reduce(0, +).squareRoot()
            if total > Double(globalClipNorm) {
                gradients = gradients.map { $0 * Float(Double(globalClipNorm) / total) }
            }
        }
        if let learningRateSchedule { learningRate = learningRateSchedule.learningRate(at: iterations) }
        if let weightDecay {
            // Keras 3: variable - variable * weight_decay * learning_rate, before the update.
            let lr = learningRate
            for parameter in trainable {
                parameter.value.scalars.withUnsafeMutableBufferPointer { w in
                    for i in 0..<w.count { w[i] -= w[i] * weightDecay * lr }
                }
            }
        }
        iterations += 1
        for (parameter, gradient) in zip(trainable, gradients) {
            // Taken out of the dictionary so the update mutates the only reference to each state
            // tensor, in place (left in, every write would copy it first).
            var state = slots.removeValue(forKey: ObjectIdentifier(parameter)) ?? makeSlots(for: parameter.value)
            update(&parameter.value, gradient: gradient, slots: &state)
            slots[ObjectIdentifier(parameter)] = state
        }
    }

    private func clipped(_ g: Tensor) -> Tensor {
        var g = g
        if let clipValue { g = g.clipped(min: -clipValue, max: clipValue) }
        if let clipNorm {
            let norm = g.norm()
            if norm > clipNorm { g = g * (clipNorm / norm) }
        }
        return g
    }

    /// The state a parameter needs (momentum, running averages), zeros at first.
    open func makeSlots(for value: Tensor) -> [Tensor] { [] }

    /// One step for one parameter.
    open func update(_ value: inout Tensor, gradient: Tensor, slots: inout [Tensor]) {
        fatalError("\(name) does not implement update(_:gradient:slots:)")
    }
}

/// Stochastic gradient descent: w <- w - lr * g; with momentum m <- momentum * m - lr * g,
/// w <- w + m (Nesterov: w <- w + momentum * m - lr * g). Keras' default lr is 0.01.
public final class SGD: Optimizer {
    public let momentum: Float
    public let nesterov: Bool

    public init(
        learningRate: Float = 0.01, momentum: Float = 0, nesterov: Bool = false,
        clipNorm: Float? = nil, globalClipNorm: Float? = nil, clipValue: Float? = nil
    ) {
        self.momentum = momentum
        self.nesterov = nesterov
        super.init(learningRate: learningRate, clipNorm: clipNorm, globalClipNorm: globalClipNorm, clipValue: clipValue)
    }

    /// With a learning-rate schedule: `SGD(learningRate: ExponentialDecay(...))`.
    public convenience init(
        learningRate: any LearningRateSchedule, momentum: Float = 0, nesterov: Bool = false,
        clipNorm: Float? = nil, globalClipNorm: Float? = nil, clipValue: Float? = nil
    ) {
        self.init(
            learningRate: learningRate.learningRate(at: 0), momentum: momentum, nesterov: nesterov,
            clipNorm: clipNorm, globalClipNorm: globalClipNorm, clipValue: clipValue)
        learningRateSchedule = learningRate
    }

    override public var name: String { "SGD" }
    override public func makeSlots(for value: Tensor) -> [Tensor] { momentum == 0 ? [] : [Tensor(zeros: value.shape)] }

    override public func update(_ value: inout Tensor, gradient g: Tensor, slots: inout [Tensor]) {
        let lr = learningRate
        guard momentum != 0 else {
            value.scalars.withUnsafeMutableBufferPointer { w in
                for i in 0..<w.count { w[i] -= lr * g.scalars[i] }
            }
            return
        }
        let mu = momentum
        let nesterov = self.nesterov
        value.scalars.withUnsafeMutableBufferPointer { w in
            slots[0].scalars.withUnsafeMutableBufferPointer { m in
                for i in 0..<w.count {
                    m[i] = mu * m[i] - lr * g.scalars[i]
                    w[i] += nesterov ? mu * m[i] - lr * g.scalars[i] : m[i]
                }
            }
        }
    }
}

/// RMSprop, Keras' defaults: v <- rho * v + (1 - rho) * g^2, w <- w - lr * g / sqrt(v + eps),
/// lr 0.001, rho 0.9, eps 1e-7.
public final class RMSprop: Optimizer {
    public let rho: Float
    public let epsilon: Float

    public init(
        learningRate: Float = 0.001, rho: Float = 0.9, epsilon: Float = 1e-7,
        clipNorm: Float? = nil, globalClipNorm: Float? = nil, clipValue: Float? = nil
    ) {
        self.rho = rho
        self.epsilon = epsilon
        super.init(learningRate: learningRate, clipNorm: clipNorm, globalClipNorm: globalClipNorm, clipValue: clipValue)
    }

    /// With a learning-rate schedule: `RMSprop(learningRate: CosineDecay(...))`.
    public convenience init(
        learningRate: any LearningRateSchedule, rho: Float = 0.9, epsilon: Float = 1e-7,
        clipNorm: Float? = nil, globalClipNorm: Float? = nil, clipValue: Float? = nil
    ) {
        self.init(
            learningRate: learningRate.learningRate(at: 0), rho: rho, epsilon: epsilon,
            clipNorm: clipNorm, globalClipNorm: globalClipNorm, clipValue: clipValue)
        learningRateSchedule = learningRate
    }

    override public var name: String { "RMSprop" }
    override public func makeSlots(for value: Tensor) -> [Tensor] { [Tensor(zeros: value.shape)] }

    override public func update(_ value: inout Tensor, gradient g: Tensor, slots: inout [Tensor]) {
        let lr = learningRate
        let rho = self.rho
        let eps = epsilon
        value.scalars.withUnsafeMutableBufferPointer { w in
            slots[0].scalars.withUnsafeMutableBufferPointer { v in
                g.scalars.withUnsafeBufferPointer { g in
                    let count = w.count
                    let w = w.baseAddress!
                    let v = v.baseAddress!
                    let g = g.baseAddress!
                    // Each value on its own: split across the workers, the same bits on any count.
                    parallelChunks(count, minimumPerChunk: 1 << 14) { range in
                        // Sixteen values at a time (the same operations in the same order, so
                        // the same bits as the scalar tail), then the rest one by one.
                        var i = range.lowerBound
                        typealias Lanes = SIMD16<Float>
                        let rhoLanes = Lanes(repeating: rho)
                        let keep = Lanes(repeating: 1 - rho)
                        let rate = Lanes(repeating: lr)
                        let epsilon = Lanes(repeating: eps)
                        while i + 16 <= range.upperBound {
                            let gi = UnsafeRawPointer(g + i).loadUnaligned(as: Lanes.self)
                            let vi = rhoLanes * UnsafeRawPointer(v + i).loadUnaligned(as: Lanes.self) + keep * gi * gi
                            let wi =
                                UnsafeRawPointer(w + i).loadUnaligned(as: Lanes.self) - rate * gi
                                / (vi + epsilon).squareRoot()
                            UnsafeMutableRawPointer(v + i).storeBytes(of: vi, as: Lanes.self)
                            UnsafeMutableRawPointer(w + i).storeBytes(of: wi, as: Lanes.self)
                            i += 16
                        }
                        while i < range.upperBound {
                            v[i] = rho * v[i] + (1 - rho) * g[i] * g[i]
                            w[i] -= lr * g[i] / (v[i] + eps).squareRoot()
                            i += 1
                        }
                    }
                }
            }
        }
    }
}

/// Adam, Keras' form: m <- m + (g - m)(1 - b1), v <- v + (g^2 - v)(1 - b2),
/// w <- w - lr * sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + eps); lr 0.001, b1 0.9, b2 0.999, eps 1e-7.
public class Adam: Optimizer {
    public let beta1: Float
    public let beta2: Float
    public let epsilon: Float

    public init(
        learningRate: Float = 0.001, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-7,
        clipNorm: Float? = nil, globalClipNorm: Float? = nil, clipValue: Float? = nil
    ) {
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        super.init(learningRate: learningRate, clipNorm: clipNorm, globalClipNorm: globalClipNorm, clipValue: clipValue)
    }

    /// With a learning-rate schedule: `Adam(learningRate: PiecewiseConstantDecay(...))`.
    public convenience init(
        learningRate: any LearningRateSchedule, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-7,
        clipNorm: Float? = nil, globalClipNorm: Float? = nil, clipValue: Float? = nil
    ) {
        self.init(
            learningRate: learningRate.learningRate(at: 0), beta1: beta1, beta2: beta2, epsilon: epsilon,
            clipNorm: clipNorm, globalClipNorm: globalClipNorm, clipValue: clipValue)
        learningRateSchedule = learningRate
    }

    override public var name: String { "Adam" }
    override public func makeSlots(for value: Tensor) -> [Tensor] {
        [Tensor(zeros: value.shape), Tensor(zeros: value.shape)]
    }

    override public func update(_ value: inout Tensor, gradient g: Tensor, slots: inout [Tensor]) {
        let t = Float(iterations)
        let b1 = beta1
        let b2 = beta2
        let eps = epsilon
        let alpha = learningRate * (1 - powf(b2, t)).squareRoot() / (1 - powf(b1, t))
        // Moved out of `slots` (swapped with empty tensors) so each is the only reference to its
        // values and is updated in place; copying them out would copy both arrays every step.
        var m = Tensor(zeros: [0])
        var v = Tensor(zeros: [0])
        swap(&m, &slots[0])
        swap(&v, &slots[1])
        value.scalars.withUnsafeMutableBufferPointer { w in
            m.scalars.withUnsafeMutableBufferPointer { m in
                v.scalars.withUnsafeMutableBufferPointer { v in
                    for i in 0..<w.count {
                        let gi = g.scalars[i]
                        m[i] += (gi - m[i]) * (1 - b1)
                        v[i] += (gi * gi - v[i]) * (1 - b2)
                        w[i] -= alpha * m[i] / (v[i].squareRoot() + eps)
                    }
                }
            }
        }
        swap(&m, &slots[0])
        swap(&v, &slots[1])
    }
}

/// AdamW, Keras 3's: Adam with decoupled weight decay. Before each Adam step every trainable value
/// moves by -value · weightDecay · learningRate (biases and batch-norm scales too, as Keras does
/// by default); defaults lr 0.001, weight decay 0.004, b1 0.9, b2 0.999, eps 1e-7.
public final class AdamW: Adam {
    public init(
        learningRate: Float = 0.001, weightDecay: Float = 0.004, beta1: Float = 0.9, beta2: Float = 0.999,
        epsilon: Float = 1e-7,
        clipNorm: Float? = nil, globalClipNorm: Float? = nil, clipValue: Float? = nil
    ) {
        super.init(
            learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon,
            clipNorm: clipNorm, globalClipNorm: globalClipNorm, clipValue: clipValue)
        self.weightDecay = weightDecay
    }

    /// With a learning-rate schedule: `AdamW(learningRate: CosineDecay(...), weightDecay: 1e-4)`.
    public convenience init(
        learningRate: any LearningRateSchedule, weightDecay: Float = 0.004, beta1: Float = 0.9, beta2: Float = 0.999,
        epsilon: Float = 1e-7, clipNorm: Float? = nil, globalClipNorm: Float? = nil, clipValue: Float? = nil
    ) {
        self.init(
            learningRate: learningRate.learningRate(at: 0), weightDecay: weightDecay, beta1: beta1, beta2: beta2,
            epsilon: epsilon,
            clipNorm: clipNorm, globalClipNorm: globalClipNorm, clipValue: clipValue)
        learningRateSchedule = learningRate
    }

    override public var name: String { "AdamW" }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
