import DebriefModel
import Foundation
import Rendering
import Store

/// The front page: reports newest first, then the queue (in progress and failed, with reasons).
struct IndexPage {
    let language: UILanguage

    private func t(_ en: String, _ zh: String) -> String { language == .zh ? zh : en }

    /// A candidate's front page: their interviews, each with its development feedback (no scores).
    func feedbackList(_ reports: [ReportSummary], models: [CompetencyModel]) -> String {
        var html = "<section><h1>\(t("Your interview feedback", "您的面试反馈"))</h1>"
        guard !reports.isEmpty else {
            return html + "<p class=\"muted\">\(t("No feedback for you yet.", "暂时没有您的反馈。"))</p></section>"
        }
        html += "<ul>"
        for report in reports {
            let model = models.first { $0.id == report.modelID }
            let title = language == .zh ? (model?.titleZh ?? model?.title ?? report.modelID)
                                        : (model?.title ?? report.modelID)
            html += "<li><a href=\"/reports/\(report.id)/feedback\">\(HTML.escape(title))</a> "
                + "<span class=\"muted\">\(HTML.escape(timestamp(report.createdAt)))</span></li>"
        }
        return html + "</ul></section>"
    }

    func body(_ reports: [ReportSummary], jobs: [Job]) -> String {
        let e = HTML.escape
        var html = "<section><h1>\(t("Interview reports", "面试报告"))</h1>"
        if reports.isEmpty {
            html += "<p class=\"muted\">\(t("No reports yet. Drop a recording into the inbox.", "暂无报告。请将录像放入收件文件夹。"))</p>"
        } else {
            html += "<table><tr><th>\(t("Candidate / file", "候选人 / 文件"))</th><th>\(t("Model", "岗位模型"))</th>"
                + "<th>\(t("Score", "得分"))</th><th>\(t("Match", "匹配度"))</th><th>\(t("Level", "等级"))</th>"
                + "<th>\(t("Warnings", "提示"))</th><th>\(t("Analysed", "分析时间"))</th></tr>"
            for report in reports {
                let level = language == .zh ? report.overall.levelZh : report.overall.level
                html += "<tr><td><a href=\"/reports/\(report.id)\(language == .zh ? "?lang=zh" : "")\">"
                    + "\(e(report.candidate ?? report.file))</a><br><span class=\"muted\">\(e(report.file))</span></td>"
                    + "<td>\(e(report.modelID)) v\(report.modelVersion)</td>"
                    + "<td>\(fixed(report.overall.score))</td><td>\(report.overall.matchPercent.map { fixed($0) + "%" } ?? "–")</td>"
                    + "<td><span class=\"pill\">\(e(level))</span></td><td>\(report.warnings)</td>"
                    + "<td class=\"muted\">\(e(timestamp(report.createdAt)))</td></tr>"
            }
            html += "</table>"
        }
        html += "</section>"
        let pending = jobs.filter { $0.status != .done }
        if !pending.isEmpty {
            html += "<section><h2>\(t("Queue", "处理队列"))</h2><table><tr><th>\(t("File", "文件"))</th>"
                + "<th>\(t("Status", "状态"))</th><th>\(t("Reason", "原因"))</th></tr>"
            for job in pending {
                let status: String
                switch job.status {
                case .failed: status = "<span class=\"failed\">\(t("failed", "失败"))</span>"
                case .running: status = e(t("analysing", "分析中"))
                default:
                    status = job.notBefore.map { e(t("retry after ", "重试时间 ") + timestamp($0)) }
                        ?? e(t("queued", "排队中"))
                }
                html += "<tr><td>\(e((job.path as NSString).lastPathComponent))</td><td>\(status)</td>"
                    + "<td>\(job.errorCode.map { "<span class=\"pill\">\(e($0))</span> " } ?? "")\(e(job.error ?? ""))</td></tr>"
            }
            html += "</table></section>"
        }
        return html
    }

    private func timestamp(_ date: Date) -> String { HTML.time(date) }
}
