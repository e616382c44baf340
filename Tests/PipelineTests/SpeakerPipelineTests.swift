import DebriefModel
import Foundation
import Pipeline
import Rendering
import TestSupport
import Testing

/// Two-party calls: the candidate's words are analysed, the interviewer's only give the answers their questions.
@Suite struct SpeakerPipelineTests {
    let analyzer = Analyzer()

    /// The interviewer asks at length about data analysis and reporting; the candidate says they never did that work
    /// and talks about leading people. Written in each export style.
    static let turns: [(speaker: String, start: Double, end: Double, text: String)] = [
        ("Dana", 0, 14, "We need someone who analysed data every day: metrics, dashboards, statistics, A/B tests, "
            + "spreadsheets. Tell me about a time you analysed data and tracked metrics?"),
        ("Ann", 15, 48, "Honestly I have never analysed data or built a dashboard, that was not my job. What I did "
            + "was lead the support team: last year I trained four new agents, wrote a playbook for them and "
            + "paired each one with a senior colleague. As a result our first-reply time fell from two days to "
            + "six hours."),
        ("Dana", 49, 56, "How did you handle a conflict inside that team? Did you track it with any metrics?"),
        ("Ann", 57, 90, "Two agents disagreed about who owned escalations. I sat down with both, we agreed on a rota, "
            + "and I checked in with them every week until it worked. The complaints stopped within a month."),
    ]

    static func vtt() -> String {
        "WEBVTT\n\n" + turns.map { "\(time($0.start)) --> \(time($0.end))\n<v \($0.speaker)>\($0.text)</v>\n" }
            .joined(separator: "\n")
    }

    static func srt() -> String {
        turns.enumerated().map { index, turn in
            "\(index + 1)\n\(time(turn.start, comma: true)) --> \(time(turn.end, comma: true))\n\(turn.speaker): \(turn.text)\n"
        }.joined(separator: "\n")
    }

    static func whisperX() -> String {
        let segments = turns.map { turn in
            #"{"start":\#(turn.start),"end":\#(turn.end),"speaker":"SPEAKER_0\#(turn.speaker == "Dana" ? 1 : 0)","text":"\#(turn.text)"}"#
        }
        return #"{"segments":[\#(segments.joined(separator: ","))]}"#
    }

    static func time(_ seconds: Double, comma: Bool = false) -> String {
        let whole = Int(seconds)
        return String(format: "00:%02d:%02d%@000", whole / 60, whole % 60, comma ? "," : ".")
    }

    func analyse(_ transcript: String, name: String, metadata: String? = nil) throws -> Report {
        let directory = Fixtures.temporaryDirectory()
        defer { Fixtures.cleanUp(directory) }
        Fixtures.write(transcript, to: "\(directory)/\(name)")
        if let metadata { Fixtures.write(metadata, to: "\(directory)/\((name as NSString).deletingPathExtension).yaml") }
        return try analyzer.analyze(AnalysisRequest(catalog: Fixtures.models, input: "\(directory)/\(name)",
                                                    model: "general"))
    }

    @Test(arguments: ["call.vtt", "call.srt", "call.transcript.json"])
    func interviewerWordsAreNeverEvidence(file: String) throws {
        let text = file.hasSuffix(".vtt") ? Self.vtt() : file.hasSuffix(".srt") ? Self.srt() : Self.whisperX()
        let report = try analyse(text, name: file)
        let interviewer = Self.turns.filter { $0.speaker == "Dana" }.map(\.text)
        let quotes = report.competencies.flatMap(\.evidence).map(\.quote)
        #expect(!quotes.isEmpty)
        for quote in quotes {
            #expect(!interviewer.contains { $0.contains(quote) || quote.contains($0.prefix(30)) }, "\(file): \(quote)")
        }
        // Asked for by name, denied by the candidate: no data-analysis evidence at all.
        let data = try #require(report.competencies.first { $0.id == "data-analysis" })
        #expect(data.evidence.isEmpty, "\(file): \(data.evidence.map(\.quote))")
        // One answer per interviewer question, the question's text with it.
        #expect(report.answers.count == 2)
        #expect(report.answers.map { $0.question?.hasPrefix("We need someone") == true
                || $0.question?.hasPrefix("How did you handle") == true } == [true, true])
        // The interviewer view: who spoke how much, how it was decided.
        let speakers = try #require(report.transcript.speakers)
        #expect(speakers.map(\.role) == [.interviewer, .candidate])
        #expect(speakers[1].seconds == 66 && speakers[0].questions == 2)
        #expect(report.transcript.speakerMethod == "labels")
        #expect(report.transcript.candidateRoleBy == "inferred")
        #expect((report.transcript.candidateRoleConfidence ?? 0) >= 0.7)
        // Only the candidate's words are counted.
        let candidateWords = Self.turns.filter { $0.speaker == "Ann" }
            .map { $0.text.split(separator: " ").count }.reduce(0, +)
        #expect(abs(report.transcript.wordCount - candidateWords) <= 2)
        #expect(report.warningCodes == nil)
    }

    @Test func chineseCallWithMetadataNamingTheCandidate() throws {
        let vtt = """
            WEBVTT

            00:00.000 --> 00:08.000
            王经理：我们这个岗位需要大量数据分析，统计报表、指标、日志你都做过吗？

            00:09.000 --> 00:40.000
            李娜：说实话我没有做过数据分析。我之前负责客服团队，带了四个新人，给他们写了培训手册，还安排老员工一对一带教。结果首次回复时间从两天缩短到六个小时。

            00:41.000 --> 00:47.000
            王经理：团队里出现矛盾的时候你是怎么处理的呢？

            00:48.000 --> 01:15.000
            李娜：有两个同事对谁负责升级工单有分歧，我分别和他们谈，然后一起定了轮值表，之后每周跟进，一个月后投诉就没有了。
            """
        let report = try analyse(vtt, name: "zh-call.vtt",
                                 metadata: "candidate: 李娜\nspeakers: { interviewer: 王经理 }\n")
        #expect(report.transcript.candidateRoleBy == "metadata")
        #expect(report.transcript.speakers?.map(\.role) == [.interviewer, .candidate])
        let data = try #require(report.competencies.first { $0.id == "data-analysis" })
        #expect(data.evidence.isEmpty, "\(data.evidence.map(\.quote))")
        for quote in report.competencies.flatMap(\.evidence).map(\.quote) {
            #expect(!quote.contains("王经理") && !quote.contains("岗位需要") && !quote.contains("怎么处理"), "\(quote)")
        }
        #expect(report.answers.count == 2)
        #expect(report.answers[1].question == "团队里出现矛盾的时候你是怎么处理的呢？")
        // The page, in both languages: the speakers' table, the interviewer's lines set apart.
        let zh = ReportRenderer(language: .zh).html(report)
        #expect(zh.contains("<h3>发言人</h3>") && zh.contains("<td>王经理</td><td>面试官</td>"))
        #expect(zh.contains("<tr class=\"interviewer\"><td>") && zh.contains("由元数据指定"))
        let en = ReportRenderer(language: .en).html(report)
        #expect(en.contains("<h3>Speakers</h3>") && en.contains("<td>李娜</td><td>candidate</td>"))
        #expect(en.components(separatedBy: "class=\"interviewer\"").count - 1 == 2)
        #expect(ReportRenderer(language: .en).text(report).contains("Speakers: 王经理 (interviewer"))
    }

    @Test func metadataNamingNoSpeakerWarnsAndGoesOn() throws {
        let report = try analyse(Self.vtt(), name: "call.vtt", metadata: "speakers: { candidate: SPEAKER_00 }\n")
        #expect(report.warningCodes == ["speaker-not-found"])
        #expect(report.transcript.candidateRoleBy == "inferred")
        #expect(report.transcript.speakers?.first { $0.role == .candidate }?.id == "Ann")
    }

    /// A metadata question timeline still wins over the interviewer's questions.
    @Test func metadataTimelineWins() throws {
        let report = try analyse(Self.vtt(), name: "call.vtt",
                                 metadata: "questions:\n  - { id: only, text: Everything, start: 0, end: 90 }\n")
        #expect(report.answers.map(\.questionID) == ["only"])
    }

    /// A call recorder's stereo file (the interviewer on the left channel, the candidate on the right) with a
    /// transcript that names nobody: the channels give the cues their speakers, and the analysis is the same as
    /// with labels.
    @Test func stereoChannelsTellTheSpeakersApart() throws {
        let directory = Fixtures.temporaryDirectory()
        defer { Fixtures.cleanUp(directory) }
        try Self.writeStereoCall(to: "\(directory)/call.wav")
        Fixtures.write("WEBVTT\n\n" + Self.turns.map { "\(Self.time($0.start)) --> \(Self.time($0.end))\n\($0.text)\n" }
            .joined(separator: "\n"), to: "\(directory)/call.vtt")
        let report = try analyzer.analyze(AnalysisRequest(catalog: Fixtures.models, input: "\(directory)/call.wav",
                                                          model: "general"))
        #expect(report.transcript.speakerMethod == "channels")
        let speakers = try #require(report.transcript.speakers)
        #expect(speakers.map(\.id) == ["channel 1", "channel 2"])
        #expect(speakers.map(\.role) == [.interviewer, .candidate])
        let interviewer = Self.turns.filter { $0.speaker == "Dana" }.map(\.text)
        let quotes = report.competencies.flatMap(\.evidence).map(\.quote)
        #expect(!quotes.isEmpty)
        for quote in quotes { #expect(!interviewer.contains { $0.contains(quote) }, "\(quote)") }
        #expect(report.competencies.first { $0.id == "data-analysis" }?.evidence.isEmpty == true)
        #expect(report.answers.count == 2 && report.answers[1].question?.hasPrefix("How did you handle") == true)
        #expect(report.transcript.cues.map(\.speaker) == ["channel 1", "channel 2", "channel 1", "channel 2"])
        // The metadata may name the candidate's channel.
        Fixtures.write("speakers: { candidate: channel 2 }\n", to: "\(directory)/call.yaml")
        let named = try analyzer.analyze(AnalysisRequest(catalog: Fixtures.models, input: "\(directory)/call.wav",
                                                         model: "general"))
        #expect(named.transcript.candidateRoleBy == "metadata")
        #expect(named.transcript.speakers?.first { $0.role == .candidate }?.id == "channel 2")
        // The page says how the speakers were told apart, in both languages.
        #expect(ReportRenderer(language: .en).html(report).contains("the recording's two channels, one voice each"))
        #expect(ReportRenderer(language: .zh).html(report).contains("录音的两个声道"))
    }

    /// The same voice on both channels is one speaker: the report is as for a mono recording.
    @Test func stereoWithOneVoiceIsOneSpeaker() throws {
        let directory = Fixtures.temporaryDirectory()
        defer { Fixtures.cleanUp(directory) }
        try Self.writeStereoCall(to: "\(directory)/answer.wav", sameOnBoth: true)
        Fixtures.write("WEBVTT\n\n" + Self.turns.map { "\(Self.time($0.start)) --> \(Self.time($0.end))\n\($0.text)\n" }
            .joined(separator: "\n"), to: "\(directory)/answer.vtt")
        let report = try analyzer.analyze(AnalysisRequest(catalog: Fixtures.models, input: "\(directory)/answer.wav",
                                                          model: "general"))
        #expect(report.transcript.speakers == nil && report.transcript.speakerMethod == nil)
    }

    /// 16-bit stereo WAV at 16 kHz: a voiced tone during each turn, on the speaker's channel (Dana left, Ann right),
    /// the other channel hearing it at −26 dB; or on both channels alike.
    static func writeStereoCall(to path: String, sameOnBoth: Bool = false) throws {
        let rate = 16_000, seconds = 92
        var pcm = [Int16](repeating: 0, count: rate * seconds * 2)
        for turn in turns {
            let left = turn.speaker == "Dana"
            for index in Int(turn.start * Double(rate))..<Int(turn.end * Double(rate)) {
                let t = Double(index) / Double(rate)
                // A 160 Hz buzz whose loudness comes and goes four times a second, like syllables.
                let value = 0.25 * sin(2 * .pi * 160 * t) * (0.6 + 0.4 * sin(2 * .pi * 4 * t))
                let near = Int16(value * 32_767), far = Int16(value * 0.05 * 32_767)
                pcm[2 * index] = sameOnBoth || left ? near : far
                pcm[2 * index + 1] = sameOnBoth || !left ? near : far
            }
        }
        var data = Data("RIFF".utf8)
        func le<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) } }
        le(UInt32(36 + pcm.count * 2))
        data.append(contentsOf: Array("WAVEfmt ".utf8))
        le(UInt32(16)); le(UInt16(1)); le(UInt16(2)); le(UInt32(rate)); le(UInt32(rate * 4)); le(UInt16(4)); le(UInt16(16))
        data.append(contentsOf: Array("data".utf8))
        le(UInt32(pcm.count * 2))
        pcm.withUnsafeBytes { data.append(contentsOf: $0) }
        try data.write(to: URL(fileURLWithPath: path))
    }

    /// One speaker, no labels: exactly as before (no speakers in the report).
    @Test func oneSpeakerTranscriptIsUnchanged() throws {
        let report = try analyzer.analyze(AnalysisRequest(catalog: Fixtures.models,
                                                          input: Fixtures.media("phone-screen-en.vtt")))
        #expect(report.transcript.speakers == nil && report.transcript.speakerMethod == nil)
        #expect(report.answers.count == 1)
    }
}
