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

    /// One speaker, no labels: exactly as before (no speakers in the report).
    @Test func oneSpeakerTranscriptIsUnchanged() throws {
        let report = try analyzer.analyze(AnalysisRequest(catalog: Fixtures.models,
                                                          input: Fixtures.media("phone-screen-en.vtt")))
        #expect(report.transcript.speakers == nil && report.transcript.speakerMethod == nil)
        #expect(report.answers.count == 1)
    }
}
