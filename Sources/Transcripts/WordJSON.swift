import DebriefModel
import Foundation

/// JSON transcripts with word timestamps: OpenAI's and whisper's `verbose_json` (`segments[].{start, end, text,
/// words[]}` and/or a top-level `words[].{word, start, end, probability}`), as speech recognisers and
/// transcription services write them. Segments become cues; their words keep their times and probabilities.
public enum WordJSON {
    struct Document: Decodable {
        var segments: [Segment]?
        var words: [Word]?
        var text: String?
        var language: String?
        var language_probability: Double?
        var x_incomplete: Bool?
        var x_guards: Guards?
    }

    struct Guards: Decodable {
        var loops: Int?
        var dropped: Int?
    }

    struct Segment: Decodable {
        var start: Double
        var end: Double
        var text: String
        var words: [Word]?
    }

    struct Word: Decodable {
        var word: String
        var start: Double
        var end: Double
        var probability: Double?
    }

    /// - Parameter offset: seconds added to every time (a chunk's place in the recording).
    /// - Throws: `TranscriptError` when the JSON is malformed, has neither segments nor words, or holds times that
    ///   are negative, not finite or reversed.
    public static func parse(_ data: Data, file: String, offset: Double = 0) throws(TranscriptError)
        -> ParsedTranscript {
        let document: Document
        do { document = try JSONDecoder().decode(Document.self, from: data) } catch {
            throw TranscriptError(code: .malformed, file: file, reason: "not a JSON transcript with segments or words "
                + "(verbose_json): \(describe(error))")
        }
        func timed(_ start: Double, _ end: Double, _ what: String) throws(TranscriptError) {
            guard start.isFinite, end.isFinite, start >= 0, end >= start else {
                throw TranscriptError(code: .malformed, file: file, reason: "\(what) has times \(start)–\(end)")
            }
        }
        var looseWords = document.words ?? []
        for (index, word) in looseWords.enumerated() { try timed(word.start, word.end, "words[\(index)]") }
        var cues: [Cue] = []
        if let segments = document.segments, !segments.isEmpty {
            for (index, segment) in segments.enumerated() {
                try timed(segment.start, segment.end, "segments[\(index)]")
                var words = segment.words ?? []
                if words.isEmpty, !looseWords.isEmpty {
                    // Top-level words only: each goes to the segment that holds its midpoint.
                    let inside = looseWords.filter {
                        let middle = 0.5 * ($0.start + $0.end)
                        return middle >= segment.start && (middle < segment.end || index == segments.count - 1)
                    }
                    words = inside
                    looseWords.removeAll { word in inside.contains { $0.start == word.start && $0.word == word.word } }
                }
                for (w, word) in words.enumerated() { try timed(word.start, word.end, "segments[\(index)].words[\(w)]") }
                let text = segment.text.trimmingWhitespace
                guard !text.isEmpty else { continue }
                cues.append(Cue(start: segment.start + offset, end: segment.end + offset, text: text,
                                words: words.isEmpty ? nil : words.map { timedWord($0, offset) }))
            }
        } else if !looseWords.isEmpty {
            cues = sentences(looseWords, offset: offset)
        }
        var notes = RecognitionNotes(language: document.language, languageProbability: document.language_probability)
        notes.loopsCollapsed = document.x_guards?.loops ?? 0
        notes.segmentsDropped = document.x_guards?.dropped ?? 0
        notes.incomplete = document.x_incomplete ?? false
        let said = document.language != nil || document.x_guards != nil || document.x_incomplete != nil
        return ParsedTranscript(cues: cues, timed: true, recognition: said ? notes : nil)
    }

    static func timedWord(_ word: Word, _ offset: Double) -> TimedWord {
        TimedWord(text: word.word.trimmingWhitespace, start: word.start + offset, end: word.end + offset,
                  probability: word.probability)
    }

    /// Words without segments: a cue per sentence (ending . ? ! 。？！) or per stretch between pauses ≥ 0.5 s.
    static func sentences(_ words: [Word], offset: Double) -> [Cue] {
        var cues: [Cue] = []
        var current: [Word] = []
        func flush() {
            guard let first = current.first, let last = current.last else { return }
            // Chinese words are written without spaces between them.
            let han = current.allSatisfy { $0.word.unicodeScalars.contains { $0.properties.isIdeographic } }
            let text = current.map { $0.word.trimmingWhitespace }.joined(separator: han ? "" : " ")
            cues.append(Cue(start: first.start + offset, end: last.end + offset, text: text,
                            words: current.map { timedWord($0, offset) }))
            current = []
        }
        for word in words {
            if let last = current.last, word.start - last.end >= 0.5 { flush() }
            current.append(word)
            if let end = word.word.trimmingWhitespace.last, ".?!。？！".contains(end) { flush() }
        }
        flush()
        return cues
    }

    private static func describe(_ error: Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            return "missing '\(key.stringValue)' at \(path(context.codingPath))"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return "wrong type at \(path(context.codingPath))"
        case DecodingError.dataCorrupted(let context):
            return context.codingPath.isEmpty ? "malformed JSON" : "bad value at \(path(context.codingPath))"
        default:
            return "\(error)"
        }
    }

    private static func path(_ codingPath: [CodingKey]) -> String {
        codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().trimmingCharacters(in: ["."])
    }
}
