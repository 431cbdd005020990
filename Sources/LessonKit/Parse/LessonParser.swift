import CCmark
import Foundation

/// Markdown -> `Lesson`. Front matter (`---` lines around `title:` and `summary:`), then CommonMark
/// parsed by libcmark: fenced blocks whose info string is `swift` become cells, everything else
/// stays prose.
public enum LessonParser {
    public static func parse(file: URL, displayPath: String? = nil) throws(LessonError) -> Lesson {
        let path = displayPath ?? file.path
        guard let data = FileManager.default.contents(atPath: file.path) else {
            throw LessonError(file: path, line: 0, message: "cannot be read")
        }
        // Bytes that are not UTF-8 become replacement characters rather than a failure.
        return try parse(String(decoding: data, as: UTF8.self), file: file, displayPath: path)
    }

    public static func parse(_ text: String, file: URL, displayPath: String) throws(LessonError) -> Lesson {
        let slug = file.deletingPathExtension().lastPathComponent
        let lines = text.components(separatedBy: "\n")
        var front: [String: String] = [:]
        var bodyStart = 0  // index of the first body line
        if lines.first?.trimmingCharacters(in: .whitespaces) == "---" {
            guard let close = lines.dropFirst().firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "---" })
            else {
                throw LessonError(file: displayPath, line: 1, message: "front matter opened with '---' is never closed")
            }
            for (i, line) in lines[1..<close].enumerated() where !line.trimmingCharacters(in: .whitespaces).isEmpty {
                guard let colon = line.firstIndex(of: ":") else {
                    throw LessonError(file: displayPath, line: i + 2, message: "front matter line needs 'key: value'")
                }
                var value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") {
                    value = String(value.dropFirst().dropLast())
                }
                front[line[..<colon].trimmingCharacters(in: .whitespaces)] = value
            }
            bodyStart = close + 1
        }
        let body = lines[bodyStart...].joined(separator: "\n")
        guard !body.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw LessonError(file: displayPath, line: 1, message: "the lesson is empty")
        }
        let blocks = try InlineValues.attach(
            splitBlocks(body, lineOffset: bodyStart, file: displayPath), file: displayPath)
        try ExerciseMarks.validate(blocks, file: displayPath)
        let title = front["title"] ?? firstHeading(body) ?? slug
        return Lesson(
            slug: slug, file: file, title: title, summary: front["summary"] ?? "", blocks: blocks, source: text)
    }

    /// Walks cmark's top-level nodes: code blocks with info "swift" are cells; runs of other nodes
    /// are prose, cut from the source by line so the renderer sees the author's Markdown.
    static func splitBlocks(_ body: String, lineOffset: Int, file: String) throws(LessonError) -> [Block] {
        guard let document = cmark_parse_document(body, body.utf8.count, CMARK_OPT_DEFAULT) else {
            throw LessonError(file: file, line: lineOffset + 1, message: "CommonMark parser failed")
        }
        defer { cmark_node_free(document) }
        let bodyLines = body.components(separatedBy: "\n")
        var blocks: [Block] = []
        var proseStart: Int? = nil  // 1-based body line
        var cellNumber = 0
        func flushProse(until end: Int) {
            guard let start = proseStart, end >= start else {
                proseStart = nil
                return
            }
            let text = bodyLines[(start - 1)..<min(end, bodyLines.count)].joined(separator: "\n")
            if !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                blocks.append(.prose(text, line: start + lineOffset))
            }
            proseStart = nil
        }
        var node = cmark_node_first_child(document)
        while let current = node {
            let start = Int(cmark_node_get_start_line(current))
            let end = Int(cmark_node_get_end_line(current))
            let info =
                cmark_node_get_fence_info(current).map { String(cString: $0) }?.trimmingCharacters(in: .whitespaces)
                ?? ""
            let opening = bodyLines[max(0, min(start, bodyLines.count) - 1)].trimmingCharacters(in: .whitespaces)
            let isFenced =
                cmark_node_get_type(current) == CMARK_NODE_CODE_BLOCK
                && (opening.hasPrefix("```") || opening.hasPrefix("~~~"))
            if isFenced && info.split(separator: " ").first == "swift" {
                flushProse(until: start - 1)
                let fenceLine = start + lineOffset
                // cmark runs an unclosed fence to the end of the document: report it instead.
                let closing = bodyLines[min(end, bodyLines.count) - 1].trimmingCharacters(in: .whitespaces)
                let fence = bodyLines[start - 1].trimmingCharacters(in: .whitespaces)
                let fenceChar = fence.first ?? "`"
                if end == start || !(closing.allSatisfy { $0 == fenceChar } && closing.count >= 3) {
                    throw LessonError(file: file, line: fenceLine, message: "code fence opened here is never closed")
                }
                let code = cmark_node_get_literal(current).map { String(cString: $0) } ?? ""
                let trimmed = code.hasSuffix("\n") ? String(code.dropLast()) : code
                cellNumber += 1
                let options = try CellOptions.parse(trimmed, firstLine: fenceLine + 1, file: file)
                blocks.append(.cell(Cell(number: cellNumber, fenceLine: fenceLine, code: trimmed, options: options)))
            } else if proseStart == nil {
                proseStart = start
            }
            node = cmark_node_next(current)
        }
        flushProse(until: bodyLines.count)
        return blocks
    }

    static func firstHeading(_ body: String) -> String? {
        body.components(separatedBy: "\n").first { $0.hasPrefix("# ") }.map {
            String($0.dropFirst(2)).trimmingCharacters(in: .whitespaces)
        }
    }
}
