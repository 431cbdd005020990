/// Which language a page is in and how it reaches the rest of the site: English at the top of the
/// output folder, each other language in `<out>/<language>/` with the same layout. The pictures
/// and scripts are the English edition's, shared.
public struct Edition: Sendable {
    public let language: Language
    public let words: Words
    /// The languages the site is published in, for the links between twins.
    public let languages: [Language]

    public init(language: Language, words: Words, languages: [Language]) {
        self.language = language
        self.words = words
        self.languages = languages
    }

    public static let english = Edition(language: .english, words: .english, languages: [.english])

    /// From a page `depth` folders below its edition's top (0 for the contents page, 1 for a
    /// lesson) to the output folder's top, where the shared files are.
    public func root(depth: Int) -> String {
        String(repeating: "../", count: depth + (language == .english ? 0 : 1))
    }

    /// The same page (`path` below an edition's top, e.g. "05-pooling/index.html") in `other`.
    public func twin(_ path: String, in other: Language, depth: Int) -> String {
        root(depth: depth) + other.outputPrefix + path
    }

    /// The links to this page in the other languages; empty when the site has one.
    func languageLinks(_ path: String, depth: Int) -> String {
        guard languages.count > 1 else { return "" }
        let links = languages.map { other in
            other == language
                ? "<span aria-current=\"true\" lang=\"\(other.rawValue)\">\(other.ownName)</span>"
                : "<a href=\"\(HTML.escape(twin(path, in: other, depth: depth)))\" hreflang=\"\(other.rawValue)\" lang=\"\(other.rawValue)\">\(other.ownName)</a>"
        }
        return "<nav class=\"languages\" aria-label=\"\(words(.pageLanguages))\">" + links.joined(separator: " · ")
            + "</nav>"
    }
}
