import ArgumentParser
import Foundation
import LessonKit

extension Lessons {
    struct Audit: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Rerun lessons under other seeds, instruction sets and thread counts, and say for every claim in how many variants it held.",
            discussion: """
                Each lesson is compiled once and run once per variant: --runs N seed shifts (the \
                seeds as written, then N-1 other draws of every seeded generator), each with \
                oneDNN at the machine's best instruction set and capped at AVX2, on one thread or \
                every core. Claims are every expect and every 'expect: error' or \
                'expect: compile-error' cell. Exits 1 if any claim fails in any variant. The \
                output folder and the stored runs are not touched.
                """)

        @Argument(help: "Lessons to audit, by slug (05-pooling), number (5) or name (pooling); all when none.")
        var slugs: [String] = []

        @Option(help: "Seed shifts, each run under both instruction sets (so 2 x N runs a lesson).")
        var runs: Int = 3

        @Option(help: "The folder holding the lessons.")
        var lessons: String = "Lessons"

        @Option(help: "Where the report is written as JSON.")
        var json: String = ".build/lessons-audit.json"

        @Option(name: [.customShort("j", allowingJoined: true), .long], help: "Lesson programs run at once.")
        var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

        func validate() throws {
            guard runs >= 1 else { throw ValidationError("--runs must be at least 1 (got \(runs))") }
            guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1 (got \(jobs))") }
        }

        func run() throws {
            let reporter = TerminalReporter()
            try reportingMachineryErrors(reporter, usage: Audit.self) {
                let folder = URL(fileURLWithPath: lessons)
                let all = try LessonList.files(in: folder)
                let root = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
                let toolchain = try Toolchain.locate(packageRoot: root)
                let settings = try CourseSettings.read(folder.appendingPathComponent(CourseSettings.fileName))
                // The publisher only resolves names here; it builds nothing.
                let names = CoursePublisher(
                    lessonsDirectory: folder, output: try OutputFolder(path: "output"), toolchain: toolchain,
                    settings: settings)
                var seen: Set<String> = []
                let files = try (slugs.isEmpty ? all : slugs.map { try names.resolve($0) }).filter {
                    seen.insert($0.standardizedFileURL.path).inserted
                }
                let cores = ProcessInfo.processInfo.activeProcessorCount
                let variants = AuditVariant.standard(runs: runs, cores: cores)
                var auditor = LessonAuditor(toolchain: toolchain, variants: variants, jobs: jobs)
                let interruption = Interruption()
                auditor.interruption = interruption
                Interrupt.handle(interruption, reporter: reporter)
                reporter.write(
                    "Auditing \(files.count) lesson\(files.count == 1 ? "" : "s") in \(variants.count) variants (\(runs) seed shift\(runs == 1 ? "" : "s") x 2 instruction sets), \(jobs) at a time.\n",
                    toStandardError: true)
                let report = try auditor.audit(files, displayPath: { names.displayPath($0) }) { progress in
                    switch progress {
                    case .compiling(let slug):
                        reporter.write("compiling \(slug)\n", toStandardError: true)
                    case .ran(let slug, let variant, let claims, let failed, let seconds, let done, let total):
                        let verdict =
                            failed.isEmpty ? "\(claims) claims held" : "\(failed.count) of \(claims) claims FAILED"
                        reporter.write(
                            "[\(done)/\(total)] \(slug), variant \(variant + 1) (\(variants[variant].name)): \(verdict), \(String(format: "%.1f s", seconds))\n"
                                + failed.map { "    ✗ \($0)\n" }.joined(), toStandardError: true)
                    }
                }
                reporter.write(AuditTable.render(report))
                let url = URL(fileURLWithPath: json)
                try? FileManager.default.createDirectory(
                    at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                do {
                    try encoder.encode(report).write(to: url)
                    reporter.write("The report as JSON: \(json)\n")
                } catch {
                    reporter.write(
                        "error: cannot write the report to \(json): \(error.localizedDescription)\n",
                        toStandardError: true)
                    throw ExitCode(2)
                }
                if !report.passed { throw ExitCode(1) }
            }
        }
    }
}

/// The audit's report as text: a claims x variants table, the failures with the value found in
/// each failing variant, and the times.
enum AuditTable {
    static func render(_ report: LessonAuditor.Report) -> String {
        let n = report.variants.count
        var out = "\nVariants (CPU flags: \(report.cpuFlags.isEmpty ? "unknown" : report.cpuFlags)):\n"
        for (k, v) in report.variants.enumerated() { out += "  \(k + 1). \(v.name)\n" }
        out +=
            "\n" + "claim".padding(toLength: 34, withPad: " ", startingAt: 0) + " "
            + (1...max(1, n)).map { String($0 % 10) }.joined() + "  held\n"
        for claim in report.claims {
            // A long path keeps its end, where the file's name and the line are.
            let whole = "\(claim.file):\(claim.line)"
            let place = whole.count <= 34 ? whole : "…" + whole.suffix(33)
            let marks = claim.observations.map { $0.held ? "✓" : "✗" }.joined()
            let text = claim.kind == .expect ? claim.claim : "\(claim.claim) (\(claim.kind.rawValue))"
            out +=
                place.padding(toLength: 34, withPad: " ", startingAt: 0) + " " + marks + "  \(claim.heldCount)/\(n)  "
                + clipped(text, 90) + "\n"
        }
        let failed = report.failed
        out +=
            "\n\(report.claims.count) claims in \(report.lessons.count) lesson\(report.lessons.count == 1 ? "" : "s"), \(n) variants: "
        out +=
            failed.isEmpty
            ? "every claim held in every variant.\n"
            : "\(failed.count) claim\(failed.count == 1 ? "" : "s") failed in some variant.\n"
        for claim in failed {
            out += "\(claim.file):\(claim.line): \(claim.claim)\n"
            for o in claim.observations where !o.held {
                out += "    variant \(o.variant + 1) (\(report.variants[o.variant].name)): \(o.found ?? "false")\n"
            }
        }
        let times = report.lessons.map { lesson -> String in
            let s = lesson.seconds.compactMap { $0 }
            guard let lo = s.min(), let hi = s.max() else { return "\(lesson.slug) -" }
            return "\(lesson.slug) \(String(format: "%.1f", lo))-\(String(format: "%.1f", hi)) s"
        }
        out += "Run times per variant: " + times.joined(separator: ", ") + "\n"
        out += "Audit took \(String(format: "%.0f", report.seconds)) s.\n"
        return out
    }

    static func clipped(_ s: String, _ width: Int) -> String {
        s.count <= width ? s : String(s.prefix(width - 1)) + "…"
    }
}
