import DebriefModel
import Foundation
import Testing
import Transcripts

/// One transcript file per answer, laid on the recording's timeline.
@Suite struct AnswerFilesTests {
    func file(_ key: String, _ times: [(Double, Double)], timed: Bool = true) -> AnswerFiles.File {
        AnswerFiles.File(key: key, transcript: ParsedTranscript(
            cues: times.map { Cue(start: $0.0, end: $0.1, text: "answer \(key)",
                                  words: [TimedWord(text: "answer", start: $0.0, end: $0.0 + 0.3)]) },
            timed: timed))
    }

    /// Files counted from their answer's start are shifted onto the metadata's spans, words included; the
    /// metadata's order wins over the files' names.
    @Test func shiftsRelativeFilesOntoTheQuestionTimeline() {
        let questions = [RecordingMetadata.Question(id: "intro", text: "Tell me about yourself", start: 5, end: 40),
                         RecordingMetadata.Question(id: "conflict", text: nil, start: 60, end: 120)]
        let joined = AnswerFiles.join([file("conflict", [(0.5, 3), (4, 9)]), file("intro", [(0, 2)])],
                                      questions: questions)
        #expect(joined.questions.map(\.id) == ["intro", "conflict"])
        #expect(joined.questions.map(\.start) == [5, 60])
        #expect(joined.questions.first?.text == "Tell me about yourself")
        #expect(joined.cues.map(\.start) == [5, 60.5, 64])
        #expect(joined.cues.last?.words?.first?.start == 64)
        #expect(joined.answers == [0, 1, 1])
        #expect(joined.note == nil)
    }

    @Test func keepsRecordingTimesAndPlacesRestartingFilesInTurn() {
        let absolute = AnswerFiles.join([file("1", [(2, 10)]), file("2", [(12, 20)])], questions: [])
        #expect(absolute.cues.map(\.start) == [2, 12])
        #expect(absolute.questions.map(\.start) == [2, 12])
        #expect(absolute.note == nil)
        let restarting = AnswerFiles.join([file("1", [(0, 10)]), file("2", [(0, 8)])], questions: [])
        #expect(restarting.cues.map(\.start) == [0, 10])
        #expect(restarting.questions.map(\.end) == [10, 18])
        #expect(restarting.note != nil)
        let untimed = AnswerFiles.join([file("1", [(0, 0)], timed: false), file("2", [(0, 0)], timed: false)],
                                       questions: [])
        #expect(!untimed.timed)
        #expect(untimed.answers == [0, 1])
    }
}
