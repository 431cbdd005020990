// A fully connected (dense) layer: x [N, I], weights W [I, O] (Keras' layout; PyTorch's Linear
// stores [O, I]), bias b [O], y = x · W + b [N, O].

/// y = x · W + b.
public func dense(_ x: Tensor, weights: Tensor, bias: Tensor?) -> Tensor {
    require(
        x.rank == 2 && weights.rank == 2 && x.shape[1] == weights.shape[0],
        "dense: input \(x.shape) does not match weights \(weights.shape)")
    let y = matmul(x, weights)
    guard let bias else { return y }
    require(bias.shape == [weights.shape[1]], "dense: bias must be [\(weights.shape[1])], got \(bias.shape)")
    return y + bias
}

/// dL/dx = dy · Wᵀ, dL/dW = xᵀ · dy, dL/db = the sum of dy over the batch.
public func denseBackward(input x: Tensor, weights: Tensor, outputGradient dy: Tensor) -> (
    input: Tensor, weights: Tensor, bias: Tensor
) {
    (matmul(dy, weights, transposeB: true), matmul(x, dy, transposeA: true), dy.sum(alongAxis: 0))
}

/// Flattens everything after the batch axis: [N, H, W, C] to [N, H*W*C], in channels-last order.
public func flatten(_ x: Tensor) -> Tensor {
    // The size of a row spelled out, not -1: a batch of no images has rows of a size too.
    x.reshaped([x.shape.first ?? 1, x.shape.dropFirst().reduce(1, *)])
}

/// Inverted dropout: in training each value is zeroed with probability `rate` and the survivors
/// are scaled by 1 / (1 - rate), so the expected value is unchanged and inference needs no scaling.
/// Returns the output and the mask (0 or 1 / (1 - rate)) the backward pass multiplies by.
public func dropout(_ x: Tensor, rate: Float, generator: inout RandomGenerator) -> (output: Tensor, mask: Tensor) {
    require(rate >= 0 && rate < 1, "dropout: rate must be in [0, 1), got \(rate)")
    let keep = 1 / (1 - rate)
    let mask = Tensor(shape: x.shape, scalars: (0..<x.count).map { _ in generator.nextUnit() < rate ? 0 : keep })
    return (x * mask, mask)
}
