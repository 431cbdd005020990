import Foundation

/// What a build reports for one lesson.
public struct LessonOutcome: Sendable {
    public let slug: String
    public let displayPath: String
    public let cached: Bool
    /// The lesson's own failures (parse errors, failed cells), each at its line.
    public let failures: [LessonError]
    public let warnings: [LessonError]
    /// A step that failed outside the lesson; the previous page, if any, stays.
    public let error: PublishError?
    public let seconds: Double
    /// What the contents page lists; nil when the lesson could not be published.
    public let record: BuildRecord?
    /// Cells that did not run because an earlier cell failed.
    public var notRun: [Int] = []
    /// Rendered again from the stored run: the cells did not change, nothing ran.
    public var frozen = false
    public var passed: Bool { failures.isEmpty && error == nil }
}

/// Publishes lessons into the output folder, each through the named `PublishStep`s: parse, key
/// (an unchanged lesson is not rerun), run, render, stage, publish. One lesson's failure never
/// stops the others. Every lesson of the course is read and parsed once per build; the contents
/// page is made from those results.
public struct CoursePublisher: Sendable {
    public let lessonsDirectory: URL
    public let output: OutputFolder
    public let toolchain: Toolchain
    public let settings: CourseSettings
    public var force = false
    /// Lessons run at once.
    public var jobs = 2
    /// Cores the build may use in all; each running lesson gets an equal share as `LESSON_THREADS`,
    /// which grows as other lessons end (`ThreadShare`).
    public var cores = ProcessInfo.processInfo.activeProcessorCount
    public var defaultTimeout: Double = 600
    /// What to kill and remove if the command is interrupted: compilers, lesson programs,
    /// temporary and staging folders.
    public var interruption: Interruption?
    /// Bumped when the runner's output format changes, so old caches miss.
    public static let formatVersion = "lessons-format-4"

    /// The lessons' files as listed once for the command (nil: listed when asked).
    let course: [URL]?

    /// `course` is the lessons folder's listing when the caller made it already.
    public init(
        lessonsDirectory: URL, output: OutputFolder, toolchain: Toolchain, settings: CourseSettings,
        course: [URL]? = nil
    ) {
        self.lessonsDirectory = lessonsDirectory
        self.output = output
        self.toolchain = toolchain
        self.settings = settings
        self.course = course
    }

    /// The lessons' files, in course order (by file name), README excluded.
    public func lessonFiles() throws -> [URL] { try course ?? LessonList.files(in: lessonsDirectory) }

    /// The lesson file for a name: a path to a .md file, a slug ("05-pooling"), its number ("5",
    /// "05") or its name without the number ("pooling", or the start of it) when only one
    /// lesson fits. A name that fits several is an error listing them.
    public func resolve(_ name: String) throws -> URL {
        if name.hasSuffix(".md") {
            let url = URL(fileURLWithPath: name)
            guard FileManager.default.fileExists(atPath: url.path) else {
                throw RequestError.noLessonFile(path: name)
            }
            return url
        }
        let files = try lessonFiles()
        let slugs = files.map { $0.deletingPathExtension().lastPathComponent }
        if let exact = slugs.firstIndex(of: name) { return files[exact] }
        let matches = CoursePublisher.candidates(for: name, in: slugs)
        if matches.count == 1, let i = slugs.firstIndex(of: matches[0]) { return files[i] }
        if matches.count > 1 { throw RequestError.ambiguousLesson(name: name, candidates: matches) }
        throw RequestError.unknownLesson(name: name, available: slugs)
    }

    /// The slugs `name` may mean: by number ("5" fits "05-pooling"), else by the name after the
    /// number, whole ("pooling") or its start ("pool"), ignoring case.
    static func candidates(for name: String, in slugs: [String]) -> [String] {
        func split(_ slug: String) -> (number: Int?, rest: String) {
            let digits = slug.prefix { $0.isNumber }
            let rest = slug.dropFirst(digits.count).drop { $0 == "-" || $0 == "_" }
            return (Int(digits), String(rest).lowercased())
        }
        let wanted = name.lowercased()
        if let number = Int(wanted) { return slugs.filter { split($0).number == number } }
        let whole = slugs.filter { split($0).rest == wanted }
        if !whole.isEmpty { return whole }
        return wanted.isEmpty
            ? [] : slugs.filter { split($0).rest.hasPrefix(wanted) || $0.lowercased().hasPrefix(wanted) }
    }

    /// The order lessons start in, as indices into `runSeconds` (each lesson's last run, nil if it
    /// never ran here): those never run first, in course order, then the longest first, so that
    /// the cores stay busy to the end instead of waiting on one long lesson started last.
    static func startOrder(_ runSeconds: [Double?]) -> [Int] {
        let unknown = runSeconds.indices.filter { runSeconds[$0] == nil }
        let known = runSeconds.indices.filter { runSeconds[$0] != nil }.sorted { runSeconds[$0]! > runSeconds[$1]! }
        return unknown + known
    }

    /// Threads each running lesson may use: the cores shared by the lessons that run at once.
    public static func threadsPerLesson(cores: Int, jobs: Int, lessons: Int) -> Int {
        max(1, max(1, cores) / max(1, min(jobs, lessons)))
    }

    /// Publishes `files` (all lessons when empty), `onProgress` hearing each finished lesson,
    /// then rewrites the contents page. `onEvent` streams the cells of running lessons.
    /// A lesson named twice runs once. `onStatus` hears each lesson start and each of its cells
    /// start, for a live display.
    public func build(
        _ files: [URL], onProgress: @escaping @Sendable (Int, Int, LessonOutcome) -> Void,
        onEvent: (@Sendable (RunEvent) -> Void)? = nil,
        onStatus: (@Sendable (LessonStatus) -> Void)? = nil
    ) throws -> [LessonOutcome] {
        let course = try lessonFiles()
        var seen: Set<String> = []
        let targets = (files.isEmpty ? course : files).filter { seen.insert($0.standardizedFileURL.path).inserted }
        // Step "parse", once for every lesson: the pages need their neighbours' titles.
        var parsed: [String: ParsedLesson] = [:]
        for file in course + targets where parsed[file.standardizedFileURL.path] == nil {
            parsed[file.standardizedFileURL.path] = ParsedLesson(file: file, displayPath: displayPath(file))
        }
        let context = BuildContext(
            course: course.map { parsed[$0.standardizedFileURL.path]! },
            core: try toolchain.fingerprint(),
            data: settings.dataFingerprint(lessonsDirectory: lessonsDirectory),
            threads: CoursePublisher.threadsPerLesson(cores: cores, jobs: jobs, lessons: targets.count),
            threadShare: ThreadShare(cores: cores))
        let lessons = targets.map { parsed[$0.standardizedFileURL.path]! }
        let outcomes = Locked([LessonOutcome?](repeating: nil, count: lessons.count))
        let finished = Locked(0)
        // Step "key" for every lesson first: an unchanged one is done here, without its stored run.
        let keys = lessons.map { key(for: $0, context: context) }
        for i in lessons.indices {
            guard let cached = cachedOutcome(lessons[i], key: keys[i]) else { continue }
            outcomes.withLock { $0[i] = cached }
            onProgress(
                finished.withLock {
                    $0 += 1
                    return $0
                }, lessons.count, cached)
        }
        // The others' stored runs, read once: for the order they start in, then for freezing.
        let toPublish = lessons.indices.filter { i in outcomes.withLock { $0[i] == nil } }
        let stored = toPublish.map { StoredRun.read(from: output.lessonFolder(lessons[$0].slug)) }
        let order = CoursePublisher.startOrder(
            stored.map { run in run.map { $0.cells.compactMap(\.seconds).reduce(0, +) } })
        let slots = DispatchSemaphore(value: max(1, jobs))
        DispatchQueue.concurrentPerform(iterations: toPublish.count) { k in
            let j = order[k]
            let i = toPublish[j]
            slots.wait()
            defer { slots.signal() }
            let outcome = publish(
                lessons[i], key: keys[i], stored: stored[j], context: context, onEvent: onEvent, onStatus: onStatus)
            outcomes.withLock { $0[i] = outcome }
            onProgress(
                finished.withLock {
                    $0 += 1
                    return $0
                }, lessons.count, outcome)
        }
        let results = outcomes.withLock { $0.compactMap { $0 } }
        // The contents page: this build's records, and the stored ones of lessons not built now.
        let built = Dictionary(
            results.compactMap { o in o.record.map { (o.slug, $0) } }, uniquingKeysWith: { a, _ in a })
        let entries = context.course.map { lesson in
            (lesson.slug, built[lesson.slug] ?? BuildRecord.read(from: output.lessonFolder(lesson.slug)))
        }
        // Every lesson of the course gets a page, so no link of the contents page or of a pager is
        // dead: one not built yet gets a page saying so.
        var notBuilt = 0
        for lesson in context.course
        where !FileManager.default.fileExists(atPath: output.lessonFolder(lesson.slug).path) {
            try writeNotBuiltPage(lesson, neighbours: neighbours(of: lesson, in: context.course))
            notBuilt += 1
        }
        try output.writeAtomically(
            IndexRenderer.render(
                entries, settings: settings, output: output.url,
                edition: Edition(
                    language: .english, words: .english,
                    languages: EditionPublisher.languages(lessons: lessonsDirectory))),
            to: "index.html")
        // The search index is read from the pages: their keys say whether it is still theirs.
        try SearchIndex.write(
            into: output, lessons: context.course.map { ($0.slug, $0.title) },
            pages: notBuilt > 0
                ? nil : fingerprint([CoursePublisher.formatVersion] + entries.map { "\($0.0)=\($0.1?.key ?? "-")" }))
        return results
    }

    /// The translated editions of the whole course, from the English pages' stored runs (see
    /// `EditionPublisher`); nothing when the course has no translations.
    public func publishEditions() throws -> EditionPublisher.Report {
        let course = try lessonFiles()
        return try EditionPublisher(
            lessonsDirectory: lessonsDirectory, displayLessons: displayPath(lessonsDirectory), output: output,
            settings: settings
        ).publish(course: course.map { ($0, displayPath($0)) })
    }

    /// A lesson file's path as the terminal and the pages show it: relative to the current
    /// folder when inside it.
    public func displayPath(_ file: URL) -> String {
        let cwd = FileManager.default.currentDirectoryPath + "/"
        let path = file.standardizedFileURL.path
        return path.hasPrefix(cwd) ? String(path.dropFirst(cwd.count)) : path
    }

    /// What every lesson of one build shares.
    struct BuildContext: Sendable {
        let course: [ParsedLesson]
        let core: String
        let data: String
        let threads: Int
        /// The cores shared by the lessons running at once: a lesson's share grows as others end.
        let threadShare: ThreadShare
    }

    /// The key of a lesson's page: everything the page shows that is not the lesson's own (the
    /// course's name, its lessons for the neighbours, the core and the data it ran against) and
    /// the lesson's text.
    func key(for parsed: ParsedLesson, context: BuildContext) -> String {
        fingerprint([
            CoursePublisher.formatVersion, parsed.source, context.core, context.data, settings.title,
            EditionPublisher.languages(lessons: lessonsDirectory).map(\.rawValue).joined(separator: ","),
            context.course.map { "\($0.slug)=\($0.title)" }.joined(separator: ","),
        ])
    }

    /// The outcome of a lesson whose published page was made under `key` (unchanged: not rerun),
    /// or nil.
    func cachedOutcome(_ parsed: ParsedLesson, key: String) -> LessonOutcome? {
        let folder = output.lessonFolder(parsed.slug)
        guard !force, let record = BuildRecord.read(from: folder), record.key == key,
            FileManager.default.fileExists(atPath: folder.appendingPathComponent("index.html").path),
            OutputFolder.manifest(of: folder) != nil
        else { return nil }
        return LessonOutcome(
            slug: parsed.slug, displayPath: parsed.displayPath, cached: true, failures: record.failures,
            warnings: record.warnings,
            error: nil, seconds: 0, record: record)
    }

    /// One lesson through the steps after "key": run (or render again from `stored`, its last
    /// run, when the cells are the same), render, stage, publish.
    func publish(
        _ parsed: ParsedLesson, key: String, stored: StoredRun?, context: BuildContext,
        onEvent: (@Sendable (RunEvent) -> Void)?,
        onStatus: (@Sendable (LessonStatus) -> Void)? = nil
    ) -> LessonOutcome {
        let start = Date()
        let slug = parsed.slug
        let path = parsed.displayPath
        var step = PublishStep.run
        var staging: URL?
        var frozen = false
        func outcome(
            failures: [LessonError], warnings: [LessonError] = [], error: PublishError? = nil, record: BuildRecord?
        ) -> LessonOutcome {
            var o = LessonOutcome(
                slug: slug, displayPath: path, cached: false, failures: failures, warnings: warnings, error: error,
                seconds: Date().timeIntervalSince(start), record: record)
            o.frozen = frozen
            return o
        }
        do {
            let neighbours = neighbours(of: parsed, in: context.course)
            let stage = try output.stagingFolder(slug)
            interruption?.track(stage)
            defer { interruption?.done(stage) }
            staging = stage
            let page: PageRenderer.Page
            let failures: [LessonError]
            var notRun: [Int] = []
            var title = slug
            var summary = ""
            switch parsed.lesson {
            case .success(let lesson):
                title = lesson.title
                summary = lesson.summary
                // Freeze: the stored run of the same cells under the same core and data is rendered again
                // (a prose edit); anything else runs.
                let runKey = RunKey(lesson: lesson, core: context.core, data: context.data)
                let executed: ExecutedLesson
                if !force, let stored = stored?.executed(for: lesson, key: runKey) {
                    try StoredRun.copyFigures(from: output.lessonFolder(slug), to: stage)
                    executed = stored
                    frozen = true
                } else {
                    var runner = LessonRunner(
                        toolchain: toolchain, defaultTimeout: defaultTimeout, threads: context.threads)
                    runner.interruption = interruption
                    runner.threadShare = context.threadShare
                    let cells = lesson.cells.count
                    onStatus?(LessonStatus(slug: slug, cell: nil, cells: cells, startedAt: start))
                    executed = try runner.run(
                        lesson, figureDirectory: stage,
                        onEvent: { event in
                            if case .cellStarted(let cell) = event {
                                onStatus?(LessonStatus(slug: slug, cell: cell.number, cells: cells, startedAt: start))
                            }
                            onEvent?(event)
                        })
                }
                try StoredRun(executed, key: runKey).write(to: stage)
                step = .render
                page = PageRenderer.render(
                    executed, displayPath: path, neighbours: neighbours, courseTitle: settings.title,
                    edition: Edition(
                        language: .english, words: .english,
                        languages: EditionPublisher.languages(lessons: lessonsDirectory)))
                // A fault of the text the page found (an unknown cross-reference) fails the lesson too.
                failures = page.failures + page.errors
                notRun = executed.results.filter { $0.status == .notRun }.map(\.cell.number)
            case .failure(let error):
                step = .render
                page = ErrorPage.render(title: slug, error: error, neighbours: neighbours, courseTitle: settings.title)
                failures = [error]
            }

            step = .stage
            let record = BuildRecord(
                key: key, slug: slug, title: title, summary: summary, failures: failures, warnings: page.warnings,
                thumbnail: page.thumbnail, seconds: Date().timeIntervalSince(start), builtAt: Date())
            try Data(page.html.utf8).write(to: stage.appendingPathComponent("index.html"))
            try record.write(to: stage)
            try OutputFolder.writeManifest(of: stage)

            step = .publish
            try output.publish(stage, as: slug)
            var done = outcome(failures: failures, warnings: page.warnings, record: record)
            done.notRun = notRun
            return done
        } catch {
            // The machinery failed (compiler missing, disk full): the previous page stays as it was.
            if let staging { try? FileManager.default.removeItem(at: staging) }
            return outcome(failures: [], error: PublishError(step: step, file: path, error: error), record: nil)
        }
    }

    func neighbours(of lesson: ParsedLesson, in course: [ParsedLesson]) -> CourseNeighbours {
        let index = course.firstIndex { $0.slug == lesson.slug }
        func neighbour(_ i: Int?) -> (slug: String, title: String)? {
            guard let i, course.indices.contains(i) else { return nil }
            return (course[i].slug, course[i].title)
        }
        // Every lesson of the course has a page (one not built yet says so), so the sidebar links
        // them all, and a cached page's sidebar never goes stale when another lesson is built.
        return CourseNeighbours(
            number: (index ?? 0) + 1, previous: neighbour(index.map { $0 - 1 }), next: neighbour(index.map { $0 + 1 }),
            course: course.map { CourseEntry(slug: $0.slug, title: $0.title) })
    }
}

/// A lesson of a build as it runs: its cell now (nil while it compiles) of how many.
public struct LessonStatus: Sendable, Equatable {
    public let slug: String
    public let cell: Int?
    public let cells: Int
    public let startedAt: Date
}

extension CoursePublisher {
    /// The page of a lesson that has not been built: it says so, and how to build it.
    func writeNotBuiltPage(_ lesson: ParsedLesson, neighbours: CourseNeighbours) throws {
        let stage = try output.stagingFolder(lesson.slug)
        interruption?.track(stage)
        defer { interruption?.done(stage) }
        let html = """
            \(Stylesheet.head(title: lesson.title + " · " + settings.title))
            <main style="max-width: 900px; margin: 0 auto;"><p><a href="../index.html">← Course contents</a></p>
            <p class="number">Lesson \(neighbours.number)</p><h1>\(HTML.escape(lesson.title))</h1>
            <div class="banner warning"><strong>This lesson is not built yet.</strong> Build it with <code>swift run lessons build \(HTML.escape(lesson.slug))</code>.</div>
            </main></body></html>

            """
        do {
            try Data(html.utf8).write(to: stage.appendingPathComponent("index.html"))
            try OutputFolder.writeManifest(of: stage)
            try output.publish(stage, as: lesson.slug)
        } catch {
            try? FileManager.default.removeItem(at: stage)
            throw error
        }
    }
}

/// A lesson file after the "parse" step: its text (for the cache key) and the lesson, or why
/// it could not be read.
struct ParsedLesson: Sendable {
    let file: URL
    let slug: String
    let displayPath: String
    let source: String
    let lesson: Result<Lesson, LessonError>

    init(file: URL, displayPath: String) {
        self.file = file
        self.slug = file.deletingPathExtension().lastPathComponent
        self.displayPath = displayPath
        if let data = FileManager.default.contents(atPath: file.path) {
            // Bytes that are not UTF-8 become replacement characters rather than a failure.
            source = String(decoding: data, as: UTF8.self)
            do { lesson = .success(try LessonParser.parse(source, file: file, displayPath: displayPath)) } catch {
                lesson = .failure(error)
            }
        } else {
            source = ""
            lesson = .failure(LessonError(file: displayPath, line: 0, message: "cannot be read"))
        }
    }

    var title: String { (try? lesson.get())?.title ?? slug }
}

/// The page for a lesson that could not even be parsed.
enum ErrorPage {
    static func render(title: String, error: LessonError, neighbours: CourseNeighbours, courseTitle: String)
        -> PageRenderer.Page
    {
        let html = """
            \(Stylesheet.head(title: title + " · " + courseTitle))
            <main style="max-width: 900px; margin: 0 auto;"><p><a href="../index.html">← Course contents</a></p>
            <p class="number">Lesson \(neighbours.number)</p><h1>\(HTML.escape(title))</h1>
            <div class="banner failed"><strong>This lesson could not be read.</strong><ul><li>\(HTML.escape(error.description))</li></ul></div>
            </main></body></html>

            """
        return PageRenderer.Page(html: html, warnings: [], thumbnail: nil)
    }
}
