import DebriefModel
import Foundation

/// How well a speaker timeline agrees with a reference (RTTM), on a 10 ms grid, as the issue states the bar:
/// - **coverage**: the share of reference speech that the hypothesis gives to some speaker;
/// - **confusion**: of the speech that one reference speaker says alone and the hypothesis labels, the share
///   labelled with the wrong speaker after the best one-to-one mapping of labels (overlapped speech is left out,
///   as both sides cannot agree on one label there).
public struct SpeakerTimelineScore: Sendable, Equatable {
    public var coverage: Double
    public var confusion: Double
    /// Seconds of reference speech, and of single-speaker speech both sides label.
    public var referenceSeconds: Double
    public var comparedSeconds: Double
    /// The mapping used: hypothesis label → reference label.
    public var mapping: [String: String]

    static let step = 0.01

    public init(reference: [Turn], hypothesis: [Turn]) {
        let end = max(reference.map(\.end).max() ?? 0, hypothesis.map(\.end).max() ?? 0)
        let count = Int((end / Self.step).rounded(.up))
        func grid(_ turns: [Turn], labels: [String]) -> [[Int]] {
            var cells = [[Int]](repeating: [], count: count)
            for turn in turns {
                let id = labels.firstIndex(of: turn.speaker)!
                let first = max(0, Int((turn.start / Self.step).rounded()))
                let last = min(count, Int((turn.end / Self.step).rounded()))
                guard first < last else { continue }
                for index in first..<last where !cells[index].contains(id) { cells[index].append(id) }
            }
            return cells
        }
        let referenceLabels = Array(Set(reference.map(\.speaker))).sorted()
        let hypothesisLabels = Array(Set(hypothesis.map(\.speaker))).sorted()
        let truth = grid(reference, labels: referenceLabels), guess = grid(hypothesis, labels: hypothesisLabels)
        var speech = 0, covered = 0
        // overlap[h][r]: frames of single-speaker reference speech r that the hypothesis gives (only) to h.
        var overlap = [[Int]](repeating: [Int](repeating: 0, count: referenceLabels.count),
                              count: hypothesisLabels.count)
        var compared = 0
        for index in 0..<count where !truth[index].isEmpty {
            speech += 1
            if !guess[index].isEmpty { covered += 1 }
            guard truth[index].count == 1, guess[index].count == 1 else { continue }
            compared += 1
            overlap[guess[index][0]][truth[index][0]] += 1
        }
        let best = Self.bestMapping(overlap)
        let agreed = best.reduce(0) { $0 + overlap[$1.key][$1.value] }
        coverage = speech > 0 ? Double(covered) / Double(speech) : 1
        confusion = compared > 0 ? Double(compared - agreed) / Double(compared) : 0
        referenceSeconds = Double(speech) * Self.step
        comparedSeconds = Double(compared) * Self.step
        mapping = Dictionary(uniqueKeysWithValues: best.map { (hypothesisLabels[$0.key], referenceLabels[$0.value]) })
    }

    /// The one-to-one mapping of hypothesis to reference labels with the most agreeing frames (exhaustive: a few
    /// speakers on each side).
    static func bestMapping(_ overlap: [[Int]]) -> [Int: Int] {
        let references = overlap.first?.count ?? 0
        var best: (score: Int, mapping: [Int: Int]) = (-1, [:])
        func search(_ h: Int, used: Set<Int>, score: Int, mapping: [Int: Int]) {
            if h == overlap.count {
                if score > best.score { best = (score, mapping) }
                return
            }
            search(h + 1, used: used, score: score, mapping: mapping)  // h maps to nobody
            for r in 0..<references where !used.contains(r) {
                var next = mapping
                next[h] = r
                search(h + 1, used: used.union([r]), score: score + overlap[h][r], mapping: next)
            }
        }
        search(0, used: [], score: 0, mapping: [:])
        return best.mapping
    }
}

/// Rich Transcription Time Marked files: `SPEAKER file 1 start duration <NA> <NA> label <NA> <NA>` per line.
public enum RTTM {
    public struct ParseError: Error, CustomStringConvertible {
        public var description: String
    }

    /// The turns of `recording` (every recording when nil).
    public static func parse(_ text: String, recording: String? = nil, file: String = "RTTM") throws(ParseError)
        -> [Turn] {
        var turns: [Turn] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let fields = line.split(whereSeparator: \.isWhitespace).map(String.init)
            guard let kind = fields.first, !kind.hasPrefix("#") else { continue }
            guard kind == "SPEAKER" else { continue }
            guard fields.count >= 8, let start = Double(fields[3]), let duration = Double(fields[4]),
                  start >= 0, duration >= 0 else {
                throw ParseError(description: "\(file):\(number + 1): not a SPEAKER line "
                    + "(SPEAKER file channel start duration <NA> <NA> label …)")
            }
            if let recording, fields[1] != recording { continue }
            turns.append(Turn(start: start, end: start + duration, speaker: fields[7]))
        }
        return turns.sorted { $0.start < $1.start }
    }
}
