/// One message from a lesson's program to the runner. `Notebook` sends these, `LessonKit`
/// receives them; a new kind of cell output is one new case here.
///
/// Everything else the program writes (what cells print) is plain text, attributed to the cell
/// that is running. Cell boundaries travel on both stdout and stderr, because the two pipes are
/// read on two threads and each needs its own position.
public enum WireEvent: Codable, Equatable, Sendable {
    /// Cell `cell` begins; everything until its `cellEnd` is its output.
    case cellStart(cell: Int)
    /// Cell `cell` ran to its end in `seconds`.
    case cellEnd(cell: Int, seconds: Double)
    /// A value shown as Out[n], as text.
    case display(text: String)
    case table(TableOutput)
    case figure(FigureOutput)
    /// An `expect` check; `line` is the lesson line of the call, `found` the value it compared
    /// (for the forms that compare one: `expect(x, atLeast: y, ...)` and their kin).
    case expect(passed: Bool, claim: String, line: Int, found: String?)
    /// A line of a progress log. Step lines are for a live terminal only; the page keeps one line
    /// per epoch.
    case progress(text: String, step: ProgressStep)
    /// The cell failed with `message` (a failed `expect`, a figure that could not be written);
    /// `line` is the lesson line when the program knows it. The program ends after this.
    case error(message: String, line: Int?)
    /// A cell marked `expect: error` ran without failing.
    case unexpectedSuccess
    /// The value of the prose's inline value number `index` (`` `{swift} expr` ``), as text.
    case inlineValue(index: Int, text: String)
}

public enum ProgressStep: String, Codable, Equatable, Sendable {
    /// Within an epoch: shown live, not kept.
    case batch
    /// The end of an epoch: kept on the page.
    case epoch
}

/// A table under a cell: optional header, rows of already formatted cells.
public struct TableOutput: Codable, Equatable, Sendable {
    public var caption: String?
    public var header: [String]?
    public var rows: [[String]]
    /// Right-aligned, monospaced digits.
    public var numeric: Bool

    public init(caption: String? = nil, header: [String]? = nil, rows: [[String]], numeric: Bool = false) {
        self.caption = caption
        self.header = header
        self.rows = rows
        self.numeric = numeric
    }
}

/// A picture the program wrote beside the page; `frames` are an animation's steps as stills.
public struct FigureOutput: Codable, Equatable, Sendable {
    public var file: String
    public var caption: String?
    public var alt: String?
    /// What the figure could not show (values clipped, a colour bar left out).
    public var notes: [String]
    public var frames: [String]
    /// The same figure drawn in the dark theme (and its steps), for readers in dark mode.
    public var darkFile: String?
    public var darkFrames: [String]
    /// CSS pixels.
    public var width: Int
    public var height: Int

    public init(
        file: String, caption: String? = nil, alt: String? = nil, notes: [String] = [], frames: [String] = [],
        darkFile: String? = nil, darkFrames: [String] = [], width: Int, height: Int
    ) {
        self.file = file
        self.caption = caption
        self.alt = alt
        self.notes = notes
        self.frames = frames
        self.darkFile = darkFile
        self.darkFrames = darkFrames
        self.width = width
        self.height = height
    }

    enum CodingKeys: String, CodingKey { case file, caption, alt, notes, frames, darkFile, darkFrames, width, height }

    /// `darkFile` and `darkFrames` may be absent (a figure drawn in one theme only).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        file = try c.decode(String.self, forKey: .file)
        caption = try c.decodeIfPresent(String.self, forKey: .caption)
        alt = try c.decodeIfPresent(String.self, forKey: .alt)
        notes = try c.decode([String].self, forKey: .notes)
        frames = try c.decode([String].self, forKey: .frames)
        darkFile = try c.decodeIfPresent(String.self, forKey: .darkFile)
        darkFrames = try c.decodeIfPresent([String].self, forKey: .darkFrames) ?? []
        width = try c.decode(Int.self, forKey: .width)
        height = try c.decode(Int.self, forKey: .height)
    }
}
