import CBLAS

/// C[M, N] = alpha * op(A) * op(B) + beta * C, row-major, through OpenBLAS's `cblas_sgemm`.
/// `op` transposes when asked; `a` is [M, K] (or [K, M] when transposed), `b` is [K, N] (or [N, K]).
/// `epilogue(rows)` runs on rows `rows` of C right after they are computed, on the worker that
/// computed them and while they are still in its cache (a convolution adds its bias and applies
/// ReLU there instead of in passes of its own over memory).
func gemm(
    transposeA: Bool = false, transposeB: Bool = false, m: Int, n: Int, k: Int,
    alpha: Float = 1, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
    beta: Float = 0, c: UnsafeMutablePointer<Float>, epilogue: (Range<Int>) -> Void = { _ in }
) {
    guard m > 0, n > 0 else { return }
    if k == 0 {
        // An empty product; sgemm would still scale C by beta, so do exactly that.
        for i in 0..<(m * n) { c[i] = beta == 0 ? 0 : beta * c[i] }
        epilogue(0..<m)
        return
    }
    let lda = transposeA ? m : k
    let ldb = transposeB ? k : n
    // Large products are split into blocks of rows of C, and the blocks shared among our workers
    // (`Runtime.configure` also makes OpenBLAS single-threaded, so each block runs on its worker).
    // The blocks depend on the product's shape alone, never on the thread count: OpenBLAS's
    // rounding of a row depends on the rows it is computed with (tail rows take other code), so
    // the same blocks give the same bits on 1 thread or 8.
    let blocks = m * n * k >= 1 << 18 ? min(12, max(1, m / 16)) : 1
    let rowsPerBlock = (m + blocks - 1) / blocks
    func block(_ index: Int) {
        let r0 = index * rowsPerBlock
        let r1 = min(m, r0 + rowsPerBlock)
        guard r0 < r1 else { return }
        // Rows r0..<r1 of op(A): with A transposed they are columns of the stored A.
        let aBlock = transposeA ? a + r0 : a + r0 * lda
        sgemmBlock(transposeA, transposeB, r1 - r0, n, k, alpha, aBlock, lda, b, ldb, beta, c + r0 * n)
        epilogue(r0..<r1)
    }
    let workers = min(Runtime.threads, blocks)
    if workers <= 1 {
        for index in 0..<blocks { block(index) }
        return
    }
    concurrentlyPerform(workers) { w in
        for index in stride(from: w, to: blocks, by: workers) { block(index) }
    }
}

@inline(__always)
private func sgemmBlock(
    _ transposeA: Bool, _ transposeB: Bool, _ m: Int, _ n: Int, _ k: Int, _ alpha: Float,
    _ a: UnsafePointer<Float>, _ lda: Int, _ b: UnsafePointer<Float>, _ ldb: Int,
    _ beta: Float, _ c: UnsafeMutablePointer<Float>
) {
    cblas_sgemm(
        CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
        Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(n))
}

/// The matrix product of `[M, K]` and `[K, N]`: `[M, N]`.
public func matmul(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false) -> Tensor {
    require(a.rank == 2 && b.rank == 2, "matmul needs two matrices, got \(a.shape) and \(b.shape)")
    let (m, ka) = transposeA ? (a.shape[1], a.shape[0]) : (a.shape[0], a.shape[1])
    let (kb, n) = transposeB ? (b.shape[1], b.shape[0]) : (b.shape[0], b.shape[1])
    require(
        ka == kb, "matmul: inner sizes differ, \(a.shape)\(transposeA ? "ᵀ" : "") x \(b.shape)\(transposeB ? "ᵀ" : "")")
    var out = [Float](repeating: 0, count: m * n)
    a.scalars.withUnsafeBufferPointer { pa in
        b.scalars.withUnsafeBufferPointer { pb in
            out.withUnsafeMutableBufferPointer { pc in
                gemm(
                    transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: ka,
                    a: pa.baseAddress!, b: pb.baseAddress!, c: pc.baseAddress!)
            }
        }
    }
    return Tensor(shape: [m, n], scalars: out)
}

/// The naive triple loop, the reference `matmul` is tested against.
public func naiveMatmul(_ a: Tensor, _ b: Tensor) -> Tensor {
    let m = a.shape[0]
    let k = a.shape[1]
    let n = b.shape[1]
    require(b.shape[0] == k, "naiveMatmul: inner sizes differ")
    var out = Tensor(zeros: [m, n])
    for i in 0..<m {
        for j in 0..<n {
            var s: Float = 0
            for p in 0..<k { s += a.scalars[i * k + p] * b.scalars[p * n + j] }
            out.scalars[i * n + j] = s
        }
    }
    return out
}
