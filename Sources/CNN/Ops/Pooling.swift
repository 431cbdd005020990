// Pooling over [N, H, W, C], per channel, with no parameters. The stride defaults to the window.
// Padding cells never win a max and are not counted in an average (TensorFlow's rule).

/// The readable twin of the fast kernels (`maxPool2dFast` and `maxPool2dBackwardFast`, and the
/// 2x2 ones in MaxPool2x2.swift): max pooling that
/// also returns, for each output cell, the flat index of the input cell that won
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
                        let n = nOy / g.outputHeight
                        let oy = nOy % g.outputHeight
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
                                        for ch in 0..<c {
                                            y[o + ch] = x[i + ch]
                                            am[o + ch] = Int32(i + ch)
                                        }
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

/// Max pooling without the winners' indices: each output starts as the window's first real cell
/// and takes the larger value of every other, a whole row of channels at a time (a loop that
/// vectorises). The backward pass finds the winners again from x and y (`maxPool2dBackward(input:
/// output:...)`), as TensorFlow's MaxPoolGrad does, instead of writing and reading an index per
/// output. `maxPool2dWithArgmax` is its readable twin.
func maxPool2dFast(_ x: UnsafePointer<Float>, _ g: WindowGeometry, _ y: UnsafeMutablePointer<Float>) {
    let c = g.channels
    parallelChunks(g.batch * g.outputHeight, minimumPerChunk: 8) { rows in
        for nOy in rows {
            let n = nOy / g.outputHeight
            let oy = nOy % g.outputHeight
            for ox in 0..<g.outputWidth {
                let out = y + (nOy * g.outputWidth + ox) * c
                var first = true
                for ky in 0..<g.kernelHeight {
                    let iy = oy * g.strideY + ky - g.top
                    guard iy >= 0 && iy < g.height else { continue }
                    for kx in 0..<g.kernelWidth {
                        let ix = ox * g.strideX + kx - g.left
                        guard ix >= 0 && ix < g.width else { continue }
                        let cell = x + ((n * g.height + iy) * g.width + ix) * c
                        if first {
                            for ch in 0..<c { out[ch] = cell[ch] }
                            first = false
                        } else {
                            // The same comparison as the twin: a later cell wins only if strictly larger.
                            for ch in 0..<c { out[ch] = cell[ch] > out[ch] ? cell[ch] : out[ch] }
                        }
                    }
                }
                if first { out.update(repeating: 0, count: c) }  // a window of padding alone, as the twin
            }
        }
    }
}

/// dL/dx of max pooling from the input and the output: each output's gradient goes to the first
/// real cell of its window (in row order) that holds the output's value, which is the cell the
/// forward pass kept (it replaces only on strictly larger). With no such cell (a NaN), to the first.
/// Eight channels at a time in vector registers: per window, a mask of the channels whose winner
/// is still to be found. Split by image: windows of different images never share a cell.
func maxPool2dBackwardFast(
    _ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ dy: UnsafePointer<Float>,
    _ g: WindowGeometry, _ dx: UnsafeMutablePointer<Float>
) {
    let c = g.channels
    let vectors = c / 8
    parallelChunks(g.batch) { images in
        // The current window's real cells, as offsets of their channel 0.
        let cellBuffer = UnsafeMutablePointer<Int>.allocate(capacity: g.kernelHeight * g.kernelWidth)
        defer { cellBuffer.deallocate() }
        for n in images {
            (dx + n * g.height * g.width * c).update(repeating: 0, count: g.height * g.width * c)
            for oy in 0..<g.outputHeight {
                for ox in 0..<g.outputWidth {
                    let o = ((n * g.outputHeight + oy) * g.outputWidth + ox) * c
                    var count = 0
                    for ky in 0..<g.kernelHeight {
                        let iy = oy * g.strideY + ky - g.top
                        guard iy >= 0 && iy < g.height else { continue }
                        for kx in 0..<g.kernelWidth {
                            let ix = ox * g.strideX + kx - g.left
                            guard ix >= 0 && ix < g.width else { continue }
                            cellBuffer[count] = ((n * g.height + iy) * g.width + ix) * c
                            count += 1
                        }
                    }
                    guard count > 0 else { continue }
                    let cells = UnsafeBufferPointer(start: cellBuffer, count: count)
                    let first = cells[0]
                    for v in 0..<vectors {
                        let ch = v * 8
                        let target = load8(y + o + ch)
                        let gradient = load8(dy + o + ch)
                        var pending = SIMDMask<SIMD8<Int32>>(repeating: true)
                        for i in cells {
                            let hit = pending .& (load8(x + i + ch) .== target)
                            store8(
                                dx + i + ch,
                                load8(dx + i + ch) + SIMD8<Float>(repeating: 0).replacing(with: gradient, where: hit))
                            // swift-format-ignore: NoAssignmentInExpressions
                            pending = pending .& .!hit
                        }
                        store8(
                            dx + first + ch,
                            load8(dx + first + ch)
                                + SIMD8<Float>(repeating: 0).replacing(with: gradient, where: pending))
                    }
                    for ch in (vectors * 8)..<c {
                        var target = first + ch
                        for i in cells where x[i + ch] == y[o + ch] {
                            target = i + ch
                            break
                        }
                        dx[target] += dy[o + ch]
                    }
                }
            }
        }
    }
}

@inline(__always) private func load8(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
}

@inline(__always) private func load8(_ p: UnsafeMutablePointer<Float>) -> SIMD8<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
}

@inline(__always) private func store8(_ p: UnsafeMutablePointer<Float>, _ v: SIMD8<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
}

/// Max pooling through the fast kernels: the 2x2 one (MaxPool2x2.swift) or the general pair.
func maxPool2dForward(_ input: Tensor, _ g: WindowGeometry) -> Tensor {
    if g.isTwoByTwoValid { return maxPool2x2Forward(input, g, keepWinners: false).output }
    var out = uninitializedFloats(g.positions * g.channels)  // every output has at least one real cell
    input.scalars.withUnsafeBufferPointer { x in
        out.withUnsafeMutableBufferPointer { y in maxPool2dFast(x.baseAddress!, g, y.baseAddress!) }
    }
    return Tensor(shape: [g.batch, g.outputHeight, g.outputWidth, g.channels], scalars: out)
}

/// dL/dx from the input, the output and dL/dy (the general pair's backward pass).
func maxPool2dBackward(input: Tensor, output: Tensor, outputGradient dy: Tensor, _ g: WindowGeometry) -> Tensor {
    require(
        dy.shape == output.shape,
        "maxPool2d backward: output gradient \(dy.shape) does not match the output \(output.shape)")
    var dx = uninitializedFloats(input.count)  // each image's block is zeroed by its worker
    input.scalars.withUnsafeBufferPointer { x in
        output.scalars.withUnsafeBufferPointer { y in
            dy.scalars.withUnsafeBufferPointer { d in
                dx.withUnsafeMutableBufferPointer { out in
                    maxPool2dBackwardFast(x.baseAddress!, y.baseAddress!, d.baseAddress!, g, out.baseAddress!)
                }
            }
        }
    }
    return Tensor(shape: input.shape, scalars: dx)
}

/// Max pooling: y[n, oy, ox, c] = the largest x[n, oy*sy + ky, ox*sx + kx, c] in the window.
public func maxPool2d(
    _ input: Tensor, poolSize: (Int, Int) = (2, 2), strides: (Int, Int)? = nil, padding: Padding = .valid
) -> Tensor {
    let g = WindowGeometry(
        inputShape: input.shape, kernelSize: poolSize, strides: strides ?? poolSize, padding: padding,
        operation: "maxPool2d")
    return maxPool2dForward(input, g)
}

/// dL/dx of max pooling: each output's gradient goes to the cell that won its window.
public func maxPool2dBackward(
    input: Tensor, outputGradient: Tensor, poolSize: (Int, Int) = (2, 2), strides: (Int, Int)? = nil,
    padding: Padding = .valid
) -> Tensor {
    let g = WindowGeometry(
        inputShape: input.shape, kernelSize: poolSize, strides: strides ?? poolSize, padding: padding,
        operation: "maxPool2d")
    if g.isTwoByTwoValid {
        let winners = maxPool2x2Forward(input, g, keepWinners: true).winners
        require(
            outputGradient.count == winners.count,
            "maxPool2d backward: output gradient \(outputGradient.shape) does not match the output")
        return maxPool2x2Backward(winners: winners, outputGradient: outputGradient, g)
    }
    return maxPool2dBackward(input: input, output: maxPool2dForward(input, g), outputGradient: outputGradient, g)
}

/// The number of real (non-padding) input cells under each output window, per (oy, ox).
private func windowCounts(_ g: WindowGeometry) -> [Float] {
    var counts = [Float](repeating: 0, count: g.outputHeight * g.outputWidth)
    for oy in 0..<g.outputHeight {
        for ox in 0..<g.outputWidth {
            let y0 = max(oy * g.strideY - g.top, 0)
            let y1 = min(oy * g.strideY - g.top + g.kernelHeight, g.height)
            let x0 = max(ox * g.strideX - g.left, 0)
            let x1 = min(ox * g.strideX - g.left + g.kernelWidth, g.width)
            counts[oy * g.outputWidth + ox] = Float(max(y1 - y0, 0) * max(x1 - x0, 0))
        }
    }
    return counts
}

/// Average pooling: the mean of the real input cells in each window.
public func avgPool2d(
    _ input: Tensor, poolSize: (Int, Int) = (2, 2), strides: (Int, Int)? = nil, padding: Padding = .valid
) -> Tensor {
    let g = WindowGeometry(
        inputShape: input.shape, kernelSize: poolSize, strides: strides ?? poolSize, padding: padding,
        operation: "avgPool2d")
    let counts = windowCounts(g)
    let c = g.channels
    var out = Tensor(zeros: [g.batch, g.outputHeight, g.outputWidth, c])
    for n in 0..<g.batch {
        for oy in 0..<g.outputHeight {
            for ox in 0..<g.outputWidth {
                let o = ((n * g.outputHeight + oy) * g.outputWidth + ox) * c
                for ky in 0..<g.kernelHeight {
                    for kx in 0..<g.kernelWidth {
                        let iy = oy * g.strideY + ky - g.top
                        let ix = ox * g.strideX + kx - g.left
                        guard iy >= 0 && iy < g.height && ix >= 0 && ix < g.width else { continue }
                        let i = ((n * g.height + iy) * g.width + ix) * c
                        for ch in 0..<c { out.scalars[o + ch] += input.scalars[i + ch] }
                    }
                }
                let count = counts[oy * g.outputWidth + ox]
                for ch in 0..<c { out.scalars[o + ch] /= count }
            }
        }
    }
    return out
}

/// dL/dx of average pooling: each output's gradient shared equally by the cells of its window.
public func avgPool2dBackward(
    inputShape: [Int], outputGradient dy: Tensor, poolSize: (Int, Int) = (2, 2), strides: (Int, Int)? = nil,
    padding: Padding = .valid
) -> Tensor {
    let g = WindowGeometry(
        inputShape: inputShape, kernelSize: poolSize, strides: strides ?? poolSize, padding: padding,
        operation: "avgPool2d")
    let counts = windowCounts(g)
    let c = g.channels
    var dx = Tensor(zeros: inputShape)
    for n in 0..<g.batch {
        for oy in 0..<g.outputHeight {
            for ox in 0..<g.outputWidth {
                let o = ((n * g.outputHeight + oy) * g.outputWidth + ox) * c
                let count = counts[oy * g.outputWidth + ox]
                for ky in 0..<g.kernelHeight {
                    for kx in 0..<g.kernelWidth {
                        let iy = oy * g.strideY + ky - g.top
                        let ix = ox * g.strideX + kx - g.left
                        guard iy >= 0 && iy < g.height && ix >= 0 && ix < g.width else { continue }
                        let i = ((n * g.height + iy) * g.width + ix) * c
                        for ch in 0..<c { dx.scalars[i + ch] += dy.scalars[o + ch] / count }
                    }
                }
            }
        }
    }
    return dx
}

/// Global average pooling: [N, H, W, C] to [N, C], the mean of each channel's map.
public func globalAvgPool2d(_ input: Tensor) -> Tensor {
    require(input.rank == 4, "globalAvgPool2d: input must be [N, H, W, C], got \(input.shape)")
    let n = input.shape[0]
    let hw = input.shape[1] * input.shape[2]
    let c = input.shape[3]
    return input.reshaped([n, hw, c]).mean(alongAxis: 1)
}

/// dL/dx of global average pooling: dy[n, c] / (H * W) in every cell of channel c.
public func globalAvgPool2dBackward(inputShape: [Int], outputGradient dy: Tensor) -> Tensor {
    let n = inputShape[0]
    let hw = inputShape[1] * inputShape[2]
    let c = inputShape[3]
    var dx = [Float](repeating: 0, count: n * hw * c)
    for i in 0..<n {
        for p in 0..<hw { for ch in 0..<c { dx[(i * hw + p) * c + ch] = dy.scalars[i * c + ch] / Float(hw) } }
    }
    return Tensor(shape: inputShape, scalars: dx)
}
