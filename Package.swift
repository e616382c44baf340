// swift-tools-version:6.1
import Foundation
import PackageDescription

/// Analysis targets are compiled with optimisation even in debug builds: their DSP loops are 20–50× slower
/// unoptimised, which would make `swift test` (a debug build) spend minutes decoding the samples.
let optimisedInDebug: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]

/// The scoring core is built for x86-64-v3 (AVX2 + FMA: about twice the SSE speed in cache) on x86-64 unless
/// `DEBRIEF_PORTABLE=1` is set at build time; `debrief` checks the CPU at start and says so when it lacks them.
#if arch(x86_64)
let vectorISA: [SwiftSetting] = ProcessInfo.processInfo.environment["DEBRIEF_PORTABLE"] == nil
    ? [.unsafeFlags(["-Xcc", "-march=x86-64-v3"]), .define("DEBRIEF_FMA")] : []
#else
let vectorISA: [SwiftSetting] = []
#endif

/// A package-benchmark suite in `Benchmarks/NAME`, measuring one analysis target on decoded sample media.
func benchmark(_ name: String, measuring target: Target.Dependency) -> Target {
    .executableTarget(
        name: name,
        dependencies: [target, "MediaDecoding", "DebriefModel", .product(name: "Benchmark", package: "benchmark")],
        path: "Benchmarks/\(name)",
        plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
    )
}

let package = Package(
    name: "Debrief",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "debrief", targets: ["debrief"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/groue/GRDB.swift.git", exact: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/vapor/multipart-kit.git", from: "4.7.1"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // C shim over FFmpeg 5.1 (headers only).
        .systemLibrary(
            name: "CFFmpeg",
            pkgConfig: "libavformat",
            providers: [.apt(["libavformat-dev", "libavcodec-dev", "libavutil-dev", "libswresample-dev", "libswscale-dev"])]
        ),
        // Shared value types: the recording bundle and analysis request, competency models (YAML with limits), the
        // report. Yams's libyaml (CYaml) also gives the event stream the YAML limits are checked on.
        .target(name: "DebriefModel", dependencies: [.product(name: "Yams", package: "Yams")]),
        // The file operations every edge shares: paths from outside confined to their root, safe output writes.
        .target(name: "LocalFiles", dependencies: ["DebriefModel"]),
        // The only code that touches FFmpeg.
        .target(name: "MediaDecoding", dependencies: ["CFFmpeg", "DebriefModel"]),
        // Pure analysis: buffers in, values out.
        .target(name: "Prosody", dependencies: ["DebriefModel"], swiftSettings: optimisedInDebug),
        .target(name: "Vision", dependencies: ["DebriefModel"], swiftSettings: optimisedInDebug),
        // Who spoke when, from the audio (a call recorder's channels).
        .target(name: "Diarization", dependencies: ["DebriefModel"], swiftSettings: optimisedInDebug),
        // ICU (Debian libicu-dev) for Chinese word segmentation, Traditional → Simplified and GB18030.
        .target(name: "CICU", linkerSettings: [.linkedLibrary("icuuc"), .linkedLibrary("icui18n")]),
        .target(name: "Transcripts", dependencies: ["DebriefModel", "CICU"], swiftSettings: optimisedInDebug),
        .target(name: "Scoring", dependencies: ["DebriefModel"], swiftSettings: optimisedInDebug + vectorISA),
        // Report → HTML / text, escaping by default (pure).
        .target(name: "Rendering", dependencies: ["DebriefModel"]),
        // Composition of one recording's analysis (gather → measure → assemble); owns the protocols its edges
        // implement (speech recognition).
        .target(name: "Pipeline", dependencies: [
            "DebriefModel", "LocalFiles", "MediaDecoding", "Prosody", "Vision", "Diarization", "Transcripts",
            "Scoring", .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // The `eval` harnesses against reference data (prosody vs Praat, faces vs OpenCV, transcripts, recognition).
        .target(name: "Evaluation", dependencies: [
            "DebriefModel", "Pipeline", "MediaDecoding", "Prosody", "Vision", "Transcripts",
        ]),
        // Storage protocols, the in-memory driver, account rules and secrets.
        .target(name: "Store", dependencies: [
            "DebriefModel",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
        ]),
        .target(name: "StoreSQLite", dependencies: ["Store", "DebriefModel", .product(name: "GRDB", package: "GRDB.swift")]),
        .target(name: "StorePostgres", dependencies: [
            "Store", "DebriefModel",
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // Edges (none imports another; the CLI assembles them).
        // Speech recognisers: the OpenAI-compatible client and the embedded recogniser's process.
        .target(name: "ASR", dependencies: [
            "DebriefModel", "Transcripts", "Pipeline",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"),
        ]),
        // The watched inbox, the worker pool and its child processes, the outboxes.
        .target(name: "Service", dependencies: [
            "Pipeline", "Store", "DebriefModel", "LocalFiles",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        // HTTP: pages, JSON API, sign-in.
        .target(name: "Web", dependencies: [
            "Store", "DebriefModel", "Rendering", "Scoring",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "MultipartKit", package: "multipart-kit"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "Yams", package: "Yams"),
        ], resources: [.copy("Resources/openapi.yaml")]),
        // The command line: assembles the application (picks the drivers, wires the edges).
        .executableTarget(name: "debrief", dependencies: [
            "Pipeline", "Evaluation", "Service", "Web", "Store", "StoreSQLite", "StorePostgres", "DebriefModel",
            "MediaDecoding", "LocalFiles", "Rendering", "Vision", "Scoring", "ASR",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Hummingbird", package: "hummingbird"),
        ]),

        // package-benchmark suites (`swift package benchmark`); thresholds in Benchmarks/Thresholds.
        benchmark("ProsodyBenchmarks", measuring: "Prosody"),
        benchmark("VisionBenchmarks", measuring: "Vision"),
        benchmark("ScoringBenchmarks", measuring: "Scoring"),
        benchmark("TranscriptBenchmarks", measuring: "Transcripts"),

        .target(name: "TestSupport", dependencies: ["DebriefModel", "LocalFiles"], path: "Tests/TestSupport"),
        .testTarget(name: "DebriefModelTests", dependencies: ["DebriefModel", "TestSupport"]),
        .testTarget(name: "LocalFilesTests", dependencies: ["LocalFiles", "TestSupport"]),
        .testTarget(name: "MediaDecodingTests", dependencies: ["MediaDecoding", "DebriefModel", "TestSupport"]),
        .testTarget(name: "ProsodyTests", dependencies: ["Prosody", "DebriefModel", "TestSupport"]),
        .testTarget(name: "VisionTests", dependencies: ["Vision", "DebriefModel", "TestSupport"]),
        .testTarget(name: "DiarizationTests", dependencies: ["Diarization", "Evaluation", "DebriefModel",
                                                             "TestSupport"]),
        .testTarget(name: "TranscriptsTests", dependencies: ["Transcripts", "DebriefModel", "TestSupport"]),
        .testTarget(name: "ASRTests", dependencies: ["ASR", "Pipeline", "Evaluation", "Transcripts", "DebriefModel",
                                                     "TestSupport"]),
        .testTarget(name: "ScoringTests", dependencies: ["Scoring", "DebriefModel", "TestSupport"]),
        .testTarget(name: "PipelineTests", dependencies: ["Pipeline", "DebriefModel", "LocalFiles", "Rendering",
                                                          "TestSupport"]),
        .testTarget(name: "EvaluationTests", dependencies: ["Evaluation", "Pipeline", "Vision", "DebriefModel",
                                                            "TestSupport"]),
        .testTarget(name: "StoreTests", dependencies: [
            "StoreSQLite", "StorePostgres", "Store", "DebriefModel", "TestSupport",
            .product(name: "PostgresNIO", package: "postgres-nio"),
        ]),
        .testTarget(name: "DebriefTests", dependencies: [
            "debrief", "Service", "Web", "StoreSQLite", "Store", "Pipeline", "DebriefModel", "TestSupport",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "ServiceTests", dependencies: [
            "Service", "StoreSQLite", "Store", "Pipeline", "DebriefModel", "LocalFiles", "TestSupport",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdTesting", package: "hummingbird"),
        ]),
        .testTarget(name: "WebTests", dependencies: [
            "Web", "Store", "DebriefModel", "Rendering", "TestSupport",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdTesting", package: "hummingbird"),
        ]),
        .testTarget(name: "RenderingTests", dependencies: ["Rendering", "DebriefModel", "TestSupport"],
                    resources: [.copy("Fixtures")]),
    ],
    swiftLanguageModes: [.v6]
)

/// The libFuzzer target over the parsers of outside input, only when `scripts/fuzz.sh` builds it (it links against
/// libFuzzer's main, so an ordinary build must not see it).
if ProcessInfo.processInfo.environment["DEBRIEF_FUZZ"] != nil {
    package.targets.append(.executableTarget(
        name: "DebriefFuzz",
        dependencies: ["DebriefModel", "Transcripts", "Web", .product(name: "MultipartKit", package: "multipart-kit"),
                       .product(name: "NIOCore", package: "swift-nio")],
        path: "Fuzz/DebriefFuzz",
        swiftSettings: [.unsafeFlags(["-parse-as-library"])]))
}

