import Foundation

/// The key of a lesson's run (step "key"): what can change what the program does. The cells'
/// code with their `//|` options, in order, the core (with the toolchain and the runner), and the
/// course's data. Prose, headings, math and the course's title are not in it: an edit to them
/// re-renders the page from the stored run (`StoredRun`) without running anything.
struct RunKey: Equatable, Sendable {
    let code: String
    let core: String
    let data: String
    var combined: String { fingerprint([code, core, data]) }

    init(lesson: Lesson, core: String, data: String) {
        // The slug too: the program's crash reports and `#sourceLocation`s name the file.
        code = fingerprint(
            [CoursePublisher.formatVersion, lesson.slug] + lesson.cells.flatMap { [$0.code] + $0.inlineKey })
        self.core = fingerprint([core])
        self.data = fingerprint([data])
    }

    /// Why a lesson's stored run cannot be used, or nil when it can.
    static func staleness(lesson: Lesson, stored: StoredRun?, core: String, data: String) -> String? {
        guard let stored else { return "never built" }
        let now = RunKey(lesson: lesson, core: core, data: data)
        var reasons: [String] = []
        if stored.codeKey != now.code || stored.executed(for: lesson) == nil { reasons.append("code changed") }
        if stored.coreKey != now.core { reasons.append("core changed") }
        if stored.dataKey != now.data { reasons.append("data changed") }
        return reasons.isEmpty ? nil : reasons.joined(separator: ", ")
    }
}

extension StoredRun {
    init(_ executed: ExecutedLesson, key: RunKey) {
        self.init(executed, key: key.combined, codeKey: key.code, coreKey: key.core, dataKey: key.data)
    }

    /// This run, if it was made under `key` for exactly `lesson`'s cells.
    func executed(for lesson: Lesson, key: RunKey) -> ExecutedLesson? {
        self.key == key.combined ? executed(for: lesson) : nil
    }

    /// Copies the figures of the published folder into `stage`: everything but the page and the records.
    static func copyFigures(from folder: URL, to stage: URL) throws {
        let fm = FileManager.default
        for name in try fm.contentsOfDirectory(atPath: folder.path)
        where !["index.html", BuildRecord.fileName, StoredRun.fileName].contains(name) {
            try fm.copyItem(at: folder.appendingPathComponent(name), to: stage.appendingPathComponent(name))
        }
    }
}

extension LessonList {
    /// Why each lesson would run on the next build ("code changed", "core changed", "data
    /// changed", "never built"), by slug; a lesson whose stored run is current is not in it (a
    /// prose edit only re-renders).
    public static func staleness(lessons: URL, output: OutputFolder, toolchain: Toolchain, settings: CourseSettings)
        throws -> [String: String]
    {
        let core = try toolchain.fingerprint()
        let data = settings.dataFingerprint(lessonsDirectory: lessons)
        var result: [String: String] = [:]
        for file in try files(in: lessons) {
            let slug = file.deletingPathExtension().lastPathComponent
            guard let lesson = try? LessonParser.parse(file: file) else {
                result[slug] = "cannot be read"
                continue
            }
            result[slug] = RunKey.staleness(
                lesson: lesson, stored: StoredRun.read(from: output.lessonFolder(slug)), core: core, data: data)
        }
        return result
    }
}
