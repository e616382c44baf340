import DebriefModel
import Foundation
import Rendering
import Scoring
import Store

/// One job (a competency model) with what the store holds for it.
struct JobOverview: Encodable {
    var id: String
    var version: Int
    var title: String
    var titleZh: String?
    /// Recordings queued or being analysed in the job's inbox folder.
    var queued: Int
    /// Candidates analysed (latest report per recording) and, of them, those without a score.
    var analysed: Int
    var unscored: Int
    /// Recordings of the job's folder that could not be analysed.
    var failed: Int
    /// Overall scores of the scored candidates in ten bins: 0–10, 10–20, …, 90–100.
    var distribution: [Int]
    var medianScore: Double?

    /// `counts`: the jobs of the model's inbox folder per status.
    init(model: CompetencyModel, reports: [ReportSummary], counts: [JobStatus: Int]) {
        id = model.id
        version = model.version
        title = model.title
        titleZh = model.titleZh
        queued = counts[.queued, default: 0] + counts[.running, default: 0]
        failed = counts[.failed, default: 0]
        analysed = reports.count
        let scores = reports.compactMap(\.overall.score).sorted()
        unscored = reports.count - scores.count
        distribution = Array(repeating: 0, count: 10)
        for score in scores { distribution[min(9, max(0, Int(score / 10)))] += 1 }
        medianScore = scores.isEmpty ? nil : scores.count % 2 == 1 ? scores[scores.count / 2]
            : (scores[scores.count / 2 - 1] + scores[scores.count / 2]) / 2
    }
}

/// One candidate of a job, ranked.
struct CandidateRow: Encodable {
    var rank: Int?
    var report: ReportID
    var candidate: String?
    var file: String
    var score: Double?
    var matchPercent: Double?
    var percentile: Double?
    var level: String
    var levelZh: String
    /// The raters' overall (mean of each rater's newest) and its blend with the AI's, when someone rated.
    var hr: Double?
    var blended: Double?
    /// "insufficient-evidence" (no score), "recording-warnings" (the report has warnings), "ai-hr-gap" (AI and a
    /// rating differ by more than the model's flag points, overall or on a competency).
    var flags: [String]
    var warnings: Int
    var createdAt: Date
    var url: String
}

/// How HR narrows and orders the candidates of a job (`?q=&level=&flag=&sort=`).
struct CandidateQuery {
    enum Sort: String { case rank, blended, match, name, date }
    var text: String?
    var level: String?
    var flag: String?
    var sort = Sort.rank

    init(text: String? = nil, level: String? = nil, flag: String? = nil, sort: Sort = .rank) {
        self.text = text
        self.level = level
        self.flag = flag
        self.sort = sort
    }

    init(parameters: (String) -> String?) {
        text = parameters("q").flatMap { $0.isEmpty ? nil : $0 }
        level = parameters("level").flatMap { $0.isEmpty ? nil : $0 }
        flag = parameters("flag").flatMap { $0.isEmpty ? nil : $0 }
        sort = parameters("sort").flatMap(Sort.init(rawValue:)) ?? .rank
    }

    /// Ranked rows (rank and percentile over the whole job), then filtered and sorted.
    /// `reviews`: the reports people rated, with their blend.
    func rows(_ reports: [ReportSummary], reviews: [ReportID: Review] = [:]) -> [CandidateRow] {
        var rows = CandidateRanking.rank(reports.map(\.overall.score)).map { entry -> CandidateRow in
            let summary = reports[entry.index]
            let review = reviews[summary.id]
            var flags: [String] = []
            if summary.overall.score == nil { flags.append("insufficient-evidence") }
            if summary.warnings > 0 { flags.append("recording-warnings") }
            if review?.gap == true { flags.append("ai-hr-gap") }
            return CandidateRow(rank: entry.rank, report: summary.id, candidate: summary.candidate, file: summary.file,
                                score: summary.overall.score, matchPercent: summary.overall.matchPercent,
                                percentile: entry.percentile, level: summary.overall.level,
                                levelZh: summary.overall.levelZh, hr: review?.overall.hr,
                                blended: review?.overall.blended ?? summary.overall.score, flags: flags,
                                warnings: summary.warnings, createdAt: summary.createdAt, url: "/reports/\(summary.id)")
        }
        if let text = text?.lowercased() {
            rows = rows.filter { ($0.candidate ?? "").lowercased().contains(text) || $0.file.lowercased().contains(text) }
        }
        if let level = level?.lowercased() {
            rows = rows.filter { $0.level.lowercased() == level || $0.levelZh == level }
        }
        if let flag { rows = rows.filter { $0.flags.contains(flag) } }
        switch sort {
        case .rank: break
        case .blended: rows.sort { ($0.blended ?? -1) > ($1.blended ?? -1) }
        case .match: rows.sort { ($0.matchPercent ?? -1) > ($1.matchPercent ?? -1) }
        case .name: rows.sort { ($0.candidate ?? $0.file).lowercased() < ($1.candidate ?? $1.file).lowercased() }
        case .date: rows.sort { $0.createdAt > $1.createdAt }
        }
        return rows
    }
}

/// The jobs page and the candidates page of one job.
struct JobsPages {
    let language: UILanguage

    private func t(_ en: String, _ zh: String) -> String { language == .zh ? zh : en }
    private var langQuery: String { language == .zh ? "lang=zh" : "" }
    /// In the percentile column when the job has fewer than five scored candidates.
    private var tooFew: String {
        "<span class=\"muted\" title=\"\(t("percentiles need at least \(CandidateRanking.minimumPopulation) scored candidates", "至少 \(CandidateRanking.minimumPopulation) 位已评分候选人才计算百分位"))\">"
            + "\(t("too few to rank", "人数太少"))</span>"
    }

    func jobs(_ jobs: [JobOverview], unassigned: Int) -> String {
        let e = HTML.escape
        var html = "<section><h1>\(t("Jobs", "岗位"))</h1>"
        if jobs.isEmpty {
            html += "<p class=\"muted\">\(t("No competency models in the models folder.", "模型目录中没有岗位模型。"))</p>"
        } else {
            html += "<table><tr><th>\(t("Job", "岗位"))</th><th>\(t("New", "待分析"))</th>"
                + "<th>\(t("Analysed", "已分析"))</th><th>\(t("Failed", "失败"))</th>"
                + "<th>\(t("Median score", "得分中位数"))</th><th>\(t("Score distribution (0–100)", "得分分布（0–100）"))</th></tr>"
            for job in jobs {
                let title = language == .zh ? (job.titleZh ?? job.title) : job.title
                let unscored = job.unscored > 0
                    ? "<br><span class=\"muted\">\(job.unscored) \(t("without a score", "人无得分"))</span>" : ""
                html += "<tr><td><a href=\"/jobs/\(e(job.id))\(langQuery.isEmpty ? "" : "?" + langQuery)\">"
                    + "\(e(title))</a><br><span class=\"muted\">\(e(job.id)) v\(job.version)</span></td>"
                    + "<td>\(job.queued)</td><td>\(job.analysed)\(unscored)</td>"
                    + "<td>\(job.failed > 0 ? "<span class=\"failed\">\(job.failed)</span>" : "0")</td>"
                    + "<td>\(fixed(job.medianScore))</td><td>\(Self.histogram(job.distribution, label: title))</td></tr>"
            }
            html += "</table>"
        }
        if unassigned > 0 {
            html += "<p class=\"muted\">\(unassigned) " + t("recording(s) in the queue name their job in their metadata; they are counted once analysed.",
                                                            "个排队中的录像在元数据中指定岗位，分析后计入。") + "</p>"
        }
        return html + "</section>"
    }

    func candidates(_ job: JobOverview, rows: [CandidateRow], query: CandidateQuery, total: Int) -> String {
        let e = HTML.escape
        let title = language == .zh ? (job.titleZh ?? job.title) : job.title
        var html = "<section><h1>\(e(title))</h1><p class=\"muted\">\(e(job.id)) v\(job.version) · "
            + "\(total) \(t("candidate(s)", "位候选人"))</p>"
        // Filter and sort: a plain GET form, so the address says what is shown and can be shared.
        html += "<form method=\"get\" action=\"/jobs/\(e(job.id))\">"
            + (language == .zh ? "<input type=\"hidden\" name=\"lang\" value=\"zh\">" : "")
            + "<input name=\"q\" placeholder=\"\(t("Name or file", "姓名或文件"))\" value=\"\(e(query.text ?? ""))\"> "
            + select("level", [("", t("Any level", "全部等级")), ("excellent", t("Excellent", "优秀")),
                               ("good", t("Good", "良好")), ("fair", t("Fair", "一般")), ("poor", t("Poor", "不合格"))],
                     selected: query.level ?? "")
            + select("flag", [("", t("Any flag", "全部标记")),
                              ("insufficient-evidence", t("Insufficient evidence", "证据不足")),
                              ("recording-warnings", t("Recording warnings", "录像提示")),
                              ("ai-hr-gap", t("AI–HR gap", "AI 与人工差异大"))], selected: query.flag ?? "")
            + select("sort", [("rank", t("By score", "按得分")), ("blended", t("By blended score", "按加权得分")),
                              ("match", t("By match", "按匹配度")),
                              ("name", t("By name", "按姓名")), ("date", t("Newest first", "最新优先"))],
                     selected: query.sort.rawValue)
            + " <button>\(t("Show", "筛选"))</button> <a href=\"/jobs/\(e(job.id))/candidates.csv?\(e(csvQuery(query)))\">"
            + "\(t("Export CSV", "导出 CSV"))</a> · <a href=\"/jobs/\(e(job.id))/agreement"
            + "\(langQuery.isEmpty ? "" : "?" + langQuery)\">\(t("AI–human agreement", "AI 与人工一致性"))</a></form>"
        if rows.isEmpty {
            return html + "<p class=\"muted\">\(t("No candidates match.", "没有符合条件的候选人。"))</p></section>"
        }
        html += "<table><tr><th>#</th><th>\(t("Candidate / file", "候选人 / 文件"))</th><th>\(t("Score", "得分"))</th>"
            + "<th>\(t("HR", "人工"))</th><th>\(t("Blended", "加权得分"))</th>"
            + "<th>\(t("Match", "匹配度"))</th><th>\(t("Percentile", "百分位"))</th><th>\(t("Level", "等级"))</th>"
            + "<th>\(t("Flags", "标记"))</th></tr>"
        for row in rows {
            let flags = row.flags.map { flag -> String in
                switch flag {
                case "insufficient-evidence": return "<span class=\"pill\">\(t("insufficient evidence", "证据不足"))</span>"
                case "ai-hr-gap": return "<span class=\"pill warn\">\(t("AI–HR gap", "AI 与人工差异大"))</span>"
                default: return "<span class=\"pill warn\">\(row.warnings) \(t("recording warning(s)", "条录像提示"))</span>"
                }
            }.joined(separator: " ")
            html += "<tr><td>\(row.rank.map(String.init) ?? "–")</td>"
                + "<td><a href=\"\(row.url)\(langQuery.isEmpty ? "" : "?" + langQuery)\">\(e(row.candidate ?? row.file))</a>"
                + "<br><span class=\"muted\">\(e(row.file))</span></td><td>\(fixed(row.score))</td>"
                + "<td>\(fixed(row.hr))</td><td>\(row.hr == nil ? "–" : fixed(row.blended))</td>"
                + "<td>\(row.matchPercent.map { fixed($0) + "%" } ?? "–")</td>"
                + "<td>\(row.percentile.map { fixed($0) } ?? (row.score == nil ? "–" : tooFew))</td>"
                + "<td>\(e(language == .zh ? row.levelZh : row.level))</td><td>\(flags)</td></tr>"
        }
        return html + "</table></section>"
    }

    /// Upload a recording (with its transcript and metadata, or just the candidate's name) into the job's inbox.
    func uploadForm(job: String, csrf: String, uploads: UploadSettings, uploaded: String?) -> String {
        let e = HTML.escape
        var query = URLComponents()
        query.queryItems = [URLQueryItem(name: "csrf", value: csrf)]
            + (language == .zh ? [URLQueryItem(name: "lang", value: "zh")] : [])
        let accept = uploads.recordingExtensions.sorted().map { "." + $0 }.joined(separator: ",")
        var html = "<section id=\"upload\"><h2>\(t("Upload an interview", "上传面试录像"))</h2>"
        if let uploaded {
            html += "<p class=\"pill\">\(t("Received", "已收到")) \(e(uploaded)). "
                + t("It is listed here once analysed.", "分析完成后将显示在此处。") + "</p>"
        }
        let action = "/jobs/\(e(job))/upload?\(e(query.percentEncodedQuery ?? ""))"
        html += "<form method=\"post\" enctype=\"multipart/form-data\" action=\"\(action)\"><table>"
        html += "<tr><td>\(t("Recording", "录像"))</td><td><input type=\"file\" name=\"recording\" required "
        html += "accept=\"\(e(accept))\"></td></tr>"
        html += "<tr><td>\(t("Candidate", "候选人"))</td><td><input name=\"candidate\" maxlength=\"200\"> "
        html += "<select name=\"language\"><option value=\"en\">English</option>"
        html += "<option value=\"zh\">中文</option></select></td></tr>"
        html += "<tr><td>\(t("Transcript (optional)", "文字稿（可选）"))</td>"
        html += "<td><input type=\"file\" name=\"transcript\" accept=\".vtt,.srt\"></td></tr>"
        html += "<tr><td>\(t("Metadata (optional)", "元数据（可选）"))</td>"
        html += "<td><input type=\"file\" name=\"metadata\" accept=\".json,.yaml,.yml\"></td></tr></table>"
        html += "<button>\(t("Upload", "上传"))</button> <span class=\"muted\">"
        html += t("Up to", "最大") + " \(uploads.maxBytes >> 20) MiB</span></form></section>"
        return html
    }

    static func csv(_ rows: [CandidateRow]) -> String {
        var table = [["rank", "report", "candidate", "file", "score", "hr", "blended", "match %", "percentile", "level",
                      "flags", "warnings", "analysed at"]]
        let formatter = ISO8601DateFormatter()
        for row in rows {
            table.append([row.rank.map(String.init) ?? "", String(row.report), row.candidate ?? "", row.file,
                          row.score.map { fixed($0) } ?? "", row.hr.map { fixed($0) } ?? "",
                          row.hr == nil ? "" : row.blended.map { fixed($0) } ?? "", row.matchPercent.map { fixed($0) } ?? "",
                          row.percentile.map { fixed($0) } ?? "", row.level, row.flags.joined(separator: " "),
                          String(row.warnings), formatter.string(from: row.createdAt)])
        }
        // With a byte-order mark, so that Excel reads the file as UTF-8 (王芳, not mojibake).
        return "\u{FEFF}" + CSV.table(table)
    }

    /// Scores of one job in ten bars (inline SVG, drawn on the server; no script).
    static func histogram(_ counts: [Int], label: String) -> String {
        // Ten bars of 10 points each, the count over each bar, the score scale under them.
        let peak = max(1, counts.max() ?? 1)
        let width = 10 * 16, top = 12, height = 40, bottom = height + top
        var bars = ""
        for (index, count) in counts.enumerated() {
            let barHeight = count == 0 ? 0 : max(2, count * (height - 2) / peak)
            bars += "<rect x=\"\(index * 16 + 1)\" y=\"\(bottom - barHeight)\" width=\"14\" height=\"\(barHeight)\" "
                + "fill=\"#2563eb\"><title>\(index * 10)–\(index * 10 + 10): \(count)</title></rect>"
            if count > 0 {
                bars += "<text x=\"\(index * 16 + 8)\" y=\"\(bottom - barHeight - 2)\" font-size=\"9\" "
                    + "text-anchor=\"middle\" fill=\"#344054\">\(count)</text>"
            }
        }
        let scale = [(0, "start"), (50, "middle"), (100, "end")].map { value, anchor in
            "<text x=\"\(value * width / 100)\" y=\"\(bottom + 10)\" font-size=\"9\" text-anchor=\"\(anchor)\" "
                + "fill=\"#667085\">\(value)</text>"
        }.joined()
        return "<svg role=\"img\" aria-label=\"\(HTML.escape(label))\" width=\"\(width)\" height=\"\(bottom + 12)\" "
            + "viewBox=\"0 0 \(width) \(bottom + 12)\" xmlns=\"http://www.w3.org/2000/svg\" font-family=\"system-ui,sans-serif\">"
            + "<line x1=\"0\" y1=\"\(bottom)\" x2=\"\(width)\" y2=\"\(bottom)\" stroke=\"#98a2b3\"/>\(bars)\(scale)</svg>"
    }

    private func select(_ name: String, _ options: [(String, String)], selected: String) -> String {
        "<select name=\"\(name)\">" + options.map { value, label in
            "<option value=\"\(HTML.escape(value))\"\(value == selected ? " selected" : "")>\(HTML.escape(label))</option>"
        }.joined() + "</select> "
    }

    private func csvQuery(_ query: CandidateQuery) -> String {
        var items = URLComponents()
        items.queryItems = [("q", query.text), ("level", query.level), ("flag", query.flag),
                            ("sort", query.sort.rawValue)].compactMap { name, value in
            value.map { URLQueryItem(name: name, value: $0) }
        }
        return items.percentEncodedQuery ?? ""
    }
}
