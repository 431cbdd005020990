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
        .executable(name: "cnn-bench", targets: ["cnn-bench"]),
        .library(name: "CNN", targets: ["CNN"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // System-library shims: each is a module map over one Debian -dev package.
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CCairo", pkgConfig: "cairo", providers: [.apt(["libcairo2-dev"])]),
        // libpng in C: its errors arrive by longjmp, which only C can catch.
        .target(
            name: "PNGCodec",
            cSettings: [.unsafeFlags(["-O2", "-I/usr/include/libpng16"])],
            linkerSettings: [.linkedLibrary("png16"), .linkedLibrary("z")]
        ),

        .target(
            name: "CNN",
            dependencies: ["CBLAS", "CZlib"],
            swiftSettings: optimisedEvenInDebug + [.swiftLanguageMode(.v5)]
        ),
        .target(
            name: "Figures",
            dependencies: ["CNN", "CCairo", "PNGCodec"],
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
        .executableTarget(
            name: "cnn-bench",
            dependencies: ["CNN", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: [.swiftLanguageMode(.v5)]
        ),
        .testTarget(
            name: "CNNTests",
            dependencies: ["CNN"],
            swiftSettings: [.swiftLanguageMode(.v5)]
        ),
        .testTarget(
            name: "FiguresTests",
            dependencies: ["Figures", "CNN"],
            swiftSettings: [.swiftLanguageMode(.v5)]
        ),
    ]
)
