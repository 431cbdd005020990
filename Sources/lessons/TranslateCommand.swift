import ArgumentParser
import Foundation
import LessonKit

extension Lessons {
    struct Translate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write or refresh the Simplified Chinese translation files of lessons, and say what is stale.",
            discussion: """
                Writes Lessons/zh-Hans/<lesson>.md: every piece of the English prose (and each figure's caption \
                and alt text) after a marker '<!-- en <hash> -->' naming the English it translates. A piece not \
                yet translated holds the English; translated pieces are kept, a stale one with its old hash. \
                With --check, writes nothing and exits 1 if any piece is stale or untranslated.
                """)
        @OptionGroup var folders: Folders

        @Argument(help: "Lessons to translate (file names without .md, or their numbers); all when none.")
        var names: [String] = []

        @Flag(help: "Only report stale and untranslated pieces.")
        var check = false

        func run() throws {
            let lessonsFolder = URL(fileURLWithPath: folders.lessons)
            let files = try LessonList.files(in: lessonsFolder)
            let chosen =
                names.isEmpty
                ? files
                : try names.map { name in
                    guard
                        let file = files.first(where: {
                            let slug = $0.deletingPathExtension().lastPathComponent
                            return slug == name || slug.hasPrefix(name + "-")
                        })
                    else { throw ValidationError("no lesson '\(name)' in \(folders.lessons)") }
                    return file
                }
            let translations = TranslationFolder(lessons: lessonsFolder, displayLessons: folders.lessons)
            var problems = 0
            for file in chosen {
                let englishPath = (folders.lessons as NSString).appendingPathComponent(file.lastPathComponent)
                let lesson = try LessonParser.parse(file: file, displayPath: englishPath)
                let found = translations.problems(of: lesson, englishPath: englishPath)
                for p in found { print(p.description) }
                problems += found.count
                guard !check else { continue }
                let existing = try translations.translation(of: lesson.slug)
                try FileManager.default.createDirectory(at: translations.folder, withIntermediateDirectories: true)
                try TranslationSkeleton.text(for: lesson, existing: existing).write(
                    to: translations.file(lesson.slug), atomically: true, encoding: .utf8)
                print("wrote \(translations.displayPath(lesson.slug))")
            }
            if check && problems > 0 { throw ExitCode(1) }
        }
    }
}
