import DebriefModel
import Diarization
import Evaluation
import Foundation
import TestSupport
import Testing

/// Speakers from a two-channel recording, measured against the truth of calls built from real speech: a female
/// voice (Asterisk's Allison prompts) on one channel and a male voice (codec2's ve9qrp recording) on the other,
/// each leaking into the other channel at −24 dB as a call recorder's echo does, with a noise floor. The reference
/// timeline comes from each voice's own track (where it is within 35 dB of its loud speech), as close-talk
/// references of real meetings are made.
@Suite struct ChannelSpeakersTests {
    static let allison = "/usr/share/asterisk/sounds/en_US_f_Allison"
    static let male = "/usr/share/codec2/wav/ve9qrp.wav"
    static let installed = FileManager.default.fileExists(atPath: allison) && FileManager.default.fileExists(atPath: male)

    /// 16 kHz mono samples of a file, through the product's decoder.
    static func decode(_ path: String) throws -> [Float] { try ASREvaluation.decode(path) }

    /// Where a clean track speaks: 20 ms frames within 35 dB of its 99th-percentile level, gaps under 0.3 s bridged.
    static func reference(_ track: [Float], speaker: String) -> [Turn] {
        let frame = 320
        let levels = stride(from: 0, to: track.count - frame, by: frame).map { start -> Float in
            var power: Float = 0
            for index in start..<start + frame { power += track[index] * track[index] }
            return 10 * log10(max(power / Float(frame), 1e-12))
        }
        let peak = levels.sorted()[Int(Double(levels.count - 1) * 0.99)]
        var turns: [Turn] = []
        for (index, level) in levels.enumerated() where level > peak - 35 {
            let start = Double(index) * 0.02
            if let last = turns.last, start - last.end < 0.3 {
                turns[turns.count - 1].end = start + 0.02
            } else {
                turns.append(Turn(start: start, end: start + 0.02, speaker: speaker))
            }
        }
        return turns
    }

    struct Call {
        var left: [Float]
        var right: [Float]
        var truth: [Turn]

        func interleaved(crosstalk: Float = 0.063, noise: Float = 0.0005, leftGain: Float = 1) -> [Float] {
            var generator = SeededNoise(seed: 7)
            var out = [Float](repeating: 0, count: left.count * 2)
            for index in 0..<left.count {
                out[2 * index] = leftGain * (left[index] + crosstalk * right[index]) + noise * generator.next()
                out[2 * index + 1] = right[index] + crosstalk * left[index] + noise * generator.next()
            }
            return out
        }
    }

    /// A call of alternating turns: prompts of the first voice, stretches of the second, 0.4–1 s apart, with a
    /// short overlap (the first voice starting before the second has finished) every fourth turn.
    static func call(turns: Int) throws -> Call {
        let prompts = try FileManager.default.contentsOfDirectory(atPath: allison).filter { $0.hasSuffix(".wav") }
            .sorted()
        let long = try decode(male)
        var left: [Float] = [], right: [Float] = []
        var promptIndex = 0, maleOffset = 0
        for turn in 0..<turns {
            var piece: [Float] = []
            if turn % 2 == 0 {
                while piece.count < 16_000 * 4, promptIndex < prompts.count {
                    piece += try decode("\(allison)/\(prompts[promptIndex])")
                    promptIndex += 7
                }
            } else {
                let length = 16_000 * (5 + (turn * 3) % 6)
                piece = Array(long[maleOffset..<min(long.count, maleOffset + length)])
                maleOffset = (maleOffset + length) % max(1, long.count - length)
            }
            let overlap = turn % 4 == 2 ? 8_000 : 0
            let gap = overlap > 0 ? 0 : 6_400 + (turn * 1_600) % 9_600
            let start = max(0, max(left.count, right.count) + gap - overlap)
            let end = start + piece.count
            if left.count < end { left += [Float](repeating: 0, count: end - left.count) }
            if right.count < end { right += [Float](repeating: 0, count: end - right.count) }
            for (offset, sample) in piece.enumerated() {
                if turn % 2 == 0 { left[start + offset] += sample } else { right[start + offset] += sample }
            }
        }
        let truth = (reference(left, speaker: "female") + reference(right, speaker: "male")).sorted { $0.start < $1.start }
        return Call(left: left, right: right, truth: truth)
    }

    @Test(.enabled(if: installed || ProcessInfo.processInfo.environment["CI"] == "true",
                   "needs real speech: apt-get install codec2-examples asterisk-core-sounds-en-wav"))
    func callRecorderChannelsAgreeWithTheTruth() throws {
        let call = try Self.call(turns: 24)
        for (label, leftGain) in [("balanced", Float(1)), ("left channel 9 dB quieter", Float(0.35))] {
            var speakers = ChannelSpeakers()
            let samples = call.interleaved(leftGain: leftGain)
            // Fed in the decoder's chunk size, as the pipeline does.
            for start in stride(from: 0, to: samples.count, by: 16_000) {
                speakers.consume(interleaved: Array(samples[start..<min(samples.count, start + 16_000)]))
            }
            let result = speakers.finish()
            #expect(result.distinct, "\(label): \(result.reason)")
            let score = SpeakerTimelineScore(reference: call.truth, hypothesis: result.turns)
            print(String(format: "channels (%@): %.0f s of reference speech, coverage %.1f %%, confusion %.2f %%",
                         label, score.referenceSeconds, score.coverage * 100, score.confusion * 100))
            // The bar for real two-speaker speech: confusion ≤ 5 %, ≥ 85 % of reference speech assigned.
            #expect(score.referenceSeconds > 100)
            #expect(score.confusion <= 0.05, "\(label)")
            #expect(score.coverage >= 0.85, "\(label)")
            #expect(Set(score.mapping.values) == ["female", "male"])
        }
    }

    /// One voice is one speaker however it reaches the two channels: copied to both (a mono recording saved as
    /// stereo), panned a little, or on one channel only.
    @Test(.enabled(if: installed || ProcessInfo.processInfo.environment["CI"] == "true",
                   "needs real speech: apt-get install codec2-examples"))
    func oneVoiceOnTwoChannelsIsOneSpeaker() throws {
        let voice = try Self.decode(Self.male)
        for (label, leftGain, rightGain) in [("copied", Float(1), Float(1)), ("panned 4 dB", 1, 0.63),
                                             ("left only", 1, 0)] {
            var speakers = ChannelSpeakers()
            var samples = [Float](repeating: 0, count: voice.count * 2)
            for (index, sample) in voice.enumerated() {
                samples[2 * index] = leftGain * sample
                samples[2 * index + 1] = rightGain * sample
            }
            speakers.consume(interleaved: samples)
            let result = speakers.finish()
            #expect(!result.distinct, "\(label): \(result.reason)")
            #expect(result.turns.isEmpty)
        }
        // A second of silence says nothing either way.
        var silent = ChannelSpeakers()
        silent.consume(interleaved: [Float](repeating: 0, count: 64_000))
        #expect(silent.finish().distinct == false)
    }

    /// Turns from frame owners: blips dropped, short gaps bridged, an overlap kept with the speaker holding the floor.
    @Test func turnsBridgeGapsAndDropBlips() {
        var speakers = ChannelSpeakers()
        func stretch(_ seconds: Double, left: Float, right: Float) {
            let count = Int(seconds * 16_000)
            var samples = [Float](repeating: 0, count: count * 2)
            for index in 0..<count {
                let phase = Float(index) * 2 * .pi * 200 / 16_000
                samples[2 * index] = left * sin(phase)
                samples[2 * index + 1] = right * sin(phase * 1.3)
            }
            speakers.consume(interleaved: samples)
        }
        stretch(1, left: 0, right: 0)
        stretch(3, left: 0.3, right: 0.01)     // channel 1 speaks
        stretch(0.3, left: 0, right: 0)        // a breath
        stretch(2, left: 0.3, right: 0.01)
        stretch(0.1, left: 0.01, right: 0.3)   // a 100 ms "mm" on channel 2: no turn
        stretch(1, left: 0.3, right: 0.01)
        stretch(1, left: 0, right: 0)
        stretch(4, left: 0.01, right: 0.3)     // channel 2 answers
        stretch(1, left: 0, right: 0)
        let result = speakers.finish()
        #expect(result.distinct, "\(result.reason)")
        #expect(result.turns.map(\.speaker) == [ChannelSpeakers.leftLabel, ChannelSpeakers.rightLabel])
        #expect(abs(result.turns[0].start - 1) < 0.05 && abs(result.turns[0].end - 7.4) < 0.05)
        #expect(abs(result.turns[1].start - 8.4) < 0.05 && abs(result.turns[1].end - 12.4) < 0.05)
    }
}

/// Deterministic white noise in −1…1 (xorshift).
struct SeededNoise {
    var state: UInt64
    init(seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 | 1 }
    mutating func next() -> Float {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return Float(Int64(bitPattern: state >> 11) % 2_000_000) / 1_000_000 - 1
    }
}

/// The scoring of a speaker timeline against a reference, and RTTM files.
@Suite struct SpeakerTimelineScoreTests {
    @Test func confusionAfterTheBestMappingAndCoverage() {
        let reference = [Turn(start: 0, end: 10, speaker: "A"), Turn(start: 10, end: 20, speaker: "B"),
                         Turn(start: 19, end: 20, speaker: "A")]  // one second of overlap: left out of confusion
        // Labels swapped (the mapping finds that), 2 s of B given to A's label, 1 s of A unassigned.
        let hypothesis = [Turn(start: 1, end: 10, speaker: "x"), Turn(start: 10, end: 12, speaker: "x"),
                          Turn(start: 12, end: 20, speaker: "y")]
        let score = SpeakerTimelineScore(reference: reference, hypothesis: hypothesis)
        #expect(score.mapping == ["x": "A", "y": "B"])
        #expect(abs(score.referenceSeconds - 20) < 0.02)
        #expect(abs(score.coverage - 0.95) < 0.001)
        // Compared: 9 s of A + 9 s of B alone (19–20 overlaps) = 18 s, of which 2 s wrong.
        #expect(abs(score.comparedSeconds - 18) < 0.02)
        #expect(abs(score.confusion - 2.0 / 18) < 0.001)
    }

    @Test func rttmLinesAndTheirErrors() throws {
        let text = """
            SPEAKER call 1 0.50 2.00 <NA> <NA> Ann <NA> <NA>
            SPEAKER other 1 0.00 1.00 <NA> <NA> Bob <NA> <NA>
            SPEAKER call 1 3.000 1.5 <NA> <NA> Dana <NA> <NA>
            """
        #expect(try RTTM.parse(text, recording: "call") == [Turn(start: 0.5, end: 2.5, speaker: "Ann"),
                                                             Turn(start: 3, end: 4.5, speaker: "Dana")])
        #expect(try RTTM.parse(text).count == 3)
        #expect(throws: RTTM.ParseError.self) { try RTTM.parse("SPEAKER call 1 zero 2 <NA> <NA> Ann", file: "x.rttm") }
    }
}
