import Foundation
@testable import Prosody
import TestSupport
import Testing

/// Syllable nuclei: peak prominence against its definition, and counts on synthetic syllable trains.
@Suite struct SyllableNucleiTests {
    /// Prominence by its definition: walk each way until a higher peak or the edge, take the lowest value on the
    /// way; the peak's height above the higher of the two.
    static func bruteForce(_ contour: [Float], peaks: [Int]) -> [Float] {
        peaks.map { peak in
            func base(_ step: Int) -> Float {
                var i = peak + step, lowest = contour[peak]
                while i >= 0, i < contour.count, !(peaks.contains(i) && contour[i] > contour[peak]) {
                    lowest = min(lowest, contour[i])
                    i += step
                }
                return lowest
            }
            return contour[peak] - max(base(-1), base(1))
        }
    }

    @Test(arguments: 0..<20)
    func prominenceMatchesItsDefinition(_ seed: Int) {
        // A fixed, irregular contour per seed (quadratic residues): plateaus, ties and nested peaks included.
        let contour = (0..<(5 + seed * 13)).map { i in Float((i * i * 31 + i * seed * 7 + seed * 17) % 12) }
        var peaks: [Int] = []
        for i in 1..<max(1, contour.count - 1) where contour[i] > contour[i - 1] && contour[i] >= contour[i + 1] {
            peaks.append(i)
        }
        let fast = SpeechSegmentation.prominences(of: peaks, count: contour.count) { contour[$0] }
        #expect(fast == Self.bruteForce(contour, peaks: peaks), "contour \(contour)")
    }

    /// Vowel-like bursts (0.2 s, raised-cosine envelope) with 0.12 s gaps — too short to be pauses.
    static func syllables(_ count: Int, ripple: Bool = false) -> [Float] {
        let rate = 16_000.0
        var signal = [Float](repeating: 0, count: 4000)
        for _ in 0..<count {
            let burst = Fixtures.tone(f0: 140, seconds: 0.2)
            signal += burst.enumerated().map { n, value in
                let phase = Double(n) / Double(burst.count)
                var envelope = 0.5 - 0.5 * cos(2 * .pi * phase)
                // A 0.7 dB wobble on the vowel (three bumps): dips too shallow for syllable boundaries.
                if ripple { envelope *= 1 - 0.08 * (0.5 - 0.5 * cos(2 * .pi * 3 * phase)) }
                return value * Float(envelope)
            }
            signal += [Float](repeating: 0, count: Int(0.12 * rate))
        }
        return signal + [Float](repeating: 0, count: 4000)
    }

    @Test(arguments: [1, 2, 5])
    func countsEachSyllableOfATrain(_ count: Int) throws {
        for ripple in [false, true] {
            var analyzer = try ProsodyAnalyzer(settings: ProsodySettings())
            analyzer.consume(Self.syllables(count, ripple: ripple))
            let summary = analyzer.finish()
            // One syllable counts one (de Jong & Wempe's script drops the last peak and would say zero).
            #expect(summary.syllables == count, "ripple \(ripple)")
        }
    }
}
