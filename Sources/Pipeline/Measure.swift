import Crypto
import DebriefModel
import Diarization
import Foundation
import MediaDecoding
import Prosody
import Vision

/// What the decode pass measured: the container, the voice and the picture (whole and per answer), subtitle cues,
/// and the recording's content hash, taken from the bytes as FFmpeg read them. The second stage of
/// `Analyzer.analyze`.
struct Measurements {
    var facts: ContainerFacts?
    var prosody: ProsodySummary?
    var visual: VisualSummary?
    var streamCues: [Cue] = []
    var answerProsody: [ProsodySummary] = []
    var answerVisual: [VisualSummary?] = []
    var warnings: [AnalysisWarning] = []
    /// SHA-256 of the recording (or of the bare transcript).
    var sha256: String
    var sizeBytes: Int64
    /// Bytes read from disk to decode and hash the recording.
    var bytesRead: Int64 = 0
    /// Audio the recogniser was given, in samples.
    var recognizedSamples = 0
    var recognition: Result<any RecognitionSession, RecognitionProblem>?
    /// A two-channel recording's channels: whether they carry different speakers, and their turns.
    var channels: ChannelSpeakers.Result?
}

/// SHA-256 over the bytes FFmpeg reads, in file order.
final class ContentHasher: ByteObserver {
    private var hasher = SHA256()

    func observe(_ bytes: UnsafeRawBufferPointer) { hasher.update(bufferPointer: bytes) }

    func hex() -> String { hasher.finalize().map { String(format: "%02x", $0) }.joined() }
}

extension Analyzer {
    /// Decodes the recording once — audio to the voice measures (and to the recogniser when it may be needed),
    /// sampled frames to the picture measures, subtitles to cues — hashing its bytes on the way.
    func measure(_ inputs: Inputs, options: AnalysisOptions, recognition: Recognition) throws(AnalysisError)
        -> Measurements {
        if let transcript = inputs.transcriptFile {
            return Measurements(sha256: transcript.sha256, sizeBytes: transcript.size)
        }
        let path = inputs.bundle.primaryPath
        guard options.frameRate > 0, options.frameRate <= AnalysisOptions.maximumFrameRate else {
            throw AnalysisError(code: .input, message: "\(path): frame rate must be within (0, 30] frames per second")
        }
        let hasher = ContentHasher()
        let reader: MediaReader
        do {
            reader = try MediaReader(path: path, options: DecodeOptions(frameRate: options.frameRate), observer: hasher)
        } catch {
            throw AnalysisError(error)
        }
        let spans = inputs.questions.map { $0.start...$0.end }
        var prosodySettings = ProsodySettings()
        prosodySettings.keepTrack = options.tracks
        let prosodyAnalyzer: ProsodyAnalyzer
        do { prosodyAnalyzer = try ProsodyAnalyzer(settings: prosodySettings, spans: spans) } catch {
            throw AnalysisError(code: .input, message: "\(path): \(error)")
        }
        // Audio for the recogniser is kept only when it may be needed: no transcript came with the recording.
        let session = inputs.supplied == nil
            ? recognition.session(language: inputs.metadata?.language,
                                  scratch: options.scratch ?? NSTemporaryDirectory()) : nil
        var sink = Sink(prosody: prosodyAnalyzer,
                        vision: VisionAnalyzer(sampleRate: options.frameRate, keepTrack: options.tracks,
                                               faces: try? faces.get(), spans: spans),
                        recognition: try? session?.get())
        let stats: DecodeStats
        do { stats = try reader.decode(into: &sink) } catch { throw AnalysisError(error) }

        let facts = reader.facts
        var measured = Measurements(facts: facts, sha256: hasher.hex(), sizeBytes: facts.sizeBytes,
                                    bytesRead: stats.bytesRead, recognizedSamples: sink.recognizedSamples,
                                    recognition: session)
        measured.streamCues = sink.cues
        measured.channels = sink.channels?.finish()
        if facts.audio == nil {
            measured.warnings.append(AnalysisWarning(.noAudio, "no audio stream: voice and pauses not measured"))
        } else if stats.audioSamples == 0 {
            measured.warnings.append(AnalysisWarning(.noAudio,
                                                     "the audio stream decoded to nothing: voice and pauses not measured"))
        } else if stats.audioSeconds < 0.5 {
            measured.warnings.append(AnalysisWarning(.audioTooShort, String(
                format: "only %.2f s of audio: too short to measure the voice", stats.audioSeconds)))
        } else {
            let summary = sink.prosody.finish()
            measured.prosody = summary
            measured.answerProsody = sink.prosody.spanSummaries
            if summary.voicedFraction < 0.05 {
                measured.warnings.append(AnalysisWarning(.littleVoicedSpeech,
                                                         "not enough voiced speech: pitch statistics are unreliable or missing"))
            }
        }
        let visual = sink.vision.finish()
        measured.visual = visual
        if facts.video == nil {
            measured.warnings.append(AnalysisWarning(.audioOnly, "no video stream (audio-only): picture not measured"))
        } else if visual == nil {
            measured.warnings.append(AnalysisWarning(.noFrames,
                                                     "the video stream decoded to no frames: picture not measured"))
        } else if let visual {
            measured.warnings += visual.warnings.map { AnalysisWarning(.picture, $0) }
            if case .failure(let error) = faces {
                measured.warnings.append(AnalysisWarning(.faceDetectionUnavailable,
                                                         "face detection unavailable: \(error.message)"))
            }
        }
        if let expected = facts.audio?.durationSeconds ?? facts.durationSeconds, facts.audio != nil,
           stats.audioSeconds > 0, stats.audioSeconds < expected * 0.9 - 0.5 {
            measured.warnings.append(AnalysisWarning(.truncated, String(
                format: "decoded %.1f s of audio but the container says %.1f s: the file may be truncated",
                stats.audioSeconds, expected)))
        }
        if stats.decodeErrors > 0 {
            measured.warnings.append(AnalysisWarning(.damaged,
                                                     "\(stats.decodeErrors) packets could not be decoded: the file may be damaged"))
        }
        measured.answerVisual = sink.vision.spanSummaries()
        return measured
    }
}

/// Feeds decoded media to the accumulators; holds no audio or frames itself.
private struct Sink: MediaSink {
    var prosody: ProsodyAnalyzer
    var vision: VisionAnalyzer
    var cues: [Cue] = []
    /// The recogniser's session, when one will be asked.
    var recognition: (any RecognitionSession)?
    var recognizedSamples = 0
    /// Set at the first chunk that carries two channels.
    var channels: ChannelSpeakers?

    mutating func consume(_ chunk: AudioChunk) {
        prosody.consume(chunk.samples)
        if let stereo = chunk.stereo {
            if channels == nil { channels = ChannelSpeakers() }
            channels!.consume(interleaved: stereo)
        }
        if let recognition {
            recognition.append(chunk.samples)
            recognizedSamples += chunk.samples.count
        }
    }

    mutating func consume(_ frame: FrameSample) { vision.consume(frame) }
    mutating func consume(_ cue: Cue) { cues.append(cue) }
}
