import DebriefModel
import Dispatch
import Foundation
import Pipeline
import Synchronization
import Transcripts

/// A recogniser reached over the OpenAI-compatible transcription API (`--asr-url`, or the embedded one). A
/// recording's audio is spooled to a temporary WAV file while it decodes (32 kB/s on disk, memory at one piece) and
/// streamed to the recogniser as it goes: each piece of at most a minute, cut at a pause, is sent as soon as the
/// decoder has passed it, two at a time (the embedded recogniser runs one worker per core), so recognition runs beside
/// the decoding instead of after it; times are shifted back into the recording.
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
    private var written = 0
    /// Where the next piece to send starts.
    private var pieceStart = 0
    private var pieces = 0
    /// Pieces are sent on their own queue, beside the decoding, at most `inFlight` at a time.
    private let sender = DispatchQueue(label: "debrief.asr.sender", attributes: .concurrent)
    private let slots = DispatchSemaphore(value: SpooledSession.inFlight)
    private let pending = DispatchGroup()
    static let inFlight = 2
    static let pieceSeconds = 60, searchSeconds = 15
    private let outcomes = Outcomes()

    /// Each piece's answer, by its index (written by the sender's queue, read when the recording is done).
    final class Outcomes: Sendable {
        let byPiece = Mutex([Int: Result<ParsedTranscript, ASRError>]())
    }

    init(client: ASRClient, language: Language?, writer: WAVWriter) {
        self.client = client
        self.language = language
        self.writer = writer
    }

    deinit {
        pending.wait()
        unlink(writer.path)
    }

    func append(_ samples: [Float]) {
        guard writeFailure == nil else { return }
        do {
            try writer.append(samples)
            written += samples.count
            let reader = try WAVReader(path: writer.path, samples: written)
            if let cut = try ChunkPlan.nextCut(from: pieceStart, available: written,
                                               maximum: Self.pieceSeconds * WAVWriter.sampleRate,
                                               search: Self.searchSeconds * WAVWriter.sampleRate,
                                               levels: { try reader.frameLevels($0) }) {
                send(pieceStart..<cut)
                pieceStart = cut
            }
        } catch {
            writeFailure = error.localizedDescription
        }
    }

    /// Queues one piece for the recogniser.
    private func send(_ piece: Range<Int>) {
        let index = pieces
        pieces += 1
        let client = client, language = language, path = writer.path, outcomes = outcomes, slots = slots
        slots.wait()
        sender.async(group: pending) {
            defer { slots.signal() }
            let rate = Double(WAVWriter.sampleRate)
            let outcome: Result<ParsedTranscript, ASRError>
            do {
                let wav = try WAVReader(path: path, samples: piece.upperBound).wav(piece)
                outcome = .success(try client.transcribe(wav: wav, seconds: Double(piece.count) / rate,
                                                         offset: Double(piece.lowerBound) / rate, language: language))
            } catch let error as ASRError {
                outcome = .failure(error)
            } catch {
                outcome = .failure(ASRError("cannot read the temporary audio (\(error))"))
            }
            outcomes.byPiece.withLock { $0[index] = outcome }
        }
    }

    func finish() throws(RecognitionProblem) -> RecognitionResult {
        if let writeFailure {
            throw RecognitionProblem(.recognitionFailed,
                                     "speech recognition failed: cannot write the temporary audio (\(writeFailure))")
        }
        do { try writer.finish() } catch {
            throw RecognitionProblem(.recognitionFailed,
                                     "speech recognition failed: cannot write the temporary audio (\(error))")
        }
        if written > pieceStart { send(pieceStart..<written) }
        pending.wait()
        var result = RecognitionResult(cues: [])
        for index in 0..<pieces {
            switch outcomes.byPiece.withLock({ $0[index] }) {
            case .success(let part):
                result.cues += part.cues
                if let notes = part.recognition {
                    if result.notes == nil { result.notes = notes } else { result.notes!.merge(notes) }
                }
            case .failure(let error):
                throw RecognitionProblem(.recognitionFailed, "speech recognition failed: \(error.message)")
            case nil:
                throw RecognitionProblem(.recognitionFailed, "speech recognition failed: a piece was not sent")
            }
        }
        return result
    }
}
