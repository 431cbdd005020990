// 2-D convolution (strictly, cross-correlation, as in every deep-learning framework).
//
// Shapes: input x [N, H, W, C], kernel [KH, KW, C, F] (Keras' layout; PyTorch stores
// [F, C, KH, KW]), bias [F], output y [N, OH, OW, F].
//
// Fast path: im2col lays every window out as one row of a [N*OH*OW, KH*KW*C] matrix, so the
// convolution is one GEMM with the kernel viewed as [KH*KW*C, F], and y is already [N, OH, OW, F].

/// im2col: cols[(n, oy, ox), (ky, kx, c)] = x[n, oy*sy + ky - top, ox*sx + kx - left, c], or 0 in
/// the padding. `cols` holds N*OH*OW rows of KH*KW*C values.
func im2col(_ x: UnsafePointer<Float>, _ g: WindowGeometry, _ cols: UnsafeMutablePointer<Float>) {
    let rowLength = g.kernelHeight * g.kernelWidth * g.channels
    let c = g.channels
    parallelChunks(g.batch * g.outputHeight, minimumPerChunk: 4) { rows in
        for nOy in rows {
            let n = nOy / g.outputHeight
            let oy = nOy % g.outputHeight
            for ox in 0..<g.outputWidth {
                var dst = cols + ((nOy * g.outputWidth) + ox) * rowLength
                let x0 = ox * g.strideX - g.left
                let rowInside = x0 >= 0 && x0 + g.kernelWidth <= g.width
                for ky in 0..<g.kernelHeight {
                    let iy = oy * g.strideY + ky - g.top
                    if rowInside && iy >= 0 && iy < g.height {
                        // The window's row lies inside the image: its KW cells of C channels are
                        // one contiguous run of x, copied at once.
                        dst.update(from: x + ((n * g.height + iy) * g.width + x0) * c, count: g.kernelWidth * c)
                        dst += g.kernelWidth * c
                        continue
                    }
                    for kx in 0..<g.kernelWidth {
                        let ix = ox * g.strideX + kx - g.left
                        if iy >= 0 && iy < g.height && ix >= 0 && ix < g.width {
                            let src = x + ((n * g.height + iy) * g.width + ix) * c
                            dst.update(from: src, count: c)
                        } else {
                            dst.update(repeating: 0, count: c)
                        }
                        dst += c
                    }
                }
            }
        }
    }
}

/// col2im: the adjoint of im2col, adding each row of `cols` back onto the input cells it was read
/// from (cells read by several windows receive the sum). `dx` must start zeroed.
func col2im(_ cols: UnsafePointer<Float>, _ g: WindowGeometry, _ dx: UnsafeMutablePointer<Float>) {
    let rowLength = g.kernelHeight * g.kernelWidth * g.channels
    let c = g.channels
    // Split by image: different images never write the same input cell.
    parallelChunks(g.batch) { images in
        for n in images {
            for oy in 0..<g.outputHeight {
                for ox in 0..<g.outputWidth {
                    var src = cols + (((n * g.outputHeight + oy) * g.outputWidth) + ox) * rowLength
                    for ky in 0..<g.kernelHeight {
                        let iy = oy * g.strideY + ky - g.top
                        for kx in 0..<g.kernelWidth {
                            let ix = ox * g.strideX + kx - g.left
                            if iy >= 0 && iy < g.height && ix >= 0 && ix < g.width {
                                let dst = dx + ((n * g.height + iy) * g.width + ix) * c
                                for ch in 0..<c { dst[ch] += src[ch] }
                            }
                            src += c
                        }
                    }
                }
            }
        }
    }
}

func checkConvolution(_ input: Tensor, _ kernel: Tensor, _ bias: Tensor?) {
    require(kernel.rank == 4, "conv2d: kernel must be [KH, KW, C_in, C_out], got \(kernel.shape)")
    require(input.rank == 4, "conv2d: input must be [N, H, W, C], got \(input.shape)")
    require(
        input.shape[3] == kernel.shape[2],
        "conv2d: input has \(input.shape[3]) channels but the kernel expects \(kernel.shape[2]) (kernel \(kernel.shape))"
    )
    if let bias {
        require(bias.shape == [kernel.shape[3]], "conv2d: bias must be [\(kernel.shape[3])], got \(bias.shape)")
    }
}

/// The convolution of `input` [N, H, W, C] with `kernel` [KH, KW, C, F], plus `bias` [F]:
/// y[n, oy, ox, f] = b[f] + sum over (ky, kx, c) of x[n, oy*sy + ky, ox*sx + kx, c] * k[ky, kx, c, f]
/// (input indices shifted by the padding). Returns [N, OH, OW, F].
public func conv2d(
    _ input: Tensor, kernel: Tensor, bias: Tensor? = nil, strides: (Int, Int) = (1, 1), padding: Padding = .valid
) -> Tensor {
    checkConvolution(input, kernel, bias)
    let g = WindowGeometry(
        inputShape: input.shape, kernelSize: (kernel.shape[0], kernel.shape[1]), strides: strides, padding: padding,
        operation: "conv2d")
    var cols = [Float](repeating: 0, count: g.positions * kernel.shape[0] * kernel.shape[1] * g.channels)
    return conv2dForward(input, kernel: kernel, bias: bias, geometry: g, cols: &cols)
}

/// The forward pass into a caller-owned im2col buffer (a layer keeps it for the backward pass).
/// With `relu`, the output is max(0, z) instead of z, applied with the bias to each block of rows
/// of the product as soon as it is computed (one pass over the output instead of three: seed
/// with the bias, multiply, rectify).
func conv2dForward(
    _ input: Tensor, kernel: Tensor, bias: Tensor?, geometry g: WindowGeometry, cols: inout [Float], relu: Bool = false
) -> Tensor {
    let k = kernel.shape[0] * kernel.shape[1] * g.channels
    let f = kernel.shape[3]
    if cols.count != g.positions * k { cols = uninitializedFloats(g.positions * k) }  // im2col writes every value
    var out = uninitializedFloats(g.positions * f)  // written by GEMM with beta 0
    input.scalars.withUnsafeBufferPointer { x in
        cols.withUnsafeMutableBufferPointer { c in im2col(x.baseAddress!, g, c.baseAddress!) }
    }
    let zeros = bias == nil ? [Float](repeating: 0, count: f) : []
    cols.withUnsafeBufferPointer { c in
        kernel.scalars.withUnsafeBufferPointer { w in
            out.withUnsafeMutableBufferPointer { y in
                (bias?.scalars ?? zeros).withUnsafeBufferPointer { b in
                    let y = y.baseAddress!
                    let b = b.baseAddress!
                    gemm(m: g.positions, n: f, k: k, a: c.baseAddress!, b: w.baseAddress!, c: y) { rows in
                        // y[row, :] = (relu) (y[row, :] + b); rows of one block, still in cache.
                        for row in rows {
                            let r = y + row * f
                            if relu {
                                for j in 0..<f {
                                    let v = r[j] + b[j]
                                    r[j] = v > 0 ? v : 0
                                }
                            } else if bias != nil {
                                for j in 0..<f { r[j] += b[j] }
                            }
                        }
                    }
                }
            }
        }
    }
    return Tensor(shape: [g.batch, g.outputHeight, g.outputWidth, f], scalars: out)
}

/// Gradients of a convolution given dL/dy [N, OH, OW, F]:
/// dL/dkernel = colsᵀ · dy, dL/dbias = the sum of dy over N, OH, OW, dL/dx = col2im(dy · kernelᵀ).
public func conv2dBackward(
    input: Tensor, kernel: Tensor, outputGradient: Tensor, strides: (Int, Int) = (1, 1), padding: Padding = .valid
)
    -> (input: Tensor, kernel: Tensor, bias: Tensor)
{
    checkConvolution(input, kernel, nil)
    let g = WindowGeometry(
        inputShape: input.shape, kernelSize: (kernel.shape[0], kernel.shape[1]), strides: strides, padding: padding,
        operation: "conv2d")
    var cols = [Float](repeating: 0, count: g.positions * kernel.shape[0] * kernel.shape[1] * g.channels)
    input.scalars.withUnsafeBufferPointer { x in
        cols.withUnsafeMutableBufferPointer { c in im2col(x.baseAddress!, g, c.baseAddress!) }
    }
    return conv2dBackward(
        cols: cols, inputShape: input.shape, kernel: kernel, outputGradient: outputGradient, geometry: g,
        needInputGradient: true)
}

/// The backward pass from the forward pass's im2col buffer. With `reluOutput` (y of the fused
/// bias + ReLU forward pass), `outputGradient` is dL/dy and dL/dz = dL/dy where y > 0, else 0, is
/// formed in the same pass as the bias gradient.
func conv2dBackward(
    cols: [Float], inputShape: [Int], kernel: Tensor, outputGradient: Tensor, geometry g: WindowGeometry,
    needInputGradient: Bool, reluOutput: Tensor? = nil
)
    -> (input: Tensor, kernel: Tensor, bias: Tensor)
{
    let k = kernel.shape[0] * kernel.shape[1] * g.channels
    let f = kernel.shape[3]
    require(
        outputGradient.shape == [g.batch, g.outputHeight, g.outputWidth, f],
        "conv2d backward: output gradient \(outputGradient.shape) does not match output [\(g.batch), \(g.outputHeight), \(g.outputWidth), \(f)]"
    )
    var dKernel = uninitializedFloats(k * f)  // written by GEMM with beta 0
    var dInput = [Float](repeating: 0, count: needInputGradient ? inputShape.reduce(1, *) : 0)
    let (dy, dBias) = preActivationAndBiasGradients(
        outputGradient, reluOutput: reluOutput, positions: g.positions, filters: f)
    dy.scalars.withUnsafeBufferPointer { d in
        cols.withUnsafeBufferPointer { c in
            dKernel.withUnsafeMutableBufferPointer { dk in
                // [K, M] x [M, F]
                gemm(
                    transposeA: true, m: k, n: f, k: g.positions, a: c.baseAddress!, b: d.baseAddress!,
                    c: dk.baseAddress!)
            }
        }
        if needInputGradient {
            var dCols = uninitializedFloats(g.positions * k)  // written by GEMM with beta 0
            kernel.scalars.withUnsafeBufferPointer { w in
                dCols.withUnsafeMutableBufferPointer { dc in
                    // [M, F] x [F, K]
                    gemm(
                        transposeB: true, m: g.positions, n: k, k: f, a: d.baseAddress!, b: w.baseAddress!,
                        c: dc.baseAddress!)
                }
            }
            dCols.withUnsafeBufferPointer { dc in
                dInput.withUnsafeMutableBufferPointer { dx in col2im(dc.baseAddress!, g, dx.baseAddress!) }
            }
        }
    }
    return (
        Tensor(shape: needInputGradient ? inputShape : [0], scalars: dInput),
        Tensor(shape: kernel.shape, scalars: dKernel), dBias
    )
}

/// The convolution written as its definition, seven nested loops: the reference the im2col + GEMM
/// path is tested against, and the version a lesson can read.
public func naiveConv2d(
    _ input: Tensor, kernel: Tensor, bias: Tensor? = nil, strides: (Int, Int) = (1, 1), padding: Padding = .valid
) -> Tensor {
    checkConvolution(input, kernel, bias)
    let g = WindowGeometry(
        inputShape: input.shape, kernelSize: (kernel.shape[0], kernel.shape[1]), strides: strides, padding: padding,
        operation: "conv2d")
    let f = kernel.shape[3]
    var out = Tensor(zeros: [g.batch, g.outputHeight, g.outputWidth, f])
    for n in 0..<g.batch {
        for oy in 0..<g.outputHeight {
            for ox in 0..<g.outputWidth {
                for fo in 0..<f {
                    var sum: Float = bias?.scalars[fo] ?? 0
                    for ky in 0..<g.kernelHeight {
                        for kx in 0..<g.kernelWidth {
                            let iy = oy * g.strideY + ky - g.top
                            let ix = ox * g.strideX + kx - g.left
                            guard iy >= 0 && iy < g.height && ix >= 0 && ix < g.width else { continue }
                            for c in 0..<g.channels { sum += input[n, iy, ix, c] * kernel[ky, kx, c, fo] }
                        }
                    }
                    out[n, oy, ox, fo] = sum
                }
            }
        }
    }
    return out
}

/// An array whose every value the caller writes before reading (GEMM with beta 0, im2col): it skips
/// the zero-fill of `Array(repeating:count:)`, a full pass over memory per call.
@inline(__always)
func uninitializedFloats(_ count: Int) -> [Float] {
    [Float](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
}

/// dL/dz and dL/dbias from dL/dy: with `reluOutput` (y of a fused bias + ReLU pass), dL/dz =
/// dL/dy where y > 0, else 0, formed in the same pass as the bias gradient; without, dL/dz = dL/dy.
/// dL/dbias is the column sums of dL/dz viewed as [positions, F]. The rows are cut into parts by
/// their count alone, each part summed on its own (vectorised over F, on whichever worker) and
/// the parts' sums added in order: the same bits for any thread count.
func preActivationAndBiasGradients(_ outputGradient: Tensor, reluOutput: Tensor?, positions: Int, filters f: Int) -> (
    Tensor, Tensor
) {
    if let reluOutput {
        require(
            reluOutput.shape == outputGradient.shape,
            "conv2d backward: output \(reluOutput.shape) and its gradient \(outputGradient.shape) differ")
    }
    let parts = max(1, min(16, positions / 256))
    let rowsPerPart = (positions + parts - 1) / parts
    var partSums = [Float](repeating: 0, count: parts * f)
    var dz = reluOutput == nil ? [] : uninitializedFloats(outputGradient.count)  // every value written below
    outputGradient.scalars.withUnsafeBufferPointer { d in
        (reluOutput?.scalars ?? []).withUnsafeBufferPointer { y in
            dz.withUnsafeMutableBufferPointer { dz in
                partSums.withUnsafeMutableBufferPointer { sums in
                    // (An empty array's buffer may have an address: the mask is taken only with y.)
                    let masks = reluOutput != nil
                    let d = d.baseAddress!
                    let y = masks ? y.baseAddress : nil
                    let dz = masks ? dz.baseAddress : nil
                    let sums = sums.baseAddress!
                    parallelChunks(parts) { range in
                        for part in range {
                            let rows = (part * rowsPerPart)..<min(positions, (part + 1) * rowsPerPart)
                            guard !rows.isEmpty else { continue }
                            let at = rows.lowerBound * f
                            let partial = sums + part * f
                            if let y, let dz {
                                maskAndSum(d + at, y + at, dz + at, partial, rows: rows.count, filters: f)
                            } else {
                                columnSums(d + at, partial, rows: rows.count, filters: f)
                            }
                        }
                    }
                }
            }
        }
    }
    var biasSums = Array(partSums[0..<f])
    for part in 1..<parts { for j in 0..<f { biasSums[j] += partSums[part * f + j] } }
    let dy = reluOutput == nil ? outputGradient : Tensor(shape: outputGradient.shape, scalars: dz)
    return (dy, Tensor(shape: [f], scalars: biasSums))
}

/// dz = dy where y > 0, else 0, and sums[j] += dz[row, j] over `rows` rows of `filters` values;
/// eight filters at a time in vector registers when F is a multiple of 8 (up to 256).
private func maskAndSum(
    _ dy: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ dz: UnsafeMutablePointer<Float>,
    _ sums: UnsafeMutablePointer<Float>, rows: Int, filters f: Int
) {
    guard f % 8 == 0 && f <= 256 else {
        for row in 0..<rows {
            let o = row * f
            for j in 0..<f {
                let v = y[o + j] > 0 ? dy[o + j] : 0
                dz[o + j] = v
                sums[j] += v
            }
        }
        return
    }
    let vectors = f / 8
    withUnsafeTemporaryAllocation(of: SIMD8<Float>.self, capacity: vectors) { acc in
        acc.initialize(repeating: .zero)
        for row in 0..<rows {
            let o = row * f
            for v in 0..<vectors {
                let at = o + v * 8
                let g = UnsafeRawPointer(dy + at).loadUnaligned(as: SIMD8<Float>.self)
                let out = UnsafeRawPointer(y + at).loadUnaligned(as: SIMD8<Float>.self)
                let masked = SIMD8<Float>(repeating: 0).replacing(with: g, where: out .> 0)
                UnsafeMutableRawPointer(dz + at).storeBytes(of: masked, as: SIMD8<Float>.self)
                acc[v] += masked
            }
        }
        for v in 0..<vectors { for k in 0..<8 { sums[v * 8 + k] += acc[v][k] } }
    }
}

/// sums[j] += d[row, j] over `rows` rows of `filters` values.
private func columnSums(_ d: UnsafePointer<Float>, _ sums: UnsafeMutablePointer<Float>, rows: Int, filters f: Int) {
    for row in 0..<rows {
        let r = d + row * f
        for j in 0..<f { sums[j] += r[j] }
    }
}
