import Foundation
import Synchronization
import XCTest

@testable import LessonKit

/// Runs the built `lessons` binary (built by `EndToEndTests.built` when missing) from the package
/// root, stdout and stderr in one pipe: every test that drives the command goes through here.
enum LessonsBinary {
    static let root = EndToEndTests.root

    /// Runs `lessons args` to its end; `environment` is added to this process's.
    @discardableResult
    static func run(_ args: [String], currentDirectory: URL = root, environment: [String: String] = [:]) throws -> (
        status: Int32, output: String
    ) {
        if case .failure(let why) = EndToEndTests.built { throw why }
        let process = Process()
        process.executableURL = EndToEndTests.binary
        process.arguments = args
        process.currentDirectoryURL = currentDirectory
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// Starts `lessons args` (a `--watch` or `preview` that runs until stopped); what it prints
    /// collects in `output` as it comes.
    static func start(_ args: [String]) throws -> (process: Process, output: LiveOutput) {
        if case .failure(let why) = EndToEndTests.built { throw why }
        let process = Process()
        process.executableURL = EndToEndTests.binary
        process.arguments = args
        process.currentDirectoryURL = root
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        let output = LiveOutput()
        pipe.fileHandleForReading.readabilityHandler = { handle in
            output.append(String(decoding: handle.availableData, as: UTF8.self))
        }
        try process.run()
        return (process, output)
    }

    /// A new empty folder under the temporary directory.
    static func temporaryFolder(_ name: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// What a running `lessons` has printed so far, appended from the pipe's reader.
final class LiveOutput: Sendable {
    private let collected = Mutex("")
    func append(_ chunk: String) { collected.withLock { $0 += chunk } }
    var text: String { collected.withLock { $0 } }
}
