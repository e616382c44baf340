import DebriefModel
import Foundation
import Pipeline
import Rendering
import TestSupport
import Testing

/// Shown versus mentioned: a competency the answers show carries its quotes as evidence and its strength into the
/// score; one only named in passing ("customers were waiting", the task a manager gave) lists the quote apart as a
/// mention and weighs nothing. The page, the text summary and the feedback keep the two apart.
@Suite struct ShownEvidenceTests {
    static let answer = "Last spring our support team was missing its reply targets and customers were waiting two "
        + "days for an answer. My manager asked me to fix the backlog within a month. I led the team through it: I "
        + "set the priorities every morning, delegated the billing tickets to two colleagues, and mentored the new "
        + "hire until she could handle refunds alone. As a result the reply time fell from two days to six hours "
        + "and the backlog was gone in three weeks."

    func report() throws -> Report {
        let directory = Fixtures.temporaryDirectory()
        defer { Fixtures.cleanUp(directory) }
        Fixtures.write(Self.answer, to: "\(directory)/answer.txt")
        return try Analyzer().analyze(AnalysisRequest(catalog: Fixtures.models, input: "\(directory)/answer.txt",
                                                      model: "general"))
    }

    @Test func onlyShownEvidenceCounts() throws {
        let report = try report()
        let byID = Dictionary(uniqueKeysWithValues: report.competencies.map { ($0.id, $0) })
        let leadership = try #require(byID["leadership"])
        #expect(leadership.shown == true && (leadership.strength ?? 0) >= 1.3)
        #expect(!leadership.evidence.isEmpty && leadership.mentions == [])
        #expect((leadership.score ?? 0) > 50)
        // Named in the situation only: a mention, never evidence, and nothing of it in the score.
        let customer = try #require(byID["customer-focus"])
        #expect(customer.shown == false && (customer.strength ?? 0) > 0 && (customer.strength ?? 0) < 1)
        #expect(customer.evidence.isEmpty && customer.indicatorsShown == [])
        let mention = try #require(customer.mentions?.first)
        #expect(Self.answer.contains(mention.quote) && mention.quote.contains("customers were waiting"))
        #expect(customer.contributions?.contains { $0.feature.hasPrefix("content.") && $0.points != 0 } != true)
        #expect(customer.score == 0)
        // Every competency is either shown with evidence or lists its quotes as mentions, never both.
        for competency in report.competencies {
            #expect(competency.shown != nil)
            #expect(competency.evidence.isEmpty || (competency.mentions ?? []).isEmpty, "\(competency.id)")
            #expect(competency.shown == true || competency.evidence.isEmpty, "\(competency.id)")
        }
    }

    @Test(arguments: [UILanguage.en, .zh])
    func pagesKeepMentionsApart(language: UILanguage) throws {
        let report = try report()
        let page = ReportRenderer(language: language).html(report)
        let mention = language == .zh ? "提及，不计入" : "Mentioned, not counted"
        #expect(page.contains("<blockquote class=\"mention\">\(mention): “Last spring our support team"))
        #expect(page.contains(language == .zh ? "未体现：至多提及，不计入" : "not shown: mentioned at most, nothing counted"))
        #expect(page.contains(language == .zh ? "已体现，证据强度" : "shown, strength"))
        let text = ReportRenderer(language: language).text(report)
        #expect(text.contains(language == .zh ? "(未体现)" : "(not shown)"))
        // The feedback quotes what was shown; a mention is never held up as a strength, only as "touched on".
        let feedback = FeedbackRenderer(language: language).html(report, model: nil, account: nil)
        #expect(feedback.contains("I led the team through it") && !feedback.contains("customers were waiting"))
        #expect(feedback.contains(language == .zh ? "您提到了这一点" : "You touched on this"))
    }
}
