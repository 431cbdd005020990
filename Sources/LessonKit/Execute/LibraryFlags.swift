import Foundation

/// How to compile and link against the C libraries the lesson modules use (OpenBLAS, libpng,
/// zlib, Cairo), as pkg-config says on this machine: no include paths written into the runner.
struct LibraryFlags: Equatable, Sendable {
    /// For swiftc: each C flag behind `-Xcc`.
    let compile: [String]
    /// For swiftc's link step: `-L` and `-l` as they are, anything else behind `-Xclang-linker` (the linker driver reads it).
    let link: [String]

    /// pkg-config module names, with the Debian package that provides each.
    static let modules: [(name: String, package: String)] = [
        ("openblas", "libopenblas-dev"), ("libpng", "libpng-dev"), ("zlib", "zlib1g-dev"), ("cairo", "libcairo2-dev"),
    ]

    static func query() throws -> LibraryFlags {
        guard let pkgConfig = Toolchain.findExecutable("pkg-config") else {
            throw MachineryError.missingTool(tool: "pkg-config", package: "pkg-config")
        }
        // Two runs when every library is there (each run costs a no-change build about a tenth
        // of a second); only when one is missing, one more per library, to name it.
        let names = modules.map(\.name)
        let cflags = try Toolchain.run(pkgConfig, ["--cflags"] + names)
        let libs = try Toolchain.run(pkgConfig, ["--libs"] + names)
        guard cflags.status == 0, libs.status == 0 else {
            for module in modules where try Toolchain.run(pkgConfig, ["--exists", module.name]).status != 0 {
                throw MachineryError.libraryNotInstalled(pkgConfigName: module.name, package: module.package)
            }
            throw MachineryError.cannotRun(
                tool: pkgConfig, reason: (cflags.output + libs.output).trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return LibraryFlags(cflags: cflags.output, libs: libs.output)
    }

    /// From pkg-config's two answers.
    init(cflags: String, libs: String) {
        compile = cflags.split(whereSeparator: \.isWhitespace).flatMap { ["-Xcc", String($0)] }
        link = libs.split(whereSeparator: \.isWhitespace).flatMap { flag -> [String] in
            flag.hasPrefix("-L") || flag.hasPrefix("-l") ? [String(flag)] : ["-Xclang-linker", String(flag)]
        }
    }
}
