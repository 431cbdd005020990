import Foundation

extension CellOptions {
    static let known = [
        "echo", "output", "eval", "label", "fig-cap", "fig-alt", "timeout", "expect", "exercise", "check",
    ]

    /// Reads the `//| key: value` lines at the top of a cell; `firstLine` numbers them for errors.
    static func parse(_ code: String, firstLine: Int, file: String) throws(LessonError) -> CellOptions {
        var options = CellOptions()
        for (offset, raw) in code.components(separatedBy: "\n").enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            guard line.hasPrefix("//|") else { break }
            let lineNumber = firstLine + offset
            func error(_ message: String) -> LessonError { LessonError(file: file, line: lineNumber, message: message) }
            let body = line.dropFirst(3)
            guard let colon = body.firstIndex(of: ":") else {
                throw error("cell option '\(body.trimmingCharacters(in: .whitespaces))' needs 'key: value'")
            }
            let key = body[..<colon].trimmingCharacters(in: .whitespaces)
            var value = body[body.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") {
                value = String(value.dropFirst().dropLast())
            }
            func bool() throws(LessonError) -> Bool {
                switch value {
                case "true": return true
                case "false": return false
                default: throw error("cell option '\(key)' takes true or false, not '\(value)'")
                }
            }
            switch key {
            case "echo": options.echo = try bool()
            case "output": options.output = try bool()
            case "eval": options.eval = try bool()
            case "label": options.label = value
            case "fig-cap": options.figureCaption = value
            case "fig-alt": options.figureAlt = value
            case "timeout":
                guard let seconds = Double(value), seconds > 0, seconds.isFinite else {
                    throw error("cell option 'timeout' takes a number of seconds, not '\(value)'")
                }
                options.timeout = seconds
            case "expect":
                guard let expectation = Expectation(rawValue: value), expectation != .success else {
                    throw error("cell option 'expect' takes error or compile-error, not '\(value)'")
                }
                options.expect = expectation
            case "exercise", "check":
                guard !value.isEmpty, value.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
                    throw error("cell option '\(key)' takes a name of letters, digits and '-', not '\(value)'")
                }
                if key == "exercise" { options.exercise = value } else { options.check = value }
                guard options.exercise == nil || options.check == nil else {
                    throw error("a cell is either an exercise or its check, not both")
                }
            default:
                throw error("unknown cell option '\(key)' (known: \(known.joined(separator: ", ")))")
            }
        }
        return options
    }
}
