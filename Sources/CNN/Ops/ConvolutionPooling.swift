import Synchronization

// A ReLU convolution followed by 2x2 max pooling (stride 2, no padding), the block every tutorial
// CNN is made of, run together a few images at a time so that the convolution's output never
// leaves the core's cache: each worker convolves a slice of the batch into a scratch buffer of its
// own and pools it at once. The pooling also records, per output, which cell of its window won
// (0 to 3, row order), so the backward pass needs neither the convolution's output nor a second
// pass over it: per slice, dL/dz is written from the winners into the scratch buffer (dL/dy where
// the window's maximum is positive, at the winner; 0 elsewhere) and handed straight to oneDNN's
// backward passes.
//
// The layers' own passes one after the other (Conv2D.forward, MaxPooling2D.forward and their
// backward passes) are the twin this is tested against; the winners follow the twin's rule (a
// later cell wins only if strictly larger, so the first of equal cells; a NaN first stays).
//
// Shapes: x [N, H, W, C]; the convolution's output z, y [N, OH, OW, F] (only ever a slice of it);
// pooled output and winners [N, OH/2, OW/2, F].

/// What the backward pass needs from a fused forward pass.
struct ConvolutionPoolingCache {
    let input: Tensor
    let pooled: Tensor
    /// The winning cell of each output's window, 0 to 3, as floats (compared in vector registers).
    let winners: [Float]
    let convolution: WindowGeometry
}

extension DNNLConvolutionPlan {
    /// Images per slice for the fused pair: as many as keep one slice of the convolution's output
    /// within `scratchBytes` (a part of a core's L2 cache), at least one. A function of the shape alone.
    static func imagesPerSlice(_ g: WindowGeometry, filters: Int) -> Int {
        let bytesPerImage = g.outputHeight * g.outputWidth * filters * MemoryLayout<Float>.size
        return max(1, min(g.batch, scratchBytes / max(1, bytesPerImage)))
    }

    static let scratchBytes = 384 * 1024

    /// The pooled output [N, OH/2, OW/2, F] of max(0, conv(x) + bias), and the cache for
    /// `backwardPooled` when `keepCache`; nil if oneDNN cannot run the convolution.
    func forwardPooled(
        _ x: Tensor, kernel: Tensor, bias: Tensor?, geometry g: WindowGeometry,
        keepCache: Bool
    ) -> (pooled: Tensor, cache: ConvolutionPoolingCache?)? {
        precondition(relu, "the fused pair is a ReLU convolution's")
        guard g.batch > 0 else { return nil }  // no images: the layers' own passes return empty tensors
        let parts = DNNLConvolutionPlan.slices(
            g.batch, imagesPerSlice: DNNLConvolutionPlan.imagesPerSlice(g, filters: filters))
        let workers = DNNLConvolutionPlan.workers(for: parts.count)
        guard let primitives = forwardPrimitives(g, slices: parts, workers: workers) else { return nil }
        let pool = poolGeometry(g)
        let inputStride = g.height * g.width * g.channels
        let outputStride = g.outputHeight * g.outputWidth * filters
        let pooledStride = pool.outputHeight * pool.outputWidth * filters
        var pooled = uninitializedFloats(g.batch * pooledStride)  // every value written by the pooling
        var winners = keepCache ? uninitializedFloats(pooled.count) : []
        let scratchCount = parts[0].count * outputStride
        var scratch = uninitializedFloats(workers * scratchCount)
        let failures = Atomic<Int>(0)
        x.scalars.withUnsafeBufferPointer { xp in
            kernel.scalars.withUnsafeBufferPointer { wp in
                (bias?.scalars ?? []).withUnsafeBufferPointer { bp in
                    pooled.withUnsafeMutableBufferPointer { pp in
                        winners.withUnsafeMutableBufferPointer { wn in
                            scratch.withUnsafeMutableBufferPointer { sp in
                                let x = xp.baseAddress!
                                let w = wp.baseAddress!
                                let b = hasBias ? bp.baseAddress : nil
                                let pooled = pp.baseAddress!
                                let winners = keepCache ? wn.baseAddress : nil
                                let scratch = sp.baseAddress!
                                DNNLConvolutionPlan.perSlice(parts.count, workers: workers) { p, worker in
                                    let part = parts[p]
                                    let y = scratch + worker * scratchCount
                                    guard
                                        primitives[worker][part.count]!.run(
                                            x + part.lowerBound * inputStride, kernel: w, bias: b, output: y)
                                    else {
                                        failures.add(1, ordering: .relaxed)
                                        return
                                    }
                                    let slice = pool.withBatch(part.count)
                                    maxPool2x2(
                                        y, slice, pooled + part.lowerBound * pooledStride,
                                        winners: winners.map { $0 + part.lowerBound * pooledStride },
                                        rows: 0..<(part.count * pool.outputHeight))
                                }
                            }
                        }
                    }
                }
            }
        }
        guard failures.load(ordering: .relaxed) == 0 else { return nil }
        let output = Tensor(shape: [g.batch, pool.outputHeight, pool.outputWidth, filters], scalars: pooled)
        return (
            output,
            keepCache ? ConvolutionPoolingCache(input: x, pooled: output, winners: winners, convolution: g) : nil
        )
    }

    /// (dL/dx, or [0] when not computed; dL/dkernel; dL/dbias) from the cache of `forwardPooled`
    /// and dL/d(pooled output); nil if oneDNN cannot run the backward passes.
    func backwardPooled(
        _ cache: ConvolutionPoolingCache, kernel: Tensor, outputGradient dy: Tensor,
        computesInputGradient: Bool
    ) -> (input: Tensor, kernel: Tensor, bias: Tensor)? {
        let g = cache.convolution
        let x = cache.input
        let pool = poolGeometry(g)
        require(
            dy.shape == cache.pooled.shape,
            "conv2d + max_pooling2d backward: gradient \(dy.shape) does not match the output \(cache.pooled.shape)")
        let parts = DNNLConvolutionPlan.slices(
            g.batch, imagesPerSlice: DNNLConvolutionPlan.imagesPerSlice(g, filters: filters))
        let workers = DNNLConvolutionPlan.workers(for: parts.count)
        guard
            let primitives = backwardPrimitives(
                g, slices: parts, workers: workers, computesInputGradient: computesInputGradient)
        else { return nil }
        let inputStride = g.height * g.width * g.channels
        let outputStride = g.outputHeight * g.outputWidth * filters
        let pooledStride = pool.outputHeight * pool.outputWidth * filters
        let kernelCount = kernel.count
        var kernelPartials = uninitializedFloats(kernelCount * parts.count)  // one kernel gradient per slice
        var biasPartials = [Float](repeating: 0, count: filters * parts.count)  // one bias gradient per slice
        var dInput = uninitializedFloats(computesInputGradient ? x.count : 0)  // written by backward data
        let scratchCount = parts[0].count * outputStride
        var scratch = uninitializedFloats(workers * scratchCount)
        let failures = Atomic<Int>(0)
        x.scalars.withUnsafeBufferPointer { xp in
            kernel.scalars.withUnsafeBufferPointer { wp in
                cache.pooled.scalars.withUnsafeBufferPointer { pp in
                    cache.winners.withUnsafeBufferPointer { wn in
                        dy.scalars.withUnsafeBufferPointer { dp in
                            kernelPartials.withUnsafeMutableBufferPointer { kp in
                                biasPartials.withUnsafeMutableBufferPointer { bp in
                                    dInput.withUnsafeMutableBufferPointer { dx in
                                        scratch.withUnsafeMutableBufferPointer { sp in
                                            let x = xp.baseAddress!
                                            let w = wp.baseAddress!
                                            let pooled = pp.baseAddress!
                                            let winners = wn.baseAddress!
                                            let dy = dp.baseAddress!
                                            let kernelPartials = kp.baseAddress!
                                            let biasPartials = bp.baseAddress!
                                            let dx = dx.baseAddress
                                            let scratch = sp.baseAddress!
                                            DNNLConvolutionPlan.perSlice(parts.count, workers: workers) { p, worker in
                                                let part = parts[p]
                                                let dz = scratch + worker * scratchCount
                                                let at = part.lowerBound * pooledStride
                                                maxPool2x2Backward(
                                                    winners: winners + at, dy + at, pool.withBatch(part.count), dz,
                                                    rows: 0..<(part.count * pool.outputHeight),
                                                    throughReLU: pooled + at, biasSums: biasPartials + p * filters)
                                                if !primitives[worker][part.count]!.run(
                                                    input: x + part.lowerBound * inputStride, kernel: w,
                                                    outputGradient: dz,
                                                    kernelGradient: kernelPartials + p * kernelCount,
                                                    inputGradient: computesInputGradient
                                                        ? dx! + part.lowerBound * inputStride : nil)
                                                {
                                                    failures.add(1, ordering: .relaxed)
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
        }
        guard failures.load(ordering: .relaxed) == 0 else { return nil }
        return (
            Tensor(shape: computesInputGradient ? x.shape : [0], scalars: dInput),
            Tensor(shape: kernel.shape, scalars: sumInOrder(kernelPartials, parts: parts.count, count: kernelCount)),
            Tensor(shape: [filters], scalars: sumInOrder(biasPartials, parts: parts.count, count: filters))
        )
    }

    /// The 2x2 pooling over the convolution's output.
    private func poolGeometry(_ g: WindowGeometry) -> WindowGeometry {
        WindowGeometry(
            inputShape: [g.batch, g.outputHeight, g.outputWidth, filters], kernelSize: (2, 2), strides: (2, 2),
            padding: .valid, operation: "max_pooling2d")
    }
}
