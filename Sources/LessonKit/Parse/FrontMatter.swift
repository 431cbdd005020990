/// The `---` lines around `key: value` lines at the top of a lesson or a translation.
enum FrontMatter {
    /// The values (a value in double quotes loses them) and the index of the first line after the
    /// closing `---`; nil when the text does not start with `---`.
    static func parse(_ lines: [String], displayPath: String) throws(LessonError) -> (
        values: [String: String], bodyStart: Int
    )? {
        guard lines.first?.trimmingCharacters(in: .whitespaces) == "---" else { return nil }
        guard let close = lines.dropFirst().firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "---" })
        else {
            throw LessonError(file: displayPath, line: 1, message: "front matter opened with '---' is never closed")
        }
        var values: [String: String] = [:]
        for (i, line) in lines[1..<close].enumerated() where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            guard let colon = line.firstIndex(of: ":") else {
                throw LessonError(file: displayPath, line: i + 2, message: "front matter line needs 'key: value'")
            }
            var value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") {
                value = String(value.dropFirst().dropLast())
            }
            values[line[..<colon].trimmingCharacters(in: .whitespaces)] = value
        }
        return (values, close + 1)
    }
}
