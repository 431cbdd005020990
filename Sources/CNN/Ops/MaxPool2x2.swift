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
        maxPool2x2Backward(x, y, dy, g, dx, rows: rows)
    }
}

/// Output rows `rows` (image n, output row oy, as n * OH + oy) of the 2x2 backward pass.
@inline(__always)
private func maxPool2x2Backward(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ dy: UnsafePointer<Float>,
                                _ g: WindowGeometry, _ dx: UnsafeMutablePointer<Float>, rows: Range<Int>) {
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
                let target = load(y + window + ch), gradient = load(dy + window + ch)
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
                let target = y[window + ch], gradient = dy[window + ch]
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
