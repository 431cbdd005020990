// Max pooling's most common window, 2x2 with stride 2 and no padding (every tutorial CNN), written
// for it: the four cells of a window are two pairs of neighbouring channel rows, read sixteen
// channels at a time. Windows do not overlap, so the backward pass writes each cell of dx once
// (no zero-fill, no accumulation). The general pair (`maxPool2dFast`, `maxPool2dBackwardFast`)
// and the readable twin (`maxPool2dWithArgmax`) give the same bits; a test holds them to it.
//
// Shapes: x [N, H, W, C], y and dy [N, H/2, W/2, C] (rounded down: an odd last row or column
// belongs to no window, and its gradient is zero).

extension WindowGeometry {
    /// A 2x2 window with stride 2 and no padding.
    var isTwoByTwoValid: Bool {
        kernelHeight == 2 && kernelWidth == 2 && strideY == 2 && strideX == 2 && top == 0 && left == 0
            && outputHeight == height / 2 && outputWidth == width / 2
    }
}

private typealias Lanes = SIMD16<Float>

@inline(__always) private func load(_ p: UnsafePointer<Float>) -> Lanes {
    UnsafeRawPointer(p).loadUnaligned(as: Lanes.self)
}

@inline(__always) private func store(_ p: UnsafeMutablePointer<Float>, _ v: Lanes) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: Lanes.self)
}

/// The twin's rule for a later cell: it replaces the current maximum only if strictly larger
/// (a NaN never replaces, and never is replaced once first).
@inline(__always) private func later(_ current: Lanes, _ cell: Lanes) -> Lanes {
    current.replacing(with: cell, where: cell .> current)
}

@inline(__always) private func later(_ current: Float, _ cell: Float) -> Float { cell > current ? cell : current }

/// y = the 2x2 max of x, per channel; the cells compared in row order as the twin compares them.
func maxPool2x2Forward(_ x: UnsafePointer<Float>, _ g: WindowGeometry, _ y: UnsafeMutablePointer<Float>) {
    let c = g.channels, vectorEnd = c - c % 16
    let rowStride = g.width * c
    parallelChunks(g.batch * g.outputHeight, minimumPerChunk: 8) { rows in
        for nOy in rows {
            let n = nOy / g.outputHeight, oy = nOy % g.outputHeight
            let top = x + (n * g.height + 2 * oy) * rowStride, bottom = top + rowStride
            let out = y + nOy * g.outputWidth * c
            for ox in 0..<g.outputWidth {
                let a = top + 2 * ox * c, b = a + c, d = bottom + 2 * ox * c, e = d + c, o = out + ox * c
                var ch = 0
                while ch < vectorEnd {
                    store(o + ch, later(later(later(load(a + ch), load(b + ch)), load(d + ch)), load(e + ch)))
                    ch += 16
                }
                while ch < c {
                    o[ch] = later(later(later(a[ch], b[ch]), d[ch]), e[ch])
                    ch += 1
                }
            }
        }
    }
}

/// dx from x, y and dy: each window's gradient goes to its first cell (row order) equal to the
/// window's maximum, or to its first cell when none is (a NaN), as `maxPool2dBackwardFast`.
func maxPool2x2Backward(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ dy: UnsafePointer<Float>,
                        _ g: WindowGeometry, _ dx: UnsafeMutablePointer<Float>) {
    parallelChunks(g.batch * g.outputHeight, minimumPerChunk: 8) { rows in
        maxPool2x2Backward(x, y, dy, g, dx, rows: rows, throughReLU: false, sums: nil)
    }
}

/// The backward pass of a ReLU convolution and the 2x2 max pooling after it, in one pass over
/// memory: dz, dL/d(the convolution's pre-activation) [N, H, W, C], and dL/dbias [C].
///
/// x is the convolution's output y_conv = max(0, z) and y the pooling's output. dL/dz is dL/dx of
/// the pooling masked where y_conv > 0; only a window's winner has a gradient, and the winner
/// holds y, so the mask is y > 0 (a winner of 0 or a NaN window passes nothing, as ReLU's mask
/// would). The bias gradient is the column sums of dz, which are the sums of the masked dy: the
/// output rows are cut into parts by their count alone and the parts' sums added in order, so
/// the bits do not depend on the thread count. `conv2dBackward` (with `reluOutput`) after
/// `maxPool2dBackward` is the twin this is tested against.
func maxPool2x2BackwardThroughReLU(input x: Tensor, output y: Tensor, outputGradient dy: Tensor, _ g: WindowGeometry) -> (dz: Tensor, bias: Tensor) {
    require(g.isTwoByTwoValid && dy.shape == y.shape && x.count == g.batch * g.height * g.width * g.channels,
            "maxPool2d backward: output gradient \(dy.shape) does not match the output \(y.shape)")
    let c = g.channels, rows = g.batch * g.outputHeight
    let parts = max(1, min(16, rows / 8)), rowsPerPart = (rows + parts - 1) / parts
    var partSums = [Float](repeating: 0, count: parts * c)
    var dz = uninitializedFloats(x.count)  // every cell written
    x.scalars.withUnsafeBufferPointer { xp in
        y.scalars.withUnsafeBufferPointer { yp in
            dy.scalars.withUnsafeBufferPointer { dp in
                dz.withUnsafeMutableBufferPointer { out in
                    partSums.withUnsafeMutableBufferPointer { sums in
                        let x = xp.baseAddress!, y = yp.baseAddress!, d = dp.baseAddress!, out = out.baseAddress!, sums = sums.baseAddress!
                        parallelChunks(parts) { range in
                            for part in range {
                                let rows = (part * rowsPerPart)..<min(rows, (part + 1) * rowsPerPart)
                                maxPool2x2Backward(x, y, d, g, out, rows: rows, throughReLU: true, sums: sums + part * c)
                            }
                        }
                    }
                }
            }
        }
    }
    var bias = Array(partSums[0..<c])
    for part in 1..<parts { for ch in 0..<c { bias[ch] += partSums[part * c + ch] } }
    return (Tensor(shape: x.shape, scalars: dz), Tensor(shape: [c], scalars: bias))
}

/// Output rows `rows` (image n, output row oy, as n * OH + oy) of the 2x2 backward pass; with
/// `throughReLU`, the gradient passes only where y > 0 and `sums` (C values) accumulates it.
@inline(__always)
private func maxPool2x2Backward(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ dy: UnsafePointer<Float>,
                                _ g: WindowGeometry, _ dx: UnsafeMutablePointer<Float>, rows: Range<Int>,
                                throughReLU: Bool, sums: UnsafeMutablePointer<Float>?) {
    let c = g.channels, vectorEnd = c - c % 16
    let rowStride = g.width * c
    let zero = Lanes(repeating: 0)
    for nOy in rows {
        let n = nOy / g.outputHeight, oy = nOy % g.outputHeight
        let xTop = x + (n * g.height + 2 * oy) * rowStride, xBottom = xTop + rowStride
        let dTop = dx + (n * g.height + 2 * oy) * rowStride, dBottom = dTop + rowStride
        let o = nOy * g.outputWidth * c
        for ox in 0..<g.outputWidth {
            let cell = 2 * ox * c, window = o + ox * c
            var ch = 0
            while ch < vectorEnd {
                let target = load(y + window + ch)
                var gradient = load(dy + window + ch)
                if throughReLU {
                    gradient = zero.replacing(with: gradient, where: target .> zero)
                    store(sums! + ch, load(sums! + ch) + gradient)
                }
                let a = cell + ch, b = a + c
                let hitA = load(xTop + a) .== target
                let hitB = .!hitA .& (load(xTop + b) .== target)
                let before = hitA .| hitB
                let hitD = .!before .& (load(xBottom + a) .== target)
                let hitE = .!(before .| hitD) .& (load(xBottom + b) .== target)
                let none = .!(before .| hitD .| hitE)
                store(dTop + a, zero.replacing(with: gradient, where: hitA .| none))
                store(dTop + b, zero.replacing(with: gradient, where: hitB))
                store(dBottom + a, zero.replacing(with: gradient, where: hitD))
                store(dBottom + b, zero.replacing(with: gradient, where: hitE))
                ch += 16
            }
            while ch < c {
                let target = y[window + ch]
                var gradient = dy[window + ch]
                if throughReLU {
                    gradient = target > 0 ? gradient : 0
                    sums![ch] += gradient
                }
                let a = cell + ch, b = a + c
                var winner = 0
                if xTop[a] == target { winner = 0 } else if xTop[b] == target { winner = 1 }
                else if xBottom[a] == target { winner = 2 } else if xBottom[b] == target { winner = 3 }
                dTop[a] = winner == 0 ? gradient : 0
                dTop[b] = winner == 1 ? gradient : 0
                dBottom[a] = winner == 2 ? gradient : 0
                dBottom[b] = winner == 3 ? gradient : 0
                ch += 1
            }
        }
        // An odd width: the last column of both rows is in no window.
        if g.width % 2 == 1 {
            let last = (g.width - 1) * c
            (dTop + last).update(repeating: 0, count: c)
            (dBottom + last).update(repeating: 0, count: c)
        }
        // An odd height: the image's last row is in no window.
        if g.height % 2 == 1 && oy == g.outputHeight - 1 {
            (dx + (n * g.height + g.height - 1) * rowStride).update(repeating: 0, count: rowStride)
        }
    }
}
