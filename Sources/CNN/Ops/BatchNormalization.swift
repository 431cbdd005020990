// Batch normalisation over every axis but the last (the channels): x [..., C], gamma, beta [C].
// Training: x̂ = (x - mean_batch) / sqrt(var_batch + eps), y = gamma * x̂ + beta.

/// What the forward pass in training keeps for the backward pass.
public struct BatchNormCache: Sendable {
    public let normalized: Tensor  // x̂, the shape of x
    public let mean: Tensor  // [C]
    public let variance: Tensor  // [C], biased (divided by m)
    public let inverseStd: [Float]  // 1 / sqrt(var + eps), per channel
}

/// Normalises with the batch's own statistics.
public func batchNormTraining(_ x: Tensor, gamma: Tensor, beta: Tensor, epsilon: Float = 1e-3) -> (
    output: Tensor, cache: BatchNormCache
) {
    let c = x.shape.last!
    let m = x.count / c
    require(gamma.shape == [c] && beta.shape == [c], "batchNorm: gamma and beta must be [\(c)]")
    var mean = [Double](repeating: 0, count: c)
    var variance = [Double](repeating: 0, count: c)
    for i in 0..<m { for ch in 0..<c { mean[ch] += Double(x.scalars[i * c + ch]) } }
    for ch in 0..<c { mean[ch] /= Double(m) }
    for i in 0..<m {
        for ch in 0..<c {
            let d = Double(x.scalars[i * c + ch]) - mean[ch]
            variance[ch] += d * d
        }
    }
    for ch in 0..<c { variance[ch] /= Double(m) }
    let inverseStd = variance.map { Float(1 / ($0 + Double(epsilon)).squareRoot()) }
    var normalized = [Float](repeating: 0, count: x.count)
    var y = [Float](repeating: 0, count: x.count)
    for i in 0..<m {
        for ch in 0..<c {
            let v = (x.scalars[i * c + ch] - Float(mean[ch])) * inverseStd[ch]
            normalized[i * c + ch] = v
            y[i * c + ch] = gamma.scalars[ch] * v + beta.scalars[ch]
        }
    }
    let cache = BatchNormCache(
        normalized: Tensor(shape: x.shape, scalars: normalized),
        mean: Tensor(mean.map(Float.init)), variance: Tensor(variance.map(Float.init)), inverseStd: inverseStd)
    return (Tensor(shape: x.shape, scalars: y), cache)
}

/// Normalises with fixed (running) statistics, as at inference.
public func batchNormInference(
    _ x: Tensor, gamma: Tensor, beta: Tensor, mean: Tensor, variance: Tensor, epsilon: Float = 1e-3
) -> Tensor {
    let c = x.shape.last!
    var y = x.scalars
    for i in 0..<(x.count / c) {
        for ch in 0..<c {
            y[i * c + ch] =
                gamma.scalars[ch] * (y[i * c + ch] - mean.scalars[ch]) / (variance.scalars[ch] + epsilon).squareRoot()
                + beta.scalars[ch]
        }
    }
    return Tensor(shape: x.shape, scalars: y)
}

/// Gradients of training-mode batch normalisation, per channel over its m values:
/// dx = (inverseStd / m) * (m * dx̂ - sum(dx̂) - x̂ * sum(dx̂ * x̂)), with dx̂ = dy * gamma;
/// dgamma = sum(dy * x̂), dbeta = sum(dy).
public func batchNormBackward(outputGradient dy: Tensor, gamma: Tensor, cache: BatchNormCache) -> (
    input: Tensor, gamma: Tensor, beta: Tensor
) {
    let c = dy.shape.last!
    let m = dy.count / c
    var sumDxhat = [Float](repeating: 0, count: c)
    var sumDxhatXhat = [Float](repeating: 0, count: c)
    var dGamma = [Float](repeating: 0, count: c)
    var dBeta = [Float](repeating: 0, count: c)
    let xhat = cache.normalized.scalars
    for i in 0..<m {
        for ch in 0..<c {
            let d = dy.scalars[i * c + ch]
            dBeta[ch] += d
            dGamma[ch] += d * xhat[i * c + ch]
            let dxh = d * gamma.scalars[ch]
            sumDxhat[ch] += dxh
            sumDxhatXhat[ch] += dxh * xhat[i * c + ch]
        }
    }
    var dx = [Float](repeating: 0, count: dy.count)
    let mf = Float(m)
    for i in 0..<m {
        for ch in 0..<c {
            let dxh = dy.scalars[i * c + ch] * gamma.scalars[ch]
            dx[i * c + ch] = cache.inverseStd[ch] / mf * (mf * dxh - sumDxhat[ch] - xhat[i * c + ch] * sumDxhatXhat[ch])
        }
    }
    return (Tensor(shape: dy.shape, scalars: dx), Tensor(dGamma), Tensor(dBeta))
}

/// Gradients of inference-mode batch normalisation, where mean and variance are fixed (running)
/// statistics: y = gamma * (x - mean) / sqrt(var + eps) + beta, so dx = dy * gamma / sqrt(var + eps),
/// dgamma = sum(dy * x̂), dbeta = sum(dy), sums over every axis but the last.
public func batchNormInferenceBackward(
    input x: Tensor, outputGradient dy: Tensor, gamma: Tensor, mean: Tensor, variance: Tensor,
    epsilon: Float = 1e-3
) -> (input: Tensor, gamma: Tensor, beta: Tensor) {
    let c = x.shape.last!
    let m = x.count / c
    require(dy.shape == x.shape, "batchNorm backward: gradient \(dy.shape) does not match input \(x.shape)")
    let inverseStd = variance.scalars.map { 1 / ($0 + epsilon).squareRoot() }
    var dx = [Float](repeating: 0, count: x.count)
    var dGamma = [Float](repeating: 0, count: c)
    var dBeta = [Float](repeating: 0, count: c)
    for i in 0..<m {
        for ch in 0..<c {
            let d = dy.scalars[i * c + ch]
            dx[i * c + ch] = d * gamma.scalars[ch] * inverseStd[ch]
            dGamma[ch] += d * (x.scalars[i * c + ch] - mean.scalars[ch]) * inverseStd[ch]
            dBeta[ch] += d
        }
    }
    return (Tensor(shape: x.shape, scalars: dx), Tensor(dGamma), Tensor(dBeta))
}
