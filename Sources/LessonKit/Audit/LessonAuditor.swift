import Foundation

/// `lessons audit`: runs lessons under the variants a learner's machine can bring and says, for
/// every claim, in how many it held. Each lesson is compiled once and its program run once per
/// variant, `jobs` runs at a time; figures go to a temporary folder, and neither the output
/// folder nor the stored runs are touched.
public struct LessonAuditor: Sendable {
    public let toolchain: Toolchain
    public let variants: [AuditVariant]
    /// Runs at once.
    public var jobs: Int
    public var defaultTimeout: Double = 600
    /// What to kill and remove on Ctrl-C.
    public var interruption: Interruption?

    public init(toolchain: Toolchain, variants: [AuditVariant], jobs: Int) {
        self.toolchain = toolchain
        self.variants = variants
        self.jobs = max(1, jobs)
    }

    /// What the audit found: every claim of every lesson with its observations, variant by variant.
    public struct Report: Codable, Equatable, Sendable {
        public let variants: [AuditVariant]
        public var lessons: [LessonRuns]
        public var claims: [ClaimRecord]
        public var seconds: Double
        /// The CPU's instruction-set flags that matter here ("avx2 avx512f ...").
        public var cpuFlags: String

        public var failed: [ClaimRecord] { claims.filter { !$0.heldEverywhere } }
        public var passed: Bool { failed.isEmpty }
    }

    /// One lesson's runs: the seconds each variant's program took (nil where it did not run).
    public struct LessonRuns: Codable, Equatable, Sendable {
        public let slug: String
        public let file: String
        public var seconds: [Double?]
    }

    /// What the audit is doing, for the terminal.
    public enum Progress: Sendable {
        case compiling(slug: String)
        /// `failed` names each claim that did not hold, as "file:line: claim (found ...)".
        case ran(slug: String, variant: Int, claims: Int, failed: [String], seconds: Double, done: Int, total: Int)
    }

    /// Audits `files`; `displayPath` is how reports name a file.
    public func audit(
        _ files: [URL], displayPath: @escaping @Sendable (URL) -> String,
        onProgress: @escaping @Sendable (Progress) -> Void = { _ in }
    ) throws -> Report {
        let start = Date()
        let runner = {
            var runner = LessonRunner(toolchain: toolchain, defaultTimeout: defaultTimeout)
            runner.interruption = interruption
            return runner
        }()
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("lessons-audit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        interruption?.track(root)
        defer {
            try? FileManager.default.removeItem(at: root)
            interruption?.done(root)
        }

        // Parse and compile each lesson once. A lesson that does not parse is one failed claim.
        var parseFailures: [ClaimRecord] = []
        var parsed: [Lesson] = []
        for file in files {
            do {
                parsed.append(try LessonParser.parse(file: file, displayPath: displayPath(file)))
            } catch {
                parseFailures.append(
                    ClaimRecord(
                        lesson: file.deletingPathExtension().lastPathComponent, file: error.file, line: error.line,
                        claim: "the lesson parses",
                        kind: .cellFailure,
                        observations: variants.indices.map { .init(variant: $0, held: false, found: error.message) }))
            }
        }
        let lessons = parsed
        let compiled = Locked([LessonRunner.CompiledLesson?](repeating: nil, count: lessons.count))
        let compileError = Locked<(any Error)?>(nil)
        let slots = DispatchSemaphore(value: jobs)
        DispatchQueue.concurrentPerform(iterations: lessons.count) { i in
            slots.wait()
            defer { slots.signal() }
            let work = root.appendingPathComponent("\(lessons[i].slug)")
            do {
                try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
                onProgress(.compiling(slug: lessons[i].slug))
                let c = try runner.compile(lessons[i], in: work)
                compiled.withLock { $0[i] = c }
            } catch {
                compileError.withLock { $0 = $0 ?? error }
            }
        }
        if let error = compileError.withLock({ $0 }) { throw error }
        let programs = compiled.withLock { $0.map { $0! } }

        // Every (lesson, variant) run, the lessons with more cells first: the long ones should
        // not start last.
        let order = lessons.indices.sorted { lessons[$0].cells.count > lessons[$1].cells.count }
        let runs = order.flatMap { i in variants.indices.map { (lesson: i, variant: $0) } }
        let observed = Locked([[Int: [ObservedClaim]]](repeating: [:], count: lessons.count))
        let seconds = Locked(lessons.map { _ in [Double?](repeating: nil, count: variants.count) })
        let done = Locked(0)
        DispatchQueue.concurrentPerform(iterations: runs.count) { k in
            slots.wait()
            defer { slots.signal() }
            let (i, v) = runs[k]
            let figures = root.appendingPathComponent("\(lessons[i].slug)-figures-\(v)")
            try? FileManager.default.createDirectory(at: figures, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: figures) }
            let executed = runner.execute(programs[i], environment: variants[v].environment, figureDirectory: figures)
            let claims = ObservedClaim.claims(in: executed)
            let time = executed.results.compactMap(\.seconds).reduce(0, +)
            observed.withLock { $0[i][v] = claims }
            seconds.withLock { $0[i][v] = time }
            let n = done.withLock {
                $0 += 1
                return $0
            }
            let failed = claims.filter { !$0.held }.map {
                "\(displayPath(lessons[i].file)):\($0.line): \($0.claim)" + ($0.found.map { " (found \($0))" } ?? "")
            }
            onProgress(
                .ran(
                    slug: lessons[i].slug, variant: v, claims: claims.count, failed: failed,
                    seconds: time, done: n, total: runs.count))
        }

        var claims = parseFailures
        let byLesson = observed.withLock { $0 }
        for (i, lesson) in lessons.enumerated() {
            claims += ClaimRecord.merge(
                byLesson[i], variants: variants.count, lesson: lesson.slug, file: displayPath(lesson.file))
        }
        let times = seconds.withLock { $0 }
        return Report(
            variants: variants,
            lessons: lessons.enumerated().map {
                LessonRuns(slug: $1.slug, file: displayPath($1.file), seconds: times[$0])
            },
            claims: claims, seconds: Date().timeIntervalSince(start), cpuFlags: LessonAuditor.cpuFlags())
    }

    /// The x86 vector flags of this CPU, from /proc/cpuinfo ("" elsewhere).
    static func cpuFlags() -> String {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
            let line = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") })
        else { return "" }
        let wanted = line.split(separator: " ").filter { $0 == "fma" || $0.hasPrefix("avx") }
        return Set(wanted.map(String.init)).sorted().joined(separator: " ")
    }
}

extension ClaimRecord {
    /// One lesson's claims across the variants, in the lesson's order: a claim one variant did not
    /// reach (an earlier cell failed there, or a branch went another way) did not hold there.
    static func merge(_ runs: [Int: [ObservedClaim]], variants: Int, lesson: String, file: String) -> [ClaimRecord] {
        var order: [String] = []
        var first: [String: ObservedClaim] = [:]
        for v in 0..<variants {
            for claim in runs[v] ?? [] where first[claim.key] == nil {
                first[claim.key] = claim
                order.append(claim.key)
            }
        }
        return order.map { key in
            let c = first[key]!
            let observations = (0..<variants).map { v -> Observation in
                guard let seen = runs[v]?.first(where: { $0.key == key }) else {
                    // A cell that failed elsewhere ran here; any other claim was not reached.
                    if c.kind == .cellFailure, runs[v] != nil { return Observation(variant: v, held: true, found: nil) }
                    return Observation(variant: v, held: false, found: "not reached in this variant")
                }
                return Observation(variant: v, held: seen.held, found: seen.found)
            }
            return ClaimRecord(
                lesson: lesson, file: file, line: c.line, claim: c.claim, kind: c.kind, observations: observations)
        }.sorted { $0.line < $1.line }
    }
}
