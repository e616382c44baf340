import DebriefModel
import Foundation
import Rendering
import TestSupport
import Testing

/// Report rendering from stored reports (the bundled samples' analyses), compared whole with snapshots: the text
/// summary in both languages, and the page's structure and escaping.
@Suite struct ReportRenderingTests {
    static let samples = ["interview-zh", "phone-screen-en"]

    func report(_ name: String) throws -> Report {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/\(name).report", withExtension: "json"))
        return try ReportCoding.decode(Data(contentsOf: url))
    }

    @Test(arguments: samples, [UILanguage.en, .zh])
    func textSummaryMatchesItsSnapshot(_ name: String, _ language: UILanguage) throws {
        let text = ReportRenderer(language: language).text(try report(name))
        let mismatch = Snapshot.mismatch(text, snapshot: "\(Snapshot.folder())/\(name).\(language.rawValue).txt")
        #expect(mismatch == nil, "\(mismatch ?? "")")
    }

    @Test(arguments: samples, [UILanguage.en, .zh])
    func pageIsOneDocumentInItsLanguage(_ name: String, _ language: UILanguage) throws {
        let report = try report(name)
        let page = ReportRenderer(language: language).html(report)
        #expect(page.lowercased().hasPrefix("<!doctype html>"))
        #expect(page.contains("<html lang=\"\(language == .zh ? "zh-CN" : "en")\""))
        #expect(page.components(separatedBy: "<script").count - 1 <= 1)
        for competency in report.competencies where !competency.evidence.isEmpty {
            #expect(page.contains(HTML.escape(competency.evidence[0].quote)))
        }
    }

    @Test func hostileTextIsEscapedEverywhere() throws {
        var report = try report("phone-screen-en")
        let hostile = "<script>alert(1)</script>\"'&"
        report.candidate = hostile
        report.recording.file = hostile
        report.transcript.cues[0].text = hostile
        report.competencies[0].evidence.append(Evidence(quote: hostile, keyword: hostile, answer: 0, start: 0, end: 1))
        report.warnings.append(hostile)
        for language in [UILanguage.en, .zh] {
            let page = ReportRenderer(language: language).html(report)
            #expect(!page.contains("<script>alert"))
            #expect(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        }
    }

    /// Chinese pages in Chinese: the model's Chinese title, the transcript's source and language in words; the
    /// technical facts folded away; times with their time zone.
    @Test func chinesePagesSayEverythingInChinese() throws {
        var report = try report("interview-zh")
        report.model.titleZh = "销售经理"
        let zh = ReportRenderer(language: .zh).html(report)
        #expect(zh.contains("销售经理 v\(report.model.version)") && !zh.contains("\(report.model.title) v"))
        #expect(zh.contains("来源: 录像内嵌字幕"))
        #expect(zh.contains(" · 中文") && !zh.contains("subtitle-stream") && !zh.contains(" bytes"))
        #expect(zh.contains("<details><summary>录制文件技术信息</summary>"))
        let en = ReportRenderer(language: .en).html(report)
        #expect(en.contains("\(report.model.title) v") && en.contains("<summary>Technical details of the recording"))
        #expect(HTML.time(Date(timeIntervalSince1970: 1_796_000_000)) == "2026-11-30 00:53 UTC")
    }

    /// An audio-only phone screen is what it is, not a problem: the lists do not count it as a recording warning.
    @Test func informationalWarningsAreNotProblems() throws {
        var report = try report("phone-screen-en")
        report.setWarnings([AnalysisWarning(.audioOnly, "no video stream (audio-only): picture not measured"),
                            AnalysisWarning(.truncated, "decoded 10 s of 20")])
        #expect(report.warnings.count == 2 && report.problemCount == 1)
        report.setWarnings([AnalysisWarning(.audioOnly, "audio only")])
        #expect(report.problemCount == 0)
    }
}
