import CBLAS
import CDNNL
import Dispatch
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The core's process-wide settings, made once and explicitly by the program that owns the
/// process (a lesson's program, `cnn-bench`), never as a side effect of a library call.
///
/// Without `configure`, nothing process-wide is touched: the core runs its loops on the calling
/// thread and each matrix product calls OpenBLAS as the process found it (its own defaults and
/// `OPENBLAS_NUM_THREADS`).
///
/// The op functions (`conv2d`, `matmul`, pooling, ...) and the Conv2D layers running through
/// oneDNN (the default) give bit for bit the same results for every thread count given to
/// `configure`: products are cut into blocks by their shape alone, oneDNN's batches into slices by
/// the batch size alone (their kernel gradients summed in slice order), and every other value is
/// computed by the same arithmetic on whichever worker. They are also the same unconfigured when the process's OpenBLAS runs on one
/// thread (`OPENBLAS_NUM_THREADS=1`); an OpenBLAS left multi-threaded splits each product its own
/// way, which can change the last bits of a sum (measured with OpenBLAS 0.3.21: about a quarter
/// of a convolution's outputs differ in the last place).
public enum Runtime {
    /// How many threads the core's loops use; 1 until `configure` says otherwise.
    public static var threads: Int { workerCount.load(ordering: .relaxed) }

    private static let workerCount = Atomic<Int>(1)

    /// Whether Conv2D layers run through oneDNN (true unless `configure` says otherwise): their
    /// forward pass and, after it, both backward passes; otherwise, and for the `conv2d`
    /// function, im2col + GEMM.
    public static var usesOneDNN: Bool { oneDNN.load(ordering: .relaxed) }

    private static let oneDNN = Atomic<Bool>(true)

    /// Gives the core `threads` cores, and tunes the process for training:
    ///
    /// - Our workers: large matrix products are split by rows of the result across `threads`
    ///   workers on Dispatch's pool, and so are im2col, col2im and pooling.
    /// - OpenBLAS: one thread (`openblas_set_num_threads(1)`); each worker's product runs on that
    ///   worker. One pool of threads owns the cores: OpenBLAS's own threads would otherwise spin
    ///   between products while ours run the other loops, and the two together would ask for
    ///   twice the cores allotted.
    /// - oneDNN (OpenMP): one thread per call, set on the calling thread before each of its
    ///   calls; the batch is split across our workers, each calling oneDNN for its slice of the
    ///   images. `oneDNN: false` keeps the convolutions on im2col + OpenBLAS.
    /// - glibc malloc (Linux): allocations up to 1 GiB come from the heap and freed memory is not
    ///   returned to the kernel below 1 GiB (`M_MMAP_THRESHOLD`, `M_TRIM_THRESHOLD`). Otherwise
    ///   every im2col buffer and activation above 128 kB is mapped fresh each step and the kernel
    ///   zeroes its pages again (measured: about a fifth of a training step went to page faults).
    ///
    /// Call it once at the start of the program, before any model runs; `threads` is clamped to at
    /// least 1. Calling it again changes the thread count (the allocator settings stay).
    public static func configure(threads: Int, oneDNN: Bool = true) {
        let threads = max(1, threads)
        openblas_set_num_threads(1)
        workerCount.store(threads, ordering: .relaxed)
        Runtime.oneDNN.store(oneDNN, ordering: .relaxed)
        #if os(Linux)
            _ = glibcMallopt(-3, 1 << 30)  // M_MMAP_THRESHOLD
            _ = glibcMallopt(-1, 1 << 30)  // M_TRIM_THRESHOLD
        #endif
    }

    /// The instruction set oneDNN's kernels use on this machine, after any cap set with the
    /// `ONEDNN_MAX_CPU_ISA` environment variable: "avx512_core_bf16", "avx2", ... (oneDNN's names).
    public static var oneDNNInstructionSet: String {
        let isa = dnnl_get_effective_cpu_isa().rawValue
        let names: [(UInt32, String)] = [
            (0x3e7, "avx512_core_amx"), (0xe7, "avx512_core_bf16"), (0x67, "avx512_core_vnni"), (0x27, "avx512_core"),
            (0x407, "avx2_vnni"), (0x7, "avx2"), (0x3, "avx"), (0x1, "sse41"),
        ]
        return names.first { isa & $0.0 == $0.0 && isa != 0 }?.1 ?? "unknown (\(isa))"
    }

    /// Changes the thread count alone (after `configure`), from any thread at any time: each of
    /// the core's operations reads the count once, when it starts, and no result depends on it.
    /// A lesson's program follows the build's share of the cores with it (see Notebook's
    /// `NotebookRuntime.followThreadShare`); `threads` is clamped to at least 1.
    public static func setThreads(_ threads: Int) {
        workerCount.store(max(1, threads), ordering: .relaxed)
    }

    /// The cores this machine has online (a default for `configure`, not a decision).
    public static var availableCores: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }
}

/// Everything on the calling thread, for a forked child (no worker threads survive `fork`).
public enum Parallelism {
    /// Same as `Runtime.configure(threads: 1)` without touching the allocator: our loops and
    /// OpenBLAS both stay on the calling thread.
    public static func runSerially() {
        Runtime.configureSerialAfterFork()
    }
}

extension Runtime {
    static func configureSerialAfterFork() {
        workerCount.store(1, ordering: .relaxed)
        openblas_set_num_threads(1)
    }
}

/// Runs `body` over 0..<count split into contiguous chunks across `Runtime.threads` workers, for
/// the non-GEMM loops. Small jobs and an unconfigured runtime stay on the calling thread.
@inline(__always)
func parallelChunks(_ count: Int, minimumPerChunk: Int = 1, _ body: (Range<Int>) -> Void) {
    let workers = min(Runtime.threads, max(1, count / max(minimumPerChunk, 1)))
    if workers <= 1 {
        body(0..<count)
        return
    }
    let chunk = (count + workers - 1) / workers
    concurrentlyPerform(workers) { w in
        let start = w * chunk
        let end = min(count, start + chunk)
        if start < end { body(start..<end) }
    }
}

/// Calls `body(0)`, ..., `body(iterations - 1)` at the same time on Dispatch's pool and returns
/// when all are done. The core's callers write disjoint parts of one buffer from each call (rows
/// of a product, chunks of a loop) through pointers that outlive the call, which the compiler
/// cannot see; this is the one place that promise is made.
func concurrentlyPerform(_ iterations: Int, _ body: (Int) -> Void) {
    withoutActuallyEscaping(body) { body in
        let work = DisjointWork(body: body)
        DispatchQueue.concurrentPerform(iterations: iterations) { work.body($0) }
    }
}

/// A closure run concurrently on disjoint data (see `concurrentlyPerform`); immutable, internal.
private struct DisjointWork: @unchecked Sendable {
    let body: (Int) -> Void
}

#if os(Linux)
    /// glibc's `int mallopt(int param, int value)` from <malloc.h>, which Swift's Glibc module does not export.
    @_silgen_name("mallopt")
    private func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
#endif
