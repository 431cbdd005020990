// swift-tools-version:6.0
import PackageDescription

// Hot loops live in the library targets; SwiftPM passes -Onone first in debug builds and a
// target's unsafeFlags after it, so "-O" here optimises them even under plain `swift run`.
let optimisedEvenInDebug: [SwiftSetting] = [.unsafeFlags(["-O"])]

let package = Package(
    name: "CNNCourse",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "lessons", targets: ["lessons"]),
        .library(name: "CNN", targets: ["CNN"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // System-library shims: each is a module map over one Debian -dev package.
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),

        .target(
            name: "CNN",
            dependencies: ["CBLAS", "CZlib"],
            swiftSettings: optimisedEvenInDebug + [.swiftLanguageMode(.v5)]
        ),
        .executableTarget(
            name: "lessons",
            dependencies: [
                "CNN",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: [.swiftLanguageMode(.v5)]
        ),
        .testTarget(
            name: "CNNTests",
            dependencies: ["CNN"],
            swiftSettings: [.swiftLanguageMode(.v5)]
        ),
    ]
)
