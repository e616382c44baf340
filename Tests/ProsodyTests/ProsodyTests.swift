import DebriefModel
import Foundation
import Prosody
import TestSupport
import Testing

/// Scalar references of the SIMD kernels.
enum ScalarReference {
    static func dot(_ a: [Float], _ b: [Float]) -> Double {
        zip(a, b).reduce(0) { $0 + Double($1.0) * Double($1.1) }
    }
}

@Suite struct KernelTests {
    /// SIMD dot product against a double-precision scalar reference: relative error ≤ 1e-5 of Σ|aᵢbᵢ|.
    @Test(arguments: [0, 1, 7, 8, 31, 32, 33, 100, 640, 1001])
    func dotMatchesScalarReference(_ count: Int) {
        var generator = SystemRandomNumberGenerator()
        let a = (0..<count).map { _ in Float.random(in: -1...1, using: &generator) }
        let b = (0..<count).map { _ in Float.random(in: -1...1, using: &generator) }
        let simd = a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                count == 0 ? 0 : Kernels.dot(pa.baseAddress!, pb.baseAddress!, count: count)
            }
        }
        let reference = ScalarReference.dot(a, b)
        let magnitude = zip(a, b).reduce(0.0) { $0 + abs(Double($1.0 * $1.1)) }
        #expect(abs(Double(simd) - reference) <= 1e-5 * max(1, magnitude))
    }

    @Test func autocorrelationMatchesScalarReference() {
        let x = Fixtures.tone(f0: 140, seconds: 0.04)
        var output = [Float](repeating: 0, count: 200)
        x.withUnsafeBufferPointer { buffer in
            output.withUnsafeMutableBufferPointer { Kernels.autocorrelation(buffer, lags: 20...219, into: $0) }
        }
        for lag in [20, 57, 114, 219] {
            let reference = ScalarReference.dot(Array(x[0..<(x.count - lag)]), Array(x[lag...]))
            #expect(isClose(Double(output[lag - 20]), reference, tolerance: 1e-4 * max(1, abs(reference))))
        }
    }
}

@Suite struct ProsodyAnalyzerTests {
    func analyse(_ samples: [Float], chunk: Int = 8000, keepTrack: Bool = false) throws -> ProsodySummary {
        var settings = ProsodySettings()
        settings.keepTrack = keepTrack
        var analyzer = try ProsodyAnalyzer(settings: settings)
        var offset = 0
        while offset < samples.count {
            analyzer.consume(Array(samples[offset..<min(samples.count, offset + chunk)]))
            offset += chunk
        }
        return analyzer.finish()
    }

    /// A steady harmonic tone: F0 within 1 % of the truth, almost every frame voiced.
    @Test(arguments: [90.0, 120.0, 210.0, 330.0])
    func tracksTheFundamentalOfATone(_ f0: Double) throws {
        let summary = try analyse(Fixtures.tone(f0: f0, seconds: 2))
        #expect(isClose(summary.f0MedianHz ?? 0, f0, tolerance: f0 * 0.01))
        #expect(summary.voicedFraction > 0.95)
        #expect(isClose(summary.f0MeanSemitones ?? 0, 12 * log2(f0 / 27.5), tolerance: 0.2))
        #expect((summary.f0SdSemitones ?? 9) < 0.1)
    }

    /// The result does not depend on how the stream is cut into chunks.
    @Test func chunkingDoesNotChangeTheResult() throws {
        let signal = Fixtures.tone(f0: 150, seconds: 1.5)
        let whole = try analyse(signal, chunk: signal.count, keepTrack: true)
        let pieces = try analyse(signal, chunk: 777, keepTrack: true)
        #expect(whole == pieces)
    }

    /// tone – 0.6 s silence – tone – 0.1 s silence – tone: one pause (the 0.1 s gap is below 250 ms).
    @Test func findsPausesBetweenSpeech() throws {
        let tone = Fixtures.tone(f0: 180, seconds: 1)
        let signal = tone + [Float](repeating: 0, count: 9600) + tone + [Float](repeating: 0, count: 1600) + tone
        let summary = try analyse(signal)
        #expect(summary.pauses.count == 1)
        // The de Jong & Wempe contour (64 ms effective window) eats into a silence from both sides: ±0.1 s.
        #expect(isClose(summary.pauses.longestSeconds ?? 0, 0.6, tolerance: 0.1))
        #expect(summary.pauses.brief == 0 && summary.pauses.medium == 1 && summary.pauses.long == 0)
        #expect(isClose(summary.speechRatio, 3.0 / 3.7, tolerance: 0.05))
    }

    /// Silence and tiny inputs give defined values, never NaN.
    @Test func silenceAndTinyInputsAreDefined() throws {
        let silence = try analyse([Float](repeating: 0, count: 16_000))
        #expect(silence.voicedFraction == 0)
        #expect(silence.f0MedianHz == nil)
        #expect(silence.pauses.count == 0)
        let tiny = try analyse([0.1, -0.1, 0.2])
        #expect(tiny.voicedFraction == 0)
        #expect(tiny.analysedSeconds > 0)
        let json = try ReportCodingProbe.encode(silence)
        #expect(!json.contains("nan"))
    }

    @Test func tracksAreAlignedToTheirStartAndHop() throws {
        let summary = try analyse(Fixtures.tone(f0: 200, seconds: 1), keepTrack: true)
        let track = try #require(summary.track)
        #expect(track.hopSeconds == 0.01)
        // The first frame is centred where the longest window (the 50 Hz intensity: 3.2 / 50 s each side) first fits.
        #expect(isClose(track.startSeconds, 1025.0 / 16_000, tolerance: 1e-9))
        #expect(track.f0Hz.count == track.intensityDb.count)
        // Frames fit whole windows: ⌊(1 s − 2·start) / hop⌋ + 1.
        #expect(track.f0Hz.count == Int(((1 - 2 * track.startSeconds) / 0.01).rounded(.down)) + 1)
    }

    /// The chart contour: the track's frames averaged over 2ⁿ-frame steps, at most 512 of them, with the pauses.
    @Test func contourIsTheTrackAveragedAndBounded() throws {
        let tone = Fixtures.tone(f0: 180, seconds: 4)
        let signal = tone + [Float](repeating: 0, count: 9600) + tone
        let summary = try analyse(signal, keepTrack: true)
        let track = try #require(summary.track)
        let contour = try #require(summary.contour)
        let frames = track.f0Hz.count
        let perStep = Int((contour.hopSeconds / track.hopSeconds).rounded())
        // 8.6 s = 855 frames: 2 frames a step fit 512 (1 does not).
        #expect(perStep == 2 && frames > 512 && frames <= 1024)
        #expect(contour.f0Hz.count == (frames + perStep - 1) / perStep && contour.intensityDb.count == contour.f0Hz.count)
        for step in [0, 100, 250, contour.f0Hz.count - 1] {
            let slice = step * perStep..<min(frames, (step + 1) * perStep)
            let voiced = track.f0Hz[slice].filter { $0 > 0 }
            let f0 = voiced.isEmpty ? 0 : voiced.reduce(0, +) / Float(voiced.count)
            #expect(abs(contour.f0Hz[step] - f0) < 1e-3)
            let loudness = track.intensityDb[slice].reduce(0, +) / Float(slice.count)
            #expect(abs(contour.intensityDb[step] - loudness) < 1e-3)
        }
        #expect(contour.pauses.count == 1)
        let pause = try #require(contour.pauses.first)
        #expect(isClose(pause.start, 4.0, tolerance: 0.1) && isClose(pause.end, 4.6, tolerance: 0.1))
        // A longer recording keeps the same number of points or fewer.
        let long = try analyse(Array([[Float]](repeating: tone, count: 6).joined()))
        #expect((long.contour?.f0Hz.count ?? 0) <= ProsodyContour.maximumPoints)
        #expect((long.contour?.f0Hz.count ?? 0) > ProsodyContour.maximumPoints / 2)
    }

    @Test func rejectsBadSettings() {
        var settings = ProsodySettings()
        settings.pitchFloor = 700
        #expect(throws: ProsodyError.self) { try ProsodyAnalyzer(settings: settings) }
        settings = ProsodySettings()
        settings.pitchCeiling = 5000
        #expect(throws: ProsodyError.self) { try ProsodyAnalyzer(settings: settings) }
        settings = ProsodySettings()
        settings.hopSeconds = 0
        #expect(throws: ProsodyError.self) { try ProsodyAnalyzer(settings: settings) }
    }
}

enum ReportCodingProbe {
    static func encode(_ summary: ProsodySummary) throws -> String {
        String(decoding: try JSONEncoder().encode(summary), as: UTF8.self).lowercased()
    }
}

@Suite struct StreamingMemoryTests {
    /// Speech-like input (a gliding harmonic tone in 1.2 s bursts with pauses): after 20 minutes the analyser holds
    /// at most 2 kB more per minute than after 2 minutes — the 16-bit contour every 16 ms and a voicing bit per frame
    /// (≈ 7.9 kB/min) are all that grows; no audio and no per-frame F0 accumulate.
    @Test func retainedStateStaysFlat() throws {
        var analyzer = try ProsodyAnalyzer()
        let burst = Fixtures.tone(f0: 140, seconds: 1.2) + [Float](repeating: 0, count: 6_400)
        var afterTwoMinutes = 0
        for second in stride(from: 0.0, to: 1200, by: 1.6) {
            analyzer.consume(burst)
            if afterTwoMinutes == 0, second >= 120 { afterTwoMinutes = analyzer.retainedBytes }
        }
        let growthPerMinute = Double(analyzer.retainedBytes - afterTwoMinutes) / 18
        #expect(growthPerMinute <= 10_000, "grew \(growthPerMinute) bytes per minute")
        let summary = analyzer.finish()
        #expect(isClose(summary.f0MedianHz ?? 0, 140, tolerance: 1.4))
        #expect(summary.pauses.count >= 700)
    }
}
