import CNN
import Foundation

/// The CPU the bench runs on, as /proc/cpuinfo describes it, and its peak single-precision rate.
///
/// Peak = cores x clock x FLOPs per cycle per core, where FLOPs per cycle follows the widest
/// fused multiply-add the flags announce, counting two FMA units per core (Intel since Haswell,
/// AMD since Zen 2 for 256 bits and Zen 5 for 512 bits):
/// AVX-512F: 16 lanes x 2 (multiply + add) x 2 units = 64; AVX2 + FMA: 8 x 2 x 2 = 32;
/// AVX without FMA: 8 x 2 (separate add and multiply ports) = 16; otherwise SSE: 4 x 2 = 8.
/// A CPU that splits 512-bit operations into two halves (Zen 4) reaches only half the AVX-512
/// figure; the flags cannot say so, and the peak is then an upper bound.
///
/// The clock is measured, not read: /proc/cpuinfo gives the base clock (2.60 GHz on the machine
/// this was written on), while a busy core runs at its boost clock (4.27 GHz there), and a peak
/// from the base clock is exceeded by a well-fed kernel.
struct Processor {
    let modelName: String
    /// Logical processors online, as /proc/cpuinfo lists them.
    let logicalProcessors: Int
    /// The clock /proc/cpuinfo reports (the largest "cpu MHz" among the processors), in GHz.
    let nominalGigahertz: Double
    /// The clock a busy core runs at, measured by `measureClock`, in GHz.
    let gigahertz: Double
    /// The vector extensions that decide the kernels: avx, avx2, fma, avx512f, ...
    let vectorFlags: [String]

    /// oneDNN's instruction set (`Runtime.oneDNNInstructionSet`): the convolutions' kernels use
    /// no wider vectors, whatever the flags (`ONEDNN_MAX_CPU_ISA=AVX2` caps them on this machine).
    let kernelInstructionSet: String

    var flopsPerCycle: Int {
        let flags = Set(vectorFlags)
        if flags.contains("avx512f") && kernelInstructionSet.hasPrefix("avx512") { return 64 }
        if flags.contains("avx2") && flags.contains("fma") { return 32 }
        if flags.contains("avx") { return 16 }
        return 8
    }

    /// The peak of `cores` cores, in GFLOP/s.
    func peakGFLOPs(cores: Int) -> Double { Double(cores) * gigahertz * Double(flopsPerCycle) }

    static func current() -> Processor {
        let text = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        var model = "unknown"
        var count = 0
        var megahertz = 0.0
        var flags: [String] = []
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2 else { continue }
            switch parts[0] {
            case "processor": count += 1
            case "model name": model = parts[1]
            case "cpu MHz": megahertz = max(megahertz, Double(parts[1]) ?? 0)
            case "flags" where flags.isEmpty:
                let wanted: Set<String> = [
                    "sse4_2", "avx", "avx2", "fma", "f16c", "avx512f", "avx512bw", "avx512vl",
                    "avx512dq", "avx512_vnni", "avx512_bf16", "avx_vnni", "amx_tile",
                ]
                flags = parts[1].split(separator: " ").map(String.init).filter(wanted.contains)
            default: break
            }
        }
        return Processor(
            modelName: model, logicalProcessors: max(count, 1), nominalGigahertz: megahertz / 1000,
            gigahertz: measureClock(), vectorFlags: flags, kernelInstructionSet: Runtime.oneDNNInstructionSet)
    }

    /// The clock of the calling thread's core, in GHz: the best of five timings of a chain of
    /// steps each waiting for the last, x = (x * c) ^ (x >> 7) on 64 bits, which takes 4 cycles
    /// a step on x86-64 (a multiply's 3-cycle latency, then the xor's 1; the shift runs beside
    /// the multiply). Unlike x * c + 1, no compiler can fold several steps into one.
    static func measureClock(steps: Int = 20_000_000) -> Double {
        var best = 0.0
        for round in 0..<5 {
            let start = DispatchTime.now().uptimeNanoseconds
            let x = clockChain(steps, seed: UInt64(round + 1))
            let nanoseconds = Double(DispatchTime.now().uptimeNanoseconds - start)
            if x == 0 { print("", terminator: "") }  // uses the result, so the chain is computed
            best = max(best, 4 * Double(steps) / nanoseconds)
        }
        return best
    }

    var json: [String: Any] {
        [
            "model_name": modelName, "logical_processors": logicalProcessors, "ghz": gigahertz,
            "nominal_ghz": nominalGigahertz,
            "flags": vectorFlags, "flops_per_cycle": flopsPerCycle,
            "onednn_isa": kernelInstructionSet,
        ]
    }
}

/// The process's peak resident memory (VmHWM), in MB.
func peakMemoryMB() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
        let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") })
    else { return 0 }
    let kb = line.split(separator: " ").compactMap { Double($0) }.first ?? 0
    return kb / 1024
}

@inline(never)
private func clockChain(_ steps: Int, seed: UInt64) -> UInt64 {
    var x = seed
    for _ in 0..<steps { x = (x &* 0x9E37_79B9_7F4A_7C15) ^ (x >> 7) }
    return x
}
