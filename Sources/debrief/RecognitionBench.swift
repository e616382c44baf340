import ArgumentParser
import ASR
import DebriefModel
import Foundation
import MediaDecoding
import Pipeline

/// `debrief bench recognition`: a long interview without a transcript, recognised and analysed end to end by the
/// embedded recogniser on this machine — English (real speech: the prosody dev set's recordings in turn) and Chinese
/// (real Mandarin syllables: scripts/zh-speech.py's interview in turn) — with the realtime factor and the
/// recogniser's peak memory. `--check` fails below the floors in Benchmarks/Thresholds/recognition-floor.json
/// (scripts/bench-check.sh runs it).
struct RecognitionBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recognition",
        abstract: "Recognise and analyse a long interview without a transcript: realtime factor and recogniser memory.")

    @Option(help: "Length of each interview, in seconds.")
    var seconds = 600.0
    @Option(help: "Directory of English recordings with manifest.csv (source_path column).")
    var english = "../shared/data/prosody-dev"
    @Option(help: "The Mandarin recording (scripts/zh-speech.py .build/samples/zh).")
    var chinese = ".build/samples/zh/interview-zh-speech.m4a"
    @Option(help: "The floors to check against (with --check).")
    var floors = "Benchmarks/Thresholds/recognition-floor.json"
    @Flag(help: "Exit 1 below the floors.")
    var check = false
    @Flag(help: "Print one JSON object.")
    var json = false
    @OptionGroup var models: ModelOptions

    struct Floors: Decodable {
        var english: Double
        var chinese: Double
        var peakMB: Int
    }

    struct Measurement: Encodable {
        var language: String
        var audioSeconds: Double
        var wallSeconds: Double
        var realtimeFactor: Double
        var words: Int
        var recognizerPeakMB: Int
    }

    func run() async throws {
        guard let (python, script) = LocalRecognizer.locate() else {
            printError("the embedded recogniser is not installed (scripts/asr-setup.sh)")
            throw ExitCode(2)
        }
        let work = NSTemporaryDirectory() + "debrief-bench-recognition-\(getpid())"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: work) }
        let sources: [(String, [String])] = [("en", try englishSources()), ("zh", [chinese])]
        var results: [Measurement] = []
        for (language, files) in sources {
            let file = "\(work)/\(language).wav"
            try Self.spool(files, seconds: seconds, to: file)
            // A fresh recogniser per language, so that its peak memory is this interview's.
            let recognizer = try LocalRecognizer(python: python, script: script)
            defer { recognizer.stop() }
            // The metadata says the language, as an interview's would.
            FileManager.default.createFile(atPath: "\(work)/\(language).yaml", contents: Data("language: \(language)\n".utf8))
            let analyzer = Analyzer(recognizer: recognizer.recognizer)
            let settings = RecognitionSettings(mode: .always, url: recognizer.client.baseURL.absoluteString,
                                               recognizer: recognizer.info)
            let request = AnalysisRequest(catalog: models.catalogDirectory, input: file, model: "general",
                                          options: AnalysisOptions(recognition: settings))
            let started = ContinuousClock.now
            let report: Report
            do { report = try analyzer.analyze(request) } catch {
                printError(error.message)
                throw ExitCode(2)
            }
            let elapsed = ContinuousClock.now - started
            let wall = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            let audio = report.recording.durationSeconds ?? 0
            results.append(Measurement(language: language, audioSeconds: audio, wallSeconds: wall,
                                       realtimeFactor: audio / wall, words: report.transcript.wordCount,
                                       recognizerPeakMB: Int((recognizer.peakResidentBytes ?? 0) >> 20)))
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(results), as: UTF8.self))
        } else {
            for result in results {
                print(String(format: "%@: %.0f s of interview in %.1f s: %.1f× realtime, %d words, recogniser peak %d MB",
                             result.language, result.audioSeconds, result.wallSeconds, result.realtimeFactor,
                             result.words, result.recognizerPeakMB))
            }
        }
        guard check else { return }
        guard let data = FileManager.default.contents(atPath: floors),
              let floor = try? JSONDecoder().decode(Floors.self, from: data) else {
            printError("\(floors): cannot read the floors")
            throw ExitCode(2)
        }
        var failed = false
        for result in results {
            let minimum = result.language == "zh" ? floor.chinese : floor.english
            if result.realtimeFactor < minimum || result.recognizerPeakMB > floor.peakMB {
                printError(String(format: "%@: %.1f× realtime (floor %.0f×), recogniser peak %d MB (limit %d MB)",
                                  result.language, result.realtimeFactor, minimum, result.recognizerPeakMB, floor.peakMB))
                failed = true
            }
        }
        if failed { throw ExitCode(1) }
        print("bench recognition: above the floors")
    }

    func englishSources() throws -> [String] {
        let manifest = (english as NSString).appendingPathComponent("manifest.csv")
        guard let text = try? String(contentsOfFile: manifest, encoding: .utf8) else {
            throw ValidationError("\(manifest): not found (the English recordings)")
        }
        let rows = text.split(whereSeparator: \.isNewline).map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        guard let column = rows.first?.firstIndex(of: "source_path") else {
            throw ValidationError("\(manifest): no source_path column")
        }
        return rows.dropFirst().compactMap { $0.count > column ? String($0[column]) : nil }.filter { $0.hasSuffix(".wav") }
    }

    /// The recordings one after the other (0.6 s of silence between), decoded to 16 kHz mono, into one WAV file of
    /// `seconds`.
    static func spool(_ files: [String], seconds: Double, to path: String) throws {
        let writer = try WAVWriter(path: path)
        let limit = Int(seconds * Double(analysisSampleRate))
        let gap = [Float](repeating: 0, count: analysisSampleRate * 6 / 10)
        var written = 0
        struct Collect: MediaSink {
            var samples: [Float] = []
            mutating func consume(_ chunk: AudioChunk) { samples += chunk.samples }
            mutating func consume(_ frame: FrameSample) {}
            mutating func consume(_ cue: Cue) {}
        }
        while written < limit {
            for file in files where written < limit {
                var sink = Collect()
                _ = try MediaReader(path: file, options: DecodeOptions(frameRate: 0.01)).decode(into: &sink)
                let piece = Array((sink.samples + gap).prefix(limit - written))
                try writer.append(piece)
                written += piece.count
            }
        }
        try writer.finish()
    }
}
