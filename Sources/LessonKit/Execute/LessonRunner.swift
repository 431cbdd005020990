import Foundation
import LessonWire

/// Lesson -> ExecutedLesson: compiles the lesson's cells into one program against the project's
/// modules, runs it, and collects each cell's outputs. Renders nothing.
public struct LessonRunner: Sendable {
    public let toolchain: Toolchain
    /// Seconds a cell may run unless its `timeout` option says otherwise.
    public var defaultTimeout: Double
    /// Threads the lesson's program may use for its own work (`LESSON_THREADS`): the build shares
    /// the cores between the lessons it runs at once.
    public var threads: Int
    /// What to kill and remove if the build is abandoned (Ctrl-C): the compilers, the program,
    /// the temporary folder.
    public var interruption: Interruption?
    /// The build's sharing of the cores: when set, the lesson's threads follow its share for as
    /// long as it runs (starting from it instead of `threads`).
    public var threadShare: ThreadShare?

    public init(toolchain: Toolchain, defaultTimeout: Double = 600, threads: Int = 1) {
        self.toolchain = toolchain
        self.defaultTimeout = defaultTimeout
        self.threads = max(1, threads)
    }

    /// Runs `lesson`, writing its figures into `figureDirectory`.
    public func run(_ lesson: Lesson, figureDirectory: URL, onEvent: @escaping @Sendable (RunEvent) -> Void = { _ in })
        throws -> ExecutedLesson
    {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent(
            "lesson-\(lesson.slug)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        interruption?.track(work)
        defer {
            try? FileManager.default.removeItem(at: work)
            interruption?.done(work)
        }
        // From here to the end the lesson holds its share of the cores (its compiler uses one too).
        let shared = threadShare?.join(in: work)
        defer { if let shared { threadShare?.leave(shared.file) } }
        var environment = [LessonEnvironment.threads: String(shared?.threads ?? threads)]
        if let shared { environment[LessonEnvironment.threadsFile] = shared.file.path }
        let compiled = try compile(lesson, in: work, onEvent: onEvent)
        return execute(compiled, environment: environment, figureDirectory: figureDirectory, onEvent: onEvent)
    }

    /// A lesson compiled once, to be run once (a build) or many times (an audit): the program,
    /// the results of what compiling decided (`expect: compile-error` cells, the cell that does
    /// not compile), and the cells the program runs.
    public struct CompiledLesson: Sendable {
        let lesson: Lesson
        let sourcePath: String
        let executable: URL?
        let program: [Cell]
        let results: [Int: CellResult]
        let compileFailure: Cell?
    }

    /// Compiles `lesson` into `work` (which the caller removes).
    public func compile(_ lesson: Lesson, in work: URL, onEvent: @escaping @Sendable (RunEvent) -> Void = { _ in })
        throws -> CompiledLesson
    {
        // Absolute, so crash reports name it.
        let sourcePath = lesson.file.standardizedFileURL.path
        var results: [Int: CellResult] = [:]
        for cell in lesson.cells {
            results[cell.number] = CellResult(cell: cell, status: cell.options.eval ? .notRun : .skipped)
        }

        // Cells that must not compile are checked one by one against the cells before them.
        var program: [Cell] = []
        var stopAt: Int?  // the first cell that failed to compile
        for cell in lesson.cells where cell.options.eval {
            if cell.options.expect == .compileError {
                let probe = try compile(
                    program + [cell], sourcePath: sourcePath, in: work, name: "probe-\(cell.number)",
                    typecheckOnly: true)
                if probe.ok {
                    results[cell.number]!.status = .failed(
                        CellFailure(cell: cell, kind: .unexpectedSuccess(.compileError)))
                    stopAt = cell.number
                    break
                }
                let messages = diagnostics(probe.diagnostics, sourcePath: sourcePath).filter {
                    cell.lines.contains($0.line)
                }
                results[cell.number]!.status = .failedAsExpected(messages.map(\.text).joined(separator: "\n"))
                results[cell.number]!.outputs = [
                    .errorText(
                        messages.map { "\(lesson.slug).md:\($0.line):\($0.column): \($0.text)" }.joined(separator: "\n")
                            + "\n")
                ]
                continue
            }
            program.append(cell)
        }
        if let stopAt { program = program.filter { $0.number < stopAt } }

        // Compile the whole program; on an error, find the first failing cell and run the cells before it.
        var compileFailure: Cell?  // said after the cells before it ran, so the terminal shows it in its place
        var compiled = try compile(program, sourcePath: sourcePath, in: work, name: "lesson", typecheckOnly: false)
        if !compiled.ok, let missing = Toolchain.missingLibrary(in: compiled.diagnostics) { throw missing }
        if !compiled.ok {
            let all = diagnostics(compiled.diagnostics, sourcePath: sourcePath)
            guard let failing = all.lazy.compactMap({ d in program.first { $0.owns(line: d.line) } }).first else {
                let first =
                    compiled.diagnostics.components(separatedBy: "\n").first { $0.contains("error:") }
                    ?? compiled.diagnostics
                throw MachineryError.compilerFailedOutsideCells(lesson: lesson.slug, message: first)
            }
            // Every error of the cell, each saying the inline value it is in, if any.
            let inCell = all.filter { failing.owns(line: $0.line) }.map { d in
                CompileDiagnostic(
                    file: "\(lesson.slug).md", line: d.line, column: d.column, message: d.text,
                    inlineValue: failing.lines.contains(d.line)
                        ? nil : failing.inlineValues.first { $0.line == d.line }?.expression)
            }
            // A column inside an inline value counts in the generated line, not the lesson's: left out.
            let column = inCell.first.flatMap { $0.inlineValue == nil ? $0.column : nil }
            results[failing.number]!.status = .failed(
                CellFailure(cell: failing, line: inCell.first?.line, column: column, kind: .compileError(inCell)))
            results[failing.number]!.outputs = [.errorText(inCell.map(\.description).joined(separator: "\n") + "\n")]
            compileFailure = failing
            program = program.filter { $0.number < failing.number }
            compiled =
                program.isEmpty
                ? (true, "", "none")
                : try compile(program, sourcePath: sourcePath, in: work, name: "prefix", typecheckOnly: false)
            guard compiled.ok else {
                throw MachineryError.prefixDoesNotCompile(lesson: lesson.slug, cell: failing.number)
            }
        }
        return CompiledLesson(
            lesson: lesson, sourcePath: sourcePath,
            executable: program.isEmpty ? nil : work.appendingPathComponent(compiled.executableName),
            program: program, results: results, compileFailure: compileFailure)
    }

    /// Runs a compiled lesson's program with `environment` added to what every run gets.
    public func execute(
        _ compiled: CompiledLesson, environment: [String: String], figureDirectory: URL,
        onEvent: @escaping @Sendable (RunEvent) -> Void = { _ in }
    ) -> ExecutedLesson {
        var results = compiled.results
        if let executable = compiled.executable {
            var executor = Executor(
                cells: compiled.program, sourcePath: compiled.sourcePath, defaultTimeout: defaultTimeout,
                environment: environment)
            executor.interruption = interruption
            for result in executor.run(
                executable, figureDirectory: figureDirectory, workingDirectory: toolchain.packageRoot, onEvent: onEvent)
            {
                results[result.cell.number] = result
            }
        }
        let lesson = compiled.lesson
        if let failing = compiled.compileFailure {
            onEvent(.cellStarted(failing))
            onEvent(.cellFinished(results[failing.number]!))
        }
        return ExecutedLesson(
            lesson: lesson, results: lesson.cells.map { results[$0.number]! }, swiftVersion: toolchain.swiftVersion,
            builtAt: Date())
    }

    private func compile(_ cells: [Cell], sourcePath: String, in work: URL, name: String, typecheckOnly: Bool) throws
        -> (ok: Bool, diagnostics: String, executableName: String)
    {
        let source = work.appendingPathComponent("\(name).swift")
        try ProgramBuilder.program(cells, sourcePath: sourcePath).write(to: source, atomically: true, encoding: .utf8)
        var result = try toolchain.compile(
            source, to: work.appendingPathComponent(name), typecheckOnly: typecheckOnly, interruption: interruption)
        if !result.ok && !result.diagnostics.contains(sourcePath + ":")
            && Toolchain.missingLibrary(in: result.diagnostics) == nil
        {
            // Nothing the lesson wrote is wrong: lessons compiled at once can race on the shared
            // module cache. Once more before it counts as a failure of the machinery.
            result = try toolchain.compile(
                source, to: work.appendingPathComponent(name), typecheckOnly: typecheckOnly, interruption: interruption)
        }
        return (result.ok, result.diagnostics, name)
    }

    struct Diagnostic {
        let line: Int
        let column: Int
        let text: String
    }

    /// "path.md:12:5: error: message" lines naming the lesson.
    func diagnostics(_ output: String, sourcePath: String) -> [Diagnostic] {
        output.components(separatedBy: "\n").compactMap { line in
            guard line.hasPrefix(sourcePath + ":"), let errorRange = line.range(of: ": error: ") else { return nil }
            let numbers = line[line.index(line.startIndex, offsetBy: sourcePath.count + 1)..<errorRange.lowerBound]
                .split(separator: ":").compactMap { Int($0) }
            guard let l = numbers.first else { return nil }
            return Diagnostic(
                line: l, column: numbers.count > 1 ? numbers[1] : 1, text: String(line[errorRange.upperBound...]))
        }
    }
}
