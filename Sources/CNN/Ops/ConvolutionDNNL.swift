import CDNNL

// The forward convolution through oneDNN: its JIT-compiled kernels (AVX-512 or AVX2, chosen at
// run time: "brgconv:avx512_core" on the machine this was written on) read x [N, H, W, C] and write
// y [N, OH, OW, F] in place, with the bias and ReLU applied as the output is written. The
// im2col + GEMM path (`conv2dForward`) is its twin, and `naiveConv2d` the definition both are
// tested against.

/// oneDNN's CPU engine, created once; it holds no threads (OpenMP's are set per call).
private final class DNNLEngine: @unchecked Sendable {
    let engine: dnnl_engine_t?
    init() {
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
        let status = cnn_dnnl_convolution_create(
            &conv, engine, 1, Int32(g.batch), Int32(g.height), Int32(g.width), Int32(g.channels),
            Int32(g.kernelHeight), Int32(g.kernelWidth), Int32(filters), Int32(g.outputHeight), Int32(g.outputWidth),
            Int32(g.strideY), Int32(g.strideX), Int32(g.top), Int32(g.left), Int32(g.bottom), Int32(g.right),
            hasBias ? 1 : 0, relu ? 1 : 0)
        guard status == dnnl_success else { return nil }
        implementation = conv.implementation.map { String(cString: $0) } ?? ""
    }

    deinit { cnn_dnnl_convolution_destroy(&conv) }

    func matches(_ g: WindowGeometry, filters: Int, hasBias: Bool, relu: Bool) -> Bool {
        geometry == g && self.filters == filters && self.hasBias == hasBias && self.relu == relu
    }

    /// y = (relu)(conv(x, kernel) + bias), [N, OH, OW, F]; nil if oneDNN reports a failure.
    /// Runs on `Runtime.threads` OpenMP threads (set on the calling thread before each run).
    func run(_ x: Tensor, kernel: Tensor, bias: Tensor?) -> Tensor? {
        let g = geometry
        guard let engine = DNNLEngine.shared.engine else { return nil }
        var stream: dnnl_stream_t?
        guard dnnl_stream_create(&stream, engine, dnnl_stream_default_flags.rawValue) == dnnl_success else { return nil }
        defer { dnnl_stream_destroy(stream) }
        omp_set_num_threads(Int32(Runtime.threads))
        var out = uninitializedFloats(g.positions * filters)  // oneDNN writes every value
        var status = dnnl_success
        x.scalars.withUnsafeBufferPointer { xp in
            kernel.scalars.withUnsafeBufferPointer { wp in
                out.withUnsafeMutableBufferPointer { yp in
                    if let bias {
                        bias.scalars.withUnsafeBufferPointer { bp in
                            status = cnn_dnnl_convolution_run(&conv, stream, xp.baseAddress, wp.baseAddress, bp.baseAddress, yp.baseAddress)
                        }
                    } else {
                        status = cnn_dnnl_convolution_run(&conv, stream, xp.baseAddress, wp.baseAddress, nil, yp.baseAddress)
                    }
                }
            }
        }
        guard status == dnnl_success else { return nil }
        return Tensor(shape: [g.batch, g.outputHeight, g.outputWidth, filters], scalars: out)
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
        let status = cnn_dnnl_convolution_backward_create(
            &conv, engine, computesInputGradient ? 1 : 0, Int32(g.batch), Int32(g.height), Int32(g.width), Int32(g.channels),
            Int32(g.kernelHeight), Int32(g.kernelWidth), Int32(filters), Int32(g.outputHeight), Int32(g.outputWidth),
            Int32(g.strideY), Int32(g.strideX), Int32(g.top), Int32(g.left), Int32(g.bottom), Int32(g.right))
        guard status == dnnl_success else { return nil }
        implementation = (conv.implementation_data.map { String(cString: $0) } ?? "",
                          conv.implementation_weights.map { String(cString: $0) } ?? "")
    }

    deinit { cnn_dnnl_convolution_backward_destroy(&conv) }

    func matches(_ g: WindowGeometry, filters: Int, computesInputGradient: Bool) -> Bool {
        geometry == g && self.filters == filters && self.computesInputGradient == computesInputGradient
    }

    /// (dL/dx [N, H, W, C], or [0] when not computed; dL/dkernel [KH, KW, C, F]) from x, the kernel
    /// and dL/dz [N, OH, OW, F]; nil if oneDNN reports a failure.
    func run(input x: Tensor, kernel: Tensor, outputGradient dz: Tensor) -> (input: Tensor, kernel: Tensor)? {
        guard let engine = DNNLEngine.shared.engine else { return nil }
        var stream: dnnl_stream_t?
        guard dnnl_stream_create(&stream, engine, dnnl_stream_default_flags.rawValue) == dnnl_success else { return nil }
        defer { dnnl_stream_destroy(stream) }
        omp_set_num_threads(Int32(Runtime.threads))
        var dKernel = uninitializedFloats(kernel.count)  // written by the reorder
        var dInput = uninitializedFloats(computesInputGradient ? x.count : 0)  // written by backward data
        var status = dnnl_success
        x.scalars.withUnsafeBufferPointer { xp in
            dz.scalars.withUnsafeBufferPointer { dp in
                kernel.scalars.withUnsafeBufferPointer { wp in
                    dKernel.withUnsafeMutableBufferPointer { dk in
                        dInput.withUnsafeMutableBufferPointer { dx in
                            status = cnn_dnnl_convolution_backward_run(&conv, stream, xp.baseAddress, dp.baseAddress, wp.baseAddress,
                                                                        dk.baseAddress, computesInputGradient ? dx.baseAddress : nil)
                        }
                    }
                }
            }
        }
        guard status == dnnl_success else { return nil }
        return (Tensor(shape: computesInputGradient ? x.shape : [0], scalars: dInput), Tensor(shape: kernel.shape, scalars: dKernel))
    }
}
