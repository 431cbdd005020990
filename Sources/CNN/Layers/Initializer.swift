/// How a layer's weights start. Fans are counted as Keras does: for a kernel [KH, KW, C_in, C_out]
/// fan_in = KH*KW*C_in and fan_out = KH*KW*C_out; for dense weights [I, O], I and O.
public enum Initializer: Equatable, Sendable {
    /// Uniform in [-l, l], l = sqrt(6 / (fan_in + fan_out)): Keras' default for kernels.
    case glorotUniform
    /// Normal with std sqrt(2 / (fan_in + fan_out)), truncated at two standard deviations.
    case glorotNormal
    /// Normal with std sqrt(2 / fan_in), truncated at two standard deviations (for ReLU).
    case heNormal
    /// Uniform in [-l, l], l = sqrt(6 / fan_in).
    case heUniform
    case zeros
    case ones
    case constant(Float)
    /// Normal with the given standard deviation (not truncated): for deliberately bad starts.
    case randomNormal(std: Float)

    /// Values for a parameter of `shape`.
    public func make(_ shape: [Int], generator: inout RandomGenerator) -> Tensor {
        let receptive = shape.count > 2 ? shape.dropLast(2).reduce(1, *) : 1
        let fanIn = Float(shape.count >= 2 ? shape[shape.count - 2] * receptive : shape.first ?? 1)
        let fanOut = Float(shape.count >= 2 ? shape[shape.count - 1] * receptive : shape.first ?? 1)
        let n = shape.reduce(1, *)
        switch self {
        case .glorotUniform:
            let limit = (6 / (fanIn + fanOut)).squareRoot()
            return Tensor.uniform(shape, low: -limit, high: limit, generator: &generator)
        case .glorotNormal:
            return truncatedNormal(shape, std: (2 / (fanIn + fanOut)).squareRoot(), generator: &generator)
        case .heNormal:
            return truncatedNormal(shape, std: (2 / fanIn).squareRoot(), generator: &generator)
        case .heUniform:
            let limit = (6 / fanIn).squareRoot()
            return Tensor.uniform(shape, low: -limit, high: limit, generator: &generator)
        case .zeros:
            return Tensor(zeros: shape)
        case .ones:
            return Tensor(repeating: 1, shape: shape)
        case .constant(let v):
            return Tensor(repeating: v, shape: shape)
        case .randomNormal(let std):
            return Tensor(shape: shape, scalars: (0..<n).map { _ in generator.normal(std: std) })
        }
    }

    /// Keras' truncated normal: values beyond two standard deviations are drawn again; the std is
    /// divided by 0.8796..., the std of a unit normal truncated at ±2, so the result has `std`.
    private func truncatedNormal(_ shape: [Int], std: Float, generator: inout RandomGenerator) -> Tensor {
        let scaled = std / 0.879_625_7
        return Tensor(
            shape: shape,
            scalars: (0..<shape.reduce(1, *)).map { _ in
                while true {
                    let v = generator.normal()
                    if Swift.abs(v) <= 2 { return v * scaled }
                }
            })
    }
}
