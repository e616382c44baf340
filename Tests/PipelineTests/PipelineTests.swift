import DebriefModel
import Foundation
import Pipeline
import Rendering
import TestSupport
import Testing

@Suite struct PipelineTests {
    let analyzer = Analyzer()

    /// Every contract path of the report, with real values, for each sample.
    @Test(arguments: ["interview-en.mp4", "interview-zh.mkv", "phone-screen-en.m4a"])
    func samplesGiveEveryContractPath(_ name: String) throws {
        let report = try analyzer.analyze(AnalysisRequest(catalog: Fixtures.models, input: Fixtures.media(name), options: .init(tracks: true)))
        let json = try JSONSerialization.jsonObject(with: ReportCoding.encode(report)) as! [String: Any]
        func value(_ path: String) -> Any? {
            var current: Any? = json
            for key in path.split(separator: ".") {
                if let index = Int(key) { current = (current as? [Any]).flatMap { $0.indices.contains(index) ? $0[index] : nil } }
                else { current = (current as? [String: Any])?[String(key)] }
            }
            return current
        }
        let always = ["schemaVersion", "recording.file", "recording.sha256", "recording.durationSeconds",
                      "recording.container", "recording.audio", "model.id", "model.version", "pipelineVersion",
                      "prosody.f0MeanSemitones", "prosody.voicedFraction", "prosody.pauses.count",
                      "prosody.track.startSeconds", "prosody.track.hopSeconds", "prosody.track.f0Hz",
                      "prosody.track.intensityDb", "transcript.source", "transcript.language", "transcript.wordCount",
                      "transcript.cues.0.start", "transcript.cues.0.end", "transcript.cues.0.text", "answers.0",
                      "competencies.0.id", "competencies.0.name", "competencies.0.score", "competencies.0.evidence.0.quote",
                      "overall.score", "overall.matchPercent", "overall.level", "overall.recommendation", "warnings"]
        for path in always { #expect(value(path) != nil, "missing \(path) in \(name)") }
        if name != "phone-screen-en.m4a" {
            for path in ["recording.video", "visual.framesAnalysed", "visual.brightnessMean", "visual.track.timesSeconds"] {
                #expect(value(path) != nil, "missing \(path) in \(name)")
            }
        }
        #expect(report.recording.sha256.count == 64)
        #expect((report.overall.score ?? 0) > 50)
        #expect(report.transcript.wordCount > 50)
        let f0 = try #require(report.prosody?.f0MedianHz)
        #expect((70...200).contains(f0))  // espeak-ng's default voices speak around 90–110 Hz
    }

    /// One transcript file per answer, each counted from its own start, with the question timeline in the
    /// metadata: two answers with their own STAR, evidence at recording times, prosody per answer.
    @Test func oneTranscriptFilePerAnswer() throws {
        let directory = Fixtures.temporaryDirectory("answers")
        defer { Fixtures.cleanUp(directory) }
        try FileManager.default.copyItem(atPath: Fixtures.media("phone-screen-en.m4a"),
                                         toPath: "\(directory)/call.m4a")
        try """
            {"model": "sales-manager", "questions": [
              {"id": "q1", "text": "Tell me about your territory.", "start": 0.5, "end": 10.5},
              {"id": "q2", "text": "How did you grow revenue?", "start": 10.8, "end": 28.1}]}
            """.write(toFile: "\(directory)/call.json", atomically: true, encoding: .utf8)
        try """
            WEBVTT

            00:00:00.000 --> 00:00:04.474
            At my last company I managed a territory of forty small business accounts.

            00:00:05.074 --> 00:00:09.738
            My goal was to grow revenue in a quarter when two competitors cut their prices.
            """.write(toFile: "\(directory)/call.q1.vtt", atomically: true, encoding: .utf8)
        try """
            1
            00:00:00,000 --> 00:00:07,023
            I called every customer, listened to their concerns, and negotiated annual contracts with a discount.

            2
            00:00:12,822 --> 00:00:17,213
            We closed the quarter at one hundred and twenty percent of quota.
            """.write(toFile: "\(directory)/call.q2.srt", atomically: true, encoding: .utf8)
        let report = try analyzer.analyze(AnalysisRequest(catalog: Fixtures.models, input: "\(directory)/call.m4a"))
        #expect(report.transcript.source == .sidecar)
        #expect(report.transcript.file == "call.q1.vtt, call.q2.srt")
        #expect(report.answers.map(\.questionID) == ["q1", "q2"])
        #expect(report.answers[1].question == "How did you grow revenue?")
        #expect(report.answers[1].star?.resultQuantified == true)
        #expect(report.answers[0].star?.resultQuantified == false)
        #expect(report.answers.allSatisfy { $0.prosody != nil })
        let negotiation = try #require(report.competencies.first { $0.id == "negotiation" })
        // "negotiated" is said 0.0–7.0 s into the second answer, which starts at 10.8 s.
        #expect(negotiation.evidence.contains { abs($0.start - 10.8) < 0.01 && $0.answer == 1 })
    }

    @Test func transcriptComesFromSidecarThenStreamThenArgument() throws {
        let phone = try analyzer.analyze(AnalysisRequest(catalog: Fixtures.models, input: Fixtures.media("phone-screen-en.m4a")))
        #expect(phone.transcript.source == .sidecar)
        #expect(phone.transcript.file == "phone-screen-en.vtt")
        #expect(phone.model.id == "sales-manager")  // from phone-screen-en.json
        #expect(phone.candidate == "Sam Carter")

        let english = try analyzer.analyze(AnalysisRequest(catalog: Fixtures.models, input: Fixtures.media("interview-en.mp4")))
        #expect(english.transcript.source == .subtitleStream)
        #expect(english.model.id == "software-engineer")  // the default
        #expect(english.competencies.first { $0.id == "collaboration" }?.evidence.isEmpty == false)

        let chinese = try analyzer.analyze(AnalysisRequest(catalog: Fixtures.models, input: Fixtures.media("interview-zh.mkv")))
        #expect(chinese.transcript.language == .zh)
        #expect(chinese.model.id == "sales-manager")  // from interview-zh.yaml
        #expect(chinese.candidate == "王芳")

        let overridden = try analyzer.analyze(AnalysisRequest(
            catalog: Fixtures.models, input: Fixtures.media("interview-en.mp4"), transcript: Fixtures.media("phone-screen-en.vtt"),
            model: "sales-manager"))
        #expect(overridden.transcript.source == .argument)
        #expect(overridden.model.id == "sales-manager")
    }

    @Test func theSameInputGivesTheSameReport() throws {
        let request = AnalysisRequest(catalog: Fixtures.models, input: Fixtures.media("interview-en.mp4"))
        #expect(try ReportCoding.encode(analyzer.analyze(request)) == ReportCoding.encode(analyzer.analyze(request)))
    }

    @Test func negatedSkillIsShownButNotCounted() throws {
        let report = try analyzer.analyze(AnalysisRequest(catalog: Fixtures.models, input: Fixtures.media("interview-en.mp4")))
        // "I have never managed people, but I mentored a new engineer": mentoring counts, managing does not.
        let collaboration = try #require(report.competencies.first { $0.id == "collaboration" })
        #expect(collaboration.evidence.contains { $0.keyword.contains("mentored") })
    }

    func failure(_ request: AnalysisRequest, using analyzer: Analyzer? = nil) -> String? {
        do {
            _ = try (analyzer ?? self.analyzer).analyze(request)
            return nil
        } catch {
            return error.message
        }
    }

    /// Invalid input: one line naming the file and the reason.
    @Test func badInputMessages() throws {
        let directory = Fixtures.temporaryDirectory()
        defer { Fixtures.cleanUp(directory) }
        let empty = "\(directory)/empty.mp4"
        FileManager.default.createFile(atPath: empty, contents: Data())
        #expect(failure(AnalysisRequest(catalog: Fixtures.models, input: empty)) == "\(empty): the file is empty (0 bytes)")

        let truncated = "\(directory)/truncated.m4a"
        let whole = try Data(contentsOf: URL(fileURLWithPath: Fixtures.media("phone-screen-en.m4a")))
        try whole.prefix(40_000).write(to: URL(fileURLWithPath: truncated))
        #expect(failure(AnalysisRequest(catalog: Fixtures.models, input: truncated))
            == "\(truncated): not a media file FFmpeg can read (Invalid data found when processing input)")

        let text = "\(directory)/notes.mp4"
        Fixtures.write("meeting notes, not a video\n", to: text)
        #expect(failure(AnalysisRequest(catalog: Fixtures.models, input: text))
            == "\(text): not a media file FFmpeg can read (Invalid data found when processing input)")

        #expect(failure(AnalysisRequest(catalog: Fixtures.models, input: "\(directory)/missing.mp4")) == "\(directory)/missing.mp4: no such file")

        #expect(failure(AnalysisRequest(catalog: Fixtures.models, input: Fixtures.media("interview-en.mp4"), model: "astronaut"))
            == "\(Fixtures.models)/astronaut.yaml: unknown model 'astronaut' (known: customer-service, general, product-manager, sales-manager, software-engineer)")

        let broken = "\(directory)/broken.yaml"
        Fixtures.write("id: broken\nversion: 1\ntitle: [unclosed\n", to: broken)
        let message = failure(AnalysisRequest(catalog: Fixtures.models, input: Fixtures.media("interview-en.mp4"), model: broken))
        #expect(message?.hasPrefix("\(broken):4: malformed YAML:") == true)

        let vtt = "\(directory)/bad.vtt"
        Fixtures.write("WEBVTT\n\n00:00:01.000 -> 00:00:02.000\nhello\n", to: vtt)
        #expect(failure(AnalysisRequest(catalog: Fixtures.models, input: vtt)) == "\(vtt):3: cue without a timing line ('start --> end')")
        #expect(failure(AnalysisRequest(catalog: Fixtures.models, input: Fixtures.media("interview-en.mp4"), transcript: vtt))
            == "\(vtt):3: cue without a timing line ('start --> end')")

        let badMetadata = "\(directory)/clip.mp4"
        try Fixtures.makeClip(at: badMetadata, seconds: 1, audio: true, video: false)
        Fixtures.write("candidate: [oops\n", to: "\(directory)/clip.yaml")
        #expect(failure(AnalysisRequest(catalog: Fixtures.models, input: badMetadata))?.hasPrefix("\(directory)/clip.yaml:2: malformed metadata") == true)
    }

    /// Degraded but valid input: analysed with what is there; warnings say what could not be measured.
    @Test func degradedInputWarnings() throws {
        let directory = Fixtures.temporaryDirectory()
        defer { Fixtures.cleanUp(directory) }

        let silentVideo = "\(directory)/silent.mp4"
        try Fixtures.makeClip(at: silentVideo, seconds: 2, audio: false, video: true)
        let video = try analyzer.analyze(AnalysisRequest(catalog: Fixtures.models, input: silentVideo))
        #expect(video.prosody == nil)
        #expect(video.visual?.framesAnalysed == 4)
        #expect(video.warnings == [
            "no audio stream: voice and pauses not measured",
            "face not visible 100 % of the time",
            "no transcript: content not analysed (add NAME.vtt/.srt/.txt/.transcript.json beside the recording or a "
                + "subtitle track, or configure speech recognition)",
        ])
        #expect(video.warningCodes == ["no-audio", "picture", "no-transcript"])
        #expect(video.competencies.allSatisfy { $0.score == nil && $0.insufficientEvidence == "no transcript" })
        #expect(video.overall.score == nil)

        let audioOnly = "\(directory)/tone.m4a"
        try Fixtures.makeClip(at: audioOnly, seconds: 2, audio: true, video: false)
        let audio = try analyzer.analyze(AnalysisRequest(catalog: Fixtures.models, input: audioOnly))
        #expect(audio.visual == nil)
        #expect(audio.prosody != nil)
        #expect(audio.warnings.contains("no video stream (audio-only): picture not measured"))
        #expect(audio.warningCodes?.contains("audio-only") == true)

        let transcriptOnly = try analyzer.analyze(AnalysisRequest(catalog: Fixtures.models, input: Fixtures.media("phone-screen-en.vtt")))
        #expect(transcriptOnly.transcript.source == .transcriptOnly)
        #expect(transcriptOnly.prosody == nil && transcriptOnly.visual == nil)
        #expect(transcriptOnly.model.id == "sales-manager")
        #expect(transcriptOnly.overall.score != nil)
        #expect(transcriptOnly.warnings.isEmpty && transcriptOnly.warningCodes == nil)

        let short = "\(directory)/short.txt"
        Fixtures.write("I debugged it.\n", to: short)
        let tooShort = try analyzer.analyze(AnalysisRequest(catalog: Fixtures.models, input: short))
        #expect(tooShort.overall.score == nil)
        // A 20-second answer (about 45 words) is not enough either.
        Fixtures.write(String(repeating: "I debugged the slow query and fixed the index. ", count: 5), to: short)
        let twentySeconds = try analyzer.analyze(AnalysisRequest(catalog: Fixtures.models, input: short))
        #expect(twentySeconds.overall.score == nil && twentySeconds.overall.dimensionsScored == 0)
        #expect(twentySeconds.competencies.allSatisfy { $0.score == nil && $0.insufficientEvidence != nil })
        Fixtures.write("I debugged it.\n", to: short)
        #expect(try analyzer.analyze(AnalysisRequest(catalog: Fixtures.models, input: short)).warnings == [
            "transcript too short to score: the transcript has only 3 words, about 1 seconds of speech "
                + "(at least 50 words are needed to score content)",
            "the transcript has no timestamps: rates per minute and evidence times are not available",
        ])
    }

    /// The recording is read from disk once: the decoder's reads hash it (no second pass). What FFmpeg reads again
    /// after a seek (an m4a whose index sits at the end: the first 64 KiB buffer once more) is bounded by two I/O
    /// buffers, whatever the file's length.
    @Test(arguments: ["interview-en.mp4", "interview-zh.mkv", "phone-screen-en.m4a"])
    func theRecordingIsReadOnce(_ name: String) throws {
        let path = Fixtures.media(name)
        let (report, bytesRead) = try analyzer.analyzeReadingOnce(AnalysisRequest(catalog: Fixtures.models, input: path))
        let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber).int64Value
        #expect(bytesRead >= size && bytesRead <= size + 2 * 65_536, "\(name): \(bytesRead) of \(size)")
        let reference = String(decoding: try Fixtures.run("sha256sum", [path]), as: UTF8.self).prefix(64)
        #expect(report.recording.sha256 == String(reference))
    }

    /// A job parses and compiles its model once; the next job with the same unchanged model file parses nothing.
    @Test func theModelIsCompiledOncePerJob() throws {
        let library = ModelLibrary()
        let analyzer = Analyzer(models: library)
        let request = AnalysisRequest(catalog: Fixtures.models, input: Fixtures.media("phone-screen-en.vtt"))
        _ = try analyzer.analyze(request)
        #expect(library.cache(for: Fixtures.models).loads == 1)
        _ = try analyzer.analyze(request)
        #expect(library.cache(for: Fixtures.models).loads == 1)
    }

    @Test func inboxFolderChoosesTheModel() throws {
        let report = try analyzer.analyze(AnalysisRequest(catalog: Fixtures.models, input: Fixtures.media("interview-en.mp4"),
                                                          folderModel: "sales-manager"))
        #expect(report.model.id == "sales-manager")
        let unknownFolder = try analyzer.analyze(AnalysisRequest(catalog: Fixtures.models, input: Fixtures.media("interview-en.mp4"),
                                                                 folderModel: "misc"))
        #expect(unknownFolder.model.id == "software-engineer")
    }

    /// A recording filed under a job is that job's: metadata cannot move it to another (a manager uploading to their
    /// job cannot file a candidate under one they cannot see). At the inbox's top level the metadata still chooses.
    @Test func metadataCannotMoveARecordingToAnotherJob() throws {
        let directory = Fixtures.temporaryDirectory()
        defer { Fixtures.cleanUp(directory) }
        try FileManager.default.createDirectory(atPath: "\(directory)/sales-manager", withIntermediateDirectories: true)
        let filed = "\(directory)/sales-manager/ann.vtt"
        try FileManager.default.copyItem(atPath: Fixtures.media("phone-screen-en.vtt"), toPath: filed)
        Fixtures.write("candidate: Ann\nmodel: software-engineer\n", to: "\(directory)/sales-manager/ann.yaml")
        let report = try analyzer.analyze(AnalysisRequest(catalog: Fixtures.models, input: filed,
                                                          folderModel: "sales-manager"))
        #expect(report.model.id == "sales-manager")
        #expect(report.warningCodes?.contains("metadata-model-ignored") == true)
        let top = "\(directory)/bob.vtt"
        try FileManager.default.copyItem(atPath: Fixtures.media("phone-screen-en.vtt"), toPath: top)
        Fixtures.write("model: software-engineer\n", to: "\(directory)/bob.yaml")
        #expect(try analyzer.analyze(AnalysisRequest(catalog: Fixtures.models, input: top)).model.id == "software-engineer")
    }

    /// A metadata file may name a résumé in its own folder only: an absolute path, `..` or a link out is refused
    /// with a warning, and nothing of the file it names reaches the report.
    @Test func resumePathsStayInTheirFolder() throws {
        let directory = Fixtures.temporaryDirectory()
        defer { Fixtures.cleanUp(directory) }
        try FileManager.default.createDirectory(atPath: "\(directory)/inbox", withIntermediateDirectories: true)
        Fixtures.write("SECRET-OUTSIDE", to: "\(directory)/secret.txt")
        try FileManager.default.createSymbolicLink(atPath: "\(directory)/inbox/link.txt",
                                                   withDestinationPath: "\(directory)/secret.txt")
        let input = "\(directory)/inbox/ann.vtt"
        try FileManager.default.copyItem(atPath: Fixtures.media("phone-screen-en.vtt"), toPath: input)
        for named in ["\(directory)/secret.txt", "../secret.txt", "link.txt", "/etc/passwd"] {
            Fixtures.write("resumeFile: \"\(named)\"\n", to: "\(directory)/inbox/ann.yaml")
            let report = try analyzer.analyze(AnalysisRequest(catalog: Fixtures.models, input: input))
            #expect(report.resume == nil, "\(named)")
            #expect(report.warningCodes?.contains("resume-unread") == true, "\(named)")
            #expect(!(try String(decoding: ReportCoding.encode(report), as: UTF8.self)).contains("SECRET-OUTSIDE"))
        }
        Fixtures.write("I led the team.", to: "\(directory)/inbox/cv.md")
        Fixtures.write("resumeFile: cv.md\n", to: "\(directory)/inbox/ann.yaml")
        #expect(try analyzer.analyze(AnalysisRequest(catalog: Fixtures.models, input: input)).resume == "I led the team.")
    }

    @Test func bundledModelsLint() throws {
        let models = try ModelCatalog(directory: Fixtures.models).all()
        #expect(models.count >= 2)
        for model in models {
            #expect(model.dimensions.allSatisfy { !($0.keywords["en"] ?? []).isEmpty && !($0.keywords["zh"] ?? []).isEmpty })
        }
    }

    /// The web app's model cache: a broken file is left out of the jobs and named, with its reason, for the admin;
    /// fixing it brings the job back.
    @Test func modelCacheNamesBrokenFiles() throws {
        let directory = Fixtures.temporaryDirectory()
        defer { Fixtures.cleanUp(directory) }
        let good = try String(contentsOfFile: "\(Fixtures.models)/general.yaml", encoding: .utf8)
        Fixtures.write(good, to: "\(directory)/general.yaml")
        Fixtures.write("id: broken\ntitle: [unclosed\n", to: "\(directory)/broken.yaml")
        let cache = ModelCache(catalog: ModelCatalog(directory: directory), interval: .zero)
        #expect(cache.loadable().map(\.id) == ["general"])
        let problems = cache.problems()
        #expect(problems.count == 1 && problems.first?.file == "\(directory)/broken.yaml")
        #expect(problems.first?.description.hasPrefix("\(directory)/broken.yaml:") == true)
        try FileManager.default.removeItem(atPath: "\(directory)/broken.yaml")
        Fixtures.write(good.replacingOccurrences(of: "id: general", with: "id: broken"), to: "\(directory)/broken.yaml")
        #expect(cache.problems().isEmpty && cache.loadable().map(\.id) == ["broken", "general"])
    }

    @Test func htmlEscapesTranscriptText() throws {
        let directory = Fixtures.temporaryDirectory()
        defer { Fixtures.cleanUp(directory) }
        let hostile = "\(directory)/hostile.srt"
        Fixtures.write("1\n00:00:01,000 --> 00:00:09,000\nI debugged <script>alert(1)</script> and <img src=x onerror=alert(2)> --> the root cause of the outage with my teammates today\n", to: hostile)
        var report = try analyzer.analyze(AnalysisRequest(catalog: Fixtures.models, input: hostile))
        // SRT markup tags are dropped when parsing; what remains is plain text.
        #expect(report.transcript.cues.first?.text.contains("<") == false)
        // Literal markup (as a subtitle stream may carry) is escaped when rendered.
        report.transcript.cues[0].text = "<script>alert(1)</script> <img src=x onerror=alert(2)> -->"
        let page = ReportRenderer().html(report)
        #expect(!page.contains("<script>alert"))
        #expect(!page.contains("<img src=x"))
        #expect(page.contains("&lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=alert(2)&gt; --&gt;"))
        let text = ReportRenderer(language: .zh).text(report)
        #expect(text.contains("总分"))
    }
}

/// The candidate's development feedback, from real analyses of the bundled samples: their own words, what to work
/// on, in their language, and nothing that ranks or decides (no score, level, percentile, recommendation).
@Suite struct FeedbackTests {
    let catalog = ModelCatalog(directory: Fixtures.models)

    @Test(arguments: [("interview-en.mp4", UILanguage.en), ("interview-zh.mkv", UILanguage.zh)])
    func feedbackQuotesTheCandidateAndHoldsNoVerdict(_ file: String, _ expected: UILanguage) throws {
        let analyzer = Analyzer()
        let report = try analyzer.analyze(AnalysisRequest(catalog: Fixtures.models, input: Fixtures.media(file)))
        let language = FeedbackRenderer.language(for: report, asked: nil)
        #expect(language == expected)
        let model = try catalog.model(report.model.id)
        let page = FeedbackRenderer(language: language).body(report, model: model)
        // Strengths quote the candidate's own words (the strongest competency's best-weighted quote).
        let strongest = try #require(report.competencies.filter { ($0.score ?? 0) >= 60 && !$0.evidence.isEmpty }
            .max { $0.score! < $1.score! })
        let quote = try #require(strongest.evidence.max { ($0.weight ?? 0) < ($1.weight ?? 0) })
        #expect(page.contains(HTML.escape(quote.quote)))
        #expect(page.contains(language == .zh ? "可以加强的方面" : "What to work on"))
        // No verdict and no numbers that rank: the overall score, level, next step and percentile are absent.
        for forbidden in [fixed(report.overall.score), report.overall.level, report.overall.levelZh,
                          report.overall.recommendation, "percentile", "百分位", "match", "匹配度"] {
            #expect(!page.contains(forbidden), "\(file): \(forbidden)")
        }
        for competency in report.competencies {
            #expect(!page.contains(">\(fixed(competency.score))<") && !page.contains(" \(fixed(competency.score)) "))
        }
        // Asked for in the other language, it follows the request.
        let other: UILanguage = expected == .zh ? .en : .zh
        #expect(FeedbackRenderer.language(for: report, asked: other.rawValue) == other)
    }

    @Test func theAdviceFollowsWhatTheAnswersLeftOut() throws {
        let analyzer = Analyzer()
        var report = try analyzer.analyze(AnalysisRequest(catalog: Fixtures.models, input: Fixtures.media("interview-en.mp4")))
        let page = FeedbackRenderer(language: .en).body(report, model: try catalog.model(report.model.id))
        #expect(!page.contains("close each example with its outcome") && !page.contains("Close each example"))
        // The same interview told without results, and with hostile text in a quote.
        for index in report.answers.indices {
            report.answers[index].star?.result = StarElement(present: false, evidence: [])
        }
        report.competencies[0].evidence[0].quote = "<script>alert(1)</script>"
        report.competencies[0].evidence[0].weight = 99
        report.competencies[0].score = 99
        let told = FeedbackRenderer(language: .en).body(report, model: try catalog.model(report.model.id))
        #expect(told.contains("Close each example with its outcome (missing in"))
        #expect(!told.contains("<script>alert") && told.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
    }
}
