import Foundation

/// An exercise of a lesson: the prompt (the prose before its solution), the solution cell (the
/// learner's part, `//| exercise: id`) and the cells whose `expect`s check an answer (`//| check: id`).
public struct Exercise: Equatable, Sendable {
    public let id: String
    /// The prose between the previous cell and the solution, up to a `<details>` line (the
    /// solution's own explanation stays hidden), as Markdown.
    public let prompt: String
    public let solution: Cell
    public let checks: [Cell]
}

extension Lesson {
    /// The lesson's exercises in order.
    public var exercises: [Exercise] {
        var result: [Exercise] = []
        var prose: [String] = []
        for block in blocks {
            switch block {
            case .prose(let text):
                prose.append(text.markdown)
            case .cell(let cell):
                if let id = cell.options.exercise {
                    let checks = cells.filter { $0.options.check == id }
                    result.append(
                        Exercise(
                            id: id, prompt: Lesson.prompt(prose.joined(separator: "\n\n")), solution: cell,
                            checks: checks))
                }
                prose = []
            }
        }
        return result
    }

    /// The prose after its last heading (the "Exercises" heading and what precedes it are not
    /// the exercise's) and up to the first `<details` line, trimmed.
    static func prompt(_ prose: String) -> String {
        var lines: [String] = []
        for line in prose.components(separatedBy: "\n") {
            let tag = line.trimmingCharacters(in: .whitespaces).lowercased()
            if tag.hasPrefix("<details") { break }
            if tag == "</details>" { continue }  // the end of the previous exercise's solution
            if line.hasPrefix("#") {
                lines = []
                continue
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
