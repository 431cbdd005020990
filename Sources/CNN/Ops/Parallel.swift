import CBLAS
import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// How many cores the core's loops use: OpenBLAS's threads for matrix products, and the split of
/// the other loops (im2col, pooling) across Dispatch's workers.
public enum Parallelism {
    /// Workers for the non-GEMM loops; the machine's cores unless `CNN_THREADS` says otherwise.
    nonisolated(unsafe) public static var workers: Int = {
        if let text = getenv("CNN_THREADS").map({ String(cString: $0) }), let n = Int(text), n >= 1 { return n }
        return max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }()

    /// Large buffers (im2col matrices, activations) are reused from the heap instead of being
    /// mapped fresh from the kernel each step: glibc would otherwise mmap every allocation above
    /// 128 kB and the kernel would zero its pages again on every training step (measured: about a
    /// fifth of a training step went to page faults and page clearing).
    static let keepLargeAllocationsOnTheHeap: Void = {
        #if os(Linux)
        _ = glibcMallopt(-3, 1 << 30)  // M_MMAP_THRESHOLD
        _ = glibcMallopt(-1, 1 << 30)  // M_TRIM_THRESHOLD
        #endif
    }()

    /// OpenBLAS runs on the calling thread; `gemm` splits large products across our workers.
    static let useSingleThreadedBLAS: Void = { openblas_set_num_threads(1) }()

    /// Everything on the calling thread (for a forked child, where no worker threads survive).
    public static func runSerially() {
        workers = 1
        openblas_set_num_threads(1)
    }
}

/// Runs `body` over 0..<count split into contiguous chunks across `Parallelism.workers`, for the
/// non-GEMM loops. Small jobs stay on the calling thread.
@inline(__always)
func parallelChunks(_ count: Int, minimumPerChunk: Int = 1, _ body: (Range<Int>) -> Void) {
    let workers = min(Parallelism.workers, max(1, count / max(minimumPerChunk, 1)))
    if workers <= 1 { body(0..<count); return }
    let chunk = (count + workers - 1) / workers
    DispatchQueue.concurrentPerform(iterations: workers) { w in
        let start = w * chunk, end = min(count, start + chunk)
        if start < end { body(start..<end) }
    }
}

#if os(Linux)
/// glibc's `int mallopt(int param, int value)` from <malloc.h>, which Swift's Glibc module does not export.
@_silgen_name("mallopt")
private func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
#endif
