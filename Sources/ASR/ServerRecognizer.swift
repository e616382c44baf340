import DebriefModel
import Foundation
import Pipeline

/// A recogniser reached over the OpenAI-compatible transcription API (`--asr-url`, or the embedded one). A
/// recording's audio is spooled to a temporary WAV file while it decodes (32 kB/s on disk, memory at one chunk),
/// then sent in pieces of at most five minutes cut at pauses; times are shifted back into the recording.
public struct ServerRecognizer: SpeechRecognizer {
    public let client: ASRClient
    public let info: RecognizerInfo?

    public init(client: ASRClient, info: RecognizerInfo?) {
        self.client = client
        self.info = info
    }

    /// The recogniser an analysis request names (the child process of a worker), or nil when it names none.
    public init?(settings: RecognitionSettings, apiKey: String? = ProcessInfo.processInfo.environment["DEBRIEF_ASR_KEY"]) {
        guard settings.mode != .never, let text = settings.url, let url = URL(string: text) else { return nil }
        self.init(client: ASRClient(baseURL: url, apiKey: apiKey, model: settings.model), info: settings.recognizer)
    }

    public func begin(language: Language?, scratch: String) throws(RecognitionProblem) -> any RecognitionSession {
        let path = (scratch as NSString).appendingPathComponent("debrief-asr-\(UUID().uuidString).wav")
        do {
            return SpooledSession(client: client, language: language, writer: try WAVWriter(path: path))
        } catch {
            throw RecognitionProblem(.recognitionFailed, "speech recognition failed: cannot write the temporary "
                + "audio \(path) (\(error.localizedDescription))")
        }
    }
}

/// One recording's audio on its way to the recogniser. The temporary file goes with the session.
final class SpooledSession: RecognitionSession {
    private let client: ASRClient
    private let language: Language?
    private let writer: WAVWriter
    private var writeFailure: String?

    init(client: ASRClient, language: Language?, writer: WAVWriter) {
        self.client = client
        self.language = language
        self.writer = writer
    }

    deinit { unlink(writer.path) }

    func append(_ samples: [Float]) {
        guard writeFailure == nil else { return }
        do { try writer.append(samples) } catch { writeFailure = error.localizedDescription }
    }

    func finish() throws(RecognitionProblem) -> [Cue] {
        if let writeFailure {
            throw RecognitionProblem(.recognitionFailed,
                                     "speech recognition failed: cannot write the temporary audio (\(writeFailure))")
        }
        var cues: [Cue] = []
        do {
            try writer.finish()
            let reader = try WAVReader(path: writer.path)
            let rate = Double(WAVWriter.sampleRate)
            for piece in try ChunkPlan.cuts(samples: reader.samples, levels: { try reader.frameLevels($0) }) {
                let part = try client.transcribe(wav: try reader.wav(piece), seconds: Double(piece.count) / rate,
                                                 offset: Double(piece.lowerBound) / rate, language: language)
                cues += part.cues
            }
        } catch let error as ASRError {
            throw RecognitionProblem(.recognitionFailed, "speech recognition failed: \(error.message)")
        } catch {
            throw RecognitionProblem(.recognitionFailed,
                                     "speech recognition failed: cannot read the temporary audio (\(error))")
        }
        return cues
    }
}
