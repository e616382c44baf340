import DebriefModel
import Foundation

/// Who spoke when, from a two-channel recording whose channels carry different voices: call recorders, Zoom's and
/// Teams' separate tracks mixed to stereo, a phone recorder with the near end on the left. Each voice is loud on its
/// own channel and at most a faint echo on the other, so every 20 ms frame goes to the channel that is clearly
/// louder.
///
/// Streaming: `consume` takes interleaved left/right samples at 16 kHz as they are decoded; it keeps two bytes per
/// frame (each channel's level in dB), 100 bytes per second of audio, and nothing else.
///
/// `finish` decides whether the channels are two speakers at all — a mono recording copied to both channels, one
/// voice panned a little, or a stereo microphone are one speaker — and gives the turns.
public struct ChannelSpeakers: Sendable {
    public struct Settings: Sendable {
        /// A frame is speech on a channel this far above the channel's noise floor (its 10th percentile)…
        public var speechAboveFloorDb: Float = 12
        /// …and no further than this below the channel's loud speech (its 99th percentile).
        public var speechBelowPeakDb: Float = 40
        /// A channel holds a frame when it is this much louder than the other.
        public var dominanceDb: Float = 6
        /// Two speakers when both channels hold at least this share of the speech frames…
        public var minimumShare = 0.08
        /// …and this share of the speech frames is held by one channel (crosstalk and overlap are the rest).
        public var minimumHeldShare = 0.6
        /// A silence or the other channel's blip shorter than this inside one speaker's stretch is bridged.
        public var bridgeSeconds = 0.5
        /// Stretches shorter than this are no turn of their own.
        public var minimumTurnSeconds = 0.3

        public init() {}
    }

    /// The decision, with the measurements that led to it.
    public struct Result: Sendable, Equatable {
        /// Whether the channels carry different speakers.
        public var distinct: Bool
        /// The turns (labels `channel 1`, `channel 2`), in time order; empty when not `distinct`.
        public var turns: [Turn]
        /// Shares of the speech frames held by the left and the right channel.
        public var leftShare: Double
        public var rightShare: Double
        /// Why the channels were (not) taken as two speakers, in a sentence.
        public var reason: String
    }

    public static let leftLabel = "channel 1"
    public static let rightLabel = "channel 2"
    public static let frameSamples = 320
    public static let frameSeconds = Double(frameSamples) / Double(analysisSampleRate)

    public let settings: Settings
    private var left: [UInt8] = []
    private var right: [UInt8] = []
    private var partialLeft: Float = 0
    private var partialRight: Float = 0
    private var partialCount = 0

    public init(settings: Settings = Settings()) {
        self.settings = settings
    }

    /// Consumes interleaved left/right samples (any count; frames continue across calls).
    public mutating func consume(interleaved samples: [Float]) {
        var index = 0
        let count = samples.count / 2 * 2
        while index < count {
            let l = samples[index], r = samples[index + 1]
            partialLeft += l * l
            partialRight += r * r
            partialCount += 1
            if partialCount == Self.frameSamples { closeFrame() }
            index += 2
        }
    }

    private mutating func closeFrame() {
        left.append(Self.quantise(partialLeft / Float(partialCount)))
        right.append(Self.quantise(partialRight / Float(partialCount)))
        partialLeft = 0
        partialRight = 0
        partialCount = 0
    }

    /// Mean power as dB in 0…255 (0 dB ≈ −120 dBFS; 0.5 dB steps).
    static func quantise(_ power: Float) -> UInt8 {
        let db = 10 * log10(max(power, 1e-12)) + 120
        return UInt8(max(0, min(255, (db * 2).rounded())))
    }

    static func decibels(_ level: UInt8) -> Float { Float(level) / 2 }

    /// Whether the channels are two speakers, and their turns.
    public func finish() -> Result {
        guard left.count >= 50 else {
            return Result(distinct: false, turns: [], leftShare: 0, rightShare: 0,
                          reason: "less than a second of two-channel audio")
        }
        let active = [Self.activity(left, settings), Self.activity(right, settings)]
        // Per frame: 0 nobody, 1 left holds it, 2 right holds it, 3 both speak (overlap or one voice on both).
        var owner = [UInt8](repeating: 0, count: left.count)
        var speech = 0, held = [0, 0]
        for index in 0..<left.count {
            let l = active[0][index], r = active[1][index]
            guard l || r else { continue }
            speech += 1
            let difference = Self.decibels(left[index]) - Self.decibels(right[index])
            if l, difference >= settings.dominanceDb {
                owner[index] = 1
                held[0] += 1
            } else if r, difference <= -settings.dominanceDb {
                owner[index] = 2
                held[1] += 1
            } else {
                owner[index] = 3
            }
        }
        guard speech > 0 else {
            return Result(distinct: false, turns: [], leftShare: 0, rightShare: 0, reason: "no speech on either channel")
        }
        let leftShare = Double(held[0]) / Double(speech), rightShare = Double(held[1]) / Double(speech)
        let rounded = { (value: Double) in (value * 1000).rounded() / 1000 }
        guard leftShare >= settings.minimumShare, rightShare >= settings.minimumShare else {
            return Result(distinct: false, turns: [], leftShare: rounded(leftShare), rightShare: rounded(rightShare),
                          reason: String(format: "one channel carries the speech (%.0f %% left, %.0f %% right)",
                                         leftShare * 100, rightShare * 100))
        }
        guard leftShare + rightShare >= settings.minimumHeldShare else {
            return Result(distinct: false, turns: [], leftShare: rounded(leftShare), rightShare: rounded(rightShare),
                          reason: String(format: "both channels carry the same voices (%.0f %% of speech on both)",
                                         (1 - leftShare - rightShare) * 100))
        }
        return Result(distinct: true, turns: turns(owner), leftShare: rounded(leftShare),
                      rightShare: rounded(rightShare),
                      reason: String(format: "each channel carries its own voice (%.0f %% of speech on channel 1 "
                          + "alone, %.0f %% on channel 2 alone)", leftShare * 100, rightShare * 100))
    }

    /// Frames that are speech on one channel: above its noise floor and near its loud speech.
    static func activity(_ levels: [UInt8], _ settings: Settings) -> [Bool] {
        var histogram = [Int](repeating: 0, count: 256)
        for level in levels { histogram[Int(level)] += 1 }
        func percentile(_ p: Double) -> Float {
            let wanted = Int(Double(levels.count - 1) * p)
            var seen = 0
            for (level, count) in histogram.enumerated() {
                seen += count
                if seen > wanted { return decibels(UInt8(level)) }
            }
            return decibels(255)
        }
        let floor = percentile(0.10), peak = percentile(0.99)
        let threshold = max(floor + settings.speechAboveFloorDb, peak - settings.speechBelowPeakDb)
        return levels.map { decibels($0) >= threshold }
    }

    /// Runs of one channel, with short gaps and blips bridged, shorter runs dropped; overlaps (3) stay with the
    /// speaker who held the floor before them.
    func turns(_ owner: [UInt8]) -> [Turn] {
        let bridge = Int((settings.bridgeSeconds / Self.frameSeconds).rounded())
        let shortest = Int((settings.minimumTurnSeconds / Self.frameSeconds).rounded())
        // Raw runs of frames held by one channel (an overlap frame extends the run it interrupts).
        var runs: [(speaker: UInt8, start: Int, end: Int)] = []
        for (index, who) in owner.enumerated() {
            switch who {
            case 1, 2:
                if let last = runs.last, last.speaker == who, index - last.end <= bridge {
                    runs[runs.count - 1].end = index + 1
                } else {
                    runs.append((who, index, index + 1))
                }
            case 3:
                if let last = runs.last, index - last.end <= bridge { runs[runs.count - 1].end = index + 1 }
            default:
                break
            }
        }
        // Drop blips, then join what the blips had split.
        var kept: [(speaker: UInt8, start: Int, end: Int)] = []
        for run in runs where run.end - run.start >= shortest {
            if let last = kept.last, last.speaker == run.speaker, run.start - last.end <= bridge * 2 {
                kept[kept.count - 1].end = run.end
            } else {
                kept.append(run)
            }
        }
        return kept.map { run in
            Turn(start: (Double(run.start) * Self.frameSeconds * 100).rounded() / 100,
                 end: (Double(run.end) * Self.frameSeconds * 100).rounded() / 100,
                 speaker: run.speaker == 1 ? Self.leftLabel : Self.rightLabel)
        }
    }
}
