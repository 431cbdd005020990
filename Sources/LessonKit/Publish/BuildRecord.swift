import Foundation

/// What the last build of a lesson left beside its page (`.lesson.json`): the cache key it was
/// built from and its result, so an unchanged lesson is not rerun and the contents page can list it.
public struct BuildRecord: Codable, Equatable, Sendable {
    public var key: String
    public var slug: String
    public var title: String
    public var summary: String
    /// Each failure with its line and, for a cell's failure, the cell's number.
    public var failures: [LessonError]
    public var warnings: [LessonError]
    public var thumbnail: String?
    public var seconds: Double
    public var builtAt: Date

    public var passed: Bool { failures.isEmpty }

    static let fileName = ".lesson.json"

    /// The record in `folder`; nil when there is none or it was written by another version.
    public static func read(from folder: URL) -> BuildRecord? {
        guard let data = try? Data(contentsOf: BuildState.file(fileName, ofLesson: folder)) else { return nil }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try? decoder.decode(BuildRecord.self, from: data)
    }

    func write(to folder: URL) throws {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(self).write(to: folder.appendingPathComponent(BuildRecord.fileName))
    }
}

/// FNV-1a, 64 bits: a fast fingerprint for cache keys (not for security).
func fingerprint(_ parts: [String]) -> String {
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325
    for part in parts {
        for byte in part.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
        hash = (hash ^ 0xFF) &* 0x100_0000_01B3
    }
    let s = String(hash, radix: 16)
    return String(repeating: "0", count: 16 - s.count) + s
}
