import DebriefModel
import Foundation
import Rendering
import Store

/// The HR review on a report page (the blend, the ratings, the form) and a job's AI–human agreement page.
struct ReviewPages {
    let language: UILanguage

    private func t(_ en: String, _ zh: String) -> String { language == .zh ? zh : en }
    private func name(_ line: Review.Line) -> String {
        HTML.escape(language == .zh ? (line.nameZh ?? line.name) : line.name)
    }

    /// The form's scale: five behaviourally anchored steps, each the middle of a 20-point band of the AI's scale.
    static let scale: [(points: Double, en: String, zh: String)] = [
        (10, "1 · little or no evidence", "1 · 几乎没有证据"), (30, "2 · some evidence, clear gaps", "2 · 有一些证据，差距明显"),
        (50, "3 · meets the bar", "3 · 达到要求"), (70, "4 · strong", "4 · 较强"), (90, "5 · outstanding", "5 · 非常突出"),
    ]

    /// `mine`: the signed-in user's newest rating of this report (the form starts from it); `csrf`: the session's
    /// token (a bearer-token client gets the review without a form).
    func section(_ review: Review, mine: Rating?, csrf: String?, canRate: Bool) -> String {
        let e = HTML.escape
        var html = "<section id=\"review\"><h2>\(t("HR review", "人工评估"))</h2>"
            + "<p><a href=\"/reports/\(review.reportID)/feedback\">\(t("Development feedback for the candidate (printable, in their language)", "给候选人的发展反馈（可打印，使用候选人的语言）"))</a></p>"
        let weights = "\(t("Blend", "加权")): AI \(fixed(review.weights.ai * 100, 0)) % · HR "
            + "\(fixed(review.weights.hr * 100, 0)) % · \(t("flagged when AI and HR differ by more than", "AI 与人工相差超过"))"
            + " \(fixed(review.weights.flagPoints, 0)) \(t("points", "分时标记"))"
        html += "<p class=\"muted\">\(weights)</p>"
        if review.ratings.isEmpty {
            html += "<p class=\"muted\">\(t("Nobody has rated this interview yet.", "尚无人评分。"))</p>"
        } else {
            html += "<table><tr><th></th><th>AI</th><th>HR</th><th>\(t("Blended", "加权得分"))</th><th></th></tr>"
            for line in [review.overall] + review.competencies {
                let raters = line.raters > 0 ? " <span class=\"muted\">(\(line.raters))</span>" : ""
                let flag = line.flagged
                    ? "<span class=\"pill warn\">\(t("AI–HR gap", "AI 与人工差异大"))</span>" : ""
                let label = line.id == nil ? "<strong>\(name(line))</strong>" : name(line)
                html += "<tr><td>\(label)</td><td>\(fixed(line.ai))</td><td>\(fixed(line.hr))\(raters)</td>"
                    + "<td>\(fixed(line.blended))</td><td>\(flag)</td></tr>"
            }
            html += "</table><h3>\(t("Ratings", "评分记录"))</h3><table>"
            let current = Set(review.ratings.current.map(\.id))
            for rating in review.ratings.reversed() {
                let old = current.contains(rating.id) ? "" : " <span class=\"muted\">(\(t("replaced", "已更新")))</span>"
                html += "<tr><td>\(e(rating.rater))\(old)<br><span class=\"muted\">"
                    + "\(HTML.time(rating.createdAt))</span></td>"
                    + "<td>\(t("overall", "总分")) \(fixed(rating.overall))<br><span class=\"muted\">"
                    + rating.competencies.keys.sorted().map { "\(e($0)) \(fixed(rating.competencies[$0]))" }
                        .joined(separator: " · ")
                    + "</span></td><td>\(e(rating.comment))</td></tr>"
            }
            html += "</table>"
        }
        if canRate, let csrf {
            html += form(review, mine: mine, csrf: csrf)
        }
        return html + "</section>"
    }

    private func form(_ review: Review, mine: Rating?, csrf: String) -> String {
        let e = HTML.escape
        func select(_ field: String, _ current: Double?) -> String {
            var options = [("", t("not rated", "未评分"))] + Self.scale.map { (fixed($0.points, 0), t($0.en, $0.zh)) }
            if let current, !Self.scale.contains(where: { $0.points == current }) {
                options.append((fixed(current, 1), "\(fixed(current, 1)) \(t("points", "分"))"))
            }
            let chosen = current.map { Self.scale.contains(where: { $0.points == current }) ? fixed($0, 0) : fixed($0, 1) }
            return "<select name=\"\(e(field))\">" + options.map { value, label in
                "<option value=\"\(e(value))\"\(value == (chosen ?? "") ? " selected" : "")>\(e(label))</option>"
            }.joined() + "</select>"
        }
        var html = "<h3>\(mine == nil ? t("Your rating", "您的评分") : t("Update your rating", "更新您的评分"))</h3>"
            + "<form method=\"post\" action=\"/reports/\(review.reportID)/ratings\(language == .zh ? "?lang=zh" : "")\">"
            + "<input type=\"hidden\" name=\"csrf\" value=\"\(e(csrf))\"><table>"
        for line in review.competencies {
            guard let id = line.id else { continue }
            html += "<tr><td>\(name(line))</td><td>\(select("c.\(id)", mine?.competencies[id]))</td></tr>"
        }
        html += "<tr><td><strong>\(t("Overall", "总分"))</strong></td><td>\(select("overall", mine?.overall))"
            + "<br><span class=\"muted\">\(t("Not rated: the weighted mean of the competencies you rate.", "未评分时取您所评能力的加权平均。"))</span></td></tr>"
            + "<tr><td>\(t("Comment", "评语"))</td><td><textarea name=\"comment\" rows=\"3\" cols=\"60\" "
            + "maxlength=\"\(NewRating.commentLimit)\">\(e(mine?.comment ?? ""))</textarea></td></tr></table>"
            + "<button>\(t("Save rating", "保存评分"))</button></form>"
        return html
    }

    func agreement(_ agreement: JobAgreement, title: String, jobLink: String) -> String {
        func line(_ line: JobAgreement.Line, label: String) -> String {
            let leaning: String
            switch line.meanDifference {
            case .some(let d) where d > 5: leaning = t("scores above the AI", "高于 AI")
            case .some(let d) where d < -5: leaning = t("scores below the AI", "低于 AI")
            case .some: leaning = t("close to the AI", "与 AI 接近")
            case .none: leaning = "–"
            }
            let signed = line.meanDifference.map { ($0 > 0 ? "+" : "") + fixed($0) } ?? "–"
            return "<tr><td>\(label)</td><td>\(line.pairs)</td><td>\(fixed(line.correlation, 2))</td>"
                + "<td>\(signed)</td><td>\(fixed(line.meanAbsoluteDifference))</td><td>\(line.flagged)</td>"
                + "<td>\(leaning)</td></tr>"
        }
        let head = "<tr><th></th><th>\(t("Pairs", "样本数"))</th><th>\(t("Correlation r", "相关系数 r"))</th>"
            + "<th>\(t("HR − AI (mean)", "人工 − AI（均值）"))</th><th>\(t("Mean |difference|", "平均绝对差"))</th>"
            + "<th>\(t("Gaps >", "差异 >")) \(fixed(agreement.flagPoints, 0))</th><th>\(t("Tendency", "倾向"))</th></tr>"
        var html = "<section><h1>\(HTML.escape(title)): \(t("AI–human agreement", "AI 与人工一致性"))</h1>"
            + "<p class=\"muted\"><a href=\"\(HTML.escape(jobLink))\">\(t("Candidates", "候选人"))</a> · \(agreement.ratedReports) "
            + "\(t("rated interview(s)", "份已评分面试")), \(agreement.ratings) \(t("current rating(s)", "条有效评分"))."
            + " \(t("Correlation needs 3 or more pairs.", "相关系数至少需要 3 对样本。"))</p>"
        if agreement.ratedReports == 0 {
            return html + "<p class=\"muted\">\(t("No ratings yet: rate interviews on their report pages.", "尚无评分：请在报告页面评分。"))</p></section>"
        }
        html += "<h2>\(t("Job", "岗位"))</h2><table>\(head)"
        html += line(agreement.overall, label: "<strong>\(t("Overall", "总分"))</strong>")
        for competency in agreement.competencies {
            html += line(competency, label: HTML.escape(language == .zh ? (competency.nameZh ?? competency.name)
                                                                         : competency.name))
        }
        html += "</table><h2>\(t("Raters", "评分人"))</h2><p class=\"muted\">"
            + t("Each rater's overall against the AI's on the interviews they rated: a rater far above or below "
                + "everyone else is worth a calibration talk.", "每位评分人的总分与 AI 总分对比：明显偏高或偏低的评分人值得校准。")
            + "</p><table>\(head)"
        for rater in agreement.raters { html += line(rater, label: HTML.escape(rater.name)) }
        return html + "</table></section>"
    }
}
