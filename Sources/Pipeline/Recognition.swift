import ASR
import DebriefModel
import Foundation
import Transcripts

/// Why there is no recognised transcript, as the report's warning says it.
struct RecognitionProblem: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A transcript made by speech recognition, with what the recogniser was unsure of.
struct Transcription: Sendable {
    var transcript: ParsedTranscript
    var recognizer: String
    /// Share of words with probability below `lowProbability`.
    var lowConfidenceShare: Double
    /// Runs of three or more such words.
    var lowConfidence: [TimeSpan]

    static let lowProbability = 0.5

    /// Per answer, the share of recognised words below `lowProbability` (answers without word confidences are absent).
    static func unsureShares(_ cues: [Cue], answerOf: (Cue) -> Int) -> [Int: Double] {
        var counts: [Int: (unsure: Int, all: Int)] = [:]
        for cue in cues {
            for word in cue.words ?? [] {
                guard let probability = word.probability else { continue }
                counts[answerOf(cue), default: (0, 0)].all += 1
                if probability < lowProbability { counts[answerOf(cue)]!.unsure += 1 }
            }
        }
        return counts.filter { $0.value.all > 0 }.mapValues { Double($0.unsure) / Double($0.all) }
    }
}

extension Analyzer {
    /// Transcribes the decoded audio in pieces of at most five minutes cut at pauses, one request each.
    /// - Returns: the transcript, or the warning that says why there is none.
    func transcribe(_ audioFile: String?, language: Language?, recognition: SpeechRecognition)
        -> Result<Transcription, RecognitionProblem> {
        guard let client = recognition.client else {
            return .failure(RecognitionProblem(
                "no transcript and no speech recogniser configured (run scripts/asr-setup.sh, or pass --asr-url)"))
        }
        let name = recognition.recognizer?.name ?? client.baseURL.absoluteString
        if language == .zh, recognition.recognizer?.englishOnly == true {
            return .failure(RecognitionProblem(
                "speech recognition skipped: the recording is in Chinese and the recogniser (\(name)) is English-only; "
                + "configure a multilingual one with --asr-url, or supply a transcript"))
        }
        guard let audioFile, let reader = try? WAVReader(path: audioFile), reader.samples > 0 else {
            return .failure(RecognitionProblem("speech recognition skipped: the recording has no audio to transcribe"))
        }
        var cues: [Cue] = []
        do {
            let pieces = try ChunkPlan.cuts(samples: reader.samples) { try reader.frameLevels($0) }
            for piece in pieces {
                let rate = Double(WAVWriter.sampleRate)
                let part = try client.transcribe(wav: try reader.wav(piece), seconds: Double(piece.count) / rate,
                                                 offset: Double(piece.lowerBound) / rate, language: language)
                cues += part.cues
            }
        } catch let error as ASRError {
            return .failure(RecognitionProblem("speech recognition failed: \(error.message)"))
        } catch {
            return .failure(RecognitionProblem("speech recognition failed: cannot read the temporary audio (\(error))"))
        }
        guard cues.contains(where: { !$0.text.isEmpty }) else {
            return .failure(RecognitionProblem("speech recognition found no speech in the recording"))
        }
        let words = cues.flatMap { $0.words ?? [] }
        let unsure = words.map { ($0.probability ?? 1) < Transcription.lowProbability }
        var stretches: [TimeSpan] = []
        var runStart: Int?
        for index in 0...words.count {
            if index < words.count, unsure[index] {
                if runStart == nil { runStart = index }
            } else if let start = runStart {
                if index - start >= 3 { stretches.append(TimeSpan(start: words[start].start, end: words[index - 1].end)) }
                runStart = nil
            }
        }
        let share = words.isEmpty ? 0 : Double(unsure.filter { $0 }.count) / Double(words.count)
        return .success(Transcription(transcript: ParsedTranscript(cues: cues, timed: true), recognizer: name,
                                      lowConfidenceShare: share, lowConfidence: stretches))
    }
}
