import Dispatch

/// Runs `body` over 0..<count split into contiguous chunks across the machine's cores, for the
/// non-GEMM loops (im2col, pooling, activations). Small jobs stay on the calling thread.
@inline(__always)
func parallelChunks(_ count: Int, minimumPerChunk: Int = 1, _ body: (Range<Int>) -> Void) {
    let workers = min(ProcessInfoCores.count, max(1, count / max(minimumPerChunk, 1)))
    if workers <= 1 { body(0..<count); return }
    let chunk = (count + workers - 1) / workers
    DispatchQueue.concurrentPerform(iterations: workers) { w in
        let start = w * chunk, end = min(count, start + chunk)
        if start < end { body(start..<end) }
    }
}

enum ProcessInfoCores {
    static let count: Int = {
        #if canImport(Glibc)
        return max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        #else
        return 2
        #endif
    }()
}

#if canImport(Glibc)
import Glibc
#endif
