/// The languages the course is published in. English is written in the lessons; Simplified
/// Chinese is translated by hand in `Lessons/zh-Hans/`; Traditional Chinese (Taiwan) is derived
/// from the Simplified by OpenCC and never edited.
public enum Language: String, CaseIterable, Sendable {
    case english = "en"
    case simplifiedChinese = "zh-Hans"
    case traditionalChinese = "zh-Hant"

    /// The folder under the lessons folder holding hand translations (the Simplified one).
    public static let translatedFolder = Language.simplifiedChinese.rawValue

    /// Where its pages go under the output folder ("" for English, at the top).
    public var outputPrefix: String { self == .english ? "" : rawValue + "/" }

    /// The language's own name, for the links between a page and its twins.
    public var ownName: String {
        switch self {
        case .english: "English"
        case .simplifiedChinese: "简体中文"
        case .traditionalChinese: "繁體中文"
        }
    }
}
