import CDNNL
import Synchronization

// The forward convolution through oneDNN: its JIT-compiled kernels (AVX-512 or AVX2, chosen at
// run time: "brgconv:avx512_core" on the machine this was written on) read x [N, H, W, C] and write
// y [N, OH, OW, F] in place, with the bias and ReLU applied as the output is written. The
// im2col + GEMM path (`conv2dForward`) is its twin, and `naiveConv2d` the definition both are
// tested against.

/// oneDNN's CPU engine, created once; it holds no threads (OpenMP's are set per call).
private final class DNNLEngine: @unchecked Sendable {
    let engine: dnnl_engine_t?
    init() {
        // OpenMP's thread count is per calling thread: every oneDNN call from the core, creations
        // included, first holds its thread to one (a team once started keeps a thread spinning
        // beside ours; measured: a sixth of a single-threaded run's samples).
        omp_set_num_threads(1)
        var engine: dnnl_engine_t?
        engine = dnnl_engine_create(&engine, dnnl_cpu, 0) == dnnl_success ? engine : nil
        self.engine = engine
    }
    static let shared = DNNLEngine()
}

/// One convolution primitive for one input shape, geometry, filter count, bias and activation.
final class DNNLConvolution {
    private var conv = cnn_dnnl_convolution()
    let geometry: WindowGeometry
    let filters: Int, hasBias: Bool, relu: Bool
    /// oneDNN's name for the kernel it chose.
    let implementation: String

    /// nil when oneDNN cannot run this convolution (no engine, or a shape it refuses).
    init?(geometry g: WindowGeometry, filters: Int, hasBias: Bool, relu: Bool) {
        guard let engine = DNNLEngine.shared.engine else { return nil }
        self.geometry = g
        self.filters = filters
        self.hasBias = hasBias
        self.relu = relu
        omp_set_num_threads(1)
        let status = cnn_dnnl_convolution_create(
            &conv, engine, 1, Int32(g.batch), Int32(g.height), Int32(g.width), Int32(g.channels),
            Int32(g.kernelHeight), Int32(g.kernelWidth), Int32(filters), Int32(g.outputHeight), Int32(g.outputWidth),
            Int32(g.strideY), Int32(g.strideX), Int32(g.top), Int32(g.left), Int32(g.bottom), Int32(g.right),
            hasBias ? 1 : 0, relu ? 1 : 0)
        var stream: dnnl_stream_t?
        guard status == dnnl_success,
            dnnl_stream_create(&stream, engine, dnnl_stream_default_flags.rawValue) == dnnl_success
        else {
            if status == dnnl_success { cnn_dnnl_convolution_destroy(&conv) }
            return nil
        }
        self.stream = stream
        implementation = conv.implementation.map { String(cString: $0) } ?? ""
    }

    deinit {
        cnn_dnnl_convolution_destroy(&conv)
        dnnl_stream_destroy(stream)
    }

    /// The stream its runs go through (one worker uses a primitive at a time; see the plan).
    private let stream: dnnl_stream_t?

    /// y = (relu)(conv(x, kernel) + bias) for this primitive's images, on the calling thread
    /// alone (OpenMP is held to one thread: the batch is split across the core's own workers, see
    /// `DNNLConvolutionPlan`). False if oneDNN reports a failure.
    func run(
        _ x: UnsafePointer<Float>, kernel: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
        output y: UnsafeMutablePointer<Float>
    ) -> Bool {
        guard let stream else { return false }
        omp_set_num_threads(1)
        return cnn_dnnl_convolution_run(&conv, stream, x, kernel, bias, y) == dnnl_success
    }
}

/// Both backward passes of one convolution through oneDNN (dL/dkernel, and dL/dx unless the
/// layer is the model's first); `conv2dBackward` (col2im + GEMM) is their twin.
final class DNNLConvolutionBackward {
    private var conv = cnn_dnnl_convolution_backward()
    let geometry: WindowGeometry
    let filters: Int, computesInputGradient: Bool
    /// oneDNN's names for the kernels it chose (backward data, backward weights).
    let implementation: (data: String, weights: String)

    init?(geometry g: WindowGeometry, filters: Int, computesInputGradient: Bool) {
        guard let engine = DNNLEngine.shared.engine else { return nil }
        self.geometry = g
        self.filters = filters
        self.computesInputGradient = computesInputGradient
        omp_set_num_threads(1)
        let status = cnn_dnnl_convolution_backward_create(
            &conv, engine, computesInputGradient ? 1 : 0, Int32(g.batch), Int32(g.height), Int32(g.width),
            Int32(g.channels),
            Int32(g.kernelHeight), Int32(g.kernelWidth), Int32(filters), Int32(g.outputHeight), Int32(g.outputWidth),
            Int32(g.strideY), Int32(g.strideX), Int32(g.top), Int32(g.left), Int32(g.bottom), Int32(g.right))
        var stream: dnnl_stream_t?
        guard status == dnnl_success,
            dnnl_stream_create(&stream, engine, dnnl_stream_default_flags.rawValue) == dnnl_success
        else {
            if status == dnnl_success { cnn_dnnl_convolution_backward_destroy(&conv) }
            return nil
        }
        self.stream = stream
        implementation = (
            conv.implementation_data.map { String(cString: $0) } ?? "",
            conv.implementation_weights.map { String(cString: $0) } ?? ""
        )
    }

    deinit {
        cnn_dnnl_convolution_backward_destroy(&conv)
        dnnl_stream_destroy(stream)
    }

    private let stream: dnnl_stream_t?

    /// dL/dkernel [KH, KW, C, F] and, when made for it, dL/dx [N, H, W, C] for this primitive's
    /// images from x, the kernel and dL/dz [N, OH, OW, F], on the calling thread alone. False if
    /// oneDNN reports a failure.
    func run(
        input x: UnsafePointer<Float>, kernel: UnsafePointer<Float>, outputGradient dz: UnsafePointer<Float>,
        kernelGradient: UnsafeMutablePointer<Float>, inputGradient: UnsafeMutablePointer<Float>?
    ) -> Bool {
        guard let stream else { return false }
        omp_set_num_threads(1)
        return cnn_dnnl_convolution_backward_run(
            &conv, stream, x, dz, kernel, kernelGradient,
            computesInputGradient ? inputGradient : nil) == dnnl_success
    }
}

extension WindowGeometry {
    /// The same window over `batch` images.
    func withBatch(_ batch: Int) -> WindowGeometry {
        WindowGeometry(
            inputShape: [batch, height, width, channels], kernelSize: (kernelHeight, kernelWidth),
            strides: (strideY, strideX), padding: .explicit(top: top, bottom: bottom, left: left, right: right),
            operation: "conv2d")
    }
}

/// How a Conv2D layer runs through oneDNN on the core's threads: the batch is cut into slices of
/// consecutive images (by the batch size alone, never the thread count), and each of the core's
/// `Runtime.threads` workers runs oneDNN's single-threaded kernel on every T-th slice. One pool of
/// threads (Dispatch's, as for OpenBLAS) owns the cores; OpenMP's threads would otherwise spin
/// between oneDNN's calls while ours run the pooling and the other loops (measured: user time
/// doubled on 2 cores, wall time up by half). The kernel's gradient is the sum of the slices'
/// gradients, added in slice order, so results are the same from run to run and for any thread
/// count (a lesson built with `--jobs 2` gets the numbers `lessons run` printed).
final class DNNLConvolutionPlan {
    let filters: Int, hasBias: Bool, relu: Bool
    // Made on first use, one per worker and slice geometry (a primitive holds the buffer handles
    // and the stream of its run, so two workers never share one); the most recent last.
    private var forwards: [(worker: Int, primitive: DNNLConvolution)] = []
    private var backwards: [(worker: Int, primitive: DNNLConvolutionBackward)] = []
    private static let kept = 64

    init(filters: Int, hasBias: Bool, relu: Bool) {
        self.filters = filters
        self.hasBias = hasBias
        self.relu = relu
    }

    /// Slices a batch is cut into by `forward` and `backward`, whatever the thread count.
    static let sliceCount = 4

    /// `sliceCount` runs of consecutive images: a function of the batch size alone.
    static func slices(_ batch: Int) -> [Range<Int>] {
        let parts = max(1, min(sliceCount, batch))
        return slices(batch, imagesPerSlice: (batch + parts - 1) / parts)
    }

    /// Runs of `imagesPerSlice` consecutive images (the last may be shorter).
    static func slices(_ batch: Int, imagesPerSlice: Int) -> [Range<Int>] {
        stride(from: 0, to: batch, by: max(1, imagesPerSlice)).map { $0..<min(batch, $0 + max(1, imagesPerSlice)) }
    }

    /// The workers that share `count` slices. An operation reads it once and uses that number
    /// throughout (for its primitives, its scratch and `perSlice`): the count may change between
    /// operations (`Runtime.setThreads`).
    static func workers(for count: Int) -> Int { max(1, min(Runtime.threads, count)) }

    /// Runs `body(slice, worker)` for slices 0..<count on `workers` workers, worker w taking
    /// slices w, w + T, w + 2T, ...: each slice writes only its own outputs.
    static func perSlice(_ count: Int, workers: Int, _ body: (Int, Int) -> Void) {
        concurrentlyPerform(workers) { w in
            var p = w
            while p < count {
                body(p, w)
                p += workers
            }
        }
    }

    /// For each worker, its forward primitive for each slice size in `slices`; nil if oneDNN
    /// cannot run this convolution. Made here, before the workers start.
    func forwardPrimitives(_ g: WindowGeometry, slices: [Range<Int>], workers: Int) -> [[Int: DNNLConvolution]]? {
        DNNLConvolutionPlan.table(
            g, slices, workers: workers, kept: &forwards,
            matches: { $0.geometry == $1 && $0.filters == filters && $0.hasBias == hasBias && $0.relu == relu },
            make: { DNNLConvolution(geometry: $0, filters: filters, hasBias: hasBias, relu: relu) })
    }

    /// For each worker, its backward primitive for each slice size in `slices`; nil if oneDNN
    /// cannot run this convolution's backward passes.
    func backwardPrimitives(_ g: WindowGeometry, slices: [Range<Int>], workers: Int, computesInputGradient: Bool)
        -> [[Int: DNNLConvolutionBackward]]?
    {
        DNNLConvolutionPlan.table(
            g, slices, workers: workers, kept: &backwards,
            matches: {
                $0.geometry == $1 && $0.filters == filters && $0.computesInputGradient == computesInputGradient
            },
            make: {
                DNNLConvolutionBackward(geometry: $0, filters: filters, computesInputGradient: computesInputGradient)
            })
    }

    /// table[worker][slice size]: a kept primitive that `matches` (primitive, the slice's
    /// geometry), or one `make(geometry)` makes and keeps (the oldest dropped beyond `kept`); nil
    /// if one cannot be made.
    private static func table<P>(
        _ g: WindowGeometry, _ slices: [Range<Int>], workers: Int, kept: inout [(worker: Int, primitive: P)],
        matches: (P, WindowGeometry) -> Bool, make: (WindowGeometry) -> P?
    ) -> [[Int: P]]? {
        let geometries = Dictionary(uniqueKeysWithValues: Set(slices.map(\.count)).map { ($0, g.withBatch($0)) })
        var table: [[Int: P]] = []
        for worker in 0..<workers {
            var bySize: [Int: P] = [:]
            for (size, sliceGeometry) in geometries {
                if let found = kept.first(where: { $0.worker == worker && matches($0.primitive, sliceGeometry) }) {
                    bySize[size] = found.primitive
                    continue
                }
                guard let made = make(sliceGeometry) else { return nil }
                if kept.count == DNNLConvolutionPlan.kept { kept.removeFirst() }
                kept.append((worker, made))
                bySize[size] = made
            }
            table.append(bySize)
        }
        return table
    }

    /// y = (relu)(conv(x, kernel) + bias), [N, OH, OW, F]; nil if oneDNN cannot run it.
    func forward(_ x: Tensor, kernel: Tensor, bias: Tensor?, geometry g: WindowGeometry) -> Tensor? {
        let parts = DNNLConvolutionPlan.slices(g.batch)
        let workers = DNNLConvolutionPlan.workers(for: parts.count)
        guard let primitives = forwardPrimitives(g, slices: parts, workers: workers) else { return nil }
        let inputStride = g.height * g.width * g.channels
        let outputStride = g.outputHeight * g.outputWidth * filters
        var out = uninitializedFloats(g.positions * filters)  // oneDNN writes every value
        let failures = Atomic<Int>(0)
        x.scalars.withUnsafeBufferPointer { xp in
            kernel.scalars.withUnsafeBufferPointer { wp in
                out.withUnsafeMutableBufferPointer { yp in
                    (bias?.scalars ?? []).withUnsafeBufferPointer { bp in
                        let x = xp.baseAddress!
                        let w = wp.baseAddress!
                        let y = yp.baseAddress!
                        let b = hasBias ? bp.baseAddress : nil
                        DNNLConvolutionPlan.perSlice(parts.count, workers: workers) { p, worker in
                            let part = parts[p]
                            if !primitives[worker][part.count]!.run(
                                x + part.lowerBound * inputStride, kernel: w, bias: b,
                                output: y + part.lowerBound * outputStride)
                            {
                                failures.add(1, ordering: .relaxed)
                            }
                        }
                    }
                }
            }
        }
        guard failures.load(ordering: .relaxed) == 0 else { return nil }
        return Tensor(shape: [g.batch, g.outputHeight, g.outputWidth, filters], scalars: out)
    }

    /// (dL/dx, or [0] when not computed; dL/dkernel) from x, the kernel and dL/dz; nil if oneDNN
    /// cannot run it.
    func backward(
        input x: Tensor, kernel: Tensor, outputGradient dz: Tensor, geometry g: WindowGeometry,
        computesInputGradient: Bool
    ) -> (input: Tensor, kernel: Tensor)? {
        let parts = DNNLConvolutionPlan.slices(g.batch)
        let workers = DNNLConvolutionPlan.workers(for: parts.count)
        guard
            let primitives = backwardPrimitives(
                g, slices: parts, workers: workers, computesInputGradient: computesInputGradient)
        else { return nil }
        let inputStride = g.height * g.width * g.channels
        let outputStride = g.outputHeight * g.outputWidth * filters
        let kernelCount = kernel.count
        var partials = uninitializedFloats(kernelCount * parts.count)  // one kernel gradient per slice
        var dInput = uninitializedFloats(computesInputGradient ? x.count : 0)  // written by backward data
        let failures = Atomic<Int>(0)
        x.scalars.withUnsafeBufferPointer { xp in
            dz.scalars.withUnsafeBufferPointer { dp in
                kernel.scalars.withUnsafeBufferPointer { wp in
                    partials.withUnsafeMutableBufferPointer { pp in
                        dInput.withUnsafeMutableBufferPointer { dx in
                            let x = xp.baseAddress!
                            let d = dp.baseAddress!
                            let w = wp.baseAddress!
                            let partial = pp.baseAddress!
                            let dx = dx.baseAddress
                            DNNLConvolutionPlan.perSlice(parts.count, workers: workers) { p, worker in
                                let start = parts[p].lowerBound
                                if !primitives[worker][parts[p].count]!.run(
                                    input: x + start * inputStride, kernel: w, outputGradient: d + start * outputStride,
                                    kernelGradient: partial + p * kernelCount,
                                    inputGradient: computesInputGradient ? dx! + start * inputStride : nil)
                                {
                                    failures.add(1, ordering: .relaxed)
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
            Tensor(shape: kernel.shape, scalars: sumInOrder(partials, parts: parts.count, count: kernelCount))
        )
    }
}

/// The sum of `parts` consecutive runs of `count` values, added in order (the same bits whichever
/// worker computed which run).
func sumInOrder(_ partials: [Float], parts: Int, count: Int) -> [Float] {
    var total = Array(partials[0..<count])
    for p in 1..<max(parts, 1) {
        let base = p * count
        for i in 0..<count { total[i] += partials[base + i] }
    }
    return total
}
