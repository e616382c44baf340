import DebriefModel
import Foundation

/// Settings of the prosody analysis. Defaults are Praat's "To Pitch (ac)" (Boersma 1993) and "To Intensity", and
/// de Jong & Wempe (2009) for pauses.
public struct ProsodySettings: Sendable {
    public var pitchFloor: Double = 75
    public var pitchCeiling: Double = 600
    public var hopSeconds: Double = 0.01
    public var maxCandidates = 15
    /// A frame is voiced when its best normalised autocorrelation peak beats this (Praat: 0.45).
    public var voicingThreshold: Float = 0.45
    /// Frames quieter than this share of the global peak lean unvoiced (Praat: 0.03).
    public var silenceThreshold: Float = 0.03
    /// Favours higher-frequency candidates, per octave (Praat: 0.01).
    public var octaveCost: Float = 0.01
    /// Cost of a one-octave jump between frames (Praat: 0.35).
    public var octaveJumpCost: Float = 0.35
    /// Cost of a voiced/unvoiced transition (Praat: 0.14).
    public var voicedUnvoicedCost: Float = 0.14
    /// Silence threshold relative to the 99th-percentile intensity, in dB (de Jong & Wempe: −25 dB).
    public var silenceDbBelowPeak: Double = 25
    /// Shortest silent interval counted as a pause.
    public var minimumPauseSeconds: Double = 0.25
    public var keepTrack = false

    public init() {}

    /// Validates the settings.
    /// - Throws: `ProsodyError` when the floor, ceiling, hop or costs make no sense at 16 kHz.
    public func validate() throws(ProsodyError) {
        guard pitchFloor >= 30, pitchFloor < pitchCeiling else {
            throw ProsodyError(reason: "pitch floor must be ≥ 30 Hz and below the ceiling, got \(pitchFloor) Hz")
        }
        guard pitchCeiling <= Double(analysisSampleRate) / 4 else {
            throw ProsodyError(reason: "pitch ceiling must be ≤ \(analysisSampleRate / 4) Hz, got \(pitchCeiling) Hz")
        }
        guard hopSeconds >= 0.001, hopSeconds <= 0.1 else {
            throw ProsodyError(reason: "hop must be within 1–100 ms, got \(hopSeconds) s")
        }
        guard maxCandidates >= 2, maxCandidates <= 50 else {
            throw ProsodyError(reason: "candidates per frame must be within 2–50, got \(maxCandidates)")
        }
        guard voicingThreshold > 0, voicingThreshold < 1, silenceThreshold >= 0, octaveCost >= 0,
              octaveJumpCost >= 0, voicedUnvoicedCost >= 0 else {
            throw ProsodyError(reason: "thresholds must be within (0, 1) and costs must not be negative")
        }
    }
}

public struct ProsodyError: Error, Sendable, Equatable, CustomStringConvertible {
    public var reason: String
    public init(reason: String) { self.reason = reason }
    public var description: String { "prosody settings: \(reason)" }
}

/// Streaming prosody over 16 kHz mono audio: consumes chunks, keeps a few numbers per 10 ms frame, summarises at the
/// end.
///
/// - F0 and voicing: `PitchFrameAnalyzer` + `PitchPathFinder`, Boersma (1993) as Praat implements it.
/// - Intensity: Praat's "To Intensity" — mean square under a Kaiser window (β = 2π² + 0.5) of 6.4 / pitch floor
///   seconds, in dB re (2·10⁻⁵ Pa)², treating samples as pascals.
/// - Pauses: de Jong & Wempe (2009) — silence below the 99th-percentile intensity minus 25 dB, intervals of at least
///   250 ms between the first and the last sounding frame.
///
/// Memory: audio is held only for one analysis window plus the path finder's look-ahead and lag (bounded); per
/// frame the analyser keeps two floats (F0 and intensity: 2.9 MB for an hour), from which the summary and the
/// optional track are made.
public struct ProsodyAnalyzer: Sendable {
    public let settings: ProsodySettings
    private var pitch: PitchFrameAnalyzer
    private var path: PitchPathFinder
    private let hop: Int
    private let reach: Int
    private let intensityHalf: Int
    private let intensityWindow: [Float]
    private let intensityWeight: Float

    private var buffer: [Float] = []
    /// Absolute index of `buffer[0]`.
    private var bufferStart = 0
    private var consumedSamples = 0
    private var nextCentre: Int
    private var intensity: [Float] = []
    private var f0: [Float] = []

    public init(settings: ProsodySettings = ProsodySettings()) throws(ProsodyError) {
        try settings.validate()
        self.settings = settings
        let rate = Double(analysisSampleRate)
        pitch = PitchFrameAnalyzer(settings: settings, rate: rate)
        path = PitchPathFinder(settings: settings)
        hop = Int((settings.hopSeconds * rate).rounded())
        let half = Int((3.2 / settings.pitchFloor * rate).rounded(.down))
        intensityHalf = half
        let beta = 2 * Double.pi * Double.pi + 0.5
        let norm = besselI0(beta)
        intensityWindow = (-half...half).map { i in
            let x = Double(i) / Double(half + 1)
            let root = 1 - x * x
            return root <= 0 ? 0 : Float(besselI0(beta * root.squareRoot()) / norm)
        }
        intensityWeight = intensityWindow.reduce(0, +)
        reach = max(pitch.reach, half + 1, hop / 2 + 1)
        nextCentre = reach
    }

    /// Frame i is centred at `startSeconds + i · hopSeconds`.
    public var startSeconds: Double { Double(reach) / Double(analysisSampleRate) }

    public mutating func consume(_ samples: [Float]) {
        buffer.append(contentsOf: samples)
        consumedSamples += samples.count
        while nextCentre + reach <= consumedSamples {
            analyseFrame(centre: nextCentre)
            nextCentre += hop
        }
        // Drop what no later frame needs.
        let keepFrom = nextCentre - reach - bufferStart
        if keepFrom > 16_000 {
            buffer.removeFirst(keepFrom)
            bufferStart += keepFrom
        }
        f0 += path.takeEmitted()
    }

    private mutating func analyseFrame(centre: Int) {
        let local = centre - bufferStart
        let hop = self.hop
        let result = buffer.withUnsafeBufferPointer { samples in
            pitch.analyse(samples, centre: local, hop: hop)
        }
        path.add(localPeak: result.localPeak, hopPeak: result.hopPeak, candidates: result.candidates)
        var energy: Float = 0
        buffer.withUnsafeBufferPointer { samples in
            intensityWindow.withUnsafeBufferPointer { window in
                let start = local - intensityHalf
                for i in 0..<window.count {
                    let value = samples[start + i]
                    energy += window[i] * value * value
                }
            }
        }
        let meanSquare = energy / intensityWeight
        intensity.append(meanSquare > 4e-10 ? 10 * log10(meanSquare / 4e-10) : 0)
    }

    /// Summarises everything consumed so far.
    public mutating func finish() -> ProsodySummary {
        f0 += path.finish()
        let seconds = Double(consumedSamples) / Double(analysisSampleRate)
        let frameCount = intensity.count
        let voiced = f0.filter { $0 > 0 }
        let semitones = voiced.map { 12 * log2(Double($0) / 27.5) }
        let sortedSemitones = semitones.sorted()
        let dbSorted = intensity.sorted()
        let threshold: Double? = dbSorted.isEmpty ? nil
            : Double(quantile(dbSorted, 0.99)) - settings.silenceDbBelowPeak
        let sounding = threshold.map { t in intensity.map { Double($0) >= t } } ?? []
        let soundingFrames = sounding.filter { $0 }.count
        let pauses = findPauses(sounding, seconds: seconds)
        let allDb = intensity.map(Double.init)
        return ProsodySummary(
            analysedSeconds: seconds,
            speechRatio: frameCount > 0 ? Double(soundingFrames) / Double(frameCount) : 0,
            phonationSeconds: Double(soundingFrames) * settings.hopSeconds,
            voicedFraction: frameCount > 0 ? Double(voiced.count) / Double(frameCount) : 0,
            f0MedianHz: voiced.isEmpty ? nil : Double(quantile(voiced.sorted(), 0.5)),
            f0MeanSemitones: mean(semitones),
            f0SdSemitones: standardDeviation(semitones),
            f0RangeSemitones: sortedSemitones.count >= 2
                ? quantile(sortedSemitones, 0.95) - quantile(sortedSemitones, 0.05) : nil,
            intensityMeanDb: allDb.isEmpty ? nil
                : 10 * log10(allDb.reduce(0) { $0 + pow(10, $1 / 10) } / Double(allDb.count)),
            intensitySdDb: standardDeviation(allDb),
            silenceThresholdDb: threshold,
            pauses: pauses,
            track: settings.keepTrack
                ? ProsodyTrack(startSeconds: startSeconds, hopSeconds: settings.hopSeconds, f0Hz: f0,
                               intensityDb: intensity)
                : nil)
    }

    private func findPauses(_ sounding: [Bool], seconds: Double) -> Pauses {
        var lengths: [Double] = []
        if let first = sounding.firstIndex(of: true), let last = sounding.lastIndex(of: true) {
            var run = 0
            for i in first...last {
                if sounding[i] {
                    if Double(run) * settings.hopSeconds >= settings.minimumPauseSeconds {
                        lengths.append(Double(run) * settings.hopSeconds)
                    }
                    run = 0
                } else {
                    run += 1
                }
            }
        }
        let minutes = seconds / 60
        return Pauses(count: lengths.count,
                      perMinute: minutes > 0 ? Double(lengths.count) / minutes : 0,
                      meanSeconds: mean(lengths),
                      longestSeconds: lengths.max(),
                      minimumSeconds: settings.minimumPauseSeconds)
    }
}

/// Modified Bessel function of the first kind, order 0 (power series; converges for the β used here).
func besselI0(_ x: Double) -> Double {
    var sum = 1.0
    var term = 1.0
    let quarter = x * x / 4
    for k in 1..<200 {
        term *= quarter / Double(k * k)
        sum += term
        if term < sum * 1e-16 { break }
    }
    return sum
}

func quantile<T: BinaryFloatingPoint>(_ sorted: [T], _ q: Double) -> T {
    let position = q * Double(sorted.count - 1)
    let lower = Int(position.rounded(.down))
    let upper = min(sorted.count - 1, lower + 1)
    let fraction = T(position - Double(lower))
    return sorted[lower] + (sorted[upper] - sorted[lower]) * fraction
}

func mean(_ values: [Double]) -> Double? {
    values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
}

func standardDeviation(_ values: [Double]) -> Double? {
    guard values.count >= 2, let m = mean(values) else { return nil }
    return (values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(values.count - 1)).squareRoot()
}
