import Foundation

/// Lesson -> ExecutedLesson: compiles the lesson's cells into one program against the project's
/// modules, runs it, and collects each cell's outputs. Renders nothing.
public struct LessonRunner: Sendable {
    public let toolchain: Toolchain
    /// Seconds a cell may run unless its `timeout` option says otherwise.
    public var defaultTimeout: Double = 600

    public init(toolchain: Toolchain, defaultTimeout: Double = 600) {
        self.toolchain = toolchain
        self.defaultTimeout = defaultTimeout
    }

    /// Runs `lesson`, writing its figures into `figureDirectory`. `sourcePath` is the path
    /// diagnostics use for the lesson file (absolute, so crash reports can name it).
    public func run(_ lesson: Lesson, figureDirectory: URL, onEvent: @escaping (RunEvent) -> Void = { _ in }) throws -> ExecutedLesson {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("lesson-\(lesson.slug)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let sourcePath = lesson.file.standardizedFileURL.path
        var results: [Int: CellResult] = [:]
        for cell in lesson.cells { results[cell.number] = CellResult(cell: cell, status: cell.options.eval ? .notRun : .skipped) }

        // Cells that must not compile are checked one by one against the cells before them.
        var program: [Cell] = []
        var stopAt: Int?  // the first cell that failed to compile
        for cell in lesson.cells where cell.options.eval {
            if cell.options.expect == .compileError {
                let probe = try compile(program + [cell], sourcePath: sourcePath, in: work, name: "probe-\(cell.number)", typecheckOnly: true)
                if probe.ok {
                    results[cell.number]!.status = .failed(message: "the cell was expected not to compile ('expect: compile-error') but it compiled", line: cell.firstLine)
                    stopAt = cell.number
                    break
                }
                let messages = diagnostics(probe.diagnostics, sourcePath: sourcePath, within: cell)
                results[cell.number]!.status = .failedAsExpected(messages.map(\.text).joined(separator: "\n"))
                results[cell.number]!.outputs = [.errorText(messages.map { "\(lesson.slug).md:\($0.line):\($0.column): \($0.text)" }.joined(separator: "\n") + "\n")]
                continue
            }
            program.append(cell)
        }
        if let stopAt { program = program.filter { $0.number < stopAt } }

        // Compile the whole program; on an error, find the first failing cell and run the cells before it.
        var compiled = try compile(program, sourcePath: sourcePath, in: work, name: "lesson", typecheckOnly: false)
        if !compiled.ok, let missing = Toolchain.missingLibrary(in: compiled.diagnostics) { throw missing }
        if !compiled.ok {
            let all = diagnostics(compiled.diagnostics, sourcePath: sourcePath, within: nil)
            let failing = all.compactMap { d in program.first { $0.firstLine <= d.line && d.line < $0.firstLine + $0.code.components(separatedBy: "\n").count } }.first
            guard let failing else {
                let first = compiled.diagnostics.components(separatedBy: "\n").first { $0.contains("error:") } ?? compiled.diagnostics
                throw ToolchainError(message: "\(lesson.slug): the lesson program failed to compile outside any cell: \(first)")
            }
            let inCell = all.filter { $0.line >= failing.firstLine && $0.line < failing.firstLine + failing.code.components(separatedBy: "\n").count }
            results[failing.number]!.status = .failed(message: "compile error: " + (inCell.first?.text ?? "see the compiler's message"), line: inCell.first?.line ?? failing.firstLine)
            results[failing.number]!.outputs = [.errorText(inCell.map { "\(lesson.slug).md:\($0.line):\($0.column): error: \($0.text)" }.joined(separator: "\n") + "\n")]
            onEvent(.cellFinished(results[failing.number]!))
            program = program.filter { $0.number < failing.number }
            compiled = program.isEmpty ? (true, "", "none") : try compile(program, sourcePath: sourcePath, in: work, name: "prefix", typecheckOnly: false)
            guard compiled.ok else { throw ToolchainError(message: "\(lesson.slug): the cells before cell \(failing.number) did not compile on their own") }
        }
        if !program.isEmpty {
            let executor = Executor(cells: program, sourcePath: sourcePath, defaultTimeout: defaultTimeout, onEvent: onEvent)
            let executable = work.appendingPathComponent(compiled.executableName)
            for result in executor.run(executable, figureDirectory: figureDirectory, workingDirectory: toolchain.packageRoot) {
                results[result.cell.number] = result
            }
        }
        return ExecutedLesson(lesson: lesson, results: lesson.cells.map { results[$0.number]! }, swiftVersion: toolchain.swiftVersion, builtAt: Date())
    }

    private func compile(_ cells: [Cell], sourcePath: String, in work: URL, name: String, typecheckOnly: Bool) throws -> (ok: Bool, diagnostics: String, executableName: String) {
        let source = work.appendingPathComponent("\(name).swift")
        try ProgramBuilder.program(cells, sourcePath: sourcePath).write(to: source, atomically: true, encoding: .utf8)
        let result = try toolchain.compile(source, to: work.appendingPathComponent(name), typecheckOnly: typecheckOnly)
        return (result.ok, result.diagnostics, name)
    }

    struct Diagnostic { let line: Int; let column: Int; let text: String }

    /// "path.md:12:5: error: message" lines naming the lesson, optionally only those inside `cell`.
    func diagnostics(_ output: String, sourcePath: String, within cell: Cell?) -> [Diagnostic] {
        output.components(separatedBy: "\n").compactMap { line in
            guard line.hasPrefix(sourcePath + ":"), let errorRange = line.range(of: ": error: ") else { return nil }
            let numbers = line[line.index(line.startIndex, offsetBy: sourcePath.count + 1)..<errorRange.lowerBound].split(separator: ":").compactMap { Int($0) }
            guard let l = numbers.first else { return nil }
            if let cell, !(cell.firstLine..<(cell.firstLine + cell.code.components(separatedBy: "\n").count)).contains(l) { return nil }
            return Diagnostic(line: l, column: numbers.count > 1 ? numbers[1] : 1, text: String(line[errorRange.upperBound...]))
        }
    }
}
