import DebriefModel
import Foundation

/// JSON transcripts with word timestamps: OpenAI's and whisper's `verbose_json` (`segments[].{start, end, text,
/// words[]}` and/or a top-level `words[].{word, start, end, probability}`), as speech recognisers and
/// transcription services write them. Segments become cues; their words keep their times and probabilities.
///
/// Speakers are read from the common diarised exports: WhisperX / pyannote (`segments[].speaker`,
/// `words[].speaker`), AssemblyAI (`utterances[].{speaker, start, end, text, words}`, times in milliseconds) and
/// Deepgram (`results.channels[0].alternatives[0].words[].{word, punctuated_word, speaker}`); a segment whose words
/// change speaker is split where they do.
public enum WordJSON {
    struct Document: Decodable {
        var segments: [Segment]?
        var words: [Word]?
        var utterances: [Utterance]?
        var results: Results?
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
        var speaker: Label?
    }

    /// AssemblyAI: times in milliseconds.
    struct Utterance: Decodable {
        var speaker: Label?
        var start: Double
        var end: Double
        var text: String
        var words: [Word]?
    }

    /// Deepgram: `results.channels[].alternatives[].words[]`.
    struct Results: Decodable {
        struct Channel: Decodable { var alternatives: [Alternative] }
        struct Alternative: Decodable { var words: [Word]? }
        var channels: [Channel]
    }

    /// A speaker label as exports write it: text ("SPEAKER_00", "A") or a number (Deepgram's 0, 1).
    struct Label: Decodable {
        var text: String
        init(from decoder: Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let number = try? container.decode(Int.self) { text = "speaker \(number)" } else {
                text = try container.decode(String.self)
            }
        }
    }

    struct Word: Decodable {
        var word: String
        var start: Double
        var end: Double
        var probability: Double?
        var speaker: String?

        enum Keys: String, CodingKey { case word, text, punctuated_word, start, end, probability, confidence, speaker }

        init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: Keys.self)
            guard let text = try container.decodeIfPresent(String.self, forKey: .punctuated_word)
                    ?? container.decodeIfPresent(String.self, forKey: .word)
                    ?? container.decodeIfPresent(String.self, forKey: .text) else {
                throw DecodingError.keyNotFound(Keys.word, .init(codingPath: container.codingPath,
                                                                 debugDescription: "a word needs its text"))
            }
            word = text
            start = try container.decode(Double.self, forKey: .start)
            end = try container.decode(Double.self, forKey: .end)
            probability = try container.decodeIfPresent(Double.self, forKey: .probability)
                ?? container.decodeIfPresent(Double.self, forKey: .confidence)
            speaker = try container.decodeIfPresent(Label.self, forKey: .speaker)?.text
        }

        init(word: String, start: Double, end: Double, probability: Double?, speaker: String?) {
            self.word = word
            self.start = start
            self.end = end
            self.probability = probability
            self.speaker = speaker
        }

        func scaled(_ factor: Double) -> Word {
            Word(word: word, start: start * factor, end: end * factor, probability: probability, speaker: speaker)
        }
    }

    /// - Parameter offset: seconds added to every time (a chunk's place in the recording).
    /// - Throws: `TranscriptError` when the JSON is malformed, has neither segments nor words, or holds times that
    ///   are negative, not finite or reversed.
    public static func parse(_ data: Data, file: String, offset: Double = 0) throws(TranscriptError)
        -> ParsedTranscript {
        var document: Document
        do { document = try JSONDecoder().decode(Document.self, from: data) } catch {
            throw TranscriptError(code: .malformed, file: file, reason: "not a JSON transcript with segments or words "
                + "(verbose_json): \(describe(error))")
        }
        func timed(_ start: Double, _ end: Double, _ what: String) throws(TranscriptError) {
            guard start.isFinite, end.isFinite, start >= 0, end >= start else {
                throw TranscriptError(code: .malformed, file: file, reason: "\(what) has times \(start)–\(end)")
            }
        }
        // AssemblyAI's utterances and Deepgram's words are the same thing in other shapes.
        if document.segments == nil, let utterances = document.utterances, !utterances.isEmpty {
            document.segments = utterances.map { utterance in
                Segment(start: utterance.start / 1000, end: utterance.end / 1000, text: utterance.text,
                        words: utterance.words?.map { $0.scaled(1.0 / 1000) }, speaker: utterance.speaker)
            }
        }
        if document.segments == nil, document.words == nil,
           let words = document.results?.channels.first?.alternatives.first?.words {
            document.words = words
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
                cues += split(Cue(start: segment.start + offset, end: segment.end + offset, text: text,
                                  words: words.isEmpty ? nil : words.map { timedWord($0, offset) },
                                  speaker: segment.speaker?.text),
                              speakers: words.map(\.speaker))
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

    /// A segment whose words carry speakers of their own: one cue per run of words of one speaker (WhisperX assigns
    /// words, and a segment may straddle a change of speaker). Words without a speaker stay with the run they are in.
    static func split(_ cue: Cue, speakers: [String?]) -> [Cue] {
        guard let words = cue.words, words.count == speakers.count, speakers.contains(where: { $0 != nil }) else {
            return [cue]
        }
        var runs: [(speaker: String?, words: [TimedWord])] = []
        for (word, speaker) in zip(words, speakers) {
            if let last = runs.last, speaker == nil || speaker == last.speaker || last.speaker == nil {
                runs[runs.count - 1].words.append(word)
                if runs[runs.count - 1].speaker == nil { runs[runs.count - 1].speaker = speaker }
            } else {
                runs.append((speaker, [word]))
            }
        }
        guard runs.count > 1 else { return [Cue(start: cue.start, end: cue.end, text: cue.text, words: cue.words,
                                                speaker: runs.first?.speaker ?? cue.speaker)] }
        let han = cue.text.unicodeScalars.contains { $0.properties.isIdeographic }
        return runs.map { run in
            Cue(start: run.words.first!.start, end: run.words.last!.end,
                text: run.words.map(\.text).joined(separator: han ? "" : " "), words: run.words,
                speaker: run.speaker ?? cue.speaker)
        }
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
                            words: current.map { timedWord($0, offset) }, speaker: first.speaker))
            current = []
        }
        for word in words {
            if let last = current.last, word.start - last.end >= 0.5 || word.speaker != last.speaker { flush() }
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
