import DebriefModel

/// The development feedback a candidate may read and print: what came across well (with their own words), what to
/// work on (the model's behavioural indicators they did not show, the parts of STAR they left out, filler words), in
/// the candidate's language. It holds no score, level, rank, recommendation or anything about other candidates.
public struct FeedbackRenderer: Sendable {
    public let language: UILanguage

    public init(language: UILanguage) { self.language = language }

    /// The language of a candidate's feedback: asked for (`?lang=`), else the language they spoke.
    public static func language(for report: Report, asked: String?) -> UILanguage {
        if let asked, let language = UILanguage(rawValue: asked.lowercased()) { return language }
        return report.transcript.language == .zh ? .zh : .en
    }

    private func t(_ en: String, _ zh: String) -> String { language == .zh ? zh : en }
    private func e(_ text: String) -> String { HTML.escape(text) }
    private func name(_ competency: CompetencyScore) -> String {
        e(language == .zh ? (competency.nameZh ?? competency.name) : competency.name)
    }

    public func html(_ report: Report, model: CompetencyModel?, account: HTML.Account?) -> String {
        HTML.page(title: t("Interview feedback", "面试反馈"), body: body(report, model: model), language: language,
                  account: account)
    }

    public func body(_ report: Report, model: CompetencyModel?) -> String {
        let title = language == .zh ? (model?.titleZh ?? report.model.title) : (model?.title ?? report.model.title)
        var html = "<section><h1>\(t("Your interview feedback", "您的面试反馈"))</h1>"
            + "<p>\(e(report.candidate ?? ""))\(report.candidate == nil ? "" : " · ")\(e(title))</p>"
            + "<p class=\"muted\">" + t("Thank you for interviewing with us. This feedback comes from what you said in "
                + "the interview and is meant to help you prepare for the next one. It is not a decision and does "
                + "not compare you with anyone.",
                "感谢您参加面试。本反馈基于您在面试中的回答，旨在帮助您准备下一次面试；它不是录用结论，也不与其他候选人比较。")
            + "</p><p class=\"noprint\"><button onclick=\"window.print()\">\(t("Print", "打印"))</button></p></section>"
        let scored = report.competencies.filter { $0.score != nil }
        guard !report.competencies.isEmpty, !scored.isEmpty || !report.answers.isEmpty else {
            return html + "<section><p>" + t("The interview gave too little to go on for written feedback: the "
                + "recording had no transcript we could read. Please ask your contact for feedback in person.",
                "本次面试没有可读取的文字内容，无法生成书面反馈，请向联系人当面了解反馈。") + "</p></section>"
        }
        let strong = scored.filter { $0.score! >= 60 && !$0.evidence.isEmpty }.sorted { $0.score! > $1.score! }.prefix(3)
        let strongIDs = Set(strong.map(\.id))
        let work = report.competencies.filter { !strongIDs.contains($0.id) }
            .sorted { ($0.score ?? -1) < ($1.score ?? -1) }.prefix(3)

        html += "<section><h2>\(t("What came across well", "表现较好的方面"))</h2>"
        if strong.isEmpty {
            html += "<p>" + t("No area stood out clearly yet; the suggestions below show where concrete examples help most.",
                              "暂时没有特别突出的方面；下面的建议说明具体例子在哪些方面最有帮助。") + "</p>"
        } else {
            html += "<ul>"
            var quoted = Set<String>()
            for competency in strong {
                html += "<li><strong>\(name(competency))</strong>"
                // Its best-weighted quote not already shown for another strength.
                let fresh = competency.evidence.filter { !quoted.contains($0.quote) }
                if let quote = fresh.max(by: { ($0.weight ?? 0) < ($1.weight ?? 0) }) {
                    quoted.insert(quote.quote)
                    html += ": " + t("for example, you said", "例如您说：")
                        + " <blockquote>“\(e(quote.quote))” <span class=\"muted\">\(clock(quote.start))</span></blockquote>"
                }
                let shown = indicators(of: competency, model: model, shown: true)
                if !shown.isEmpty {
                    html += "<span class=\"muted\">\(t("You showed: ", "体现了："))</span>\(shown)"
                }
                html += "</li>"
            }
            html += "</ul>"
        }
        html += "</section><section><h2>\(t("What to work on", "可以加强的方面"))</h2><ul>"
        for competency in work {
            let missing = indicators(of: competency, model: model, shown: false)
            let said = competency.evidence.isEmpty && (competency.mentions ?? []).isEmpty
                ? t("We heard little about this in your answers.", "您的回答中较少涉及这一点。")
                : t("You touched on this; a fuller example would show it more clearly.", "您提到了这一点，更完整的例子会更有说服力。")
            html += "<li><strong>\(name(competency))</strong>: \(said) "
            if !missing.isEmpty {
                html += t("Next time, tell a real example that shows", "下次可以讲一个真实经历，体现") + " " + missing
                    + t(".", "。")
            } else {
                html += t("Next time, bring one concrete example of it from your own work.", "下次可以用一个自己工作中的具体例子来说明。")
            }
            html += "</li>"
        }
        html += "</ul>" + structureAdvice(report) + "</section>"
        return html
    }

    /// The model's behavioural indicators of a competency that the answers showed (or did not), joined for a
    /// sentence; empty when the model lists none.
    private func indicators(of competency: CompetencyScore, model: CompetencyModel?, shown: Bool) -> String {
        guard let dimension = model?.dimensions.first(where: { $0.id == competency.id }) else { return "" }
        let seen = Set(competency.indicatorsShown ?? [])
        let names = dimension.indicators.filter { seen.contains($0.id) == shown }.prefix(3).map { indicator in
            e(language == .zh ? (indicator.nameZh ?? indicator.name) : indicator.name.lowercased())
        }
        return language == .zh ? names.joined(separator: "、")
            : names.map { "“\($0)”" }.joined(separator: ", ")
    }

    /// How the answers were built: the STAR parts most often left out, whose work they told, filler words.
    private func structureAdvice(_ report: Report) -> String {
        let stars = report.answers.compactMap(\.star).filter { !$0.hypothetical }
        var advice: [String] = []
        if !stars.isEmpty {
            let missing: [(Int, String)] = [
                (stars.filter { !$0.situation.present }.count,
                 t("set the scene briefly — where, when, and what was at stake", "先简要交代背景：时间、地点和当时面临的问题")),
                (stars.filter { !$0.task.present }.count,
                 t("say what you yourself were responsible for", "说明您本人承担的任务或目标")),
                (stars.filter { !$0.action.present }.count,
                 t("walk through the steps you took", "具体讲出您采取的行动步骤")),
                (stars.filter { !$0.result.present }.count,
                 t("close each example with its outcome", "每个例子都以结果收尾")),
            ]
            for (count, text) in missing.filter({ $0.0 > 0 }).sorted(by: { $0.0 > $1.0 }).prefix(2) {
                advice.append(text + " (" + (language == .zh ? "\(stars.count) 个回答中有 \(count) 个缺少"
                                                               : "missing in \(count) of \(stars.count) answers") + ")")
            }
            let results = stars.filter(\.result.present)
            if !results.isEmpty, results.allSatisfy({ !$0.resultQuantified }) {
                advice.append(t("put a number on your results where you can (time saved, percent, customers)",
                                "尽量用数字说明结果（节省的时间、百分比、客户数量等）"))
            }
            let shares = stars.compactMap(\.iShare)
            if !shares.isEmpty, shares.reduce(0, +) / Double(shares.count) < 0.4 {
                advice.append(t("say “I” for what you did yourself; “we” hides your part",
                                "讲清“我”做了什么，“我们”会掩盖您本人的贡献"))
            }
        }
        let fluency = report.answers.compactMap(\.fluency)
        let words = report.answers.reduce(0) { $0 + $1.wordCount }
        let fillers = fluency.reduce(0) { $0 + $1.fillers }
        if words >= 50, Double(fillers) / Double(words) * 100 > 4 {
            let top = Dictionary(fluency.flatMap { $0.fillerCounts.map { ($0.key, $0.value) } }, uniquingKeysWith: +)
                .sorted { $0.value > $1.value }.prefix(2).map { "“\(e($0.key))”" }.joined(separator: ", ")
            advice.append(t("pause instead of filler words", "用短暂停顿代替口头禅") + (top.isEmpty ? "" : " (\(top))"))
        }
        guard !advice.isEmpty else { return "" }
        return "<h3>\(t("How you told your examples", "讲述例子的方式"))</h3><p class=\"muted\">"
            + t("A clear example has a situation, your task, your actions and the result (STAR).",
                "清晰的例子包括背景、任务、行动和结果（STAR）。")
            + "</p><ul>" + advice.map { "<li>\($0.prefix(1).uppercased() + $0.dropFirst())</li>" }.joined() + "</ul>"
    }
}
