/// The rules for exercise marks: every `exercise: id` names a new exercise and is followed,
/// later in the lesson, by at least one `check: id` cell; a check names an exercise above it.
enum ExerciseMarks {
    static func validate(_ blocks: [Block], file: String) throws(LessonError) {
        var open: [String: (line: Int, checked: Bool)] = [:]
        var order: [String] = []
        for case .cell(let cell) in blocks {
            let line = cell.firstLine
            if let id = cell.options.exercise {
                if let first = open[id] {
                    throw LessonError(
                        file: file, line: line, message: "exercise '\(id)' is already marked at line \(first.line)")
                }
                guard cell.options.eval, cell.options.expect == .success else {
                    throw LessonError(
                        file: file, line: line,
                        message: "exercise '\(id)' must be a cell that runs and succeeds (no 'eval: false' or 'expect')"
                    )
                }
                open[id] = (line, false)
                order.append(id)
            }
            if let id = cell.options.check {
                guard open[id] != nil else {
                    throw LessonError(
                        file: file, line: line,
                        message:
                            "check '\(id)' names no exercise above it (mark its solution cell '//| exercise: \(id)')")
                }
                guard cell.options.eval, cell.options.expect == .success else {
                    throw LessonError(
                        file: file, line: line,
                        message: "check '\(id)' must be a cell that runs and succeeds (no 'eval: false' or 'expect')")
                }
                open[id]!.checked = true
            }
        }
        if let id = order.first(where: { !open[$0]!.checked }) {
            throw LessonError(
                file: file, line: open[id]!.line,
                message: "exercise '\(id)' has no check: add a cell marked '//| check: \(id)' with its expects")
        }
    }
}
