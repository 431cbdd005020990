import Foundation

/// Where the project's compiled modules are, and how to compile a lesson's program against them.
///
/// `swift run lessons` runs the binary from `.build/<triple>/<configuration>/`; the modules a lesson
/// imports (CNN, Figures, Notebook) were built beside it, with their objects in `<Target>.build/`.
public struct Toolchain: Sendable {
    public let buildDirectory: URL
    public let packageRoot: URL
    public let swiftc: String
    public let swiftVersion: String
    /// The C libraries' compiler and linker flags, from pkg-config.
    let libraries: LibraryFlags
    /// SwiftPM's list of the objects it linked, read once (again only when SwiftPM rewrote it).
    private let linkFileList = LinkFileList()

    static let lessonModules = ["CNN", "Figures", "LessonWire", "Notebook", "PNGCodec"]
    static let shims = ["CBLAS", "CZlib", "CCairo", "CCmark", "CDNNL"]

    /// Finds the build folder from this executable's own path and the compiler on PATH.
    public static func locate(packageRoot: URL) throws -> Toolchain {
        let exe = URL(
            fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
                ?? CommandLine.arguments[0])
        var build = exe.deletingLastPathComponent()
        if !FileManager.default.fileExists(atPath: build.appendingPathComponent("Modules/Notebook.swiftmodule").path) {
            // Run from elsewhere (an installed copy, a test): use the package's debug build.
            build = packageRoot.appendingPathComponent(".build/debug").resolvingSymlinksInPath()
        }
        guard FileManager.default.fileExists(atPath: build.appendingPathComponent("Modules/Notebook.swiftmodule").path)
        else {
            throw MachineryError.modulesNotBuilt(buildFolder: build.path, packageRoot: packageRoot.path)
        }
        guard let swiftc = findExecutable("swiftc") else {
            throw MachineryError.compilerNotFound
        }
        let version =
            (try? run(swiftc, ["--version"]).output.components(separatedBy: "\n").first { $0.contains("Swift version") })
            ?? nil
        return Toolchain(
            buildDirectory: build, packageRoot: packageRoot, swiftc: swiftc,
            swiftVersion: version ?? "Swift (unknown version)",
            libraries: try LibraryFlags.query())
    }

    /// The object files of the modules a lesson links (`lessonModules`).
    func objectFiles() throws -> [URL] {
        // SwiftPM's own list of what it linked into `lessons` (which depends on every lesson
        // module) names only objects of current sources; a folder scan would also pick up the
        // object of a source file renamed since, whose duplicate symbols break every link.
        let listed = linkFileList.objects(
            in: buildDirectory.appendingPathComponent("lessons.product/Objects.LinkFileList"))
        var objects: [URL] = []
        for module in Toolchain.lessonModules {
            let folder = buildDirectory.appendingPathComponent("\(module).build")
            let found: [URL]
            if let listed {
                found = listed.filter {
                    $0.deletingLastPathComponent().lastPathComponent == "\(module).build" && $0.pathExtension == "o"
                }
            } else {
                // No `lessons` product linked yet (e.g. only the tests were built): every object.
                let files =
                    (try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)) ?? []
                found = files.filter { $0.pathExtension == "o" }
            }
            guard !found.isEmpty else { throw MachineryError.objectsMissing(module: module, folder: folder.path) }
            objects += found.sorted { $0.path < $1.path }
        }
        return objects
    }

    /// What the compiled core looks like: names, sizes and modification times of the objects and
    /// module files a lesson links, for the cache key.
    func fingerprint() throws -> String {
        var parts: [String] = [swiftVersion]
        let modules = Toolchain.lessonModules.filter { $0 != "PNGCodec" }.map {
            buildDirectory.appendingPathComponent("Modules/\($0).swiftmodule")
        }
        // The runner itself too: a change in how pages are made must rebuild them.
        let runner = URL(
            fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
                ?? CommandLine.arguments[0])
        for file in try objectFiles() + modules + [runner] {
            let stamp = FileStamp(file)
            parts.append("\(file.lastPathComponent):\(stamp?.size ?? 0):\(stamp?.modified ?? 0)")
        }
        return parts.joined(separator: "\n")
    }

    /// Compiler arguments shared by every lesson program (linking excluded).
    func compilerArguments() -> [String] {
        var args = [
            "-swift-version", "5", "-Onone", "-gline-tables-only", "-suppress-warnings",
            "-I", buildDirectory.appendingPathComponent("Modules").path,
        ]
        for shim in Toolchain.shims { args += ["-I", packageRoot.appendingPathComponent("Sources/\(shim)").path] }
        args += [
            "-I", packageRoot.appendingPathComponent("Sources/PNGCodec/include").path,
            // SwiftPM writes the C target's module map beside its objects.
            "-Xcc",
            "-fmodule-map-file=" + buildDirectory.appendingPathComponent("PNGCodec.build/module.modulemap").path,
        ]
        return args + libraries.compile
    }

    /// Compiles `program` to `executable`; returns the compiler's diagnostics on failure.
    func compile(_ program: URL, to executable: URL, typecheckOnly: Bool = false, interruption: Interruption? = nil)
        throws -> (ok: Bool, diagnostics: String)
    {
        var args = compilerArguments()
        if typecheckOnly {
            args = ["-typecheck"] + args
        } else {
            args += try objectFiles().map(\.path) + libraries.link + ["-o", executable.path]
        }
        let result = try Toolchain.run(
            swiftc, args + [program.path], currentDirectory: program.deletingLastPathComponent(),
            interruption: interruption)
        return (result.status == 0, result.output)
    }

    /// The Debian package that provides each library a lesson program links, by link name.
    static let packages = [
        "openblas": "libopenblas-dev", "png16": "libpng-dev", "z": "zlib1g-dev", "cairo": "libcairo2-dev",
        "dnnl": "libdnnl-dev",
    ]

    /// A linker complaint about a missing library, turned into what to install.
    static func missingLibrary(in diagnostics: String) -> MachineryError? {
        for (library, package) in packages
        where diagnostics.contains("-l\(library)")
            && (diagnostics.contains("unable to find library") || diagnostics.contains("cannot find"))
        {
            return .missingLibrary(library: library, package: package)
        }
        if diagnostics.contains("cblas.h' file not found") {
            return .missingHeaders(library: "OpenBLAS", package: "libopenblas-dev")
        }
        if diagnostics.contains("cairo.h' file not found") {
            return .missingHeaders(library: "Cairo", package: "libcairo2-dev")
        }
        if diagnostics.contains("dnnl.h' file not found") {
            return .missingHeaders(library: "oneDNN", package: "libdnnl-dev")
        }
        return nil
    }

    /// Runs a tool to completion and returns its combined output.
    /// With an `interruption`, the tool's process group is killed if the build is abandoned.
    static func run(
        _ tool: String, _ arguments: [String], currentDirectory: URL? = nil, interruption: Interruption? = nil
    ) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        if let currentDirectory { process.currentDirectoryURL = currentDirectory }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        do { try process.run() } catch {
            throw MachineryError.cannotRun(tool: tool, reason: error.localizedDescription)
        }
        if let interruption, !interruption.track(group: process.processIdentifier) {
            _ = kill(-process.processIdentifier, SIGKILL)
        }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        interruption?.done(group: process.processIdentifier)
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    static func findExecutable(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") {
            let candidate = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
