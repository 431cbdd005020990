// swift-tools-version:6.0
import PackageDescription

// Hot loops live in the library targets; SwiftPM passes -Onone first in debug builds and a
// target's unsafeFlags after it, so "-O" here optimises them even under plain `swift run`.
let optimisedEvenInDebug: [SwiftSetting] = [.unsafeFlags(["-O"])]

let package = Package(
    name: "CNNCourse",
    // Linux only: the core tunes glibc's allocator, links OpenBLAS and zlib through pkg-config and
    // reads /proc; no other platform is built or tested, so none is declared.
    products: [
        .executable(name: "lessons", targets: ["lessons"]),
        .executable(name: "cnn-bench", targets: ["cnn-bench"]),
        .library(name: "CNN", targets: ["CNN"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // Parses lesson cells exactly: which statement is a cell's last expression (shown as Out[n]).
        .package(url: "https://github.com/swiftlang/swift-syntax", from: "602.0.0"),
    ],
    targets: [
        // System-library shims: each is a module map over one Debian -dev package.
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CCmark", pkgConfig: "libcmark", providers: [.apt(["libcmark-dev"])]),
        .systemLibrary(name: "CCairo", pkgConfig: "cairo", providers: [.apt(["libcairo2-dev"])]),
        // OpenCC: the Traditional Chinese edition is derived from the Simplified (s2twp: Taiwan usage).
        .systemLibrary(name: "COpenCC", pkgConfig: "opencc", providers: [.apt(["libopencc-dev"])]),
        // oneDNN 2.6 (no pkg-config file in Debian's package): the convolution's JIT kernels.
        .systemLibrary(name: "CDNNL", providers: [.apt(["libdnnl-dev"])]),
        // libpng in C: its errors arrive by longjmp, which only C can catch.
        .target(
            name: "PNGCodec",
            cSettings: [.unsafeFlags(["-O2", "-I/usr/include/libpng16"])],
            linkerSettings: [.linkedLibrary("png16"), .linkedLibrary("z")]
        ),

        .target(
            name: "CNN",
            dependencies: ["CBLAS", "CZlib", "CDNNL"],
            swiftSettings: optimisedEvenInDebug + [.swiftLanguageMode(.v6)]
        ),
        .target(
            name: "Figures",
            dependencies: ["CNN", "CCairo", "PNGCodec"],
            swiftSettings: optimisedEvenInDebug + [.swiftLanguageMode(.v6)]
        ),
        // The typed events a lesson's program sends the runner: Notebook sends, LessonKit receives.
        .target(
            name: "LessonWire",
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        // What a lesson's cells call: show, display, expect, table, progress. Linked into each
        // lesson's program, never into the runner.
        .target(
            name: "Notebook",
            dependencies: ["CNN", "Figures", "LessonWire"],
            swiftSettings: optimisedEvenInDebug + [.swiftLanguageMode(.v6)]
        ),
        // Markdown -> lesson model -> executed lesson -> HTML.
        .target(
            name: "LessonKit",
            dependencies: [
                "CCmark",
                "COpenCC",
                "LessonWire",
                .product(name: "SwiftParser", package: "swift-syntax"),
                .product(name: "SwiftSyntax", package: "swift-syntax"),
                // Colours cells on the page from the parser's classification of each token.
                .product(name: "SwiftIDEUtils", package: "swift-syntax"),
            ],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .executableTarget(
            name: "lessons",
            dependencies: [
                "LessonKit",
                // Not imported: listed so `swift run lessons` builds the modules lessons link against.
                "Notebook",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .executableTarget(
            name: "cnn-bench",
            dependencies: ["CNN", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .testTarget(
            name: "CNNTests",
            // CBLAS: a test reads OpenBLAS's thread count to show the core leaves it alone.
            dependencies: ["CNN", "CBLAS"],
            // Keras' outputs and the script that wrote them, read by path in FunctionalKerasTests.
            exclude: ["Fixtures"],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .testTarget(
            name: "LessonKitTests",
            // CCmark: a test holds the prose renderer to cmark's own HTML renderer.
            dependencies: ["LessonKit", "LessonWire", "CCmark"],
            exclude: ["Fixtures"],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .testTarget(
            name: "FiguresTests",
            dependencies: ["Figures", "CNN"],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
    ]
)
