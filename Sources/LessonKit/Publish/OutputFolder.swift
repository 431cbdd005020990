import Foundation

/// The output folder, touched only where the runner made things. Every file the runner writes is
/// named in a manifest (`.lessons-manifest`): the output folder's own lists its top-level files
/// (`index.html`), each lesson folder's lists the files of that page (page, record, figures).
/// Pages are swapped in whole; `clean` removes exactly what the manifests name.
public struct OutputFolder: Sendable {
    public let url: URL

    /// The manifest's file name, in the output folder and in each lesson folder.
    public static let manifestName = ".lessons-manifest"

    /// Refuses an empty path, `/` and the home folder outright.
    public init(path: String) throws {
        guard !path.trimmingCharacters(in: .whitespaces).isEmpty else { throw RequestError.emptyOutputPath }
        try self.init(URL(fileURLWithPath: path))
    }

    /// Refuses `/` and the home folder outright.
    public init(_ url: URL) throws {
        let path = url.standardizedFileURL.resolvingSymlinksInPath().path
        let home = FileManager.default.homeDirectoryForCurrentUser.standardizedFileURL.resolvingSymlinksInPath().path
        guard path != "/" && path != home else {
            throw MachineryError.refusingOutputFolder(path: path)
        }
        self.url = url.standardizedFileURL
    }

    public func lessonFolder(_ slug: String) -> URL { url.appendingPathComponent(slug) }

    /// Whether `folder` was made by the runner: it has a manifest (or, from before manifests, a
    /// build record).
    func isOurs(_ folder: URL) -> Bool {
        let fm = FileManager.default
        return fm.fileExists(atPath: BuildState.file(OutputFolder.manifestName, ofLesson: folder).path)
            || fm.fileExists(atPath: BuildState.file(BuildRecord.fileName, ofLesson: folder).path)
    }

    /// A new staging folder inside the output (same file system, so the swap is a rename).
    func stagingFolder(_ slug: String) throws -> URL {
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        let staging = url.appendingPathComponent(".staging-\(slug)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
        return staging
    }

    /// Names every file now in `folder` (the runner's and its lesson program's) in its manifest.
    static func writeManifest(of folder: URL) throws {
        let files = OutputFolder.files(under: folder).filter { $0 != manifestName }
        try Data((files.map { $0 + "\n" }.joined()).utf8).write(to: folder.appendingPathComponent(manifestName))
    }

    /// The paths in lesson folder `folder`'s manifest (kept in its state folder); nil when it has none.
    static func manifest(of folder: URL) -> [String]? {
        manifest(at: BuildState.file(manifestName, ofLesson: folder))
    }

    static func manifest(at file: URL) -> [String]? {
        guard let data = FileManager.default.contents(atPath: file.path) else { return nil }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init).filter { !$0.isEmpty }
    }

    /// Files under `folder`, relative to it, sorted; folders end in "/" only when `folders` is set.
    static func files(under folder: URL, folders: Bool = false) -> [String] {
        let fm = FileManager.default
        var found: [String] = []
        func walk(_ dir: URL, _ prefix: String) {
            for name in ((try? fm.contentsOfDirectory(atPath: dir.path)) ?? []).sorted() {
                var isDir: ObjCBool = false
                _ = fm.fileExists(atPath: dir.appendingPathComponent(name).path, isDirectory: &isDir)
                if isDir.boolValue {
                    if folders {
                        found.append(prefix + name + "/")
                    } else {
                        walk(dir.appendingPathComponent(name), prefix + name + "/")
                    }
                } else {
                    found.append(prefix + name)
                }
            }
        }
        walk(folder, "")
        return found
    }

    /// Replaces `<out>/<slug>` with `staging`. The old folder is moved aside first and removed
    /// only once the new one is in place; a folder the runner did not make is never replaced, and
    /// what someone else put into one it did make moves into the new one.
    func publish(_ staging: URL, as slug: String) throws {
        let target = lessonFolder(slug)
        let fm = FileManager.default
        if fm.fileExists(atPath: target.path) {
            guard isOurs(target) else {
                try? fm.removeItem(at: staging)
                throw MachineryError.refusingToReplace(path: target.path, marker: OutputFolder.manifestName)
            }
            if let ours = OutputFolder.manifest(of: target) {
                let kept = Set(ours + [OutputFolder.manifestName])
                for name in ((try? fm.contentsOfDirectory(atPath: target.path)) ?? [])
                where !kept.contains(name)
                    && !ours.contains(where: { $0.hasPrefix(name + "/") })
                    && !fm.fileExists(atPath: staging.appendingPathComponent(name).path)
                {
                    try fm.moveItem(at: target.appendingPathComponent(name), to: staging.appendingPathComponent(name))
                }
            }
            let aside = url.appendingPathComponent(".old-\(slug)-\(UUID().uuidString)")
            try fm.moveItem(at: target, to: aside)
            try fm.moveItem(at: staging, to: target)
            try? fm.removeItem(at: aside)
        } else {
            try fm.moveItem(at: staging, to: target)
        }
        try BuildState.moveOut(ofLesson: target)
    }

    /// Writes a top-level file through a temporary name and a rename, and names it in the output
    /// folder's manifest.
    func writeAtomically(_ text: String, to name: String) throws {
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        let listed = topLevelManifest
        if !listed.contains(name) {
            try FileManager.default.createDirectory(at: BuildState.root(of: url), withIntermediateDirectories: true)
            try Data((listed + [name]).map { $0 + "\n" }.joined().utf8).write(
                to: BuildState.root(of: url).appendingPathComponent(OutputFolder.manifestName), options: .atomic)
            // A manifest from before the state moved out is now in the state folder.
            try? FileManager.default.removeItem(at: url.appendingPathComponent(OutputFolder.manifestName))
        }
        try Data(text.utf8).write(to: url.appendingPathComponent(name), options: .atomic)
    }

    /// The output folder's own files: the manifest in its state folder, or one left in the folder
    /// by an earlier version.
    var topLevelManifest: [String] {
        OutputFolder.manifest(at: BuildState.root(of: url).appendingPathComponent(OutputFolder.manifestName))
            ?? OutputFolder.manifest(at: url.appendingPathComponent(OutputFolder.manifestName)) ?? []
    }

    /// What `clean` did: the paths it removed and those it left because the runner did not make
    /// them, both relative to the output folder (folders end in "/").
    public struct Cleaning: Equatable, Sendable {
        public var removed: [String] = []
        public var left: [String] = []
    }

    /// Removes what the manifests name, the manifests, staging leftovers, and the lesson folders
    /// that are empty after that. Everything else stays and is listed in `left`.
    public func clean() throws -> Cleaning {
        let fm = FileManager.default
        var cleaning = Cleaning()
        guard let names = try? fm.contentsOfDirectory(atPath: url.path) else { return cleaning }
        let topLevel = Set(topLevelManifest)
        for name in names.sorted() where name != OutputFolder.manifestName {
            let entry = url.appendingPathComponent(name)
            var isDir: ObjCBool = false
            _ = fm.fileExists(atPath: entry.path, isDirectory: &isDir)
            if isDir.boolValue, let language = Language(rawValue: name), language != .english {
                // A translated edition is an output folder of its own.
                let edition = try OutputFolder(entry).clean()
                cleaning.removed += edition.removed.map { name + "/" + $0 }
                cleaning.left += edition.left.map { name + "/" + $0 }
                if ((try? fm.contentsOfDirectory(atPath: entry.path)) ?? []).isEmpty {
                    try fm.removeItem(at: entry)
                    cleaning.removed.append(name + "/")
                }
            } else if isDir.boolValue && (name.hasPrefix(".staging-") || name.hasPrefix(".old-")) {
                try fm.removeItem(at: entry)
                cleaning.removed.append(name + "/")
            } else if isDir.boolValue, let listed = OutputFolder.manifest(of: entry) {
                for path in listed + BuildState.fileNames
                where fm.fileExists(atPath: entry.appendingPathComponent(path).path) {
                    try fm.removeItem(at: entry.appendingPathComponent(path))
                }
                if fm.fileExists(atPath: BuildState.folder(ofLesson: entry).path) {
                    try fm.removeItem(at: BuildState.folder(ofLesson: entry))
                }
                OutputFolder.removeEmptyFolders(in: entry)
                if ((try? fm.contentsOfDirectory(atPath: entry.path)) ?? []).isEmpty {
                    try fm.removeItem(at: entry)
                    cleaning.removed.append(name + "/")
                } else {
                    cleaning.removed += listed.map { name + "/" + $0 }
                    cleaning.left += OutputFolder.files(under: entry, folders: true).map { name + "/" + $0 }
                }
            } else if !isDir.boolValue && topLevel.contains(name) {
                try fm.removeItem(at: entry)
                cleaning.removed.append(name)
            } else {
                cleaning.left.append(name + (isDir.boolValue ? "/" : ""))
            }
        }
        if fm.fileExists(atPath: url.appendingPathComponent(OutputFolder.manifestName).path) {
            try fm.removeItem(at: url.appendingPathComponent(OutputFolder.manifestName))
        }
        // The state folder beside the output holds only the build's files: all of it goes.
        if fm.fileExists(atPath: BuildState.root(of: url).path) { try fm.removeItem(at: BuildState.root(of: url)) }
        return cleaning
    }

    /// Removes the folders under `folder` that hold nothing (deepest first), not `folder` itself.
    static func removeEmptyFolders(in folder: URL) {
        let fm = FileManager.default
        for name in (try? fm.contentsOfDirectory(atPath: folder.path)) ?? [] {
            let sub = folder.appendingPathComponent(name)
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: sub.path, isDirectory: &isDir), isDir.boolValue else { continue }
            removeEmptyFolders(in: sub)
            if ((try? fm.contentsOfDirectory(atPath: sub.path)) ?? []).isEmpty { try? fm.removeItem(at: sub) }
        }
    }
}
