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
    /// The de Jong & Wempe contour: Praat intensity with a 50 Hz floor, mean subtracted.
    private let nucleiHalf: Int
    private let nucleiWindow: [Float]
    private let nucleiWeight: Float
    private var voice: VoiceQuality
    /// First frame not yet examined for closed voiced stretches.
    private var stretchScan = 0

    private var buffer: [Float] = []
    /// Squares of `buffer`, computed once per sample for the intensity windows.
    private var squaresBuffer: [Float] = []
    /// Absolute index of `buffer[0]`.
    private var bufferStart = 0
    private var consumedSamples = 0
    private var nextCentre: Int
    private var intensity: [Float] = []
    private var nucleiContour: [Float] = []
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
        intensityWindow = kaiserWindow(half: half)
        intensityWeight = intensityWindow.reduce(0, +)
        let nucleiHalfLength = Int((3.2 / 50 * rate).rounded(.down))
        nucleiHalf = nucleiHalfLength
        nucleiWindow = kaiserWindow(half: nucleiHalfLength)
        nucleiWeight = nucleiWindow.reduce(0, +)
        voice = VoiceQuality(rate: rate)
        reach = max(pitch.reach, half + 1, nucleiHalfLength + 1, hop / 2 + 1)
        nextCentre = reach
    }

    /// Frame i is centred at `startSeconds + i · hopSeconds`.
    public var startSeconds: Double { Double(reach) / Double(analysisSampleRate) }

    public mutating func consume(_ samples: [Float]) {
        buffer.append(contentsOf: samples)
        squaresBuffer.append(contentsOf: samples.lazy.map { $0 * $0 })
        consumedSamples += samples.count
        while nextCentre + reach <= consumedSamples {
            analyseFrame(centre: nextCentre)
            nextCentre += hop
        }
        f0 += path.takeEmitted()
        measureClosedStretches(final: false)
        // Drop what no later frame and no undecided voiced stretch needs.
        let stretchStart = centreSample(stretchScan) - 2 * pitch.periodSamples
        let keepFrom = min(nextCentre - reach, stretchStart) - bufferStart
        if keepFrom > 16_000 {
            buffer.removeFirst(keepFrom)
            squaresBuffer.removeFirst(keepFrom)
            bufferStart += keepFrom
        }
    }

    private func centreSample(_ frame: Int) -> Int { reach + frame * hop }

    /// Hands every voiced stretch whose end is decided to the pulse analysis (at the end: every stretch).
    private mutating func measureClosedStretches(final: Bool) {
        var i = stretchScan
        while i < f0.count {
            guard f0[i] > 0 else { i += 1; stretchScan = i; continue }
            var j = i
            while j < f0.count, f0[j] > 0 { j += 1 }
            guard j < f0.count || final else { return }  // still open
            let hopSeconds = settings.hopSeconds
            let origin = startSeconds
            let left = origin + (Double(i) - 0.5) * hopSeconds
            let right = origin + (Double(j - 1) + 0.5) * hopSeconds
            let track = f0
            let f0At: (Double) -> Double? = { time in
                let position = (time - origin) / hopSeconds
                let lower = Int(position.rounded(.down))
                guard lower >= -1, lower < track.count else { return nil }
                let a = lower >= 0 ? Double(track[lower]) : 0
                let b = lower + 1 < track.count ? Double(track[lower + 1]) : 0
                let fraction = position - Double(lower)
                if a > 0, b > 0 { return a + (b - a) * fraction }
                if a > 0, fraction <= 0.5 { return a }
                if b > 0, fraction >= 0.5 { return b }
                return nil
            }
            let peak = path.globalPeak
            let offset = bufferStart
            buffer.withUnsafeBufferPointer { samples in
                voice.addStretch(samples: samples, offset: offset, left: left, right: right, globalPeak: peak, f0: f0At)
            }
            i = j
            stretchScan = j
        }
    }

    private mutating func analyseFrame(centre: Int) {
        let local = centre - bufferStart
        let hop = self.hop
        let result = buffer.withUnsafeBufferPointer { samples in
            pitch.analyse(samples, centre: local, hop: hop)
        }
        path.add(localPeak: result.localPeak, hopPeak: result.hopPeak, candidates: result.candidates)
        let energy = squaresBuffer.withUnsafeBufferPointer { squares in
            intensityWindow.withUnsafeBufferPointer { window in
                Kernels.dot(window.baseAddress!, squares.baseAddress! + local - intensityHalf, count: window.count)
            }
        }
        let meanSquare = energy / intensityWeight
        intensity.append(meanSquare > 4e-10 ? 10 * log10(meanSquare / 4e-10) : 0)
        nucleiContour.append(meanSubtractedIntensity(local))
    }

    /// Praat intensity with the 50 Hz window, the window's mean subtracted: Σw(x−m)²/Σw = Σwx²/Σw − 2mΣwx/Σw + m².
    private func meanSubtractedIntensity(_ centre: Int) -> Float {
        let count = nucleiWindow.count
        let start = centre - nucleiHalf
        var plain: Float = 0
        var weighted: Float = 0
        var weightedSquares: Float = 0
        buffer.withUnsafeBufferPointer { samples in
            squaresBuffer.withUnsafeBufferPointer { squares in
                nucleiWindow.withUnsafeBufferPointer { window in
                    let x = samples.baseAddress! + start
                    var sums = SIMD8<Float>()
                    var i = 0
                    while i + 8 <= count {
                        sums += UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self)
                        i += 8
                    }
                    plain = sums.sum()
                    while i < count { plain += x[i]; i += 1 }
                    weighted = Kernels.dot(window.baseAddress!, x, count: count)
                    weightedSquares = Kernels.dot(window.baseAddress!, squares.baseAddress! + start, count: count)
                }
            }
        }
        let m = plain / Float(count)
        let meanSquare = max(0, weightedSquares / nucleiWeight - 2 * m * weighted / nucleiWeight + m * m)
        return meanSquare > 4e-10 ? 10 * log10(meanSquare / 4e-10) : 0
    }

    /// Summarises everything consumed so far.
    public mutating func finish() -> ProsodySummary {
        f0 += path.finish()
        measureClosedStretches(final: true)
        let seconds = Double(consumedSamples) / Double(analysisSampleRate)
        let frameCount = intensity.count
        let hopSeconds = settings.hopSeconds
        var voicedTimes: [Double] = []
        var semitones: [Double] = []
        for (index, value) in f0.enumerated() where value > 0 {
            voicedTimes.append(startSeconds + Double(index) * hopSeconds)
            semitones.append(12 * log2(Double(value) / 27.5))
        }
        let sortedSemitones = semitones.sorted()
        // de Jong & Wempe's script reads the contour at Praat's default step for a 50 Hz floor (0.8 / 50 = 16 ms);
        // the contour is smooth (64 ms effective window), so linear resampling of the 10 ms frames is faithful.
        let nucleiStep = 0.8 / 50
        let (resampled, resampledVoiced) = resample(nucleiContour, voiced: f0.map { $0 > 0 }, from: hopSeconds,
                                                    to: nucleiStep)
        let segmentation = SpeechSegmentation(contour: resampled, voiced: resampledVoiced, hop: nucleiStep,
                                              silenceDb: -settings.silenceDbBelowPeak,
                                              minimumSilence: settings.minimumPauseSeconds)
        let soundingSteps = segmentation.sounding.filter { $0 }.count
        let phonation = Double(soundingSteps) * nucleiStep
        let soundingFrames = Int((phonation / hopSeconds).rounded())
        let syllables = segmentation.nuclei.count
        let pauses = findPauses(segmentation.sounding, step: nucleiStep, seconds: seconds)
        let allDb = intensity.map(Double.init)
        let enoughSpeech = soundingFrames > 0 && frameCount > 0
        return ProsodySummary(
            analysedSeconds: seconds,
            speechRatio: frameCount > 0 ? Double(soundingFrames) / Double(frameCount) : 0,
            phonationSeconds: phonation,
            voicedFraction: frameCount > 0 ? Double(semitones.count) / Double(frameCount) : 0,
            f0MedianHz: sortedSemitones.isEmpty ? nil : 27.5 * pow(2, quantile(sortedSemitones, 0.5) / 12),
            f0MeanSemitones: mean(semitones),
            f0SdSemitones: standardDeviation(semitones),
            f0RangeSemitones: sortedSemitones.count >= 2
                ? quantile(sortedSemitones, 0.95) - quantile(sortedSemitones, 0.05) : nil,
            intensityMeanDb: allDb.isEmpty ? nil
                : 10 * log10(allDb.reduce(0) { $0 + pow(10, $1 / 10) } / Double(allDb.count)),
            intensitySdDb: standardDeviation(allDb),
            silenceThresholdDb: frameCount > 0 ? segmentation.threshold : nil,
            pauses: pauses,
            f0SlopeSemitonesPerSecond: slope(voicedTimes, semitones),
            syllables: enoughSpeech ? syllables : nil,
            speechRate: enoughSpeech && seconds > 0 ? Double(syllables) / seconds : nil,
            articulationRate: enoughSpeech && phonation > 0 ? Double(syllables) / phonation : nil,
            averageSyllableSeconds: syllables > 0 ? phonation / Double(syllables) : nil,
            jitterLocal: voice.jitterLocal,
            shimmerLocal: voice.shimmerLocal,
            track: settings.keepTrack
                ? ProsodyTrack(startSeconds: startSeconds, hopSeconds: hopSeconds, f0Hz: f0, intensityDb: intensity)
                : nil)
    }

    private func findPauses(_ sounding: [Bool], step: Double, seconds: Double) -> Pauses {
        var lengths: [Double] = []
        if let first = sounding.firstIndex(of: true), let last = sounding.lastIndex(of: true) {
            var run = 0
            for i in first...last {
                if sounding[i] {
                    if Double(run) * step >= settings.minimumPauseSeconds - 1e-9 {
                        lengths.append(Double(run) * step)
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
                      minimumSeconds: settings.minimumPauseSeconds,
                      brief: lengths.filter { $0 < 0.5 }.count,
                      medium: lengths.filter { $0 >= 0.5 && $0 < 1 }.count,
                      long: lengths.filter { $0 >= 1 }.count)
    }
}

/// Praat's intensity window: Kaiser with β = 2π² + 0.5 over 2·half + 1 samples.
func kaiserWindow(half: Int) -> [Float] {
    let beta = 2 * Double.pi * Double.pi + 0.5
    let norm = besselI0(beta)
    return (-half...half).map { i in
        let x = Double(i) / Double(half + 1)
        let root = 1 - x * x
        return root <= 0 ? 0 : Float(besselI0(beta * root.squareRoot()) / norm)
    }
}

/// Linear resampling of a frame contour (and nearest-frame voicing) from one step to another.
func resample(_ contour: [Float], voiced: [Bool], from step: Double, to newStep: Double) -> ([Float], [Bool]) {
    guard contour.count >= 2 else { return (contour, voiced) }
    let count = Int((Double(contour.count - 1) * step / newStep).rounded(.down)) + 1
    var values: [Float] = []
    var flags: [Bool] = []
    values.reserveCapacity(count)
    flags.reserveCapacity(count)
    for k in 0..<count {
        let position = Double(k) * newStep / step
        let lower = min(contour.count - 2, Int(position.rounded(.down)))
        let fraction = Float(position - Double(lower))
        values.append(contour[lower] + (contour[lower + 1] - contour[lower]) * fraction)
        flags.append(voiced[min(voiced.count - 1, Int(position.rounded()))])
    }
    return (values, flags)
}

/// Least-squares slope of y on x; nil with fewer than two distinct x.
func slope(_ x: [Double], _ y: [Double]) -> Double? {
    guard x.count >= 2, let mx = mean(x), let my = mean(y) else { return nil }
    var numerator = 0.0, denominator = 0.0
    for (a, b) in zip(x, y) {
        numerator += (a - mx) * (b - my)
        denominator += (a - mx) * (a - mx)
    }
    return denominator > 0 ? numerator / denominator : nil
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
