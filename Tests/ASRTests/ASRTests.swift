import ASR
import Evaluation
import DebriefModel
import Foundation
import Pipeline
import TestSupport
import Testing
import Transcripts

@Suite struct ASRUnitTests {
    @Test func wordErrorRateNormalisesLikeTheUsualScorers() {
        #expect(WordErrorRate.normalise("We closed at 120% of quota, a 3.5-point gain!")
                == ["we", "closed", "at", "one", "hundred", "twenty", "percent", "of", "quota", "a", "three", "point",
                    "five", "point", "gain"])
        #expect(WordErrorRate.normalise("Forty-two accounts; I'm done.") == ["forty", "two", "accounts", "i'm", "done"])
        let reference = WordErrorRate.normalise("press one to record your greeting")
        #expect(WordErrorRate.errors(reference: reference,
                                     hypothesis: WordErrorRate.normalise("Press 1 to record greeting now")) == 2)
        #expect(WordErrorRate.errors(reference: [], hypothesis: ["a"]) == 1)
    }

    @Test func chunksAreCutAtTheQuietestFrameBeforeTheLimit() throws {
        // 12 minutes; a quiet frame 20 s before each 5-minute limit.
        let rate = WAVWriter.sampleRate
        let samples = 12 * 60 * rate
        let pieces = ChunkPlan.cuts(samples: samples) { window in
            (0..<(window.count / (rate / 10))).map { frame in
                let time = (window.lowerBound + frame * rate / 10) / rate
                return time == 280 || time == 560 ? 0.001 : 0.3
            }
        }
        #expect(pieces.count == 3)
        #expect(pieces.first?.lowerBound == 0 && pieces.last?.upperBound == samples)
        #expect(zip(pieces, pieces.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
        #expect(pieces.allSatisfy { $0.count <= ChunkPlan.maximumSeconds * rate })
        #expect(abs(pieces[0].upperBound - 280 * rate) < rate / 5)
        #expect(ChunkPlan.cuts(samples: 0) { _ in [] }.isEmpty)
    }

    @Test func wavRoundTrip() throws {
        let directory = Fixtures.temporaryDirectory()
        defer { Fixtures.cleanUp(directory) }
        let writer = try WAVWriter(path: "\(directory)/a.wav")
        let tone = Fixtures.tone(f0: 200, seconds: 1)
        try writer.append(Array(tone[..<8000]))
        try writer.append(Array(tone[8000...]) + [.nan, 4])
        #expect(try writer.finish() == 16_002)
        let reader = try WAVReader(path: "\(directory)/a.wav")
        #expect(reader.samples == 16_002)
        let piece = try reader.wav(100..<200)
        #expect(piece.count == 44 + 200 && piece.prefix(4) == Data("RIFF".utf8))
        let levels = try reader.frameLevels(0..<16_000)
        let first = tone[..<1600]
        let expected = (first.reduce(Float(0)) { $0 + $1 * $1 } / 1600).squareRoot() * 32767
        #expect(levels.count == 10)
        #expect(abs(levels[0] - expected) < 2, "\(levels[0]) vs \(expected)")
    }
}

/// Against real recognisers (Debrief's embedded one when `scripts/asr-setup.sh` has been run) and broken ones.
@Suite(.serialized) struct SpeechRecognitionTests {
    let analyzer = Analyzer()

    /// The analysis of `path` with `client` as the recogniser (nil: none configured).
    func analyze(_ path: String, _ client: ASRClient?, _ info: RecognizerInfo? = nil,
                 mode: RecognitionSettings.Mode = .auto, model: String? = nil) throws(AnalysisError) -> Report {
        let analyzer = Analyzer(recognizer: client.map { ServerRecognizer(client: $0, info: info) })
        let settings = RecognitionSettings(mode: mode, url: client?.baseURL.absoluteString, recognizer: info)
        return try analyzer.analyze(AnalysisRequest(catalog: Fixtures.models, input: path, model: model,
                                                    options: AnalysisOptions(recognition: settings)))
    }

    /// A port nothing listens on.
    var deadURL: URL { URL(string: "http://127.0.0.1:9")! }

    @Test func aDownRecogniserIsAWarningAndTheRestIsDelivered() throws {
        let directory = Fixtures.temporaryDirectory()
        defer { Fixtures.cleanUp(directory) }
        try FileManager.default.copyItem(atPath: Fixtures.media("phone-screen-en.m4a"), toPath: "\(directory)/a.m4a")
        let client = ASRClient(baseURL: deadURL, timeoutSeconds: 5, retries: 1)
        let started = Date()
        let report = try analyze("\(directory)/a.m4a", client)
        #expect(Date().timeIntervalSince(started) < 60)
        #expect(report.transcript.source == .none && report.prosody != nil)
        #expect(report.warnings.contains { $0.hasPrefix("speech recognition failed: the recogniser at") })
        #expect(throws: AnalysisError.self) {
            try analyze("\(directory)/a.m4a", client, mode: .always)
        }
        // A supplied transcript wins: the recogniser is not asked.
        try FileManager.default.copyItem(atPath: Fixtures.media("phone-screen-en.vtt"), toPath: "\(directory)/a.vtt")
        let supplied = try analyze("\(directory)/a.m4a", client)
        #expect(supplied.transcript.source == .sidecar && supplied.warnings.allSatisfy { !$0.contains("recogni") })
    }

    @Test func chineseAudioIsNotSentToAnEnglishOnlyRecogniser() throws {
        let client = ASRClient(baseURL: deadURL, timeoutSeconds: 5, retries: 0)
        let directory = Fixtures.temporaryDirectory()
        defer { Fixtures.cleanUp(directory) }
        try FileManager.default.copyItem(atPath: Fixtures.media("phone-screen-en.m4a"), toPath: "\(directory)/b.m4a")
        Fixtures.write("language: zh\n", to: "\(directory)/b.yaml")
        let report = try analyze("\(directory)/b.m4a", client, RecognizerInfo(name: "tiny.en", englishOnly: true))
        #expect(report.warnings.contains { $0.contains("is English-only; configure a multilingual one") })
    }

    /// A recogniser stub answering every POST with `body` (200); stopped by the returned process's terminate().
    func stubRecognizer(_ body: String, in directory: String) throws -> (Process, ASRClient) {
        let script = "\(directory)/stub.py"
        Fixtures.write(body, to: "\(directory)/body.json")
        Fixtures.write("""
            import http.server, signal, sys
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})
            body = open(sys.argv[2], 'rb').read()
            class H(http.server.BaseHTTPRequestHandler):
                def do_POST(self):
                    self.rfile.read(int(self.headers['Content-Length']))
                    self.send_response(200); self.end_headers(); self.wfile.write(body)
                def log_message(self, *a): pass
            s = http.server.HTTPServer(('127.0.0.1', 0), H)
            open(sys.argv[1], 'w').write(str(s.server_port))
            s.serve_forever()
            """, to: script)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script, "\(directory)/port", "\(directory)/body.json"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        var port: String?
        for _ in 0..<300 where port == nil {
            port = try? String(contentsOfFile: "\(directory)/port", encoding: .utf8)
            if port == nil { Thread.sleep(forTimeInterval: 0.1) }
        }
        guard let port else {
            process.terminate()
            throw CocoaError(.fileNoSuchFile)
        }
        return (process, ASRClient(baseURL: URL(string: "http://127.0.0.1:\(port)")!, timeoutSeconds: 10))
    }

    @Test func malformedAnswersAreNamed() throws {
        let directory = Fixtures.temporaryDirectory()
        defer { Fixtures.cleanUp(directory) }
        let (process, client) = try stubRecognizer(#"{"segments": [{"start": "x""#, in: directory)
        defer { process.terminate() }
        try FileManager.default.copyItem(atPath: Fixtures.media("phone-screen-en.m4a"), toPath: "\(directory)/c.m4a")
        let report = try analyze("\(directory)/c.m4a", client)
        #expect(report.warnings.contains { $0.hasPrefix("speech recognition failed: the recogniser's answer is malformed") })
        #expect(report.prosody != nil)
    }

    /// Per answer: an answer the recogniser was mostly unsure of gives no evidence and says so; the confident
    /// answer is analysed, with its units and pauses timed by the words rather than by the padded segments.
    @Test func anUnsureAnswerGivesNoEvidenceAndWordsTimeTheRest() throws {
        let directory = Fixtures.temporaryDirectory()
        defer { Fixtures.cleanUp(directory) }
        let sure = "In my last role our team missed deadlines. I had to fix the release process. I led five engineers "
            + "and built an automated pipeline with tests. I negotiated with product on scope every week. As a result "
            + "we shipped every sprint and cut defects by 40 percent within three months. I also mentored two new "
            + "hires and documented the process for the whole department."
        let unsure = "Then we tried again with the leadership of the team and the stakeholders agreed to the plan we "
            + "negotiated and the customers were happy with the result"
        var sureStarts: [Double] = []
        func words(_ text: String, from start: Double, probability: Double, gapAfter: Int? = nil) -> (String, Double) {
            var time = start
            var items: [String] = []
            for (index, word) in text.split(separator: " ").enumerated() {
                items.append(#"{"word": " \#(word)", "start": \#(time), "end": \#(time + 0.25), "probability": \#(probability)}"#)
                if probability > 0.5 { sureStarts.append(time) }
                time += index == gapAfter ? 3.5 : 0.3
            }
            return (items.joined(separator: ", "), time)
        }
        let (sureWords, sureEnd) = words(sure, from: 1, probability: 0.95, gapAfter: 14)
        let (unsureWords, unsureEnd) = words(unsure, from: 40, probability: 0.2)
        let body = """
            {"text": "", "language": "en", "duration": 60, "segments": [
              {"start": 0, "end": \(sureEnd + 1), "text": " \(sure)", "words": [\(sureWords)]},
              {"start": 39, "end": \(unsureEnd + 1), "text": " \(unsure)", "words": [\(unsureWords)]}]}
            """
        let (process, client) = try stubRecognizer(body, in: directory)
        defer { process.terminate() }
        try FileManager.default.copyItem(atPath: Fixtures.media("phone-screen-en.m4a"), toPath: "\(directory)/d.m4a")
        Fixtures.write("""
            questions:
              - {id: q1, text: Tell me about a hard project, start: 0, end: 38}
              - {id: q2, text: And then?, start: 38, end: 70}
            """, to: "\(directory)/d.yaml")
        let report = try analyze("\(directory)/d.m4a", client, model: "software-engineer")
        #expect(report.transcript.source == .asr)
        #expect(report.answers.count == 2)
        #expect(report.answers[0].insufficientEvidence == nil)
        #expect(report.answers[0].star?.action.present == true)
        #expect(report.answers[1].insufficientEvidence?.hasPrefix("speech recognition was unsure of 100 % of this answer") == true)
        #expect(report.answers[1].star == nil)
        #expect(report.warnings.contains { $0.contains("unsure of most words of 1 answer(s)") })
        #expect(report.overall.score != nil)
        // The 3.5-s pause after the 15th word is inside one segment: only word timings reveal it.
        #expect(report.answers[0].fluency?.longGaps == 1)
        // Evidence quotes start when their first word is said (a word start, not a fraction of the segment).
        let starts = report.competencies.flatMap(\.evidence).map(\.start)
        #expect(!starts.isEmpty)
        #expect(starts.allSatisfy { start in sureStarts.contains { abs($0 - start) < 0.001 } })
    }

    /// The embedded recogniser end to end: the English interview with its subtitle track removed, and the phone
    /// screen without its sidecar, are transcribed, analysed and scored. The phone screen's words match the spoken
    /// text within the 10 % WER target; the interview's robotic espeak voice is harder for Whisper tiny.en (11.5 %
    /// measured), so it is held to 15 %. On real speech (`debrief eval asr ../shared/data/prosody-dev`) WER is 7.7 %.
    /// Skipped (and said so) on a machine without the recogniser; CI (`CI` set) always runs it.
    @Test(.enabled(if: LocalRecognizer.locate(home: "\(Fixtures.root)/.asr") != nil
                   || ProcessInfo.processInfo.environment["CI"] != nil,
                   "the embedded recogniser is not installed here (run scripts/asr-setup.sh)"))
    func embeddedRecogniserTranscribesSamplesWithoutTheirTranscripts() throws {
        let (python, script) = try #require(LocalRecognizer.locate(home: "\(Fixtures.root)/.asr"),
                                            "scripts/asr-setup.sh did not install the recogniser")
        let recognizer = try LocalRecognizer(python: python, script: script)
        defer { recognizer.stop() }
        let info = try #require(recognizer.client.info())
        #expect(!info.englishOnly && info.name.contains("whisper-base") && info.name.contains("tiny.en"))
        let directory = Fixtures.temporaryDirectory()
        defer { Fixtures.cleanUp(directory) }

        func check(_ bare: String, reference: Report, limit: Double) throws {
            let report = try analyze(bare, recognizer.client, info, model: reference.model.id)
            #expect(report.transcript.source == .asr)
            #expect(report.transcript.recognizer?.contains("faster-whisper") == true)
            #expect(report.overall.score != nil && report.competencies.contains { !$0.evidence.isEmpty })
            let words = report.transcript.cues.flatMap { $0.words ?? [] }
            #expect(words.count > 40 && words.allSatisfy { $0.start <= $0.end && ($0.probability ?? -1) >= 0 })
            let spoken = WordErrorRate.normalise(reference.transcript.cues.map(\.text).joined(separator: " "))
            let heard = WordErrorRate.normalise(report.transcript.cues.map(\.text).joined(separator: " "))
            let wer = Double(WordErrorRate.errors(reference: spoken, hypothesis: heard)) / Double(spoken.count)
            #expect(wer <= limit, "\(bare): WER \(wer)")
        }

        _ = try Fixtures.run("ffmpeg", ["-loglevel", "error", "-y", "-i", Fixtures.media("interview-en.mp4"), "-map", "0",
                                        "-map", "-0:s", "-c", "copy", "\(directory)/bare.mp4"])
        let interview = try analyzer.analyze(AnalysisRequest(catalog: Fixtures.models, input: Fixtures.media("interview-en.mp4")))
        #expect(interview.transcript.source == .subtitleStream)
        try check("\(directory)/bare.mp4", reference: interview, limit: 0.15)

        try FileManager.default.copyItem(atPath: Fixtures.media("phone-screen-en.m4a"), toPath: "\(directory)/p.m4a")
        let phone = try analyzer.analyze(AnalysisRequest(catalog: Fixtures.models, input: Fixtures.media("phone-screen-en.m4a")))
        #expect(phone.transcript.source == .sidecar)
        try check("\(directory)/p.m4a", reference: phone, limit: 0.10)

        // Music only (synthetic chords and beats, 40 s): no words are invented and scored.
        _ = try Fixtures.run("ffmpeg", ["-loglevel", "error", "-y", "-f", "lavfi", "-i",
                                        "aevalsrc=0.25*sin(2*PI*(220+55*floor(mod(t*2\\,8)))*t)"
                                            + "+0.15*sin(2*PI*330*t)*gt(mod(t\\,0.5)\\,0.2):s=16000:d=40",
                                        "-c:a", "aac", "\(directory)/music.m4a"])
        let music = try analyze("\(directory)/music.m4a", recognizer.client, info)
        #expect(music.overall.score == nil)
        #expect(music.competencies.allSatisfy { $0.evidence.isEmpty })
        #expect(music.warnings.contains {
            $0.contains("found no speech") || $0.contains("unsure of most words")
        }, "\(music.warnings)")

        // Two minutes of music and room noise between two answers: the answers are heard, nothing is invented and
        // scored in between (a stray word there is flagged unsure).
        _ = try Fixtures.run("ffmpeg", ["-loglevel", "error", "-y", "-i", Fixtures.media("phone-screen-en.m4a"),
                                        "-f", "lavfi", "-i", "aevalsrc=0.2*sin(2*PI*(220+55*floor(mod(t*2\\,8)))*t):s=16000:d=60",
                                        "-f", "lavfi", "-i", "anoisesrc=c=pink:a=0.05:r=16000:d=60",
                                        "-i", Fixtures.media("phone-screen-en.m4a"),
                                        "-filter_complex", "[0:a]aresample=16000,aformat=channel_layouts=mono[a];"
                                            + "[3:a]aresample=16000,aformat=channel_layouts=mono[b];[a][1:a][2:a][b]concat=n=4:v=0:a=1",
                                        "-c:a", "aac", "\(directory)/gap.m4a"])
        let gap = try analyze("\(directory)/gap.m4a", recognizer.client, info)
        let first = try #require(phone.recording.durationSeconds)
        let words: [TimedWord] = gap.transcript.cues.flatMap { $0.words ?? [] }
        let invented: [String] = words.filter { word in
            let inside = word.start > first + 1 && word.end < first + 119
            return inside && (word.probability ?? 1) >= 0.5
        }.map(\.text)
        #expect(invented.isEmpty, "words over the music and noise: \(invented)")
        #expect(gap.transcript.cues.contains { $0.start < first } && gap.transcript.cues.contains { $0.start > first + 120 })
    }

    /// Real Mandarin speech without a transcript (Debian's gcin-voice syllables, built by scripts/zh-speech.py into
    /// .build/samples/zh by the test command): recognised by the multilingual model in Simplified characters,
    /// within 12 % CER of what was said, and analysed into a full Chinese report — one answer per question, STAR,
    /// evidence quoted with times. Skipped (and said so) where the sample was not built; CI always runs it.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: Self.mandarin)
                   || ProcessInfo.processInfo.environment["CI"] != nil,
                   "the Mandarin sample is not built here (scripts/test.sh builds it with scripts/zh-speech.py)"))
    func embeddedRecogniserTranscribesMandarin() throws {
        let (python, script) = try #require(LocalRecognizer.locate(home: "\(Fixtures.root)/.asr"),
                                            "scripts/asr-setup.sh did not install the recogniser")
        let recognizer = try LocalRecognizer(python: python, script: script)
        defer { recognizer.stop() }
        let report = try analyze(Self.mandarin, recognizer.client, recognizer.info)
        #expect(report.transcript.source == .asr && report.transcript.language == .zh)
        let heard = report.transcript.cues.map(\.text).joined()
        #expect(!heard.unicodeScalars.contains { "們說個這時後處".unicodeScalars.contains($0) }, "Traditional: \(heard)")
        let said = try String(contentsOfFile: Self.mandarin.replacingOccurrences(of: ".m4a", with: "-reference.txt"),
                              encoding: .utf8)
        let reference = CharacterErrorRate.normalise(said)
        let cer = Double(WordErrorRate.errors(reference: reference, hypothesis: CharacterErrorRate.normalise(heard)))
            / Double(reference.count)
        #expect(cer <= 0.12, "CER \(cer): \(heard)")
        #expect(report.answers.count == 2 && report.answers[0].question == "请讲一个你带领团队解决问题的经历。")
        #expect(report.answers[0].star?.action.present == true && report.answers[0].star?.result.present == true)
        #expect(report.overall.score != nil && report.competencies.contains { !$0.evidence.isEmpty })
        // Words rebuilt by the segmenter, each timed inside its cue.
        let words = report.transcript.cues.flatMap { cue in (cue.words ?? []).map { (cue, $0) } }
        #expect(words.count > 30 && words.allSatisfy { $0.1.start >= $0.0.start - 0.01 && $0.1.end <= $0.0.end + 0.01 })
        #expect(words.contains { $0.1.text.count >= 2 })
    }

    static let mandarin = "\(Fixtures.root)/.build/samples/zh/interview-zh-speech.m4a"
}
