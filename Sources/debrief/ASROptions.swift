import ArgumentParser
import ASR
import DebriefModel
import Foundation
import Pipeline

/// Speech recognition for recordings without a transcript: a recogniser at `--asr-url` (OpenAI-compatible), else
/// the embedded one (`scripts/asr-setup.sh`) started on loopback for as long as the command runs.
struct ASROptions: ParsableArguments {
    @Option(help: "Speech recognition without a transcript: auto (when a recogniser is available), always, never.")
    var asr: RecognitionSettings.Mode = .auto

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

    /// A recogniser for this command: the settings an analysis request carries (the child process of a worker
    /// reaches the same server by its URL), the recogniser itself, and the embedded server when one was started
    /// (stop it when done).
    struct Started {
        var settings: RecognitionSettings
        var recognizer: (any SpeechRecognizer)?
        var local: LocalRecognizer?
    }

    /// Starts (or finds) the recogniser; `needed: false` (every input has its transcript) starts nothing.
    func start(needed: Bool = true) throws -> Started {
        guard asr != .never, needed else { return Started(settings: RecognitionSettings(mode: asr)) }
        if let asrURL, let url = URL(string: asrURL) {
            let client = ASRClient(baseURL: url, apiKey: ProcessInfo.processInfo.environment["DEBRIEF_ASR_KEY"],
                                   model: asrModel)
            let info = client.info()
            if info == nil {
                FileHandle.standardError.write(Data("warning: the recogniser at \(asrURL) does not answer yet\n".utf8))
            }
            return Started(settings: RecognitionSettings(mode: asr, url: asrURL, model: asrModel, recognizer: info),
                           recognizer: ServerRecognizer(client: client, info: info))
        }
        guard let (python, script) = LocalRecognizer.locate() else {
            if asr == .always {
                printError("--asr always: no recogniser (run scripts/asr-setup.sh, or pass --asr-url)")
                throw ExitCode(2)
            }
            return Started(settings: RecognitionSettings(mode: asr))
        }
        do {
            let local = try LocalRecognizer(python: python, script: script)
            return Started(settings: RecognitionSettings(mode: asr, url: local.client.baseURL.absoluteString,
                                                         model: local.client.model, recognizer: local.info),
                           recognizer: local.recognizer, local: local)
        } catch {
            if asr == .always {
                printError(error.message)
                throw ExitCode(2)
            }
            FileHandle.standardError.write(Data("warning: \(error.message); continuing without speech recognition\n".utf8))
            return Started(settings: RecognitionSettings(mode: asr))
        }
    }
}

extension RecognitionSettings.Mode: ExpressibleByArgument {}
