import DebriefModel
import Foundation

/// One transcript file per answer (`NAME.q1.vtt`, `NAME.q2.vtt`, … or `NAME.1.srt`, …) laid on the recording's
/// timeline.
///
/// - Answers come in the metadata's question order when every file's key is a question id, else in the natural
///   order of the keys (`2` before `10`).
/// - Times: a file whose answer has a span in the metadata and whose cues start before that span counts from the
///   answer's start (the usual export of a per-question clip) and is shifted onto it. Without a span, files whose
///   times follow on from the previous file's are taken as recording times; files that start again from zero are
///   placed one after the other, and `note` says that times count from the first answer.
public enum AnswerFiles {
    public struct File: Sendable {
        public var key: String
        public var transcript: ParsedTranscript
        public init(key: String, transcript: ParsedTranscript) {
            self.key = key
            self.transcript = transcript
        }
    }

    public struct Joined: Sendable, Equatable {
        /// One question per answer, in order, with its span on the joined timeline (metadata text kept).
        public var questions: [RecordingMetadata.Question]
        public var cues: [Cue]
        /// The answer index of each cue.
        public var answers: [Int]
        public var timed: Bool
        public var note: String?
    }

    public static func join(_ files: [File], questions: [RecordingMetadata.Question]) -> Joined {
        let byID = Dictionary(questions.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let ordered = files.allSatisfy({ byID[$0.key] != nil })
            ? files.sorted { a, b in
                questions.firstIndex { $0.id == a.key }! < questions.firstIndex { $0.id == b.key }!
            }
            : files
        let timed = ordered.allSatisfy(\.transcript.timed)
        var joined = Joined(questions: [], cues: [], answers: [], timed: timed, note: nil)
        var previousEnd = 0.0
        for (index, file) in ordered.enumerated() {
            let cues = file.transcript.cues
            let first = cues.map(\.start).min() ?? 0
            let last = cues.map(\.end).max() ?? first
            var offset = 0.0
            var span: ClosedRange<Double>
            if let question = byID[file.key] {
                if timed, first < question.start - 0.5 { offset = question.start }
                span = question.start...max(question.start, question.end)
            } else if timed {
                if first < previousEnd - 0.5 {
                    offset = previousEnd
                    joined.note = "the answer files' times restart at zero and the metadata gives no question "
                        + "timeline: answers are placed one after the other, so times count from the first answer"
                }
                span = (first + offset)...max(first + offset, last + offset)
            } else {
                span = 0...0
            }
            previousEnd = max(previousEnd, span.upperBound)
            joined.questions.append(RecordingMetadata.Question(id: file.key, text: byID[file.key]?.text,
                                                               start: span.lowerBound, end: span.upperBound))
            for cue in cues {
                var shifted = cue
                shifted.start += offset
                shifted.end += offset
                shifted.words = cue.words?.map { word in
                    var moved = word
                    moved.start += offset
                    moved.end += offset
                    return moved
                }
                joined.cues.append(shifted)
                joined.answers.append(index)
            }
        }
        return joined
    }
}
