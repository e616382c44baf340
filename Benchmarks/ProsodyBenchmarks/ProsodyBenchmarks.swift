import Benchmark
import DebriefModel
import Foundation
import MediaDecoding
import Prosody

/// The whole prosody set (F0 and voicing with the Viterbi path, intensity, pauses, syllable nuclei, pulses,
/// jitter and shimmer) over ten minutes of speech on one core. `realtimeFactor` is seconds of audio per second of
/// analysis (issue 3 asks ≥ 1000).
let benchmarks: @Sendable () -> Void = {
    let realtime = BenchmarkMetric.custom("realtimeFactor", polarity: .prefersLarger, useScalingFactor: false)
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, realtime],
        warmupIterations: 1,
        maxDuration: .seconds(30),
        maxIterations: 5,
        thresholds: [
            .wallClock: .init(relative: [.p50: 35.0]),
            realtime: .init(relative: [.p50: 35.0]),
        ])

    let speech = tenMinutesOfSpeech()
    let seconds = Double(speech.count) / Double(analysisSampleRate)

    Benchmark("ProsodyTenMinutesOfSpeech") { benchmark in
        let start = ContinuousClock.now
        var analyzer = try ProsodyAnalyzer()
        var offset = 0
        while offset < speech.count {
            let end = min(speech.count, offset + 8_000)
            analyzer.consume(Array(speech[offset..<end]))
            offset = end
        }
        blackHole(analyzer.finish())
        let elapsed = ContinuousClock.now - start
        let elapsedSeconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        benchmark.measurement(realtime, Int(seconds / elapsedSeconds))
    }
}

/// The bundled samples' speech, decoded once at 16 kHz and repeated to ten minutes.
func tenMinutesOfSpeech() -> [Float] {
    struct Collect: MediaSink {
        var samples: [Float] = []
        mutating func consume(_ chunk: AudioChunk) { samples += chunk.samples }
        mutating func consume(_ frame: FrameSample) {}
        mutating func consume(_ cue: Cue) {}
    }
    var media = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { media.deleteLastPathComponent() }
    var pieces: [Float] = []
    for name in ["interview-en.mp4", "phone-screen-en.m4a", "interview-zh.mkv"] {
        var sink = Collect()
        let reader = try! MediaReader(path: media.appendingPathComponent("Media/\(name)").path)
        _ = try! reader.decode(into: &sink)
        pieces += sink.samples
    }
    let target = 600 * analysisSampleRate
    var speech: [Float] = []
    speech.reserveCapacity(target)
    while speech.count < target { speech += pieces.prefix(target - speech.count) }
    return speech
}
