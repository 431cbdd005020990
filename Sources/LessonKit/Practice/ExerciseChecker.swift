import Foundation

/// What checking one answer found.
public enum ExerciseVerdict: Equatable, Sendable {
    case passed
    /// The checks' claims that failed and what the check cell showed (its printed text and value).
    case failed(claims: [String], found: [String], at: String)
    case notAttempted
    /// Every compile error of the answer at its workbook `file:line:column` (or, when the check
    /// does not compile against the answer, a line naming the check and its errors at their
    /// lesson lines).
    case doesNotCompile([String])
    /// The lesson's own earlier cells failed: the answer could not be checked.
    case cannotCheck(String)

    public var attempted: Bool { self != .notAttempted }
}

/// Checks a workbook's answers: for each exercise, one program of the lesson's earlier cells
/// (without other exercises and their checks), the learner's answer, then the exercise's checks,
/// compiled and run by `LessonRunner`. Lines name the workbook for the answer and the lesson for
/// the rest.
public struct ExerciseChecker: Sendable {
    public let toolchain: Toolchain
    public var defaultTimeout: Double = 600
    /// Threads each check's program may use (`LESSON_THREADS`): every core, as the checks run one
    /// at a time; the core's results do not depend on the count.
    public var threads = ProcessInfo.processInfo.activeProcessorCount
    /// What to kill and remove if the command is interrupted: the compilers, the program, the
    /// temporary folders.
    public var interruption: Interruption?

    public init(toolchain: Toolchain) { self.toolchain = toolchain }

    /// Lines of the lesson's context cells and checks are moved this far in the program, so that
    /// they never collide with the workbook's lines in diagnostics.
    static let contextOffset = 1_000_000
    static let checkOffset = 2_000_000

    public func check(
        _ exercise: Exercise, in lesson: Lesson, answer: Workbook.Answer?, workbook: URL, workbookPath: String,
        lessonPath: String
    ) throws -> ExerciseVerdict {
        guard let answer, answer.attempted else { return .notAttempted }
        var cells: [Cell] = []
        func add(_ code: String, fenceLine: Int, options: CellOptions) -> Cell {
            let cell = Cell(number: cells.count + 1, fenceLine: fenceLine, code: code, options: options)
            cells.append(cell)
            return cell
        }
        for cell in lesson.cells
        where cell.number < exercise.solution.number && cell.options.exercise == nil && cell.options.check == nil {
            _ = add(cell.code, fenceLine: cell.fenceLine + Self.contextOffset, options: cell.options)
        }
        let contextCount = cells.count
        _ = add(answer.code, fenceLine: answer.firstLine - 1, options: CellOptions())
        var checkOptions = CellOptions()
        for check in exercise.checks {
            checkOptions.timeout = check.options.timeout
            _ = add(check.code, fenceLine: check.fenceLine + Self.checkOffset, options: checkOptions)
        }
        let program = Lesson(
            slug: lesson.slug, file: workbook, title: lesson.title, summary: "", blocks: cells.map { .cell($0) },
            source: "")
        let figures = FileManager.default.temporaryDirectory.appendingPathComponent(
            "lessons-check-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: figures, withIntermediateDirectories: true)
        interruption?.track(figures)
        defer {
            try? FileManager.default.removeItem(at: figures)
            interruption?.done(figures)
        }
        var runner = LessonRunner(toolchain: toolchain, defaultTimeout: defaultTimeout, threads: threads)
        runner.interruption = interruption
        let executed = try runner.run(program, figureDirectory: figures)

        // Back to the lesson's lines for what is not the answer.
        func lessonLine(_ line: Int) -> Int {
            line >= Self.checkOffset
                ? line - Self.checkOffset : line >= Self.contextOffset ? line - Self.contextOffset : line
        }
        for result in executed.results.prefix(contextCount) {
            if let failure = result.status.failure {
                return .cannotCheck(
                    "the lesson's cell at \(lessonPath):\(lessonLine(failure.line)) failed: \(failure.text)")
            }
        }
        if let failure = executed.results[contextCount].status.failure {
            if case .compileError(let diagnostics) = failure.kind {
                return .doesNotCompile(
                    diagnostics.map { "\(workbookPath):\($0.line):\($0.column): error: \($0.message)" })
            }
            return .failed(
                claims: [], found: ["your answer stopped at \(workbookPath):\(failure.line): \(failure.text)"],
                at: "\(workbookPath):\(failure.line)")
        }
        for result in executed.results.dropFirst(contextCount + 1) {
            guard let failure = result.status.failure else { continue }
            let at = "\(lessonPath):\(lessonLine(failure.line))"
            if case .compileError(let diagnostics) = failure.kind {
                return .doesNotCompile(
                    ["the check at \(at) does not compile with your answer:"]
                        + diagnostics.map { "\(lessonPath):\(lessonLine($0.line)):\($0.column): error: \($0.message)" })
            }
            var claims: [String] = []
            var found: [String] = []
            for output in result.outputs {
                switch output {
                case .check(false, let claim, _, _): claims.append(claim)
                case .display(let value): found.append(value)
                case .text(let text) where !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty:
                    found.append(text.trimmingCharacters(in: .whitespacesAndNewlines))
                default: break
                }
            }
            if claims.isEmpty { found.append(failure.text) }
            return .failed(claims: claims, found: found, at: at)
        }
        if executed.results.contains(where: { $0.status == .notRun }) {
            return .cannotCheck("the checks did not run")
        }
        return .passed
    }
}
