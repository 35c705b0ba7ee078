// swift-tools-version:6.0
import PackageDescription

/// Blindsight: background removal by a dialogue between a blind reasoner and a seeing model.
///
/// Module map (each owns one concern):
/// - `CCurl`, `CPNG`, `CJPEG`, `CEdit`, `CCrypto`: thin system-library shims (libcurl, libpng, libjpeg-turbo,
///   libedit, libcrypto).
/// - `BlindsightCore`: exit statuses, user-facing errors, atomic file output, JSON values.
/// - `Imaging`: the in-memory image type, PNG/JPEG codecs, EXIF orientation, resizing.
/// - `HTTPTransport`: the one libcurl HTTP client (streaming, timeouts, cancellation).
/// - `ModelClients`: Ollama and OpenAI-compatible chat backends, model specs, configuration.
/// - `Panoptic`: panoptic segmentations, their readers and sources, the area table.
/// - `Compositor`: keep-set -> mask -> cutout, and the Set-of-Mark overlay.
/// - `Dialogue`: the referee state machine, the engine, prompts, the baseline policy, events.
/// - `Transcripts`: the JSONL transcript format, writer, reader, replay.
/// - `Session`: the scene (photo + segmentation + area table + notes), the one dialogue driver (start,
///   resume, fork), the one decision -> outputs path and the overwrite guard, for every front-end.
/// - `Experiments`: scored matrices of runs over images, prompt sets and models; summaries, compare, report.
/// - `Terminal`: what reaches a person's terminal: safe text, colours, wrapping by display width, the
///   dialogue's screen, inline images (kitty, iTerm2, sixel, half-blocks), line editing (libedit).
/// - `BlindsightCLI`: the command tree; `blindsight` is a thin entry point over it.
/// - `FuzzTargets`: the untrusted-input entry points for `blindsight-fuzz` (libFuzzer) and `FuzzTests`.
let package = Package(
    name: "Blindsight",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "blindsight", targets: ["blindsight"]),
        .executable(name: "blindsight-bench", targets: ["blindsight-bench"]),
        .executable(name: "blindsight-fuzz", targets: ["blindsight-fuzz"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.0.0"),
        .package(url: "https://github.com/swhitty/FlyingFox", from: "0.27.0"),
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
    ],
    targets: [
        // C system libraries: a module map plus a one-file shim header each.
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(
            name: "CJPEG", pkgConfig: "libturbojpeg",
            providers: [.apt(["libturbojpeg0-dev", "libjpeg62-turbo-dev"])]),
        .systemLibrary(name: "CEdit", pkgConfig: "libedit", providers: [.apt(["libedit-dev"])]),
        // SHA-256 from the system's libcrypto (libcurl already loads it; see README "SHA-256").
        .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),

        // Libraries.
        .target(name: "BlindsightCore", dependencies: ["CCrypto"]),
        // libpng's and libjpeg's classic APIs need setjmp, which Swift cannot call: a small C target does it.
        .target(
            name: "CImagingShims", dependencies: ["CPNG"],
            linkerSettings: [.linkedLibrary("jpeg"), .linkedLibrary("z"), .linkedLibrary("pthread")]),
        .target(name: "Imaging", dependencies: ["BlindsightCore", "CPNG", "CJPEG", "CImagingShims"]),
        .target(name: "HTTPTransport", dependencies: ["BlindsightCore", "CCurl"]),
        .target(
            name: "ModelClients",
            dependencies: [
                "BlindsightCore", "HTTPTransport", "Imaging", "Panoptic", .product(name: "Yams", package: "Yams"),
            ]),
        .target(name: "Panoptic", dependencies: ["BlindsightCore", "Imaging", "HTTPTransport"]),
        .target(name: "Compositor", dependencies: ["BlindsightCore", "Imaging", "Panoptic"]),
        .target(
            name: "Dialogue",
            dependencies: [
                "BlindsightCore", "Imaging", "ModelClients", "Panoptic", "Compositor",
                .product(name: "Mustache", package: "swift-mustache"),
            ]),
        .target(
            name: "Transcripts",
            dependencies: ["BlindsightCore", "Imaging", "HTTPTransport", "Dialogue", "ModelClients", "Panoptic", "Compositor"]),
        .target(
            name: "Session",
            dependencies: ["BlindsightCore", "Imaging", "ModelClients", "Panoptic", "Compositor", "Dialogue", "Transcripts"]),
        .target(
            name: "Experiments",
            dependencies: [
                "BlindsightCore", "Imaging", "HTTPTransport", "ModelClients", "Panoptic", "Compositor", "Dialogue",
                "Transcripts", "Session", .product(name: "Yams", package: "Yams"),
                .product(name: "Mustache", package: "swift-mustache"), .product(name: "CSV", package: "CSV.swift"),
            ]),
        .target(
            name: "Terminal",
            dependencies: ["BlindsightCore", "Imaging", "ModelClients", "Panoptic", "Compositor", "Dialogue", "CEdit"]),
        .target(
            name: "BlindsightCLI",
            dependencies: [
                "BlindsightCore", "Imaging", "HTTPTransport", "ModelClients", "Panoptic", "Compositor", "Dialogue",
                "Transcripts", "Session", "Experiments", "Terminal",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(name: "blindsight", dependencies: ["BlindsightCLI"]),
        .executableTarget(
            name: "blindsight-bench",
            dependencies: [
                "BlindsightCore", "Imaging", "Panoptic", "Compositor", "ModelClients", "HTTPTransport",
                "Dialogue", "Transcripts", "Session", "Experiments", "Terminal", "TestSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        // Fuzzing: the entry points that read untrusted bytes, run by libFuzzer (scripts/fuzz.sh) and by FuzzTests.
        .target(
            name: "FuzzTargets", dependencies: ["BlindsightCore", "ModelClients", "Panoptic", "Dialogue", "Transcripts"]),
        .executableTarget(name: "blindsight-fuzz", dependencies: ["FuzzTargets"]),

        // Test support: loopback fake servers speaking the real wire protocols, fixture makers.
        .target(
            name: "TestSupport",
            dependencies: [
                "BlindsightCore", "Imaging", "Panoptic", "ModelClients",
                .product(name: "FlyingFox", package: "FlyingFox"),
            ]),

        // Tests.
        .testTarget(name: "CoreTests", dependencies: ["BlindsightCore"]),
        .testTarget(name: "ImagingTests", dependencies: ["Imaging", "TestSupport"]),
        .testTarget(name: "HTTPTransportTests", dependencies: ["HTTPTransport", "TestSupport"]),
        .testTarget(name: "ModelClientsTests", dependencies: ["ModelClients", "TestSupport"]),
        .testTarget(name: "PanopticTests", dependencies: ["Panoptic", "TestSupport"]),
        .testTarget(name: "CompositorTests", dependencies: ["Compositor", "TestSupport"]),
        .testTarget(name: "DialogueTests", dependencies: ["Dialogue", "TestSupport"], exclude: ["Golden"]),
        .testTarget(name: "TranscriptsTests", dependencies: ["Transcripts", "TestSupport"]),
        .testTarget(name: "SessionTests", dependencies: ["Session", "TestSupport"]),
        .testTarget(name: "ExperimentsTests", dependencies: ["Experiments", "TestSupport"]),
        .testTarget(name: "TerminalTests", dependencies: ["Terminal", "TestSupport"]),
        .testTarget(name: "CLITests", dependencies: ["BlindsightCLI", "TestSupport"]),
        .testTarget(name: "FuzzTests", dependencies: ["FuzzTargets", "TestSupport"]),
    ]
)
