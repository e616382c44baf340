import DebriefModel
import Foundation
import Testing
@testable import Transcripts

/// Speakers as every common export writes them, who the candidate is, and labels that are not speakers.
@Suite struct SpeakerTests {
    func parse(_ text: String, _ format: TranscriptFormat) throws -> [Cue] {
        try CueParser.parse(text, format: format, file: "t").cues
    }

    @Test func webVTTVoicesTeamsStyle() throws {
        let cues = try parse("""
            WEBVTT

            00:00:00.000 --> 00:00:04.000
            <v Dana Hiring Manager>Can you tell me about a time you led a migration?</v>

            00:00:04.500 --> 00:00:20.000
            <v.loud Ann Lee>Last year I led our move to PostgreSQL.</v>

            00:00:20.000 --> 00:00:24.000
            <v Dana Hiring Manager>Why?</v>
            <v Ann Lee>Because the old store lost data.</v>
            """, .webVTT)
        #expect(cues.map(\.speaker) == ["Dana Hiring Manager", "Ann Lee", "Dana Hiring Manager", "Ann Lee"])
        #expect(cues[1].text == "Last year I led our move to PostgreSQL.")
        #expect(cues[3].text == "Because the old store lost data.")
    }

    @Test func leadingLabelsZoomAndFeishuStyle() throws {
        let zoom = try parse("""
            1
            00:00:01,000 --> 00:00:05,000
            Hiring Manager: we want someone with real leadership. Tell me about your team?

            2
            00:00:05,500 --> 00:00:15,000
            Ann Lee: I run a team of four engineers.

            3
            00:00:15,000 --> 00:00:18,000
            and we ship weekly.

            4
            00:00:18,500 --> 00:00:20,000
            Hiring Manager: Thanks.
            """, .srt)
        #expect(zoom.map(\.speaker) == ["Hiring Manager", "Ann Lee", "Ann Lee", "Hiring Manager"])
        #expect(zoom[0].text.hasPrefix("we want someone"))
        #expect(zoom[2].text == "and we ship weekly.")
        let feishu = try parse("""
            WEBVTT

            00:00.000 --> 00:03.000
            面试官：请你介绍一下你做过的项目？

            00:03.500 --> 00:12.000
            李娜：我负责过一个支付系统的重构。

            00:12.000 --> 00:14.000
            面试官：为什么要重构呢？

            00:14.500 --> 00:20.000
            李娜：因为旧系统延迟太高。
            """, .webVTT)
        #expect(feishu.map(\.speaker) == ["面试官", "李娜", "面试官", "李娜"])
        #expect(feishu[1].text == "我负责过一个支付系统的重构。")
    }

    @Test func notesTimesAndHeadingsAreNoSpeakers() throws {
        #expect(SpeakerLabels.leadingLabel("Note: this was recorded twice") == nil)
        #expect(SpeakerLabels.leadingLabel("10:30 we met again") == nil)
        #expect(SpeakerLabels.leadingLabel("Step 1: measure") == nil)
        #expect(SpeakerLabels.leadingLabel("Result: latency fell by half") == nil)
        #expect(SpeakerLabels.leadingLabel("https://example.com is our site") == nil)
        #expect(SpeakerLabels.leadingLabel("So what I told them was this: we ship") == nil)
        #expect(SpeakerLabels.leadingLabel("备注：本段有噪音") == nil)
        #expect(SpeakerLabels.leadingLabel("SPEAKER_01: hello")?.label == "SPEAKER_01")
        // A one-off colon in a one-speaker answer is no convention: the cues stay unlabelled.
        let answer = try parse("""
            WEBVTT

            00:00.000 --> 00:05.000
            The situation: our checkout was slow.

            00:05.000 --> 00:10.000
            I profiled it and found the index was missing.

            00:10.000 --> 00:15.000
            Result: latency fell by half.
            """, .webVTT)
        #expect(answer.allSatisfy { $0.speaker == nil })
        #expect(answer[0].text == "The situation: our checkout was slow.")
    }

    @Test func jsonSpeakersWhisperXAssemblyAIDeepgram() throws {
        let whisperX = """
            {"segments":[{"start":0,"end":3,"text":"What did you build? I built a cache.","speaker":"SPEAKER_00",
              "words":[{"word":"What","start":0,"end":0.3,"speaker":"SPEAKER_00"},
                       {"word":"did","start":0.3,"end":0.5,"speaker":"SPEAKER_00"},
                       {"word":"you","start":0.5,"end":0.7,"speaker":"SPEAKER_00"},
                       {"word":"build?","start":0.7,"end":1.0,"speaker":"SPEAKER_00"},
                       {"word":"I","start":1.5,"end":1.6,"speaker":"SPEAKER_01"},
                       {"word":"built","start":1.6,"end":2.0,"speaker":"SPEAKER_01"},
                       {"word":"a","start":2.0,"end":2.1},
                       {"word":"cache.","start":2.1,"end":3.0,"speaker":"SPEAKER_01"}]}]}
            """
        let x = try WordJSON.parse(Data(whisperX.utf8), file: "x.json").cues
        #expect(x.map(\.speaker) == ["SPEAKER_00", "SPEAKER_01"])
        #expect(x.map(\.text) == ["What did you build?", "I built a cache."])
        #expect(x[1].start == 1.5 && x[1].words?.count == 4)
        let assembly = """
            {"utterances":[{"speaker":"A","start":0,"end":2500,"text":"Tell me about a conflict.",
                            "words":[{"text":"Tell","start":0,"end":400,"confidence":0.9}]},
                           {"speaker":"B","start":3000,"end":9000,"text":"I mediated between two leads."}]}
            """
        let a = try WordJSON.parse(Data(assembly.utf8), file: "a.json").cues
        #expect(a.map(\.speaker) == ["A", "B"])
        #expect(a[1].start == 3 && a[1].end == 9)
        #expect(a[0].words?.first?.end == 0.4)
        let deepgram = """
            {"results":{"channels":[{"alternatives":[{"words":[
              {"word":"why","punctuated_word":"Why","start":0,"end":0.3,"confidence":0.99,"speaker":0},
              {"word":"redis","punctuated_word":"Redis?","start":0.3,"end":0.8,"confidence":0.99,"speaker":0},
              {"word":"it","punctuated_word":"It","start":1.2,"end":1.3,"confidence":0.98,"speaker":1},
              {"word":"was","punctuated_word":"was","start":1.3,"end":1.5,"confidence":0.98,"speaker":1},
              {"word":"fast","punctuated_word":"fast.","start":1.5,"end":1.9,"confidence":0.98,"speaker":1}]}]}]}}
            """
        let d = try WordJSON.parse(Data(deepgram.utf8), file: "d.json").cues
        #expect(d.map(\.speaker) == ["speaker 0", "speaker 1"])
        #expect(d.map(\.text) == ["Why Redis?", "It was fast."])
    }

    func twoParty(_ interviewer: String = "Dana", _ candidate: String = "Ann") -> [Cue] {
        [Cue(start: 0, end: 5, text: "Tell me about a time you analysed data. What did you measure?", speaker: interviewer),
         Cue(start: 5.5, end: 30, text: "Honestly I have not done that kind of work; I led the support team and "
             + "trained four new agents over the year.", speaker: candidate),
         Cue(start: 30, end: 33, text: "How did you train them?", speaker: interviewer),
         Cue(start: 33.5, end: 60, text: "I wrote a playbook, paired each new agent with a senior one, and "
             + "reviewed their tickets every week.", speaker: candidate)]
    }

    @Test func candidateInferredFromQuestionsAndTurns() throws {
        let conversation = try #require(Conversation.read(twoParty(), assignment: nil, candidateName: nil))
        #expect(conversation.candidate == "Ann")
        #expect(conversation.candidateRoleBy == "inferred")
        #expect(conversation.confidence >= 0.7)
        #expect(conversation.speakers.map(\.role) == [.interviewer, .candidate])
        #expect(conversation.speakers[0].questions == 2 && conversation.speakers[1].questions == 0)
        #expect(conversation.speakers[1].seconds == 51 && conversation.speakers[1].longestTurnSeconds == 26.5)
        #expect(abs(conversation.speakers.map(\.share).reduce(0, +) - 1) < 0.002)
        // One answer per interviewer question, from the end of the question to the next one.
        let spans = conversation.answerSpans(until: 60)
        #expect(spans.map(\.start) == [5, 33] && spans.map(\.end) == [30, 60])
        #expect(spans[1].text == "How did you train them?")
        #expect(conversation.candidateCues(twoParty()).map(\.start) == [5.5, 33.5])
    }

    @Test func candidateFromMetadataOrRoleLabels() throws {
        // The metadata's speaker label wins over inference, even against the numbers.
        let assigned = try #require(Conversation.read(twoParty(), assignment: SpeakerAssignment(candidate: "dana"),
                                                      candidateName: nil))
        #expect(assigned.candidate == "Dana" && assigned.candidateRoleBy == "metadata")
        // The candidate's name matching a label.
        let named = try #require(Conversation.read(twoParty("Dana Smith", "Ann Lee"), assignment: nil,
                                                   candidateName: "Ann Lee"))
        #expect(named.candidate == "Ann Lee" && named.candidateRoleBy == "metadata")
        // Labels that say the role, in both languages.
        let roles = try #require(Conversation.read(twoParty("Interviewer", "SPEAKER_01"), assignment: nil,
                                                   candidateName: nil))
        #expect(roles.candidate == "SPEAKER_01" && roles.candidateRoleBy == "labels")
        let zh = try #require(Conversation.read(twoParty("面试官", "候选人"), assignment: nil, candidateName: nil))
        #expect(zh.candidate == "候选人" && zh.candidateRoleBy == "labels")
    }

    @Test func badAssignmentsPanelsAndOneSpeaker() throws {
        let missing = try #require(Conversation.read(twoParty(), assignment: SpeakerAssignment(candidate: "SPEAKER_07"),
                                                     candidateName: nil))
        #expect(missing.warnings.map(\.code) == [.speakerNotFound])
        #expect(missing.warnings[0].text.contains("SPEAKER_07") && missing.candidate == "Ann")
        var panel = twoParty()
        panel.append(Cue(start: 60, end: 63, text: "What would you change next time?", speaker: "Raj"))
        panel.append(Cue(start: 63.5, end: 80, text: "I would start the playbook earlier.", speaker: "Ann"))
        let three = try #require(Conversation.read(panel, assignment: nil, candidateName: nil))
        #expect(three.candidate == "Ann" && three.warnings.map(\.code) == [.panel])
        #expect(three.speakers.filter { $0.role == .interviewer }.map(\.id) == ["Dana", "Raj"])
        #expect(three.answerSpans(until: 80).count == 3)
        // No labels at all: no conversation, everything is the candidate's as before.
        #expect(Conversation.read(twoParty().map { var c = $0; c.speaker = nil; return c }, assignment: nil,
                                  candidateName: nil) == nil)
    }

    @Test func questionsInBothLanguages() {
        #expect(Conversation.isQuestion("Walk me through your last project."))
        #expect(Conversation.isQuestion("请你介绍一下你自己"))
        #expect(Conversation.isQuestion("你能不能讲一下当时的情况"))
        #expect(!Conversation.isQuestion("I fixed the leak and wrote a regression test."))
        #expect(!Conversation.isQuestion("我修复了内存泄漏。"))
    }

    @Test func metadataSpeakers() throws {
        let one = try RecordingMetadata.parse(text: "speakers: { candidate: SPEAKER_00, interviewer: SPEAKER_01 }\n",
                                              file: "m.yaml")
        #expect(one.speakers == SpeakerAssignment(candidate: "SPEAKER_00", interviewers: ["SPEAKER_01"]))
        let many = try RecordingMetadata.parse(text: "speakers:\n  candidate: A\n  interviewers: [B, C]\n", file: "m")
        #expect(many.speakers == SpeakerAssignment(candidate: "A", interviewers: ["B", "C"]))
        #expect(throws: (any Error).self) {
            try RecordingMetadata.parse(text: "speakers: SPEAKER_00\n", file: "m.yaml")
        }
    }
}
