import DebriefModel
import Foundation
import Pipeline
import TestSupport
import Testing

/// HR corrects who is the candidate in a call: the report is analysed again from its stored transcript.
@Suite struct RoleCorrectionTests {
    let analyzer = Analyzer()

    /// A call whose labels say nothing about roles, in which the interviewer talks more than usual, so the
    /// inference takes the wrong speaker for the candidate.
    static let vtt = """
        WEBVTT

        00:00.000 --> 00:30.000
        <v Sam>Thanks for joining. This role is about leading the support team: we want someone who trains new agents, writes playbooks and pairs people with senior colleagues, and who can lead through conflict. Can you tell me about a time you led a team?

        00:31.000 --> 00:58.000
        <v Kim>Last year I trained four new agents, wrote a playbook for them and paired each one with a senior colleague. As a result our first-reply time fell from two days to six hours.

        00:59.000 --> 01:20.000
        <v Sam>Good. Our managers also deal with conflict all the time and we expect them to sit down with people and agree on a rota, so tell me how you handled a conflict in your team?

        01:21.000 --> 01:45.000
        <v Kim>Two agents disagreed about who owned escalations. I sat down with both, we agreed on a rota, and I checked in every week until it worked.
        """

    func analysed() throws -> Report {
        let directory = Fixtures.temporaryDirectory()
        defer { Fixtures.cleanUp(directory) }
        Fixtures.write(Self.vtt, to: "\(directory)/call.vtt")
        return try analyzer.analyze(AnalysisRequest(catalog: Fixtures.models, input: "\(directory)/call.vtt",
                                                    model: "general"))
    }

    @Test func correctingTheCandidateReanalysesTheirWordsOnly() throws {
        let first = try analysed()
        let speakers = try #require(first.transcript.speakers)
        let model = try ModelCatalog(directory: Fixtures.models).model("general")
        let rescorer = try Rescorer(model: model)
        // Whoever the inference took, HR names each speaker in turn; only that speaker's words count.
        for candidate in ["Sam", "Kim"] {
            let corrected = try rescorer.correctingRoles(first, candidate: candidate)
            #expect(corrected.revision == (first.revision ?? 1) + 1)
            #expect(corrected.transcript.candidateRoleBy == "corrected")
            #expect(corrected.transcript.candidateRoleConfidence == 1)
            #expect(corrected.transcript.speakers?.first { $0.role == .candidate }?.id == candidate)
            #expect(corrected.transcript.speakers?.filter { $0.role == .candidate }.count == 1)
            #expect(corrected.warningCodes?.contains("speakers-uncertain") != true)
            let lines = corrected.transcript.cues.filter { $0.speaker == candidate }.map(\.text)
            let quotes = corrected.competencies.flatMap(\.evidence).map(\.quote)
            for quote in quotes { #expect(lines.contains { $0.contains(quote) }, "\(candidate): \(quote)") }
            let words = lines.map { $0.split(separator: " ").count }.reduce(0, +)
            #expect(abs(corrected.transcript.wordCount - words) <= 2, "\(candidate)")
            // Answers made from the questions of whoever is now the interviewer.
            if candidate == "Kim" {
                #expect(corrected.answers.count == 2)
                #expect(corrected.answers[1].question?.hasPrefix("Good. Our managers") == true)
                #expect(!quotes.isEmpty)
            }
        }
        // Back to what the analysis chose: the same evidence as the first analysis.
        let inferred = try #require(speakers.first { $0.role == .candidate }?.id)
        let back = try rescorer.correctingRoles(first, candidate: inferred)
        #expect(back.competencies.map(\.evidence) == first.competencies.map(\.evidence))
        #expect(back.answers.map(\.question) == first.answers.map(\.question))
    }

    @Test func unknownSpeakersAndOneSpeakerReportsAreClearErrors() throws {
        let model = try ModelCatalog(directory: Fixtures.models).model("general")
        let rescorer = try Rescorer(model: model)
        let call = try analysed()
        do {
            _ = try rescorer.correctingRoles(call, candidate: "Pat")
            Issue.record("a speaker the report does not have cannot be the candidate")
        } catch {
            #expect(error.message == "no speaker 'Pat' in this report (speakers: Sam, Kim)")
        }
        let single = try analyzer.analyze(AnalysisRequest(catalog: Fixtures.models,
                                                          input: Fixtures.media("phone-screen-en.vtt")))
        do {
            _ = try rescorer.correctingRoles(single, candidate: "anyone")
            Issue.record("a one-speaker report has no roles to correct")
        } catch {
            #expect(error.message == "this report has one speaker: there are no roles to correct")
        }
    }
}

/// A verdict says what it rests on, and gives no level on too little.
@Suite struct VerdictBasisTests {
    let analyzer = Analyzer()

    func analyse(_ vtt: String) throws -> Report {
        let directory = Fixtures.temporaryDirectory()
        defer { Fixtures.cleanUp(directory) }
        Fixtures.write(vtt, to: "\(directory)/answer.vtt")
        return try analyzer.analyze(AnalysisRequest(catalog: Fixtures.models, input: "\(directory)/answer.vtt",
                                                    model: "general"))
    }

    @Test func aShortAnswerIsNotEnoughToDecide() throws {
        // The bundled sample: one 42-second answer of 104 words.
        let report = try analyzer.analyze(AnalysisRequest(catalog: Fixtures.models,
                                                          input: Fixtures.media("interview-en.mp4")))
        let basis = try #require(report.overall.basis)
        #expect(basis.answers == 1 && basis.words == 104 && basis.minutes == 0.7)
        #expect(!basis.sufficient)
        #expect(report.overall.score != nil)
        #expect(report.overall.level == "Not enough to decide" && report.overall.levelZh == "不足以判断")
        #expect(report.overall.salaryBand == nil)
        #expect(report.overall.recommendation.hasPrefix("Too little to decide: a level needs at least 150"))
        let asked = report.competencies.filter { basis.askAbout.contains($0.id) }.map(\.name)
        #expect(!asked.isEmpty && asked.allSatisfy { report.overall.recommendation.contains($0) })
        #expect(report.overall.recommendationZh?.hasPrefix("依据不足，无法判断") == true)
    }

    @Test func aLongAnswerShowingSeveralCompetenciesGetsALevel() throws {
        let story = "Last year our support queue had grown to three hundred open tickets and customers waited nine days "
            + "for an answer. My task was to bring the waiting time under two days within a quarter. I pulled every "
            + "ticket from the last six months into a spreadsheet, sorted them by age and by product, and found that "
            + "most of the old ones came from one region and one billing problem. I set up a daily triage meeting, "
            + "split the work between the four people on my team, wrote a short playbook for the billing cases and "
            + "trained the two new agents on it, and I checked in with each of them every morning. When two of them "
            + "disagreed about who owned escalations I sat down with both and we agreed on a rota. As a result the "
            + "response time fell from nine days to one, the backlog went from three hundred tickets to forty, and "
            + "customer satisfaction rose from seventy one to eighty eight percent by the end of the quarter."
        let report = try analyse("WEBVTT\n\n00:00.000 --> 01:40.000\n\(story)\n")
        let basis = try #require(report.overall.basis)
        #expect(basis.words >= VerdictBasis.minimumWords && basis.competenciesShown >= 2, "\(basis)")
        #expect(basis.sufficient)
        #expect(report.overall.level != "Not enough to decide")
    }
}
