import CCmark
import Foundation

/// Markdown -> `Lesson`. Front matter (`---` lines around `title:` and `summary:`), then CommonMark
/// parsed by libcmark, once: fenced blocks whose info string is `swift` become cells, everything
/// else stays prose, as cmark's tree (`Prose`).
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
        let frontMatter = try FrontMatter.parse(lines, displayPath: displayPath)
        let front = frontMatter?.values ?? [:]
        let bodyStart = frontMatter?.bodyStart ?? 0  // index of the first body line
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

    /// Parses the body once and walks cmark's top-level nodes: code blocks fenced with info
    /// "swift" are cells; the runs of other nodes between them are prose, kept as the tree cmark
    /// made of them (`Prose`) beside the author's Markdown, cut from the body by line.
    static func splitBlocks(_ body: String, lineOffset: Int, file: String) throws(LessonError) -> [Block] {
        let bodyLines = body.components(separatedBy: "\n")
        let marked = ProseParser.mark(bodyLines, firstLine: lineOffset + 1)
        var tree = ProseParser.Tree(file: file, nextInlineValue: 0)
        return try ProseParser.parse(marked, file: file, line: lineOffset + 1) {
            (document) throws(LessonError) -> [Block] in
            var blocks: [Block] = []
            var prose: [OpaquePointer] = []
            var proseStart: Int? = nil  // 0-based body line
            var unclosed = marked.unclosed[...]  // lesson lines, in order
            var cellNumber = 0
            /// The prose before body line `end` (0-based), if any.
            func flushProse(before end: Int) {
                var warnings: [LessonError] = []
                while let line = unclosed.first, line - lineOffset - 1 < end {
                    warnings.append(ProseParser.unclosedMath(file: file, line: line))
                    unclosed = unclosed.dropFirst()
                }
                let starts = [proseStart, warnings.first.map { $0.line - lineOffset - 1 }].compactMap { $0 }
                if let start = starts.min(), start < end {
                    blocks.append(
                        .prose(
                            Prose(
                                markdown: bodyLines[start..<min(end, bodyLines.count)].joined(separator: "\n"),
                                line: start + lineOffset + 1, nodes: tree.blocks(prose), warnings: warnings)))
                }
                prose = []
                proseStart = nil
            }
            var node = cmark_node_first_child(document)
            while let current = node {
                node = cmark_node_next(current)
                let start = marked.source(ofLine: Int(cmark_node_get_start_line(current)))
                let info =
                    cmark_node_get_fence_info(current).map { String(cString: $0) }?.trimmingCharacters(in: .whitespaces)
                    ?? ""
                let opening = bodyLines[start].trimmingCharacters(in: .whitespaces)
                let isFenced =
                    cmark_node_get_type(current) == CMARK_NODE_CODE_BLOCK
                    && (opening.hasPrefix("```") || opening.hasPrefix("~~~"))
                guard isFenced && info.split(separator: " ").first == "swift" else {
                    prose.append(current)
                    if proseStart == nil { proseStart = start }
                    continue
                }
                flushProse(before: start)
                let end = marked.source(ofLine: Int(cmark_node_get_end_line(current)))
                let fenceLine = start + lineOffset + 1
                // cmark runs an unclosed fence to the end of the document: report it instead.
                let closing = bodyLines[end].trimmingCharacters(in: .whitespaces)
                let fenceChar = opening.first ?? "`"
                if end == start || !(closing.allSatisfy { $0 == fenceChar } && closing.count >= 3) {
                    throw LessonError(file: file, line: fenceLine, message: "code fence opened here is never closed")
                }
                let code = cmark_node_get_literal(current).map { String(cString: $0) } ?? ""
                let trimmed = code.hasSuffix("\n") ? String(code.dropLast()) : code
                cellNumber += 1
                let options = try CellOptions.parse(trimmed, firstLine: fenceLine + 1, file: file)
                blocks.append(.cell(Cell(number: cellNumber, fenceLine: fenceLine, code: trimmed, options: options)))
            }
            flushProse(before: bodyLines.count)
            return blocks
        }
    }

    static func firstHeading(_ body: String) -> String? {
        body.components(separatedBy: "\n").first { $0.hasPrefix("# ") }.map {
            String($0.dropFirst(2)).trimmingCharacters(in: .whitespaces)
        }
    }
}
