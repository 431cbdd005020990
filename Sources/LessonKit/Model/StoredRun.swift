import Foundation
import LessonWire

/// An executed lesson as the cache keeps it (`.executed.json` beside the page): each cell's code
/// (options included) with its status and outputs, and the parts of the key it ran under. It is
/// reused only for a lesson whose cells are the same code in the same order; prose never enters.
public struct StoredRun: Codable, Equatable, Sendable {
    /// The fingerprint of the cells' code and options, the core and the data: the run's key.
    public var key: String
    /// The parts of the key, so `lessons list` can say which one changed.
    public var codeKey: String
    public var coreKey: String
    public var dataKey: String
    public var swiftVersion: String
    public var builtAt: Date
    public var cells: [StoredCell]

    public struct StoredCell: Codable, Equatable, Sendable {
        /// The cell's code with its `//|` lines, exactly as it ran.
        public var code: String
        /// The line of the first code line when it ran, to move lines the outputs name.
        public var firstLine: Int
        public var status: CellStatus
        public var outputs: [CellOutput]
        public var seconds: Double?
        /// The inline values the cell's run evaluated (`Cell.inlineKey`); absent in older runs.
        public var inline: [String]?
        /// The cell printed more than the page keeps; absent when not.
        public var outputCut: Bool?
    }

    static let fileName = ".executed.json"

    init(_ executed: ExecutedLesson, key: String, codeKey: String, coreKey: String, dataKey: String) {
        self.key = key
        self.codeKey = codeKey
        self.coreKey = coreKey
        self.dataKey = dataKey
        swiftVersion = executed.swiftVersion
        builtAt = executed.builtAt
        cells = executed.results.map {
            StoredCell(
                code: $0.cell.code, firstLine: $0.cell.firstLine, status: $0.status, outputs: $0.outputs,
                seconds: $0.seconds, inline: $0.cell.inlineKey,
                outputCut: $0.outputCut ? true : nil)
        }
    }

    /// The executed lesson for `lesson`, or nil when its cells are not exactly the ones that ran.
    /// Prose moved the cells: line numbers in failures and in the lesson's own `file:line` texts
    /// move with them.
    func executed(for lesson: Lesson) -> ExecutedLesson? {
        let current = lesson.cells
        guard current.count == cells.count,
            zip(current, cells).allSatisfy({ $0.code == $1.code && $0.inlineKey == ($1.inline ?? []) })
        else { return nil }
        let results = zip(current, cells).map { cell, stored in
            let shift = cell.firstLine - stored.firstLine
            var status = stored.status
            if case .failed(let f) = status { status = .failed(f.moved(by: shift, to: cell)) }
            let outputs =
                shift == 0
                ? stored.outputs
                : stored.outputs.map { output -> CellOutput in
                    guard case .errorText(let text) = output else { return output }
                    return .errorText(StoredRun.shiftLines(in: text, file: lesson.slug + ".md", by: shift))
                }
            return CellResult(
                cell: cell, status: status, outputs: outputs, seconds: stored.seconds,
                outputCut: stored.outputCut ?? false)
        }
        return ExecutedLesson(lesson: lesson, results: results, swiftVersion: swiftVersion, builtAt: builtAt)
    }

    /// "05-pooling.md:12:" becomes "05-pooling.md:14:" for a shift of 2.
    static func shiftLines(in text: String, file: String, by shift: Int) -> String {
        var out = ""
        var rest = Substring(text)
        while let range = rest.range(of: file + ":") {
            out += rest[..<range.upperBound]
            rest = rest[range.upperBound...]
            let digits = rest.prefix { $0.isNumber }
            if let n = Int(digits) {
                out += String(n + shift)
                rest = rest.dropFirst(digits.count)
            }
        }
        return out + rest
    }

    public static func read(from folder: URL) -> StoredRun? {
        guard let data = try? Data(contentsOf: BuildState.file(fileName, ofLesson: folder)) else { return nil }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try? decoder.decode(StoredRun.self, from: data)
    }

    func write(to folder: URL) throws {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        try encoder.encode(self).write(to: folder.appendingPathComponent(StoredRun.fileName))
    }
}
