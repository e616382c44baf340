import ArgumentParser
import DebriefModel
import Evaluation
import Foundation
import LocalFiles
import Logging
import Pipeline
import Rendering
import Scoring
import Service
import Vision
import Web

@main
struct Debrief: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "debrief",
        abstract: "Analyses recorded interviews against a job's competency model.",
        version: pipelineVersion,
        subcommands: [Analyze.self, Serve.self, Worker.self, Status.self, Retry.self, Erase.self, Models.self, Eval.self,
                      Rescore.self, Shortlist.self, Users.self, Bench.self, AnalyzeJob.self])

    /// Refuses to start on a CPU that lacks what the scoring core was built for (x86-64-v3 by default), with the
    /// way out, instead of dying on an illegal instruction later.
    static func main() async {
        // A reader that went away (`debrief analyze … --output - | head`, a closed FIFO) makes a write fail with
        // EPIPE and a message naming the output, instead of killing the process without a word.
        signal(SIGPIPE, SIG_IGN)
        let required = ScoringKernels.requiredCPUFlags
        if !required.isEmpty, let cpuinfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
           let flagsLine = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) {
            let flags = Set(flagsLine.split(whereSeparator: { $0 == " " || $0 == ":" || $0 == "\t" }).map(String.init))
            let missing = required.filter { !flags.contains($0) }
            if !missing.isEmpty {
                printError("this build of debrief needs a CPU with \(missing.joined(separator: " and ").uppercased()) "
                    + "(x86-64-v3); rebuild with DEBRIEF_PORTABLE=1 (see README, \"CPU\")")
                Foundation.exit(3)
            }
        }
        do {
            var command = try parseAsRoot()
            if var asynchronous = command as? AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}

/// Where competency models live: `--models DIR`, else `$DEBRIEF_MODELS`, else `./Models`.
struct ModelOptions: ParsableArguments {
    @Option(name: .customLong("models"), help: "Directory of competency models (default: $DEBRIEF_MODELS or ./Models).")
    var directory: String?

    @Option(help: "Model used when neither --model, the metadata nor the inbox folder names one.")
    var defaultModel = "software-engineer"

    var catalogDirectory: String { directory ?? ProcessInfo.processInfo.environment["DEBRIEF_MODELS"] ?? "Models" }

    var catalog: ModelCatalog { ModelCatalog(directory: catalogDirectory) }

    /// The model reference of an analysis: `explicit` (`--model`) else the metadata's or folder's, else the default.
    func reference(explicit: String? = nil) -> ModelReference {
        ModelReference(catalog: catalogDirectory, explicit: explicit, fallback: defaultModel)
    }

    /// Loads every model once, so that a broken one stops the command at start with its file and line.
    func check() throws {
        do {
            _ = try catalog.all()
        } catch {
            printError(error.description)
            throw ExitCode(2)
        }
    }
}

/// Prints one line to standard error.
func printError(_ message: String) {
    FileHandle.standardError.write(Data("error: \(message)\n".utf8))
}

struct Analyze: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Analyse one recording (or a bare .vtt/.srt/.txt transcript) and print its report.")

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case json, html, text
    }

    @Argument(help: "The recording (mp4, mov, webm, mkv, m4a, mp3, wav, …) or a transcript file.")
    var file: String

    @Option(help: "Model id (from the models directory) or path to a model YAML file.")
    var model: String?

    @Option(help: "Transcript file (.vtt, .srt, .txt); wins over sidecars and subtitle streams.")
    var transcript: String?

    @Option(help: "Output format.")
    var format: Format = .json

    @Option(name: .shortAndLong, help: "Write the report here instead of standard output (- for standard output).")
    var output: String?

    @Flag(help: "Include frame-level tracks (prosody.track, visual.track).")
    var tracks = false

    @Option(help: "Video frames sampled per second.")
    var frameRate: Double = 2

    @Option(help: "Language of html/text output: en or zh.")
    var language: String = "en"

    @OptionGroup var models: ModelOptions
    @OptionGroup var asr: ASROptions

    func validate() throws {
        guard frameRate > 0, frameRate <= 30 else { throw ValidationError("--frame-rate must be within (0, 30]") }
        guard UILanguage(rawValue: language) != nil else { throw ValidationError("--language must be en or zh") }
    }

    func run() async throws {
        let bundle = BundleFolder.bundle(at: file)
        // A recording that brings its transcript needs no recogniser: none is started (it costs seconds).
        let hasTranscript = transcript != nil || bundle.kind == .transcript || bundle.transcript != nil
            || !bundle.answerFiles.isEmpty
        let recognition = try asr.start(needed: !hasTranscript)
        defer { recognition.local?.stop() }
        let analyzer = Analyzer(recognizer: recognition.recognizer)
        let request = AnalysisRequest(bundle: bundle, transcript: transcript, model: models.reference(explicit: model),
                                      options: AnalysisOptions(tracks: tracks, frameRate: frameRate,
                                                               recognition: recognition.settings))
        let report: Report
        do {
            report = try analyzer.analyze(request)
        } catch {
            printError(error.message)
            throw ExitCode(2)
        }
        let renderer = ReportRenderer(language: UILanguage(rawValue: language) ?? .en)
        let data: Data
        switch format {
        case .json: data = try ReportCoding.encode(report) + Data("\n".utf8)
        case .html: data = Data(renderer.html(report).utf8)
        case .text: data = Data(renderer.text(report).utf8)
        }
        do { try OutputFile.write(data, to: output ?? "-") } catch {
            printError(error.description)
            throw ExitCode(1)
        }
    }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Watch an inbox, analyse what arrives, and serve the reports over HTTP.")

    @Option(help: "The watched folder; sub-folders name models (inbox/sales-manager/alice.mp4).")
    var inbox = "inbox"

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on.")
    var port = 8080

    @Option(help: "Seconds a file's size and modification time must stay unchanged before it is taken.")
    var stableSeconds = 2.0

    @Option(help: "Move finished recordings (with their sidecars) to INBOX/processed or INBOX/failed: move, keep.")
    var finished: FinishedFiles = .keep

    @Option(help: "Largest upload through the web app, in MiB.")
    var maxUploadMb = 4096

    @Option(help: "Seconds a client has to send a request's headers (slow clients are cut off).")
    var headerTimeout = 10.0

    @Option(help: "Seconds a request's body may pause before the connection is closed.")
    var bodyTimeout = 30.0

    @Option(help: "Connections one client address may hold open at once.")
    var maxConnectionsPerClient = 64

    @OptionGroup var storage: StoreOptions
    @OptionGroup var work: WorkerOptions
    @OptionGroup var models: ModelOptions
    @OptionGroup var asr: ASROptions
    @OptionGroup var webhooks: WebhookOptions

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be within 0…65535") }
        guard maxUploadMb > 0 else { throw ValidationError("--max-upload-mb must be positive") }
        guard stableSeconds >= 0 else { throw ValidationError("--stable-seconds must not be negative") }
        guard headerTimeout > 0, bodyTimeout > 0 else {
            throw ValidationError("--header-timeout and --body-timeout must be positive")
        }
        guard maxConnectionsPerClient >= 1 else { throw ValidationError("--max-connections-per-client must be at least 1") }
    }

    func run() async throws {
        let logger = Logger(label: "debrief")
        try models.check()
        let webhookSettings = try webhooks.settings()
        try FileManager.default.createDirectory(atPath: inbox, withIntermediateDirectories: true)
        let store = try await storage.open()
        let recognition = try asr.start()
        defer { recognition.local?.stop() }
        if let name = recognition.settings.recognizer?.name {
            logger.info("speech recognition: \(name) at \(recognition.settings.url ?? "")")
        }
        var configuration = ServeConfiguration(inbox: inbox, host: host, port: port, workers: work.workers,
                                               stableSeconds: stableSeconds)
        configuration.model = models.reference()
        configuration.analysis = AnalysisOptions(recognition: recognition.settings)
        configuration.policy = work.policy
        configuration.scratch = storage.scratch
        configuration.finished = finished
        configuration.maxUploadBytes = maxUploadMb << 20
        configuration.connections = ConnectionLimits(headerSeconds: headerTimeout, bodySeconds: bodyTimeout,
                                                     perClient: maxConnectionsPerClient)
        configuration.webhooks = webhookSettings
        let cache = ModelCache(catalog: models.catalog, refreshOnRead: false)
        cache.refresh()
        configuration.modelCache = cache
        let analyzer = work.analyzer(recognizer: recognition.recognizer, scratch: storage.scratch)
        let app = makeDebriefApplication(configuration: configuration, store: store, analyzer: analyzer, logger: logger)
        try await app.runService()
    }
}

extension FinishedFiles: ExpressibleByArgument {}

struct Models: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List or check competency models.",
        subcommands: [List.self, Lint.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the models of the models directory.")
        @OptionGroup var models: ModelOptions

        func run() async throws {
            let catalog = models.catalog
            var failed = false
            for file in (try? catalog.files()) ?? [] {
                do {
                    let model = try ModelCatalog.load(path: file).model
                    let dimensions = model.dimensions.map(\.id).joined(separator: ", ")
                    print("\(model.id)\tv\(model.version)\t\(model.title)\(model.titleZh.map { " / \($0)" } ?? "")\t\(dimensions)")
                } catch {
                    printError(error.description)
                    failed = true
                }
            }
            if failed { throw ExitCode(1) }
        }
    }

    struct Lint: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate model files; prints one line per problem naming the file, line and key.")

        @Argument(help: "Model files or directories (default: the models directory).")
        var paths: [String] = []

        @OptionGroup var models: ModelOptions

        func run() async throws {
            var files: [String] = []
            for path in paths.isEmpty ? [models.catalog.directory] : paths {
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
                    do { files += try ModelCatalog(directory: path).files() } catch {
                        printError(error.description)
                        throw ExitCode(1)
                    }
                } else {
                    files.append(path)
                }
            }
            var problems = 0
            for file in files {
                do {
                    let model = try ModelCatalog.load(path: file).model
                    print("ok: \(file) (\(model.id) v\(model.version), \(model.dimensions.count) dimensions)")
                } catch {
                    printError(error.description)
                    problems += 1
                }
            }
            if problems > 0 { throw ExitCode(1) }
        }
    }
}

struct Eval: AsyncParsableCommand {
    struct Faces: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compare face detection with OpenCV's on a directory made by scripts/face-frames.py.")

        @Argument(help: "Directory with PGM frames and reference.json.")
        var directory: String

        @Flag(help: "Print one line per frame.")
        var verbose = false

        func run() async throws {
            let detectors: FaceDetectors
            do { detectors = try CascadeLibrary.faceDetectors() } catch {
                printError(error.message)
                throw ExitCode(2)
            }
            let summary = try FaceEvaluation(directory: directory).run(detectors: detectors)
            if verbose {
                for frame in summary.perFrame {
                    func list(_ boxes: [DetectionBox]) -> String { boxes.map { "[\($0.x) \($0.y) \($0.width)]" }.joined() }
                    print("\(frame.frame)\tours \(list(frame.ours))\topencv \(list(frame.opencv))")
                }
            }
            print(summary.report)
        }
    }

    static let configuration = CommandConfiguration(
        abstract: "Measure analyses against labelled reference data.",
        subcommands: [Prosody.self, Faces.self, Transcripts.self, ASR.self])

    struct Transcripts: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Measure STAR, competency evidence, flags and fillers on a labelled directory like ../shared/data/star-dev.")

        @Argument(help: "Directory with labels.jsonl and ID.vtt / ID.txt per answer.")
        var directory: String

        @Option(help: "Competency model (id or path) whose dimension ids the labels use.")
        var model = "general"

        @Option(help: "Directory of competency models (default: $DEBRIEF_MODELS or ./Models).")
        var models: String?

        @Flag(help: "Print one line per answer.")
        var verbose = false

        func run() async throws {
            do {
                let catalog = ModelCatalog(directory: models ?? ProcessInfo.processInfo.environment["DEBRIEF_MODELS"] ?? "Models")
                let summary = try TranscriptEvaluation(directory: directory, model: try catalog.model(model)).run()
                if verbose {
                    for item in summary.cases {
                        let parts = ["situation", "task", "action", "result"].map { part in
                            (item.found[part]! ? part.prefix(1).uppercased() : "-") + (item.found[part] == item.expected[part] ? "" : "!")
                        }.joined()
                        print("\(item.id)\t\(item.sequence)\t\(parts)\tfound \(item.foundAsserted.sorted()) expected \(item.expectedAsserted.sorted())"
                              + "\tneg \(item.foundNegated.sorted())/\(item.expectedNegated.sorted())\tfillers \(item.foundFillers)/\(item.expectedFillers)"
                              + (item.found["hypothetical"]! != item.expected["hypothetical"]! ? "\tHYP!" : "")
                              + (item.found["keywordStuffed"]! != item.expected["keywordStuffed"]! ? "\tSTUFF!" : "")
                              + (item.found["resultQuantified"]! != item.expected["resultQuantified"]! ? "\tQ!" : ""))
                    }
                }
                print(summary.report)
            } catch let error as AnalysisError {
                printError(error.message)
                throw ExitCode(2)
            } catch let error as ModelError {
                printError(error.description)
                throw ExitCode(2)
            }
        }
    }

    struct ASR: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "asr",
            abstract: "Word error rate of the speech recogniser over audio with reference transcripts.",
            discussion: "A directory with manifest.csv (source_path, transcript), like ../shared/data/prosody-dev, or "
                + "audio files each with a .txt reference of the same stem.")

        @Argument(help: "Directory with manifest.csv, or with audio + .txt files.")
        var directory: String

        @Option(help: "Evaluate at most this many files.")
        var limit: Int?

        @Option(help: "Take every n-th file.")
        var every = 1

        @Flag(help: "Print one line per file.")
        var verbose = false

        @OptionGroup var asr: ASROptions

        func run() async throws {
            let recognition = try asr.start()
            defer { recognition.local?.stop() }
            guard let recognizer = recognition.recognizer else {
                printError("no recogniser: run scripts/asr-setup.sh, or pass --asr-url")
                throw ExitCode(2)
            }
            let summary: ASREvaluation.Summary
            do { summary = try ASREvaluation(recognizer: recognizer).run(directory, limit: limit, stride: every) } catch {
                printError(error.message)
                throw ExitCode(2)
            }
            if verbose {
                for file in summary.files {
                    print("\(file.id)\t\(file.errors)/\(file.referenceWords)\t\(file.hypothesis)")
                }
            }
            for reason in summary.skipped.prefix(5) { print("skipped: \(reason)") }
            print("\(recognizer.info?.name ?? recognition.settings.url ?? "recogniser"): \(summary.report)")
        }
    }

    struct Prosody: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compare F0, voicing and intensity with Praat's on a directory like ../shared/data/prosody-dev.")

        @Argument(help: "Directory with manifest.csv and praat-f0/.")
        var directory: String

        @Option(help: "Evaluate at most this many files.")
        var limit: Int?

        @Option(help: "Take every n-th file of the manifest.")
        var every = 1

        @Flag(help: "Print one line per file.")
        var verbose = false

        func run() async throws {
            let summary = try ProsodyEvaluation(directory: directory).run(limit: limit, stride: every)
            if verbose {
                for file in summary.files {
                    let agreement = Double(file.voicingAgreements) / Double(max(1, file.frames)) * 100
                    print(String(format: "%@\tvoicing %.1f%%\tgross %d/%d\tmedian %.1f vs %.1f Hz\tintensity %.1f vs %.1f dB"
                                    + "\tsyllables %d vs %.0f\tjitter %.4f vs %.4f\tshimmer %.4f vs %.4f",
                                 file.id, agreement, file.grossErrors, file.bothVoiced, file.f0Median ?? 0,
                                 file.praatF0Median ?? 0, file.intensityMean ?? 0, file.praatIntensityMean ?? 0,
                                 file.syllables ?? -1, file.trueSyllables ?? -1, file.jitter ?? -1, file.praatJitter ?? -1,
                                 file.shimmer ?? -1, file.praatShimmer ?? -1))
                }
            }
            for reason in summary.skipped.prefix(5) { print("skipped: \(reason)") }
            print(summary.report)
        }
    }
}
