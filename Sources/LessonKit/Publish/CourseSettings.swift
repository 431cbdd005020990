import Foundation

/// What a course says about itself, from `course.json` in the lessons folder (or `--course`):
/// the contents page's title and claim, and the data the lessons read, so that a change in the
/// data reruns them. The runner knows nothing of any data set itself.
public struct CourseSettings: Codable, Equatable, Sendable {
    /// The contents page's heading, and the end of every page's title.
    public var title: String
    /// One line under the heading: what the course claims for itself.
    public var summary: String
    /// Folders the lessons read data from, relative to the lessons folder; their files' names,
    /// sizes and times are part of every lesson's cache key.
    public var dataFolders: [String]
    /// Environment variables that name other data folders (such as `MNIST_DIR`); their values
    /// and those folders' files are part of the cache key too.
    public var dataEnvironment: [String]
    /// The title and summary in other languages, by language code: `{"zh-Hans": {"title": ...,
    /// "summary": ...}}` (the Traditional edition converts the Simplified).
    public var translations: [String: [String: String]]

    public static let fileName = "course.json"

    public init(
        title: String = "Course", summary: String = "", dataFolders: [String] = [], dataEnvironment: [String] = []
    ) {
        self.title = title
        self.summary = summary
        self.dataFolders = dataFolders
        self.dataEnvironment = dataEnvironment
        self.translations = [:]
    }

    /// The settings as an edition's pages show them: its title and summary, through `convert`.
    func translated(_ language: Language, convert: (String) -> String) -> CourseSettings {
        var settings = self
        let texts = translations[language.rawValue] ?? translations[Language.translatedFolder] ?? [:]
        settings.title = convert(texts["title"] ?? title)
        settings.summary = convert(texts["summary"] ?? summary)
        return settings
    }

    /// Missing keys take the defaults above; unknown keys are an error (a typo must not pass).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let known = Set(CodingKeys.allCases.map(\.stringValue))
        let any = try decoder.container(keyedBy: AnyKey.self)
        if let unknown = any.allKeys.first(where: { !known.contains($0.stringValue) }) {
            throw DecodingError.dataCorruptedError(
                forKey: CodingKeys.title, in: container,
                debugDescription:
                    "unknown key '\(unknown.stringValue)' (known: \(CodingKeys.allCases.map(\.stringValue).joined(separator: ", ")))"
            )
        }
        title = try container.decodeIfPresent(String.self, forKey: .title) ?? "Course"
        summary = try container.decodeIfPresent(String.self, forKey: .summary) ?? ""
        dataFolders = try container.decodeIfPresent([String].self, forKey: .dataFolders) ?? []
        dataEnvironment = try container.decodeIfPresent([String].self, forKey: .dataEnvironment) ?? []
        translations = try container.decodeIfPresent([String: [String: String]].self, forKey: .translations) ?? [:]
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case title, summary, dataFolders, dataEnvironment, translations }
    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// Reads `file`; a folder without one gets the defaults.
    public static func read(_ file: URL) throws -> CourseSettings {
        guard FileManager.default.fileExists(atPath: file.path) else { return CourseSettings() }
        do {
            return try JSONDecoder().decode(CourseSettings.self, from: Data(contentsOf: file))
        } catch let DecodingError.dataCorrupted(context) {
            throw MachineryError.badCourseFile(
                path: file.path, reason: context.codingPath.isEmpty ? "not JSON" : context.debugDescription)
        } catch let DecodingError.typeMismatch(_, context) {
            throw MachineryError.badCourseFile(
                path: file.path,
                reason: "'\(context.codingPath.map(\.stringValue).joined(separator: "."))' has the wrong type")
        } catch {
            throw MachineryError.badCourseFile(path: file.path, reason: "\(error)")
        }
    }

    /// Names, sizes and times of the data files, for the cache key.
    func dataFingerprint(lessonsDirectory: URL) -> String {
        let environment = ProcessInfo.processInfo.environment
        var parts = dataEnvironment.map { "\($0)=\(environment[$0] ?? "")" }
        let folders =
            dataFolders.map { lessonsDirectory.appendingPathComponent($0) }
            + dataEnvironment.compactMap { environment[$0].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) } }
        for folder in folders {
            let files =
                (try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)) ?? []
            for file in files.sorted(by: { $0.path < $1.path }) {
                let stamp = FileStamp(file)
                parts.append("\(file.path):\(stamp?.size ?? 0):\(stamp?.modified ?? 0)")
            }
        }
        return parts.joined(separator: "\n")
    }
}
