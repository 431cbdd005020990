/// The environment variables through which the runner speaks to a lesson's program (the other
/// half of the contract the wire's events make): one name each, used by both sides.
public enum LessonEnvironment {
    /// Threads the program may use (the build shares the cores between running lessons).
    public static let threads = "LESSON_THREADS"
    /// A file holding the program's current share of the cores, rewritten as lessons end.
    public static let threadsFile = "LESSON_THREADS_FILE"
    /// "1" under `lessons audit`: a failed `expect` is reported and the program goes on, so
    /// every claim of the lesson is checked in every variant.
    public static let audit = "LESSON_AUDIT"
    /// The random tag that frames the wire's lines for this run.
    public static let runTag = "LESSON_RUN_TAG"
    /// Where the program writes its figures.
    public static let figureDirectory = "LESSON_FIGURE_DIR"
    /// The lesson's file name, for messages.
    public static let source = "LESSON_SOURCE"
}
