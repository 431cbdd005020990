import Foundation

/// The build's own files (each lesson's stored run `.executed.json`, its build record
/// `.lesson.json`, and the manifests `.lessons-manifest`) live beside the output folder, not in
/// it, so publishing the folder publishes only pages and figures: for `output/` they are in
/// `.output.lessons-build/` (the output folder's manifest at its top, each lesson's in
/// `<slug>/`). A lesson is still staged whole, records and all, and its records move out right
/// after its page is swapped in; records found beside a page (a folder built before this) are
/// read there, and move out on the lesson's next publish.
enum BuildState {
    /// The files that are the build's, not the reader's.
    static var fileNames: [String] { [StoredRun.fileName, BuildRecord.fileName, OutputFolder.manifestName] }

    /// The state folder of the output folder `output`: a hidden folder beside it.
    /// A translated edition's folder (`<out>/zh-Hans`) keeps its state in the output's, under its
    /// language: nothing of the build's is published with the pages.
    static func root(of output: URL) -> URL {
        let output = output.standardizedFileURL
        if let language = Language(rawValue: output.lastPathComponent), language != .english {
            return root(of: output.deletingLastPathComponent()).appendingPathComponent(language.rawValue)
        }
        return output.deletingLastPathComponent().appendingPathComponent(".\(output.lastPathComponent).lessons-build")
    }

    /// The state folder of the lesson folder `<out>/<slug>`.
    static func folder(ofLesson lessonFolder: URL) -> URL {
        let lessonFolder = lessonFolder.standardizedFileURL
        return root(of: lessonFolder.deletingLastPathComponent()).appendingPathComponent(lessonFolder.lastPathComponent)
    }

    /// Where the lesson folder's file `name` is: beside its page when it is there (a staging
    /// folder, or a page published before the state moved out), else in its state folder.
    static func file(_ name: String, ofLesson lessonFolder: URL) -> URL {
        let beside = lessonFolder.appendingPathComponent(name)
        return FileManager.default.fileExists(atPath: beside.path)
            ? beside : folder(ofLesson: lessonFolder).appendingPathComponent(name)
    }

    /// Moves the build's files out of the lesson folder just published into its state folder.
    static func moveOut(ofLesson lessonFolder: URL) throws {
        let fm = FileManager.default
        let state = folder(ofLesson: lessonFolder)
        try fm.createDirectory(at: state, withIntermediateDirectories: true)
        // The state ends as exactly this publish's files: a record the new page lacks goes too.
        for name in fileNames {
            let beside = lessonFolder.appendingPathComponent(name)
            let target = state.appendingPathComponent(name)
            if fm.fileExists(atPath: target.path) { try fm.removeItem(at: target) }
            if fm.fileExists(atPath: beside.path) { try fm.moveItem(at: beside, to: target) }
        }
    }
}
