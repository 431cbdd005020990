import Foundation
import LessonWire

/// One machine a learner might have, as `lessons audit` imitates it: another draw of every seeded
/// generator (`CNN_SEED_SHIFT`), oneDNN's kernels capped at AVX2 or at the machine's best
/// (`ONEDNN_MAX_CPU_ISA`, which changes the order of the convolutions' sums), and one thread or
/// every core.
public struct AuditVariant: Codable, Equatable, Sendable {
    public enum InstructionSet: String, Codable, Sendable {
        /// Whatever oneDNN picks on this CPU.
        case best
        /// Capped at AVX2, as on a CPU without AVX-512.
        case avx2
    }

    /// 0 is the seeds as written; k > 0 another draw of every one of them.
    public let seedShift: Int
    public let instructionSet: InstructionSet
    public let threads: Int

    public init(seedShift: Int, instructionSet: InstructionSet, threads: Int) {
        self.seedShift = seedShift
        self.instructionSet = instructionSet
        self.threads = threads
    }

    /// "seed+1 avx2 1t": short, for the table's legend.
    public var name: String {
        "seed+\(seedShift) \(instructionSet == .best ? "best" : "avx2") \(threads)t"
    }

    /// What the lesson's program gets besides the run's own variables.
    var environment: [String: String] {
        [
            "CNN_SEED_SHIFT": String(seedShift),
            "ONEDNN_MAX_CPU_ISA": instructionSet == .best ? "ALL" : "AVX2",
            LessonEnvironment.threads: String(threads),
            LessonEnvironment.audit: "1",
        ]
    }

    /// `runs` seed shifts (0 first, the course as built), each under both instruction sets; the
    /// thread count alternates so that both appear under each instruction set.
    public static func standard(runs: Int, cores: Int) -> [AuditVariant] {
        (0..<max(1, runs)).flatMap { shift -> [AuditVariant] in
            let (first, second) = shift % 2 == 0 ? (max(1, cores), 1) : (1, max(1, cores))
            return [
                AuditVariant(seedShift: shift, instructionSet: .best, threads: first),
                AuditVariant(seedShift: shift, instructionSet: .avx2, threads: second),
            ]
        }
    }
}
