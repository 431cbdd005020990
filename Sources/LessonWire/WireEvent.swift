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
    /// A plot laid out again for a phone's narrow column (its lettering near full size there),
    /// in the light and the dark theme; nil for a figure that has no phone layout.
    public var phoneFile: String?
    public var phoneDarkFile: String?
    /// An animation's steps laid out for a phone, light and dark (empty when it has none).
    public var phoneFrames: [String]
    public var phoneDarkFrames: [String]
    /// CSS pixels.
    public var width: Int
    public var height: Int

    public init(
        file: String, caption: String? = nil, alt: String? = nil, notes: [String] = [], frames: [String] = [],
        darkFile: String? = nil, darkFrames: [String] = [], phoneFile: String? = nil, phoneDarkFile: String? = nil,
        phoneFrames: [String] = [], phoneDarkFrames: [String] = [], width: Int, height: Int
    ) {
        self.file = file
        self.caption = caption
        self.alt = alt
        self.notes = notes
        self.frames = frames
        self.darkFile = darkFile
        self.darkFrames = darkFrames
        self.phoneFile = phoneFile
        self.phoneDarkFile = phoneDarkFile
        self.phoneFrames = phoneFrames
        self.phoneDarkFrames = phoneDarkFrames
        self.width = width
        self.height = height
    }

    enum CodingKeys: String, CodingKey {
        case file, caption, alt, notes, frames, darkFile, darkFrames, phoneFile, phoneDarkFile, phoneFrames
        case phoneDarkFrames, width, height
    }

    /// `darkFile`, `darkFrames` and the phone variants may be absent (a figure drawn in one theme
    /// only, a run stored before phone variants).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        file = try c.decode(String.self, forKey: .file)
        caption = try c.decodeIfPresent(String.self, forKey: .caption)
        alt = try c.decodeIfPresent(String.self, forKey: .alt)
        notes = try c.decode([String].self, forKey: .notes)
        frames = try c.decode([String].self, forKey: .frames)
        darkFile = try c.decodeIfPresent(String.self, forKey: .darkFile)
        darkFrames = try c.decodeIfPresent([String].self, forKey: .darkFrames) ?? []
        phoneFile = try c.decodeIfPresent(String.self, forKey: .phoneFile)
        phoneDarkFile = try c.decodeIfPresent(String.self, forKey: .phoneDarkFile)
        phoneFrames = try c.decodeIfPresent([String].self, forKey: .phoneFrames) ?? []
        phoneDarkFrames = try c.decodeIfPresent([String].self, forKey: .phoneDarkFrames) ?? []
        width = try c.decode(Int.self, forKey: .width)
        height = try c.decode(Int.self, forKey: .height)
    }

    /// The phone variants are written only when there are some, so a figure without them is
    /// stored as before.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(file, forKey: .file)
        try c.encodeIfPresent(caption, forKey: .caption)
        try c.encodeIfPresent(alt, forKey: .alt)
        try c.encode(notes, forKey: .notes)
        try c.encode(frames, forKey: .frames)
        try c.encodeIfPresent(darkFile, forKey: .darkFile)
        try c.encode(darkFrames, forKey: .darkFrames)
        try c.encodeIfPresent(phoneFile, forKey: .phoneFile)
        try c.encodeIfPresent(phoneDarkFile, forKey: .phoneDarkFile)
        if !phoneFrames.isEmpty { try c.encode(phoneFrames, forKey: .phoneFrames) }
        if !phoneDarkFrames.isEmpty { try c.encode(phoneDarkFrames, forKey: .phoneDarkFrames) }
        try c.encode(width, forKey: .width)
        try c.encode(height, forKey: .height)
    }
}
