import DebriefModel
import TestSupport
import Testing
@testable import Transcripts

/// Cues without speakers take them from the turns the audio gave.
@Suite struct SpeakerAttributionTests {
    let turns = [Turn(start: 0, end: 5, speaker: "channel 1"), Turn(start: 5.4, end: 12, speaker: "channel 2")]

    @Test func recognisedWordsTakeTheSpeakerOfTheirTurn() {
        let words = [TimedWord(text: " Why", start: 3.9, end: 4.2), TimedWord(text: " now?", start: 4.2, end: 4.8),
                     TimedWord(text: " Because", start: 5.6, end: 6.0), TimedWord(text: " I", start: 6.0, end: 6.1),
                     TimedWord(text: " led", start: 6.1, end: 6.5)]
        let cue = Cue(start: 3.9, end: 6.5, text: "Why now? Because I led", words: words)
        let assigned = SpeakerAttribution.assign([cue], turns: turns)
        #expect(assigned.map(\.speaker) == ["channel 1", "channel 2"])
        #expect(assigned.map(\.text) == ["Why now?", "Because I led"])
        #expect(assigned[1].start == 5.6 && assigned[1].end == 6.5 && assigned[1].words?.count == 3)
    }

    @Test func chineseWordsJoinWithoutSpaces() {
        let words = [TimedWord(text: "你", start: 1, end: 1.2), TimedWord(text: "好吗", start: 1.2, end: 1.6),
                     TimedWord(text: "我", start: 6, end: 6.2), TimedWord(text: "负责", start: 6.2, end: 6.6)]
        let assigned = SpeakerAttribution.assign([Cue(start: 1, end: 6.6, text: "你好吗我负责", words: words)],
                                                 turns: turns)
        #expect(assigned.map(\.text) == ["你好吗", "我负责"])
    }

    @Test func cuesWithoutWordsGoToTheSpeakerTheyOverlapMost() {
        let cues = [Cue(start: 0.5, end: 5.3, text: "question"), Cue(start: 4.8, end: 11, text: "answer"),
                    Cue(start: 12.6, end: 13, text: "late"), Cue(start: 20, end: 21, text: "far"),
                    Cue(start: 1, end: 2, text: "named", speaker: "Ann")]
        let assigned = SpeakerAttribution.assign(cues, turns: turns)
        #expect(assigned.map(\.speaker) == ["channel 1", "channel 2", "channel 2", nil, "Ann"])
        #expect(SpeakerAttribution.assign(cues, turns: []) == cues)
    }
}
