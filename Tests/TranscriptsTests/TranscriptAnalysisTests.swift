import DebriefModel
import Foundation
import TestSupport
import Testing
@testable import Transcripts

@Suite struct ChineseNumeralTests {
    @Test(arguments: [
        ("一万二千", 12000.0), ("一万二", 12000), ("三千五", 3500), ("两百", 200), ("二十五", 25), ("十", 10),
        ("一百零五", 105), ("二〇二三", 2023), ("三点五", 3.5), ("3万", 30000), ("一亿二千万", 120_000_000),
    ])
    func reads(_ text: String, _ value: Double) {
        #expect(ChineseNumerals.value(text) == value)
    }

    @Test func rejectsNonNumerals() {
        #expect(ChineseNumerals.value("百") == nil)
        #expect(ChineseNumerals.value("一起") == nil)
    }

    @Test func findsMeasuresInBothLanguages() {
        let percent = Quantities.find(in: "转化率提升了百分之三十")
        #expect(percent.first?.kind == .percent)
        #expect(percent.first?.value == 30)
        #expect(Quantities.find(in: "崩溃率从千分之六降到了千分之一").map(\.value) == [0.6, 0.1])
        #expect(Quantities.find(in: "销售额翻了一番").first?.kind == .multiple)
        #expect(Quantities.find(in: "the error rate dropped to 0.8 percent").first?.kind == .percent)
        #expect(Quantities.find(in: "the next fair had forty-one entries").first?.value == 41)
        #expect(Quantities.find(in: "a contract worth about 1.2 million").first?.kind == .money)
        // Time adverbials and articles are context, not outcomes.
        #expect(Quantities.find(in: "三个月后损耗率降了").allSatisfy { !$0.isMeasure })
        #expect(Quantities.find(in: "一年下来，大部分都稳住了").allSatisfy { !$0.isMeasure })
        #expect(Quantities.find(in: "我们一起做了一个项目").allSatisfy { !$0.isMeasure })
        #expect(Quantities.find(in: "back in 2019 we moved").allSatisfy { !$0.isMeasure })
    }

    /// Multiples multiply only before a comparative; a time gained is a measure even when it is one unit; weekdays
    /// and 十分 ("very") are not numbers.
    @Test func tellsMultiplesFromOccasionsAndWeekdaysFromNumbers() {
        #expect(Quantities.find(in: "pages load twice as fast").first?.kind == .multiple)
        #expect(Quantities.find(in: "three times more sign-ups").first?.kind == .multiple)
        #expect(Quantities.find(in: "5 times faster").first?.kind == .multiple)
        #expect(Quantities.find(in: "she called us three times in one day").first?.kind == .count)
        #expect(Quantities.find(in: "her order arrived damaged twice").first?.kind == .count)
        let early = Quantities.find(in: "we closed the quarter a day early")
        #expect(early.count == 1 && early[0].kind == .duration && early[0].isMeasure)
        #expect(Quantities.find(in: "a day in the life").isEmpty)
        let tenDays = Quantities.find(in: "从一个月缩短到了十天左右")
        #expect(tenDays.map(\.value) == [1, 10])
        #expect(tenDays.last?.isMeasure == true)
        #expect(Quantities.find(in: "每周五下午组织一次答疑").allSatisfy { $0.value != 5 })
        #expect(Quantities.find(in: "这件事十分重要").isEmpty)
    }
}

@Suite struct ChineseTextTests {
    @Test func segmentsWithICUDictionary() {
        let words = ChineseText().words("我带着组里三个年轻老师做了一个项目").filter(\.isWord).map(\.text)
        #expect(words.contains("老师"))
        #expect(words.contains("年轻"))
        #expect(words.contains("项目"))
    }

    @Test func foldsTraditionalToSimplified() {
        #expect(ChineseText().simplified("我們團隊負責數據分析") == "我们团队负责数据分析")
        #expect(ChineseText().simplified("plain English") == "plain English")
    }
}

@Suite struct FluencyTests {
    func fillers(_ text: String) -> [String: Int] {
        var counter = DisfluencyCounter()
        counter.count(TextNormalizer.normalize(text))
        return counter.fillers
    }

    @Test func countsFillersInFillerPosition() {
        #expect(fillers("Um, so we had, like, six projects, you know, and uh it grew.") == ["um": 1, "like": 1, "you know": 1, "uh": 1])
        #expect(fillers("the version had like a 9 percent higher click-through") == ["like": 1])
        #expect(fillers("Well, I mean, it was fine.") == ["i mean": 1])
        #expect(fillers("嗯，那个，我们就是，先排查") == ["嗯": 1, "那个": 1, "就是": 1])
        #expect(fillers("那个如果实在做不完 呃我会说") == ["那个": 1, "呃": 1])
        #expect(fillers("然后然后我们来了") == ["然后": 1])
    }

    @Test func lookalikesAreNotFillers() {
        #expect(fillers("It was something like 12,000 a month. I'd like to add that I like teams like yours.").isEmpty)
        #expect(fillers("Do you know what I mean? I mean it.").isEmpty)
        #expect(fillers("那个月我们做的就是把销售额和金额对齐，那个客户很满意").isEmpty)
    }
}

@Suite struct StarTests {
    let model = CompetencyModel(id: "m", version: 1, title: "M", dimensions: [
        .init(id: "leadership", name: "Leadership", weight: 0.5, keywords: ["en": ["mentored"], "zh": ["带领"]],
              patterns: ["en": ["led a (team|group) of {n}"], "zh": ["带着*{n}个"]]),
        .init(id: "data-analysis", name: "Data", weight: 0.5, keywords: ["en": ["spreadsheet"], "zh": ["数据"]]),
    ], levels: CompetencyModel.defaultLevels)

    func analyse(_ text: String) -> (TranscriptAnalysis, AnswerAnalysis) {
        let analysis = TranscriptAnalyzer(model: model).analyze([Cue(start: 0, end: 30, text: text)], timed: true)
        return (analysis, analysis.answers[0]!)
    }

    @Test func fullStoryInOrder() {
        let (_, answer) = analyse("Last year I worked at a small logistics firm and our deliveries were often late. "
            + "My manager asked me to fix the routing. I built a spreadsheet of every route and moved the worst "
            + "stops to a second van. As a result, late deliveries dropped by 40 percent.")
        #expect(answer.star.situation.present && answer.star.task.present)
        #expect(answer.star.action.present && answer.star.result.present)
        #expect(answer.star.order == "in-order")
        #expect(answer.star.resultQuantified)
        #expect(answer.star.resultQuantities == ["40 percent"])
        #expect(answer.star.score == 100)
        #expect(answer.star.iShare == 1 - 1.0 / 5)   // I ×3, my ×1 vs our ×1
    }

    @Test func resultFirstIsOutOfOrder() {
        let (_, answer) = analyse("最后我们的排队时间从二十五分钟降到了十分钟。背景是那年暑假客流暴增，经理要我一个月之内把排队时间压下来。"
            + "我先把柜台按航班时间重新分配，又安排了一名引导员。")
        #expect(answer.star.sequence.first == "R")
        #expect(answer.star.order == "out-of-order")
        #expect(answer.star.resultQuantified)
    }

    @Test func hypotheticalAnswersHaveNoPartsAndNoEvidence() {
        let (analysis, answer) = analyse("I would build a spreadsheet of the tasks and I'd sort them by urgency. "
            + "If two deadlines clashed I would talk to my manager early.")
        #expect(answer.star.hypothetical)
        #expect(!answer.star.action.present)
        #expect(analysis.evidence["data-analysis"]?.asserted != true)
    }

    @Test func stuffedAnswersAreFlaggedAndNotRewarded() {
        let (analysis, answer) = analyse("I'm a results-driven team player with leadership, data-driven decision making, "
            + "stakeholder management, agile, scrum, spreadsheet skills and a passion for innovation.")
        #expect(answer.keywordStuffed)
        #expect(analysis.evidence["data-analysis"]?.positive.isEmpty ?? true)
    }

    @Test func impliedSkillsAndDenials() {
        let (led, _) = analyse("I led a group of five engineers through the migration and mentored the two juniors.")
        #expect(led.evidence["leadership"]?.asserted == true)
        #expect(led.evidence["leadership"]?.positive.contains { $0.implied == true } == true)
        let (zh, _) = analyse("我带着组里三个年轻老师做了一个项目，带领他们完成了课程改革。")
        #expect(zh.evidence["leadership"]?.asserted == true)
        let (denied, _) = analyse("I have never led a team of 5 people and I never mentored anyone.")
        #expect(denied.evidence["leadership"]?.asserted != true)
        #expect(denied.evidence["leadership"]?.negated.first?.keyword == "led a (team|group) of {n}, mentored")
        let (wish, _) = analyse("Someday I would love to have mentored people, I hope to lead a group of 4.")
        #expect(wish.evidence["leadership"]?.positive.isEmpty ?? true)
    }

    @Test func traditionalTextMatchesSimplifiedTerms() {
        let (analysis, _) = analyse("我把數據按區域重新劃分，發現問題集中在兩個倉庫。")
        #expect(analysis.evidence["data-analysis"]?.positive.isEmpty == false)
    }

    @Test func fluencyRatesFromTimestamps() {
        let cues = [Cue(start: 0, end: 10, text: "Um so I fixed the build and then I wrote the tests for it"),
                    Cue(start: 15, end: 30, text: "and uh after that we shipped it to all of our users")]
        let answer = TranscriptAnalyzer(model: model).analyze(cues, timed: true).answers[0]!
        #expect(answer.fluency.fillers == 2)
        #expect(answer.fluency.wordsPerMinute == 26 / 0.5)
        #expect(answer.fluency.longGaps == 1)
        #expect(answer.fluency.longestGapSeconds == 5)
    }

    @Test func hostileAndHugeTextStaysText() {
        let script = "<script>alert(1)</script> I led a team of 3 people."
        let (analysis, answer) = analyse(script)
        #expect(answer.units.first?.text.contains("<script>") == true)
        #expect(analysis.evidence["leadership"]?.positive.first?.quote.contains("<script>") == true)
        let huge = String(repeating: "I built the spreadsheet and we shipped it. ", count: 20_000)   // ~0.9 MB
        let result = TranscriptAnalyzer(model: model).analyze([Cue(start: 0, end: 3600, text: huge)], timed: true)
        #expect(result.evidence["data-analysis"]?.positive.count == 20_000)
        #expect(result.evidence["data-analysis"]!.strength < 2)   // repeats saturate
    }
}

/// Word timings (from a recogniser or a JSON transcript) time units and pauses instead of the padded segment.
@Suite struct WordTimingTests {
    let cue = Cue(start: 0, end: 10, text: "We missed deadlines. I fixed it.", words: [
        TimedWord(text: " We", start: 1.0, end: 1.2), TimedWord(text: " missed", start: 1.3, end: 1.6),
        TimedWord(text: " deadlines.", start: 1.7, end: 2.2), TimedWord(text: " I", start: 6.0, end: 6.1),
        TimedWord(text: " fixed", start: 6.2, end: 6.5), TimedWord(text: " it.", start: 6.6, end: 6.8),
    ])

    @Test func unitsStartAndEndWithTheirWords() {
        let units = UnitSplitter(chinese: ChineseText()).split([cue], timed: true)
        #expect(units.map(\.text) == ["We missed deadlines.", "I fixed it."])
        #expect(units.map(\.start) == [1.0, 6.0])
        #expect(units.map(\.end) == [2.2, 6.8])
        // Without words: interpolated over the segment by character offset.
        let plain = UnitSplitter(chinese: ChineseText()).split([Cue(start: 0, end: 10, text: cue.text)], timed: true)
        #expect(plain[1].start > 6.2 && plain[1].start < 6.6)
    }

    @Test func pausesInsideASegmentCountAndTheRateUsesTheSpokenSpan() {
        let words = (0..<40).map { index in
            TimedWord(text: " word\(index)", start: 2 + Double(index) * 0.4 + (index >= 20 ? 3 : 0),
                      end: 2.3 + Double(index) * 0.4 + (index >= 20 ? 3 : 0))
        }
        let text = words.map(\.text).joined()
        let timed = TranscriptAnalyzer.fluency([Cue(start: 0, end: 30, text: text, words: words)],
                                               size: (english: 40, han: 0), timed: true, chinese: ChineseText())
        #expect(timed.longGaps == 1)
        #expect(timed.longestGapSeconds == 3.1)
        // 40 words from 2.0 s to 20.9 s: 127 words per minute (the segment's 30 s would say 80).
        #expect(timed.wordsPerMinute == 127)
        let untimed = TranscriptAnalyzer.fluency([Cue(start: 0, end: 30, text: text)], size: (english: 40, han: 0),
                                                 timed: true, chinese: ChineseText())
        #expect(untimed.longGaps == 0)
        #expect(untimed.wordsPerMinute == 80)
    }
}
