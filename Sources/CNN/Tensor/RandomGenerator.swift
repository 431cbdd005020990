/// A small, seedable pseudo-random generator (SplitMix64): the same seed gives the same numbers on
/// every run and every machine, which keeps lessons, figures and tests reproducible.
///
/// Every seeded stream of the core (initial weights, shuffles, dropout masks, `Tensor.normal(...,
/// seed:)`, a lesson's own generators) starts here, so `lessons audit` can ask "would this claim
/// hold for another draw?" by setting `CNN_SEED_SHIFT`: under shift k, `seed: 42` is another 42.
/// Without the variable (or with 0) every number is as it always was.
public struct RandomGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed &+ RandomGenerator.seedShift }

    /// A generator whose state is `state` exactly (no shift: a split stream is already shifted).
    private init(state: UInt64) { self.state = state }

    /// The environment variable `lessons audit` sets for its seed variants.
    public static let seedShiftVariable = "CNN_SEED_SHIFT"

    /// `CNN_SEED_SHIFT` (a whole number) spread over the 64 bits, or 0 when unset. Read once.
    public static let seedShift: UInt64 = {
        guard let raw = getenv(seedShiftVariable), let k = UInt64(String(cString: raw)), k != 0 else { return 0 }
        var mixer = RandomGenerator(state: k)
        return mixer.next()
    }()

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1), with 24 bits of randomness (all a Float holds).
    public mutating func nextUnit() -> Float { Float(next() >> 40) * (1.0 / 16_777_216.0) }

    /// Uniform in [low, high).
    public mutating func uniform(_ low: Float, _ high: Float) -> Float { low + (high - low) * nextUnit() }

    /// Normal with the given mean and standard deviation (Box-Muller).
    public mutating func normal(mean: Float = 0, std: Float = 1) -> Float {
        let u1 = Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
        let u2 = Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
        let radius = (-2.0 * log(max(u1, 1e-300))).squareRoot()
        return mean + std * Float(radius * cos(2.0 * Double.pi * u2))
    }

    /// A random permutation of 0..<n (Fisher-Yates).
    public mutating func permutation(_ n: Int) -> [Int] {
        var order = Array(0..<n)
        if n > 1 {
            for i in stride(from: n - 1, to: 0, by: -1) {
                let j = Int(next() % UInt64(i + 1))
                order.swapAt(i, j)
            }
        }
        return order
    }

    /// A derived generator, so that parts of a model get independent but reproducible streams.
    public mutating func split() -> RandomGenerator { RandomGenerator(state: next()) }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension Tensor {
    /// Values uniform in [low, high).
    public static func uniform(_ shape: [Int], low: Float = 0, high: Float = 1, generator: inout RandomGenerator)
        -> Tensor
    {
        Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { _ in generator.uniform(low, high) })
    }

    /// Values uniform in [low, high), from a seed.
    public static func uniform(_ shape: [Int], low: Float = 0, high: Float = 1, seed: UInt64) -> Tensor {
        var generator = RandomGenerator(seed: seed)
        return uniform(shape, low: low, high: high, generator: &generator)
    }

    /// Normally distributed values.
    public static func normal(_ shape: [Int], mean: Float = 0, std: Float = 1, generator: inout RandomGenerator)
        -> Tensor
    {
        Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { _ in generator.normal(mean: mean, std: std) })
    }

    /// Normally distributed values, from a seed.
    public static func normal(_ shape: [Int], mean: Float = 0, std: Float = 1, seed: UInt64) -> Tensor {
        var generator = RandomGenerator(seed: seed)
        return normal(shape, mean: mean, std: std, generator: &generator)
    }
}
