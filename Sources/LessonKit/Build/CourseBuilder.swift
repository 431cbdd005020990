import Foundation

/// What a build reports for one lesson.
public struct LessonOutcome: Sendable {
    public let slug: String
    public let displayPath: String
    public let cached: Bool
    public let failures: [LessonError]
    public let warnings: [LessonError]
    public let seconds: Double
    public var passed: Bool { failures.isEmpty }
}

/// Builds lessons into the output folder: parse, run (unless the cache says nothing changed),
/// render, and swap each page in whole. One lesson's failure never stops the others.
public final class CourseBuilder: @unchecked Sendable {
    public let lessonsDirectory: URL
    public let output: OutputFolder
    public let toolchain: Toolchain
    public var force = false
    public var jobs = 2
    public var defaultTimeout: Double = 600
    /// Bumped when the runner's output format changes, so old caches miss.
    static let formatVersion = "lessons-format-1"

    public init(lessonsDirectory: URL, output: OutputFolder, toolchain: Toolchain) {
        self.lessonsDirectory = lessonsDirectory
        self.output = output
        self.toolchain = toolchain
    }

    /// The lessons' files, in course order (by file name), README excluded.
    public func lessonFiles() throws -> [URL] {
        guard let files = try? FileManager.default.contentsOfDirectory(at: lessonsDirectory, includingPropertiesForKeys: nil) else {
            throw ToolchainError(message: "no lessons folder at \(lessonsDirectory.path)")
        }
        return files.filter { $0.pathExtension == "md" && $0.lastPathComponent.lowercased() != "readme.md" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    /// The lesson file for a slug ("05-pooling") or a path to a .md file.
    public func resolve(_ name: String) throws -> URL {
        if name.hasSuffix(".md") {
            let url = URL(fileURLWithPath: name)
            guard FileManager.default.fileExists(atPath: url.path) else { throw ToolchainError(message: "no lesson file at \(name)") }
            return url
        }
        let files = try lessonFiles()
        guard let match = files.first(where: { $0.deletingPathExtension().lastPathComponent == name }) else {
            let available = files.map { $0.deletingPathExtension().lastPathComponent }.joined(separator: ", ")
            throw ToolchainError(message: "unknown lesson '\(name)'; available: \(available.isEmpty ? "none" : available)")
        }
        return match
    }

    func displayPath(_ file: URL) -> String {
        let cwd = FileManager.default.currentDirectoryPath + "/"
        let path = file.standardizedFileURL.path
        return path.hasPrefix(cwd) ? String(path.dropFirst(cwd.count)) : path
    }

    /// What the data a lesson may read looks like, for the cache key.
    func dataFingerprint() -> String {
        var parts: [String] = [ProcessInfo.processInfo.environment["MNIST_DIR"] ?? "shipped"]
        let folders = [ProcessInfo.processInfo.environment["MNIST_DIR"].map { URL(fileURLWithPath: $0) },
                       toolchain.packageRoot.appendingPathComponent("Lessons/data/mnist")].compactMap { $0 }
        for folder in folders {
            for file in ((try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)) ?? []).sorted(by: { $0.path < $1.path }) {
                let attributes = try? FileManager.default.attributesOfItem(atPath: file.path)
                parts.append("\(file.path):\((attributes?[.size] as? NSNumber)?.intValue ?? 0):\((attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)")
            }
        }
        return parts.joined(separator: "\n")
    }

    /// Builds `files` (all lessons when empty), `onProgress` hearing each finished lesson, then
    /// rewrites the index. `onEvent` streams cells of a single-lesson run.
    public func build(_ files: [URL], onProgress: @escaping (Int, Int, LessonOutcome) -> Void,
                      onEvent: (@Sendable (RunEvent) -> Void)? = nil) throws -> [LessonOutcome] {
        let all = try lessonFiles()
        let targets = files.isEmpty ? all : files
        let coreFingerprint = try toolchain.fingerprint()
        let dataFingerprint = dataFingerprint()
        var outcomes = [LessonOutcome?](repeating: nil, count: targets.count)
        let lock = NSLock()
        var done = 0
        let semaphore = DispatchSemaphore(value: max(1, jobs))
        DispatchQueue.concurrentPerform(iterations: targets.count) { i in
            semaphore.wait()
            defer { semaphore.signal() }
            let outcome = buildOne(targets[i], course: all, core: coreFingerprint, data: dataFingerprint, onEvent: onEvent)
            lock.lock()
            outcomes[i] = outcome
            done += 1
            let count = done
            lock.unlock()
            onProgress(count, targets.count, outcome)
        }
        try output.writeAtomically(IndexRenderer.render(all.map { file in
            let slug = file.deletingPathExtension().lastPathComponent
            return (slug, BuildRecord.read(from: output.lessonFolder(slug)))
        }), to: "index.html")
        return outcomes.compactMap { $0 }
    }

    func buildOne(_ file: URL, course: [URL], core: String, data: String, onEvent: (@Sendable (RunEvent) -> Void)?) -> LessonOutcome {
        let start = Date()
        let slug = file.deletingPathExtension().lastPathComponent
        let path = displayPath(file)
        let source = (try? Data(contentsOf: file)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        let key = fingerprint([CourseBuilder.formatVersion, source, core, data, course.map(\.lastPathComponent).joined(separator: ",")])
        if !force, let record = BuildRecord.read(from: output.lessonFolder(slug)), record.key == key,
           FileManager.default.fileExists(atPath: output.lessonFolder(slug).appendingPathComponent("index.html").path) {
            return LessonOutcome(slug: slug, displayPath: path, cached: true, failures: record.failures.map { parseFailure($0, path) },
                                 warnings: record.warnings.map { parseFailure($0, path) }, seconds: Date().timeIntervalSince(start))
        }
        let index = course.firstIndex { $0.lastPathComponent == file.lastPathComponent }
        func neighbour(_ i: Int?) -> (slug: String, title: String)? {
            guard let i, i >= 0, i < course.count else { return nil }
            let other = course[i]
            let title = (try? LessonParser.parse(file: other))?.title ?? other.deletingPathExtension().lastPathComponent
            return (other.deletingPathExtension().lastPathComponent, title)
        }
        let neighbours = CourseNeighbours(number: (index ?? 0) + 1, previous: neighbour(index.map { $0 - 1 }), next: neighbour(index.map { $0 + 1 }))
        var failures: [LessonError] = []
        var warnings: [LessonError] = []
        var staging: URL?
        do {
            let stage = try output.stagingFolder(slug)
            staging = stage
            let html: String
            var title = slug, summary = "", thumbnail: String?
            do {
                let lesson = try LessonParser.parse(file: file, displayPath: path)
                title = lesson.title
                summary = lesson.summary
                var runner = LessonRunner(toolchain: toolchain)
                runner.defaultTimeout = defaultTimeout
                let executed = try runner.run(lesson, figureDirectory: stage, onEvent: onEvent ?? { _ in })
                let page = PageRenderer.render(executed, displayPath: path, neighbours: neighbours)
                failures = executed.failures(displayPath: path)
                warnings = page.warnings
                thumbnail = page.thumbnail
                html = page.html
            } catch let error as LessonError {
                failures = [error]
                html = ErrorPage.render(title: slug, error: error.description, neighbours: neighbours)
            }
            let record = BuildRecord(key: key, slug: slug, title: title, summary: summary, passed: failures.isEmpty,
                                     failures: failures.map(\.description), warnings: warnings.map(\.description), thumbnail: thumbnail,
                                     seconds: Date().timeIntervalSince(start), builtAt: Date())
            try Data(html.utf8).write(to: stage.appendingPathComponent("index.html"))
            try record.write(to: stage)
            try output.publish(stage, as: slug)
        } catch {
            // The machinery failed (compiler missing, disk full): the previous page stays as it was.
            if let staging { try? FileManager.default.removeItem(at: staging) }
            failures.append(LessonError(file: path, line: 0, message: "\(error)"))
        }
        return LessonOutcome(slug: slug, displayPath: path, cached: false, failures: failures, warnings: warnings, seconds: Date().timeIntervalSince(start))
    }

    func parseFailure(_ text: String, _ path: String) -> LessonError {
        let prefix = path + ":"
        guard text.hasPrefix(prefix) else { return LessonError(file: path, line: 0, message: text) }
        let rest = text.dropFirst(prefix.count)
        let number = rest.prefix { $0.isNumber }
        return LessonError(file: path, line: Int(number) ?? 0, message: String(rest.dropFirst(number.count + 2)))
    }
}

/// The page for a lesson that could not even be parsed.
enum ErrorPage {
    static func render(title: String, error: String, neighbours: CourseNeighbours) -> String {
        """
        \(Stylesheet.head(title: title + " · CNN course"))
        <body><main style="max-width: 900px; margin: 0 auto;"><p><a href="../index.html">← Course contents</a></p>
        <p class="number">Lesson \(neighbours.number)</p><h1>\(HTML.escape(title))</h1>
        <div class="banner failed"><strong>This lesson could not be read.</strong><ul><li>\(HTML.escape(error))</li></ul></div>
        </main></body></html>

        """
    }
}
