extension Toolchain {
    /// What the cache keys call "the core" (toolchain, compiled modules, the runner), for preview
    /// to rebuild when it changes.
    public func coreFingerprint() throws -> String { try fingerprint() }
}
