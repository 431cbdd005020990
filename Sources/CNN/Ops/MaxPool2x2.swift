// Max pooling's most common window, 2x2 with stride 2 and no padding (every tutorial CNN), written
// for it: the four cells of a window are two pairs of neighbouring channel rows, read sixteen
// channels at a time. The forward pass records each output's winner, the cell (0 to 3, in row
// order) whose value it took, so the backward pass needs neither x nor y; windows do not overlap,
// so it writes each cell of dx once (no zero-fill, no accumulation). The readable twin
// (`maxPool2dWithArgmax`, which records the winner's index) gives the same bits; a test holds
// them to it. The winners follow the twin's rule: a later cell wins only if strictly larger, so
// the first of equal cells, and a NaN first in its window stays (a later NaN never wins).
//
// Shapes: x and dx [N, H, W, C], y, dy and the winners [N, H/2, W/2, C] (rounded down: an odd
// last row or column belongs to no window, and its gradient is zero). Rows of the output are
// numbered n * OH + oy.

extension WindowGeometry {
    /// A 2x2 window with stride 2 and no padding.
    var isTwoByTwoValid: Bool {
        kernelHeight == 2 && kernelWidth == 2 && strideY == 2 && strideX == 2 && top == 0 && left == 0
            && outputHeight == height / 2 && outputWidth == width / 2
    }
}

/// y = the 2x2 max of x, and the winners when `keepWinners` (else []), split across the workers
/// by rows (each output on its own: the same bits on any thread count).
func maxPool2x2Forward(_ x: Tensor, _ g: WindowGeometry, keepWinners: Bool) -> (output: Tensor, winners: [Float]) {
    var y = uninitializedFloats(g.positions * g.channels)
    var winners = keepWinners ? uninitializedFloats(y.count) : []
    x.scalars.withUnsafeBufferPointer { xp in
        y.withUnsafeMutableBufferPointer { yp in
            winners.withUnsafeMutableBufferPointer { wp in
                let x = xp.baseAddress!
                let y = yp.baseAddress!
                let winners = keepWinners ? wp.baseAddress : nil
                parallelChunks(g.batch * g.outputHeight, minimumPerChunk: 8) { rows in
                    maxPool2x2(x, g, y, winners: winners, rows: rows)
                }
            }
        }
    }
    return (Tensor(shape: [g.batch, g.outputHeight, g.outputWidth, g.channels], scalars: y), winners)
}

/// dx from the forward pass's winners and dy, split across the workers by rows.
func maxPool2x2Backward(winners: [Float], outputGradient dy: Tensor, _ g: WindowGeometry) -> Tensor {
    require(
        winners.count == dy.count && dy.count == g.positions * g.channels,
        "maxPool2d backward: output gradient \(dy.shape) does not match the forward pass")
    var dx = uninitializedFloats(g.batch * g.height * g.width * g.channels)  // every cell written
    winners.withUnsafeBufferPointer { wp in
        dy.scalars.withUnsafeBufferPointer { dp in
            dx.withUnsafeMutableBufferPointer { xp in
                let winners = wp.baseAddress!
                let dy = dp.baseAddress!
                let dx = xp.baseAddress!
                parallelChunks(g.batch * g.outputHeight, minimumPerChunk: 8) { rows in
                    maxPool2x2Backward(winners: winners, dy, g, dx, rows: rows, throughReLU: nil, biasSums: nil)
                }
            }
        }
    }
    return Tensor(shape: [g.batch, g.height, g.width, g.channels], scalars: dx)
}

private typealias Lanes = SIMD16<Float>

@inline(__always) private func load(_ p: UnsafePointer<Float>) -> Lanes {
    UnsafeRawPointer(p).loadUnaligned(as: Lanes.self)
}

@inline(__always) private func store(_ p: UnsafeMutablePointer<Float>, _ v: Lanes) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: Lanes.self)
}

/// Output rows `rows` of the 2x2 pooling of x into y, on the calling thread, with each output's
/// winner (0 to 3) in `winners` when given.
func maxPool2x2(
    _ x: UnsafePointer<Float>, _ g: WindowGeometry, _ y: UnsafeMutablePointer<Float>,
    winners: UnsafeMutablePointer<Float>?, rows: Range<Int>
) {
    let c = g.channels
    let vectorEnd = c - c % 16
    let rowStride = g.width * c
    for nOy in rows {
        let n = nOy / g.outputHeight
        let oy = nOy % g.outputHeight
        let top = x + (n * g.height + 2 * oy) * rowStride
        let bottom = top + rowStride
        for ox in 0..<g.outputWidth {
            let a = top + 2 * ox * c
            let b = a + c
            let d = bottom + 2 * ox * c
            let e = d + c
            let at = (nOy * g.outputWidth + ox) * c
            var ch = 0
            while ch < vectorEnd {
                var best = load(a + ch)
                var winner = Lanes(repeating: 0)
                let second = load(b + ch)
                let third = load(d + ch)
                let fourth = load(e + ch)
                var wins = second .> best
                best.replace(with: second, where: wins)
                winner.replace(with: 1, where: wins)
                // swift-format-ignore: NoAssignmentInExpressions
                wins = third .> best
                best.replace(with: third, where: wins)
                winner.replace(with: 2, where: wins)
                // swift-format-ignore: NoAssignmentInExpressions
                wins = fourth .> best
                best.replace(with: fourth, where: wins)
                winner.replace(with: 3, where: wins)
                store(y + at + ch, best)
                if let winners { store(winners + at + ch, winner) }
                ch += 16
            }
            while ch < c {
                var best = a[ch]
                var winner: Float = 0
                if b[ch] > best {
                    best = b[ch]
                    winner = 1
                }
                if d[ch] > best {
                    best = d[ch]
                    winner = 2
                }
                if e[ch] > best {
                    best = e[ch]
                    winner = 3
                }
                y[at + ch] = best
                winners?[at + ch] = winner
                ch += 1
            }
        }
    }
}

/// Output rows `rows` of the backward pass, on the calling thread: each window's dL/dy at its
/// winner, 0 at its other cells and at cells in no window. With `throughReLU` (the pooled y of a
/// ReLU convolution's output), the gradient passes only where y > 0, as ReLU's mask would (the
/// winner holds y), and `biasSums` (C values) accumulates what passes.
func maxPool2x2Backward(
    winners: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, _ g: WindowGeometry,
    _ dx: UnsafeMutablePointer<Float>, rows: Range<Int>,
    throughReLU pooled: UnsafePointer<Float>?, biasSums: UnsafeMutablePointer<Float>?
) {
    let c = g.channels
    let vectorEnd = c - c % 16
    let rowStride = g.width * c
    let zero = Lanes(repeating: 0)
    for nOy in rows {
        let n = nOy / g.outputHeight
        let oy = nOy % g.outputHeight
        let top = dx + (n * g.height + 2 * oy) * rowStride
        let bottom = top + rowStride
        for ox in 0..<g.outputWidth {
            let a = top + 2 * ox * c
            let b = a + c
            let d = bottom + 2 * ox * c
            let e = d + c
            let at = (nOy * g.outputWidth + ox) * c
            var ch = 0
            while ch < vectorEnd {
                var gradient = load(dy + at + ch)
                if let pooled { gradient = zero.replacing(with: gradient, where: load(pooled + at + ch) .> zero) }
                if let biasSums { store(biasSums + ch, load(biasSums + ch) + gradient) }
                let winner = load(winners + at + ch)
                store(a + ch, zero.replacing(with: gradient, where: winner .== 0))
                store(b + ch, zero.replacing(with: gradient, where: winner .== 1))
                store(d + ch, zero.replacing(with: gradient, where: winner .== 2))
                store(e + ch, zero.replacing(with: gradient, where: winner .== 3))
                ch += 16
            }
            while ch < c {
                var gradient = dy[at + ch]
                if let pooled, !(pooled[at + ch] > 0) { gradient = 0 }
                biasSums?[ch] += gradient
                let winner = winners[at + ch]
                a[ch] = winner == 0 ? gradient : 0
                b[ch] = winner == 1 ? gradient : 0
                d[ch] = winner == 2 ? gradient : 0
                e[ch] = winner == 3 ? gradient : 0
                ch += 1
            }
        }
        // An odd width: the last column of both rows is in no window.
        if g.width % 2 == 1 {
            (top + (g.width - 1) * c).update(repeating: 0, count: c)
            (bottom + (g.width - 1) * c).update(repeating: 0, count: c)
        }
        // An odd height: the image's last row is in no window.
        if g.height % 2 == 1 && oy == g.outputHeight - 1 {
            (dx + (n * g.height + g.height - 1) * rowStride).update(repeating: 0, count: rowStride)
        }
    }
}
