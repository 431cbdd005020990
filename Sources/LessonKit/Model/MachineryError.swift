import Foundation

/// A failure of the machinery rather than of a lesson (a missing compiler or library, a build
/// folder that is not there, a folder that cannot be read or must not be written): exit status 2.
/// A request the course cannot meet is a `RequestError`. Always one line saying what is wrong and
/// what to do.
public enum MachineryError: Error, Equatable, CustomStringConvertible, Sendable {
    case compilerNotFound
    case missingTool(tool: String, package: String)
    case libraryNotInstalled(pkgConfigName: String, package: String)
    case modulesNotBuilt(buildFolder: String, packageRoot: String)
    case objectsMissing(module: String, folder: String)
    case missingLibrary(library: String, package: String)
    case missingHeaders(library: String, package: String)
    case cannotRun(tool: String, reason: String)
    case compilerFailedOutsideCells(lesson: String, message: String)
    case prefixDoesNotCompile(lesson: String, cell: Int)
    case unreadableFolder(path: String, reason: String)
    case refusingOutputFolder(path: String)
    case refusingToReplace(path: String, marker: String)
    case badCourseFile(path: String, reason: String)

    public var description: String {
        switch self {
        case .compilerNotFound:
            return "swiftc not found on PATH: install Swift 6.3 (https://swift.org/install) and put its usr/bin on PATH"
        case .missingTool(let tool, let package):
            return "\(tool) not found on PATH: install it with `apt-get install \(package)`"
        case .libraryNotInstalled(let name, let package):
            return "pkg-config does not know \(name): install it with `apt-get install \(package)`"
        case .modulesNotBuilt(let build, let root):
            return "the Notebook module is not built in \(build): run `swift build` in \(root) first"
        case .objectsMissing(let module, let folder):
            return "no compiled objects for \(module) in \(folder): run `swift build` first"
        case .missingLibrary(let library, let package):
            return "the linker cannot find lib\(library): install it with `apt-get install \(package)`"
        case .missingHeaders(let library, let package):
            return "\(library) headers are missing: install them with `apt-get install \(package)`"
        case .cannotRun(let tool, let reason):
            return "cannot run \(tool): \(reason)"
        case .compilerFailedOutsideCells(let lesson, let message):
            return "\(lesson): the lesson program failed to compile outside any cell: \(message)"
        case .prefixDoesNotCompile(let lesson, let cell):
            return "\(lesson): the cells before cell \(cell) did not compile on their own"
        case .unreadableFolder(let path, let reason):
            return "cannot read the folder \(path): \(reason)"
        case .refusingOutputFolder(let path):
            return "refusing to write the course into \(path): choose a folder of its own with --out"
        case .refusingToReplace(let path, let marker):
            return "refusing to replace \(path): it was not made by lessons (no \(marker) inside)"
        case .badCourseFile(let path, let reason):
            return "\(path): \(reason)"
        }
    }
}
