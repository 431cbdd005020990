import Foundation

/// One claim of a lesson, as the audit checks it: an `expect`, or a cell that must fail
/// (`expect: error`, `expect: compile-error`), with what happened to it in each variant.
public struct ClaimRecord: Codable, Equatable, Sendable {
    public enum Kind: String, Codable, Sendable {
        case expect
        case mustFail = "expect: error"
        case mustNotCompile = "expect: compile-error"
        /// Not a claim the author wrote: a cell that failed (a trap, a thrown error) in a variant.
        case cellFailure = "cell failed"
    }

    /// What one variant found.
    public struct Observation: Codable, Equatable, Sendable {
        public let variant: Int
        public let held: Bool
        /// The value the claim compared, or why it does not hold ("not reached: ...").
        public let found: String?
    }

    public let lesson: String
    public let file: String
    public let line: Int
    public let claim: String
    public let kind: Kind
    public var observations: [Observation]

    public var heldEverywhere: Bool { observations.allSatisfy(\.held) }
    public var heldCount: Int { observations.filter(\.held).count }
}

/// A claim as one run saw it, before the runs are put side by side.
struct ObservedClaim: Equatable {
    let line: Int
    let claim: String
    let kind: ClaimRecord.Kind
    let held: Bool
    let found: String?

    /// One `expect` call is one claim, wherever its text interpolates the run's numbers ("about
    /// half are dropped (5040)"): claims are told apart by their line and kind, not their text.
    var key: String { "\(line)\u{1F}\(kind.rawValue)" }

    /// The claims one run of a lesson checked, in the order they were checked. A check run in a
    /// loop is one claim, held only if it held every time (the first failing value kept). A cell
    /// that failed (audits go on past failed checks, so this is a trap or a thrown error) is a
    /// claim of its own, and ends the claims after it.
    static func claims(in executed: ExecutedLesson) -> [ObservedClaim] {
        var found: [ObservedClaim] = []
        var index: [String: Int] = [:]
        func add(_ claim: ObservedClaim) {
            if let i = index[claim.key] {
                if found[i].held && !claim.held { found[i] = claim }
            } else {
                index[claim.key] = found.count
                found.append(claim)
            }
        }
        for result in executed.results {
            let cell = result.cell
            for case .check(let passed, let claim, let line, let value) in result.outputs {
                add(
                    ObservedClaim(line: line ?? cell.firstLine, claim: claim, kind: .expect, held: passed, found: value)
                )
            }
            switch (cell.options.expect, result.status) {
            case (.error, .failedAsExpected), (.compileError, .failedAsExpected):
                add(
                    ObservedClaim(
                        line: cell.fenceLine, claim: "cell \(cell.number) fails",
                        kind: cell.options.expect == .error ? .mustFail : .mustNotCompile, held: true, found: nil))
            case (.error, let status), (.compileError, let status):
                let why: String
                if case .failed(let failure) = status { why = failure.text } else { why = "not reached" }
                add(
                    ObservedClaim(
                        line: cell.fenceLine, claim: "cell \(cell.number) fails",
                        kind: cell.options.expect == .error ? .mustFail : .mustNotCompile, held: false, found: why))
            case (.success, .failed(let failure)):
                add(
                    ObservedClaim(
                        line: cell.firstLine, claim: "cell \(cell.number) runs", kind: .cellFailure, held: false,
                        found: "line \(failure.line): \(failure.text)"))
            default:
                break
            }
        }
        return found
    }
}
