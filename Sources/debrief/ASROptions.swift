import ArgumentParser
import ASR
import Foundation
import Pipeline

/// Speech recognition for recordings without a transcript: a recogniser at `--asr-url` (OpenAI-compatible), else
/// the embedded one (`scripts/asr-setup.sh`) started on loopback for as long as the command runs.
struct ASROptions: ParsableArguments {
    @Option(help: "Speech recognition without a transcript: auto (when a recogniser is available), always, never.")
    var asr: SpeechRecognition.Mode = .auto

    @Option(help: "An OpenAI-compatible transcription server (e.g. http://127.0.0.1:8000); default: the embedded one.")
    var asrURL: String?

    @Option(help: "Model name to ask the --asr-url server for.")
    var asrModel = "whisper-1"

    func validate() throws {
        if let asrURL {
            guard let url = URL(string: asrURL), ["http", "https"].contains(url.scheme ?? "") else {
                throw ValidationError("--asr-url must be an http(s) URL, found '\(asrURL)'")
            }
        }
    }

    /// The recognition settings, and the embedded recogniser when one was started (stop it when done).
    func start() throws -> (SpeechRecognition, LocalRecognizer?) {
        guard asr != .never else { return (SpeechRecognition(mode: .never), nil) }
        if let asrURL, let url = URL(string: asrURL) {
            let client = ASRClient(baseURL: url, apiKey: ProcessInfo.processInfo.environment["DEBRIEF_ASR_KEY"],
                                   model: asrModel)
            let info = client.info()
            if info == nil {
                FileHandle.standardError.write(Data("warning: the recogniser at \(asrURL) does not answer yet\n".utf8))
            }
            return (SpeechRecognition(mode: asr, client: client, recognizer: info), nil)
        }
        guard let (python, script) = LocalRecognizer.locate() else {
            if asr == .always {
                printError("--asr always: no recogniser (run scripts/asr-setup.sh, or pass --asr-url)")
                throw ExitCode(2)
            }
            return (SpeechRecognition(mode: asr), nil)
        }
        do {
            let local = try LocalRecognizer(python: python, script: script)
            return (SpeechRecognition(mode: asr, client: local.client, recognizer: local.client.info()), local)
        } catch {
            if asr == .always {
                printError(error.message)
                throw ExitCode(2)
            }
            FileHandle.standardError.write(Data("warning: \(error.message); continuing without speech recognition\n".utf8))
            return (SpeechRecognition(mode: asr), nil)
        }
    }
}

extension SpeechRecognition.Mode: ExpressibleByArgument {}
