import DebriefModel
import Foundation
import Pipeline
import TestSupport
import Testing

@Suite struct AnswerTimelineTests {
    let analyzer = Analyzer()

    /// A question timeline in the metadata splits the recording into answers, each with its own voice descriptors,
    /// words and evidence.
    @Test func questionsBecomeAnswersWithTheirOwnProsody() throws {
        let directory = Fixtures.temporaryDirectory()
        defer { Fixtures.cleanUp(directory) }
        try FileManager.default.copyItem(atPath: Fixtures.media("interview-en.mp4"), toPath: "\(directory)/alice.mp4")
        Fixtures.write("""
            candidate: Alice
            questions:
              - { id: q1, text: "Tell me about a hard bug.", start: 0, end: "0:18.5" }
              - { id: q2, text: "What happened next?", start: 18.5, end: 42.3 }
            """, to: "\(directory)/alice.yaml")
        let report = try analyzer.analyze(AnalysisRequest(catalog: Fixtures.models, input: "\(directory)/alice.mp4"))
        #expect(report.answers.map(\.questionID) == ["q1", "q2"])
        #expect(report.answers.map(\.question) == ["Tell me about a hard bug.", "What happened next?"])
        #expect(report.answers.allSatisfy { ($0.prosody?.f0MedianHz ?? 0) > 70 && $0.wordCount > 20 })
        #expect(report.answers[0].wordCount + report.answers[1].wordCount == report.transcript.wordCount)
        // Each answer's picture: frames at 2/s within its span.
        let frames = report.answers.compactMap { $0.visual?.framesAnalysed }
        #expect(frames.count == 2 && abs(frames[0] - 37) <= 1 && abs(frames[1] - 48) <= 1)
        #expect(frames.reduce(0, +) == report.visual?.framesAnalysed)
        let seconds = report.answers.compactMap { $0.prosody?.analysedSeconds }
        #expect(isClose(seconds[0], 18.5, tolerance: 1e-9) && isClose(seconds[1], 23.8, tolerance: 1e-9))
        let evidenceAnswers = Set(report.competencies.flatMap(\.evidence).map(\.answer))
        #expect(evidenceAnswers == [0, 1])
        for item in report.competencies.flatMap(\.evidence) {
            let answer = report.answers[item.answer]
            #expect(answer.start <= 0.5 * (item.start + item.end) && 0.5 * (item.start + item.end) <= answer.end)
        }
    }

    @Test func badTimelinesAreNamed() throws {
        func message(_ yaml: String) -> String? {
            do {
                _ = try RecordingMetadata.parse(text: yaml, file: "m.yaml")
                return nil
            } catch {
                return error.description
            }
        }
        #expect(message("questions:\n  - { start: 10, end: 5 }\n")
            == "m.yaml:2: questions[0].end: must be after start (10.0 s), found 5.0 s")
        #expect(message("questions:\n  - { start: 0, end: 10 }\n  - { start: 5, end: 12 }\n")
            == "m.yaml:3: questions[1].start: overlaps the previous question, which ends at 10.0 s")
        #expect(message("questions:\n  - { start: soon, end: 5 }\n")
            == "m.yaml:2: questions[0].start: expected seconds or mm:ss, found 'soon'")
        let parsed = try RecordingMetadata.parse(text: "questions:\n  - { start: '1:02:03.5', end: 7324 }\n", file: "m")
        #expect(parsed.questions == [.init(id: "q1", text: nil, start: 3723.5, end: 7324)])
    }
}
