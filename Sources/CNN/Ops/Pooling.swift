// Pooling over [N, H, W, C], per channel, with no parameters. The stride defaults to the window.
// Padding cells never win a max and are not counted in an average (TensorFlow's rule).

/// Max pooling that also returns, for each output cell, the flat index of the input cell that won
/// (the only cell the gradient flows back to).
func maxPool2dWithArgmax(_ input: Tensor, _ g: WindowGeometry) -> (output: Tensor, argmax: [Int32]) {
    let c = g.channels
    var out = [Float](repeating: 0, count: g.positions * c)
    var argmax = [Int32](repeating: -1, count: g.positions * c)
    input.scalars.withUnsafeBufferPointer { x in
        out.withUnsafeMutableBufferPointer { y in
            argmax.withUnsafeMutableBufferPointer { am in
                parallelChunks(g.batch * g.outputHeight, minimumPerChunk: 8) { rows in
                    for nOy in rows {
                        let n = nOy / g.outputHeight, oy = nOy % g.outputHeight
                        for ox in 0..<g.outputWidth {
                            let o = (nOy * g.outputWidth + ox) * c
                            // The first real cell of the window seeds the max; the others compare.
                            var first = true
                            for ky in 0..<g.kernelHeight {
                                let iy = oy * g.strideY + ky - g.top
                                guard iy >= 0 && iy < g.height else { continue }
                                for kx in 0..<g.kernelWidth {
                                    let ix = ox * g.strideX + kx - g.left
                                    guard ix >= 0 && ix < g.width else { continue }
                                    let i = ((n * g.height + iy) * g.width + ix) * c
                                    if first {
                                        for ch in 0..<c { y[o + ch] = x[i + ch]; am[o + ch] = Int32(i + ch) }
                                        first = false
                                    } else {
                                        for ch in 0..<c where x[i + ch] > y[o + ch] {
                                            y[o + ch] = x[i + ch]
                                            am[o + ch] = Int32(i + ch)
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    return (Tensor(shape: [g.batch, g.outputHeight, g.outputWidth, c], scalars: out), argmax)
}

/// Scatters dL/dy back to the winners: dL/dx is zero everywhere else.
func maxPool2dBackward(argmax: [Int32], inputShape: [Int], outputGradient dy: Tensor) -> Tensor {
    require(argmax.count == dy.count, "maxPool2d backward: output gradient \(dy.shape) does not match the forward pass")
    var dx = [Float](repeating: 0, count: inputShape.reduce(1, *))
    dx.withUnsafeMutableBufferPointer { d in
        dy.scalars.withUnsafeBufferPointer { g in
            argmax.withUnsafeBufferPointer { winners in
                for o in 0..<winners.count where winners[o] >= 0 { d[Int(winners[o])] += g[o] }
            }
        }
    }
    return Tensor(shape: inputShape, scalars: dx)
}

/// Max pooling: y[n, oy, ox, c] = the largest x[n, oy*sy + ky, ox*sx + kx, c] in the window.
public func maxPool2d(_ input: Tensor, poolSize: (Int, Int) = (2, 2), strides: (Int, Int)? = nil, padding: Padding = .valid) -> Tensor {
    let g = WindowGeometry(inputShape: input.shape, kernelSize: poolSize, strides: strides ?? poolSize, padding: padding, operation: "maxPool2d")
    return maxPool2dWithArgmax(input, g).output
}

/// dL/dx of max pooling: each output's gradient goes to the cell that won its window.
public func maxPool2dBackward(input: Tensor, outputGradient: Tensor, poolSize: (Int, Int) = (2, 2), strides: (Int, Int)? = nil, padding: Padding = .valid) -> Tensor {
    let g = WindowGeometry(inputShape: input.shape, kernelSize: poolSize, strides: strides ?? poolSize, padding: padding, operation: "maxPool2d")
    return maxPool2dBackward(argmax: maxPool2dWithArgmax(input, g).argmax, inputShape: input.shape, outputGradient: outputGradient)
}

/// The number of real (non-padding) input cells under each output window, per (oy, ox).
private func windowCounts(_ g: WindowGeometry) -> [Float] {
    var counts = [Float](repeating: 0, count: g.outputHeight * g.outputWidth)
    for oy in 0..<g.outputHeight { for ox in 0..<g.outputWidth {
        let y0 = max(oy * g.strideY - g.top, 0), y1 = min(oy * g.strideY - g.top + g.kernelHeight, g.height)
        let x0 = max(ox * g.strideX - g.left, 0), x1 = min(ox * g.strideX - g.left + g.kernelWidth, g.width)
        counts[oy * g.outputWidth + ox] = Float(max(y1 - y0, 0) * max(x1 - x0, 0))
    } }
    return counts
}

/// Average pooling: the mean of the real input cells in each window.
public func avgPool2d(_ input: Tensor, poolSize: (Int, Int) = (2, 2), strides: (Int, Int)? = nil, padding: Padding = .valid) -> Tensor {
    let g = WindowGeometry(inputShape: input.shape, kernelSize: poolSize, strides: strides ?? poolSize, padding: padding, operation: "avgPool2d")
    let counts = windowCounts(g), c = g.channels
    var out = Tensor(zeros: [g.batch, g.outputHeight, g.outputWidth, c])
    for n in 0..<g.batch { for oy in 0..<g.outputHeight { for ox in 0..<g.outputWidth {
        let o = ((n * g.outputHeight + oy) * g.outputWidth + ox) * c
        for ky in 0..<g.kernelHeight { for kx in 0..<g.kernelWidth {
            let iy = oy * g.strideY + ky - g.top, ix = ox * g.strideX + kx - g.left
            guard iy >= 0 && iy < g.height && ix >= 0 && ix < g.width else { continue }
            let i = ((n * g.height + iy) * g.width + ix) * c
            for ch in 0..<c { out.scalars[o + ch] += input.scalars[i + ch] }
        } }
        let count = counts[oy * g.outputWidth + ox]
        for ch in 0..<c { out.scalars[o + ch] /= count }
    } } }
    return out
}

/// dL/dx of average pooling: each output's gradient shared equally by the cells of its window.
public func avgPool2dBackward(inputShape: [Int], outputGradient dy: Tensor, poolSize: (Int, Int) = (2, 2), strides: (Int, Int)? = nil, padding: Padding = .valid) -> Tensor {
    let g = WindowGeometry(inputShape: inputShape, kernelSize: poolSize, strides: strides ?? poolSize, padding: padding, operation: "avgPool2d")
    let counts = windowCounts(g), c = g.channels
    var dx = Tensor(zeros: inputShape)
    for n in 0..<g.batch { for oy in 0..<g.outputHeight { for ox in 0..<g.outputWidth {
        let o = ((n * g.outputHeight + oy) * g.outputWidth + ox) * c
        let count = counts[oy * g.outputWidth + ox]
        for ky in 0..<g.kernelHeight { for kx in 0..<g.kernelWidth {
            let iy = oy * g.strideY + ky - g.top, ix = ox * g.strideX + kx - g.left
            guard iy >= 0 && iy < g.height && ix >= 0 && ix < g.width else { continue }
            let i = ((n * g.height + iy) * g.width + ix) * c
            for ch in 0..<c { dx.scalars[i + ch] += dy.scalars[o + ch] / count }
        } }
    } } }
    return dx
}

/// Global average pooling: [N, H, W, C] to [N, C], the mean of each channel's map.
public func globalAvgPool2d(_ input: Tensor) -> Tensor {
    require(input.rank == 4, "globalAvgPool2d: input must be [N, H, W, C], got \(input.shape)")
    let n = input.shape[0], hw = input.shape[1] * input.shape[2], c = input.shape[3]
    return input.reshaped([n, hw, c]).mean(alongAxis: 1)
}

/// dL/dx of global average pooling: dy[n, c] / (H * W) in every cell of channel c.
public func globalAvgPool2dBackward(inputShape: [Int], outputGradient dy: Tensor) -> Tensor {
    let n = inputShape[0], hw = inputShape[1] * inputShape[2], c = inputShape[3]
    var dx = [Float](repeating: 0, count: n * hw * c)
    for i in 0..<n { for p in 0..<hw { for ch in 0..<c { dx[(i * hw + p) * c + ch] = dy.scalars[i * c + ch] / Float(hw) } } }
    return Tensor(shape: inputShape, scalars: dx)
}
