import DebriefModel

/// Gives the cues of a transcript that names no speaker the speakers the audio told apart (the turns of a
/// recording's channels): a word takes the speaker of the turn it falls in, so a recognised cue that runs across a
/// change of speaker is split there; a cue without word times goes to the speaker it overlaps most.
public enum SpeakerAttribution {
    /// A word or cue this far (seconds) from every turn still goes to the nearest one; further, it is nobody's.
    public static let reach = 1.0

    /// `cues` with `speaker` set from `turns` (cues that already name a speaker are kept as they are).
    public static func assign(_ cues: [Cue], turns: [Turn]) -> [Cue] {
        guard !turns.isEmpty else { return cues }
        let sorted = turns.sorted { $0.start < $1.start }
        var out: [Cue] = []
        for cue in cues {
            if cue.speaker != nil {
                out.append(cue)
            } else if let words = cue.words, !words.isEmpty {
                out += split(cue, words: words, turns: sorted)
            } else {
                var copy = cue
                copy.speaker = speaker(from: cue.start, to: cue.end, turns: sorted)
                out.append(copy)
            }
        }
        return out
    }

    /// Runs of words of one speaker as cues of their own (the text rebuilt from the words).
    static func split(_ cue: Cue, words: [TimedWord], turns: [Turn]) -> [Cue] {
        let speakers = words.map { speaker(from: $0.start, to: $0.end, turns: turns) }
        guard Set(speakers).count > 1 else {
            var copy = cue
            copy.speaker = speakers.first ?? nil
            return [copy]
        }
        let joiner = cue.text.unicodeScalars.contains(where: \.isHan) && !cue.text.contains(" ") ? "" : " "
        var pieces: [Cue] = []
        var start = 0
        for index in 1...words.count where index == words.count || speakers[index] != speakers[start] {
            let run = Array(words[start..<index])
            let text = run.map { $0.text.trimmingWhitespace }.joined(separator: joiner)
            pieces.append(Cue(start: run.first!.start, end: run.last!.end, text: text, words: run,
                              speaker: speakers[start]))
            start = index
        }
        return pieces
    }

    /// The speaker whose turns overlap [start, end] most; else the nearest turn within `reach`.
    static func speaker(from start: Double, to end: Double, turns: [Turn]) -> String? {
        var overlap: [String: Double] = [:]
        var nearest: (distance: Double, speaker: String)?
        for turn in turns {
            if turn.start > end + reach { break }
            let shared = min(end, turn.end) - max(start, turn.start)
            if shared > 0 { overlap[turn.speaker, default: 0] += shared }
            let distance = max(0, max(turn.start - end, start - turn.end))
            if distance <= reach, distance < (nearest?.distance ?? .infinity) { nearest = (distance, turn.speaker) }
        }
        if let best = overlap.max(by: { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }) {
            return best.key
        }
        return nearest?.speaker
    }
}
