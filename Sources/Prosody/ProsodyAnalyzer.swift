import Foundation
import DebriefModel

/// Settings of the prosody analysis. Defaults follow Praat's "To Pitch (ac)" and de Jong & Wempe (2009).
public struct ProsodySettings: Sendable {
    public var pitchFloor: Double = 75
    public var pitchCeiling: Double = 600
    public var hopSeconds: Double = 0.01
    /// Praat's voicing threshold: a frame is voiced when its best normalised autocorrelation peak exceeds it.
    public var voicingThreshold: Float = 0.45
    /// Praat's silence threshold: frames whose peak amplitude is below this share of the global peak are unvoiced.
    public var silenceThreshold: Float = 0.03
    /// Praat's octave cost per octave below the ceiling, favouring higher-frequency candidates.
    public var octaveCost: Float = 0.01
    /// Silence threshold relative to the 99th-percentile intensity, in dB (de Jong & Wempe: −25 dB).
    public var silenceDbBelowPeak: Double = 25
    /// Shortest silent interval counted as a pause.
    public var minimumPauseSeconds: Double = 0.25
    public var keepTrack = false

    public init() {}

    /// Validates the settings.
    /// - Throws: `ProsodyError` when the floor, ceiling or hop make no sense at 16 kHz.
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
    }
}

public struct ProsodyError: Error, Sendable, Equatable, CustomStringConvertible {
    public var reason: String
    public init(reason: String) { self.reason = reason }
    public var description: String { "prosody settings: \(reason)" }
}

/// Streaming prosody: consumes 16 kHz mono chunks, keeps a few numbers per 10 ms frame, and summarises at the end.
///
/// F0 follows the autocorrelation method of Boersma (1993), "Accurate short-term analysis of the fundamental
/// frequency and the harmonics-to-noise ratio of a sampled sound": a Hann-windowed frame of three periods of the
/// pitch floor, its autocorrelation divided by the window's own autocorrelation, local maxima refined by parabolic
/// interpolation, and the best peak chosen with an octave cost. The voicing decision uses Praat's voicing and
/// silence thresholds. (The path search across frames — Viterbi with octave-jump and voicing costs — is not built
/// yet: each frame takes its best candidate.)
///
/// Pauses follow de Jong & Wempe (2009): a silence threshold 25 dB below the 99th-percentile intensity, silent
/// intervals of at least 250 ms between the first and the last sounding frame.
///
/// Memory: the raw audio is never retained beyond one analysis window; per frame the analyser keeps four floats
/// (≈ 5.8 MB for an hour), which the optional track and the summary's percentiles need.
public struct ProsodyAnalyzer: Sendable {
    public let settings: ProsodySettings
    private let windowLength: Int
    private let hop: Int
    private let lags: ClosedRange<Int>
    private let window: [Float]
    /// Autocorrelation of the window itself, r_w(τ)/r_w(0), for the lags searched.
    private let windowCorrelation: [Float]

    private var pending: [Float] = []
    private var consumedSamples = 0
    private var frameCount = 0
    private var intensity: [Float] = []
    private var candidateHz: [Float] = []
    private var candidateStrength: [Float] = []
    private var localPeak: [Float] = []
    private var globalPeak: Float = 0
    private var scratch: [Float]
    private var correlation: [Float]

    public init(settings: ProsodySettings = ProsodySettings()) throws(ProsodyError) {
        try settings.validate()
        self.settings = settings
        let rate = Double(analysisSampleRate)
        let length = Int((3 / settings.pitchFloor * rate).rounded())
        let lagRange = max(2, Int((rate / settings.pitchCeiling).rounded(.down)))
            ... Int((rate / settings.pitchFloor).rounded(.up))
        let hann: [Float] = (0..<length).map { n in
            let phase = 2 * Double.pi * (Double(n) + 0.5) / Double(length)
            return Float(0.5 - 0.5 * cos(phase))
        }
        let zeroLag = hann.reduce(0) { $0 + $1 * $1 }
        windowCorrelation = lagRange.map { lag in
            var sum: Float = 0
            for n in 0..<(length - lag) { sum += hann[n] * hann[n + lag] }
            return sum / zeroLag
        }
        windowLength = length
        hop = Int((settings.hopSeconds * rate).rounded())
        lags = lagRange
        window = hann
        scratch = [Float](repeating: 0, count: windowLength)
        correlation = [Float](repeating: 0, count: lags.count)
        pending.reserveCapacity(windowLength + 16_000)
    }

    /// Frame i is centred at `startSeconds + i · hopSeconds`.
    public var startSeconds: Double { Double(windowLength) / 2 / Double(analysisSampleRate) }

    public mutating func consume(_ samples: [Float]) {
        pending.append(contentsOf: samples)
        var offset = 0
        while pending.count - offset >= windowLength {
            analyseFrame(at: offset)
            offset += hop
        }
        if offset > 0 { pending.removeFirst(offset) }
        consumedSamples += samples.count
    }

    private mutating func analyseFrame(at offset: Int) {
        var mean: Float = 0
        var peak: Float = 0
        for n in 0..<windowLength {
            let value = pending[offset + n]
            mean += value
            peak = max(peak, abs(value))
        }
        mean /= Float(windowLength)
        var energy: Float = 0
        var weight: Float = 0
        for n in 0..<windowLength {
            let centred = pending[offset + n] - mean
            let windowed = centred * window[n]
            scratch[n] = windowed
            energy += window[n] * centred * centred
            weight += window[n]
        }
        // Intensity in dB re (2·10⁻⁵)², treating samples as pascals as Praat does; floor at 0 dB.
        let meanSquare = max(energy / weight, 4e-10)
        intensity.append(10 * log10(meanSquare / 4e-10))
        localPeak.append(peak)
        globalPeak = max(globalPeak, peak)

        var zeroLag: Float = 0
        scratch.withUnsafeBufferPointer { x in
            zeroLag = Kernels.dot(x.baseAddress!, x.baseAddress!, count: x.count)
            correlation.withUnsafeMutableBufferPointer { Kernels.autocorrelation(x, lags: lags, into: $0) }
        }
        var bestHz: Float = 0
        var bestStrength: Float = 0
        var bestScore: Float = -.infinity
        if zeroLag > 0 {
            let count = correlation.count
            for i in 1..<(count - 1) {
                let r = correlation[i] / zeroLag / windowCorrelation[i]
                let left = correlation[i - 1] / zeroLag / windowCorrelation[i - 1]
                let right = correlation[i + 1] / zeroLag / windowCorrelation[i + 1]
                guard r > left, r >= right, r > 0 else { continue }
                // Parabolic interpolation of the peak position and height.
                let denominator = left - 2 * r + right
                let shift = denominator != 0 ? 0.5 * (left - right) / denominator : 0
                let strength = min(1, r - 0.25 * (left - right) * shift)
                let lag = Float(lags.lowerBound + i) + shift
                let hz = Float(analysisSampleRate) / lag
                let score = strength - settings.octaveCost * log2(Float(settings.pitchFloor) * lag
                    / Float(analysisSampleRate))
                if score > bestScore {
                    bestScore = score
                    bestStrength = strength
                    bestHz = hz
                }
            }
        }
        candidateHz.append(bestHz)
        candidateStrength.append(bestStrength)
        frameCount += 1
    }

    /// Summarises everything consumed so far.
    public func finish() -> ProsodySummary {
        let seconds = Double(consumedSamples) / Double(analysisSampleRate)
        let f0 = voicedF0()
        let voiced = f0.filter { $0 > 0 }
        let semitones = voiced.map { 12 * log2(Double($0) / 27.5) }.sorted()
        let dbSorted = intensity.sorted()
        let threshold: Double? = dbSorted.isEmpty ? nil
            : Double(quantile(dbSorted, 0.99)) - settings.silenceDbBelowPeak
        let sounding = threshold.map { t in intensity.map { Double($0) >= t } } ?? []
        let soundingFrames = sounding.filter { $0 }.count
        let pauses = findPauses(sounding, seconds: seconds)
        let speechDb = zip(intensity, sounding).filter { $0.1 }.map { Double($0.0) }
        return ProsodySummary(
            analysedSeconds: seconds,
            speechRatio: frameCount > 0 ? Double(soundingFrames) / Double(frameCount) : 0,
            phonationSeconds: Double(soundingFrames) * settings.hopSeconds,
            voicedFraction: frameCount > 0 ? Double(voiced.count) / Double(frameCount) : 0,
            f0MedianHz: voiced.isEmpty ? nil : Double(quantile(voiced.sorted(), 0.5)),
            f0MeanSemitones: mean(semitones),
            f0SdSemitones: standardDeviation(semitones),
            f0RangeSemitones: semitones.count >= 2 ? quantile(semitones, 0.95) - quantile(semitones, 0.05) : nil,
            intensityMeanDb: speechDb.isEmpty ? nil : 10 * log10(speechDb.reduce(0) { $0 + pow(10, $1 / 10) }
                / Double(speechDb.count)),
            intensitySdDb: standardDeviation(speechDb),
            silenceThresholdDb: threshold,
            pauses: pauses,
            track: settings.keepTrack
                ? ProsodyTrack(startSeconds: startSeconds, hopSeconds: settings.hopSeconds, f0Hz: f0,
                               intensityDb: intensity)
                : nil)
    }

    /// F0 per frame, 0 where unvoiced (below the voicing threshold or near-silent relative to the global peak).
    private func voicedF0() -> [Float] {
        let minimumPeak = globalPeak * settings.silenceThreshold
        return (0..<frameCount).map { i in
            candidateStrength[i] >= settings.voicingThreshold && localPeak[i] >= minimumPeak
                && candidateHz[i] >= Float(settings.pitchFloor) && candidateHz[i] <= Float(settings.pitchCeiling)
                ? candidateHz[i] : 0
        }
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
