/// The steps that publish one lesson, in order. A machinery failure names the step it
/// happened in.
public enum PublishStep: String, Sendable, CaseIterable {
    /// Read the Markdown and parse it into a `Lesson` (once per build, for every lesson).
    case parse
    /// The cache key: the lesson's text, the compiled core, the course's data.
    case key
    /// Compile and run the lesson's program; its figures land in the staging folder.
    case run
    /// The executed lesson to HTML.
    case render
    /// The page and the build record written into the staging folder.
    case stage
    /// The staging folder swapped in for the lesson's published folder.
    case publish
}

/// A step that failed for reasons outside the lesson (disk, compiler, permissions).
public struct PublishError: Error, Equatable, CustomStringConvertible, Sendable {
    public let step: PublishStep
    /// The lesson file, as the terminal shows it.
    public let file: String
    public let message: String
    /// The machinery's own error when that is what failed (a library missing at link time, a
    /// folder it must not replace), kept as it was raised.
    public let machinery: MachineryError?

    public init(step: PublishStep, file: String, message: String, machinery: MachineryError? = nil) {
        self.step = step
        self.file = file
        self.message = message
        self.machinery = machinery
    }

    /// A step that failed with `error`, said in the error's own words.
    public init(step: PublishStep, file: String, error: any Error) {
        self.init(step: step, file: file, message: "\(error)", machinery: error as? MachineryError)
    }

    public var description: String { "\(file): \(step.rawValue) failed: \(message)" }
}
