import DebriefModel

/// Renders a report for people: an HTML page (escaped throughout) and a short text summary.
public struct ReportRenderer: Sendable {
    public let language: UILanguage
    /// Where the page can play the recording from (the server streams it with Range support); with it, every
    /// evidence time is a link that plays that moment.
    public let media: String?
    /// The job's ideal score per competency id (0–100), drawn against the candidate's profile.
    public let ideal: [String: Double]

    public init(language: UILanguage = .en, media: String? = nil, ideal: [String: Double] = [:]) {
        self.language = language
        self.media = media
        self.ideal = ideal
    }

    /// A time range of the recording: a link that plays it when the page has a player, else plain text.
    private func moment(_ start: Double, _ end: Double? = nil) -> String {
        let label = clock(start) + (end.map { "–" + clock($0) } ?? "")
        guard media != nil else { return "<span class=\"muted\">\(label)</span>" }
        return "<a class=\"seek\" href=\"#t=\(fixed(start, 2))\" data-t=\"\(fixed(start, 2))\" "
            + "title=\"\(t("play from here", "从此处播放"))\">\(label)</a>"
    }

    /// The player, pinned at the top while the page scrolls, and the few lines that make time links seek it.
    private func player(_ report: Report) -> String {
        guard let media else { return "" }
        let element = report.recording.video != nil ? "video" : "audio"
        return "<section class=\"player\"><\(element) id=\"player\" controls preload=\"metadata\" "
            + "src=\"\(HTML.escape(media))\"></\(element)><p class=\"muted\">"
            + t("Each time below plays that moment.", "点击下方任一时间即可播放该片段。") + "</p></section>"
    }

    private var seekScript: String {
        guard media != nil else { return "" }
        return """
            <script>document.addEventListener("click",function(e){var a=e.target.closest("a[data-t]");\
            var p=document.getElementById("player");if(!a||!p)return;e.preventDefault();\
            p.currentTime=parseFloat(a.dataset.t);p.play();});</script>
            """
    }

    private func t(_ en: String, _ zh: String) -> String { language == .zh ? zh : en }

    /// A text summary of a few lines, for terminals and logs.
    public func text(_ report: Report) -> String {
        var lines: [String] = []
        let who = report.candidate.map { "\($0) — " } ?? ""
        lines.append("\(who)\(report.recording.file) · \(report.model.title) v\(report.model.version)")
        let overall = report.overall
        lines.append("\(t("Overall", "总分")): \(fixed(overall.score)) · \(t("match", "匹配度")) \(fixed(overall.matchPercent))% · "
            + "\(language == .zh ? overall.levelZh : overall.level)")
        lines.append("\(t("Next step", "下一步")): "
            + (language == .zh ? (overall.recommendationZh ?? overall.recommendation) : overall.recommendation))
        for competency in report.competencies {
            let name = language == .zh ? (competency.nameZh ?? competency.name) : competency.name
            let score = competency.score.map { fixed($0) } ?? t("n/a", "无")
            // The keywords as written; an implied-phrase pattern shows as "implied", never as its syntax.
            let keywords = Set(competency.evidence.flatMap { keywordLabel($0.keyword).components(separatedBy: ", ") })
                .sorted()
            lines.append("  \(name): \(score)" + (keywords.isEmpty ? "" : "  [\(keywords.joined(separator: ", "))]")
                + (competency.shown == false ? "  (\(t("not shown", "未体现")))" : ""))
        }
        for answer in report.answers {
            if let reason = answer.insufficientEvidence, answer.star == nil {
                lines.append("  \(t("Answer", "回答")) \(answer.index + 1): "
                    + t(reason, "语音识别对该回答的大部分词语把握不足：其内容不计分"))
            }
            guard let star = answer.star else { continue }
            lines.append("  \(t("Answer", "回答")) \(answer.index + 1): STAR \(starMarks(star)) · \(t("structure", "结构")) \(star.score)"
                + (star.resultQuantified ? " · \(t("quantified result", "结果量化"))" : "")
                + (star.hypothetical ? " · \(t("hypothetical", "假设性回答"))" : "")
                + (answer.keywordStuffed == true ? " · \(t("keyword stuffing", "堆砌关键词"))" : "")
                + (answer.fluency.map { " · \(t("fillers", "口头语")) \($0.fillers)" } ?? ""))
        }
        if let prosody = report.prosody {
            lines.append("\(t("Voice", "语音")): \(t("speech", "说话占比")) \(fixed(prosody.speechRatio * 100, 0))%, "
                + "\(t("pauses", "停顿")) \(prosody.pauses.count), F0 \(fixed(prosody.f0MedianHz, 0)) Hz")
        }
        if let visual = report.visual {
            lines.append("\(t("Picture", "画面")): \(visual.framesAnalysed) \(t("frames", "帧")), "
                + "\(t("brightness", "亮度")) \(fixed(visual.brightnessMean * 100, 0))%, "
                + "\(t("motion", "运动")) \(fixed(visual.motionIndex * 100, 1))%")
        }
        lines.append("\(t("Transcript", "文字稿")): \(report.transcript.source.rawValue), "
            + "\(report.transcript.wordCount) \(t("words", "词")), \(report.transcript.language.rawValue)")
        if let speakers = report.transcript.speakers, speakers.count > 1 {
            lines.append("\(t("Speakers", "发言人")): " + speakers.map {
                "\($0.label) (\(roleName($0.role)), \(fixed($0.share * 100, 0))%)"
            }.joined(separator: ", "))
        }
        for warning in report.warnings { lines.append("! \(warning)") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The report as a standalone HTML page.
    /// `review`: markup the web app places after the competencies (the HR ratings, the blend and the form).
    public func html(_ report: Report, account: HTML.Account? = nil, review: String = "") -> String {
        page(report, body: body(report, review: review), account: account)
    }

    /// A body made by `body(_:review:)` framed as the report's page.
    public func page(_ report: Report, body: String, account: HTML.Account?) -> String {
        HTML.page(title: "Debrief · \(report.candidate ?? report.recording.file)", body: body, language: language,
                  account: account)
    }

    /// The body split where `review` would go, for a cache that keeps the report's part and adds a fresh review.
    public func bodyParts(_ report: Report) -> (String, String) {
        let marker = "\u{0}review\u{0}"
        let whole = body(report, review: marker)
        guard let range = whole.range(of: marker) else { return (whole, "") }
        return (String(whole[..<range.lowerBound]), String(whole[range.upperBound...]))
    }

    /// The report's HTML body (without the page frame), for embedding.
    public func body(_ report: Report, review: String = "") -> String {
        let e = HTML.escape
        var html = ""
        let overall = report.overall
        let level = language == .zh ? overall.levelZh : overall.level
        let modelTitle = language == .zh ? (report.model.titleZh ?? report.model.title) : report.model.title
        html += "<section><h1>\(e(report.candidate ?? report.recording.file))</h1>"
        html += "<p class=\"muted\">\(e(report.recording.file)) · \(e(modelTitle)) v\(report.model.version) · "
            + "\(t("duration", "时长")) \(clock(report.recording.durationSeconds ?? 0))</p>"
        html += "<p><span class=\"score\">\(fixed(overall.score))</span> / 100 &nbsp; <span class=\"pill\">\(e(level))</span>"
            + " &nbsp; \(t("match", "匹配度")) \(fixed(overall.matchPercent))%</p>"
        let nextStep = language == .zh ? (overall.recommendationZh ?? overall.recommendation) : overall.recommendation
        html += "<p><strong>\(t("Next step", "下一步")):</strong> \(e(nextStep))</p>"
        if let basis = overall.basis {
            let minutes = basis.minutes.map { t(", \(fixed($0, 1)) min", "、\(fixed($0, 1)) 分钟") } ?? ""
            html += "<p class=\"basis\">" + t("This verdict rests on \(basis.answers) answer(s), \(basis.words) words"
                + "\(minutes) and \(basis.competenciesShown) of \(basis.competencies) competencies shown in the answers.",
                "此结论依据 \(basis.answers) 个回答、\(basis.words) 词\(minutes)，\(basis.competencies) 项能力中有 "
                + "\(basis.competenciesShown) 项在回答中有实证。")
                + (basis.sufficient ? "" : " " + t("The score is shown for reference only.", "分数仅供参考。")) + "</p>"
        }
        html += strengthsAndGaps(report)
        var placing: [String] = []
        if let percentile = overall.percentile, let population = overall.percentilePopulation {
            placing.append(language == .zh
                ? "高于同岗位其他 \(population) 位候选人中的 \(fixed(percentile, 0))%"
                : "Scored higher than \(fixed(percentile, 0)) % of the \(population) other candidate(s) for this job")
        }
        if let band = language == .zh ? (overall.salaryBandZh ?? overall.salaryBand) : overall.salaryBand {
            placing.append("\(t("Salary band", "薪资档位")): \(e(band))")
        }
        if !placing.isEmpty { html += "<p>\(placing.joined(separator: " · "))</p>" }
        if report.transcript.source == .asr {
            let share = fixed((report.transcript.lowConfidenceShare ?? 0) * 100, 0)
            let stretches = (report.transcript.lowConfidence ?? []).prefix(5)
                .map { "\(clock($0.start))–\(clock($0.end))" }.joined(separator: ", ")
            html += "<p class=\"muted\">\(t("Transcript by speech recognition", "文字稿由语音识别生成")) "
                + "(\(e(report.transcript.recognizer ?? ""))): \(share) % \(t("of words uncertain", "的词置信度低"))"
                + (stretches.isEmpty ? "" : " — \(t("check", "请核对")) \(stretches)") + "</p>"
        }
        html += "<p class=\"muted\">\(t("Content scores rest on", "内容评分依据")) \(overall.dimensionsScored) "
            + "\(t("competencies. Voice and picture descriptors carry no weight.", "项能力；语音与画面描述不计入评分。"))</p></section>"
        html += player(report)

        if !report.warnings.isEmpty {
            html += "<section><h2>\(t("Warnings", "提示"))</h2><ul>"
            for warning in report.warnings { html += "<li class=\"warn\">\(e(warning))</li>" }
            html += "</ul></section>"
        }

        html += "<section><h2>\(t("Competencies", "能力评估"))</h2>" + profileChart(report) + "<table>"
        html += "<tr><th>\(t("Competency", "能力"))</th><th>\(t("Weight", "权重"))</th><th>\(t("Score", "得分"))</th>"
            + "<th>\(t("Evidence", "证据"))</th></tr>"
        for competency in report.competencies {
            let name = language == .zh ? (competency.nameZh ?? competency.name) : competency.name
            html += "<tr><td>\(e(name))</td><td>\(fixed(competency.weight * 100, 0))%</td><td>"
            if let score = competency.score {
                html += "\(fixed(score)) <span class=\"bar\"><span style=\"width:\(fixed(score, 0))%\"></span></span>"
            } else {
                html += "<span class=\"muted\">\(t("not scored", "未评分")): \(e(competency.insufficientEvidence ?? ""))</span>"
            }
            if let contributions = competency.contributions?.filter({ $0.points != 0 }), !contributions.isEmpty {
                let parts = contributions.prefix(3).map { part in
                    let label = language == .zh ? part.labelZh : part.label
                    return "\(e(label)) \(part.points >= 0 ? "+" : "−")\(fixed(abs(part.points)))"
                }
                html += "<br><span class=\"muted\">\(t("made of", "构成")): \(parts.joined(separator: ", "))</span>"
            }
            if let shown = competency.shown {
                html += "<br><span class=\"muted\">" + (shown
                    ? "\(t("shown", "已体现"))\(t(", ", "，"))\(t("strength", "证据强度")) \(fixed(competency.strength ?? 0, 2))"
                    : t("not shown: mentioned at most, nothing counted", "未体现：至多提及，不计入")) + "</span>"
            }
            html += "</td><td>"
            for item in competency.evidence {
                html += "<blockquote>“\(e(item.quote))” <span class=\"muted\">[\(e(keywordLabel(item.keyword)))]</span> "
                    + "\(moment(item.start, item.end))</blockquote>"
            }
            for item in competency.negatedEvidence {
                html += "<blockquote class=\"neg\">\(t("Not counted (negated)", "不计入（否定）")): “\(e(item.quote))” "
                    + "\(moment(item.start, item.end))</blockquote>"
            }
            for item in competency.mentions ?? [] {
                html += "<blockquote class=\"mention\">\(t("Mentioned, not counted", "提及，不计入")): “\(e(item.quote))” "
                    + "\(moment(item.start, item.end))</blockquote>"
            }
            if competency.evidence.isEmpty && competency.negatedEvidence.isEmpty && (competency.mentions ?? []).isEmpty {
                html += "<span class=\"muted\">\(t("no evidence found", "未发现证据"))</span>"
            }
            html += "</td></tr>"
        }
        html += "</table></section>"

        html += review
        html += resumeSection(report)
        html += answersSection(report)
        html += "<section><h2>\(t("Delivery descriptors (not scored)", "表达描述（不计分）"))</h2>" + voiceChart(report) + "<table>"
        if let p = report.prosody {
            html += row(t("Speech share of recording", "说话时长占比"), "\(fixed(p.speechRatio * 100, 0)) %",
                        t("typical 60–90 %", "常见 60–90 %"))
            html += row(t("Pauses ≥ 0.25 s", "停顿（≥0.25 秒）"),
                        "\(p.pauses.count) (\(fixed(p.pauses.perMinute)) / min), \(t("longest", "最长")) "
                            + "\(fixed(p.pauses.longestSeconds, 2)) s", t("typical 5–25 / min", "常见每分钟 5–25 次"))
            html += row(t("Median pitch (F0)", "基频中位数"), "\(fixed(p.f0MedianHz, 0)) Hz",
                        t("typical 85–180 Hz (low voices), 165–255 Hz (high voices)", "常见 85–180 Hz（低音）/ 165–255 Hz（高音）"))
            html += row(t("Pitch variation", "音高变化"), "\(fixed(p.f0SdSemitones)) \(t("semitones (SD)", "半音（标准差）"))",
                        t("typical 2–4; below 1.5 sounds monotone", "常见 2–4；低于 1.5 显得单调"))
            html += row(t("Voiced frames", "浊音帧占比"), "\(fixed(p.voicedFraction * 100, 0)) %", "")
            html += row(t("Loudness (mean)", "平均强度"), "\(fixed(p.intensityMeanDb)) dB", "")
            html += row(t("Speech rate", "语速"), "\(fixed(p.speechRate, 2)) \(t("syllables/s", "音节/秒"))",
                        t("conversational 3–5.5", "日常对话 3–5.5"))
            html += row(t("Articulation rate", "发音速率"), "\(fixed(p.articulationRate, 2)) \(t("syllables/s of speech", "音节/秒（说话时）"))", "")
            html += row(t("Jitter (local)", "基频微扰（jitter）"), "\(fixed(p.jitterLocal.map { $0 * 100 }, 2)) %",
                        t("Praat's definition; typical voices below 1 %", "按 Praat 定义；常见低于 1 %"))
            html += row(t("Shimmer (local)", "振幅微扰（shimmer）"), "\(fixed(p.shimmerLocal.map { $0 * 100 }, 1)) %",
                        t("Praat's definition; typical voices below 4 %", "按 Praat 定义；常见低于 4 %"))
        } else {
            html += row(t("Voice", "语音"), t("not measured", "未测量"), "")
        }
        if let v = report.visual {
            html += row(t("Frames analysed", "分析帧数"), "\(v.framesAnalysed) @ \(fixed(v.sampleRate)) / s", "")
            if let visible = v.faceVisibleRatio {
                html += row(t("Face visible", "人脸可见"), "\(fixed(visible * 100, 0)) %",
                            t("a usable recording shows the face most of the time", "可用录像中人脸应大部分时间可见"))
                html += row(t("Face centred", "人脸居中"), "\(fixed((v.faceCentredRatio ?? 0) * 100, 0)) %", "")
                html += row(t("Face size (median height)", "人脸大小（高度中位数）"),
                            "\(fixed(v.medianFaceHeightRatio.map { $0 * 100 }, 0)) %",
                            t("head-and-shoulders framing 20–45 %", "头肩构图 20–45 %"))
                html += row(t("Head movement", "头部移动"), "\(fixed(v.headMovement, 2)) \(t("face heights per sample", "个脸高/采样"))", "")
                if let gaze = v.gazeProxyRatio {
                    html += row(t("Facing the camera (both eyes found)", "面向镜头（检测到双眼）"), "\(fixed(gaze * 100, 0)) %",
                                t("a camera-facing proxy, not a measure of attention", "仅为面向镜头的近似，不代表专注度"))
                }
                if let smiles = v.smileRatio {
                    html += row(t("Smiling frames", "微笑帧占比"), "\(fixed(smiles * 100, 0)) %, "
                                + "\(fixed(v.smileEpisodesPerMinute, 1)) \(t("episodes/min", "次/分钟"))",
                                t("a descriptor only: never scored", "仅作描述，不计分"))
                }
            }
            let lighting = [("good", "良好"), ("too dark", "过暗"), ("too bright", "过亮"), ("flat", "对比度过低")]
                .first { $0.0 == v.lighting }.map { t($0.0, $0.1) } ?? v.lighting
            html += row(t("Lighting", "光线"), e(lighting), "")
            html += row(t("Brightness", "亮度"), "\(fixed(v.brightnessMean * 100, 0)) %", t("well lit 35–70 %", "光线良好 35–70 %"))
            html += row(t("Contrast", "对比度"), "\(fixed(v.contrastMean * 100, 0)) %", "")
            html += row(t("Sharpness (Laplacian variance)", "清晰度（拉普拉斯方差）"), fixed(v.sharpnessMean, 0),
                        t("below 20 looks blurred", "低于 20 显得模糊"))
            html += row(t("Frozen picture", "画面静止"), "\(fixed(v.frozenRatio * 100, 0)) %, \(t("longest", "最长")) "
                        + "\(fixed(v.longestFrozenSeconds, 0)) s", "")
            html += row(t("Motion between samples", "帧间运动"), "\(fixed(v.motionIndex * 100, 1)) %",
                        t("still camera below 5 %", "固定机位低于 5 %"))
        } else {
            html += row(t("Picture", "画面"), t("not measured", "未测量"), "")
        }
        html += "</table></section>"

        html += "<section><h2>\(t("Transcript", "文字稿"))</h2><p class=\"muted\">\(t("source", "来源")): "
            + "\(sourceName(report.transcript.source)) · \(report.transcript.wordCount) \(t("words", "词")) · "
            + "\(languageName(report.transcript.language))"
            + (report.transcript.wordsPerMinute.map { " · \(fixed($0, 0)) \(t("words/min", "词/分钟"))" } ?? "") + "</p>"
        if report.transcript.cues.isEmpty {
            html += "<p class=\"muted\">\(t("no transcript: content not analysed", "无文字稿：未分析内容"))</p>"
        } else {
            html += speakers(report)
            let roles = Dictionary((report.transcript.speakers ?? []).map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            html += "<table>"
            for cue in report.transcript.cues {
                // In a conversation the interviewer's lines are set apart: only the candidate's words are analysed.
                if let id = cue.speaker, let speaker = roles[id] {
                    let apart = speaker.role != .candidate
                    html += "<tr\(apart ? " class=\"interviewer\"" : "")><td>\(moment(cue.start))</td>"
                        + "<td><b>\(e(speaker.label))</b>\(apart ? " <span class=\"muted\">(\(roleName(speaker.role)))</span>" : "")"
                        + "<br>\(e(cue.text))</td></tr>"
                } else {
                    html += "<tr><td>\(moment(cue.start))</td><td>\(e(cue.text))</td></tr>"
                }
            }
            html += "</table>"
        }
        html += "</section>"

        let r = report.recording
        // Technical facts for whoever needs them, folded away from the main flow.
        html += "<section><details><summary>\(t("Technical details of the recording", "录制文件技术信息"))</summary><table>"
        html += row(t("File", "文件"), e(r.file), "")
        html += row(t("Fingerprint (SHA-256)", "文件指纹（SHA-256）"), "<code>\(e(r.sha256))</code>", "")
        html += row(t("Format", "封装格式"), e(r.container ?? "–"),
                    fixed(Double(r.sizeBytes) / 1_048_576, 1) + " MB")
        if let a = r.audio { html += row(t("Audio", "音频"), e("\(a.codec), \(a.sampleRate) Hz, \(a.channels) ch"), "") }
        if let v = r.video {
            html += row(t("Video", "视频"), e("\(v.codec), \(v.width)×\(v.height), \(fixed(v.fps)) fps"), "")
        }
        html += row(t("Model", "模型"), e("\(report.model.id) v\(report.model.version)"),
                    e(t("pipeline", "分析流程") + " \(report.pipelineVersion), " + t("schema", "数据格式") + " \(report.schemaVersion)"))
        html += "</table></details></section>"
        return html + seekScript
    }

    private func roleName(_ role: SpeakerRole) -> String {
        switch role {
        case .candidate: t("candidate", "候选人")
        case .interviewer: t("interviewer", "面试官")
        case .other: t("other speaker", "其他发言人")
        }
    }

    /// Who spoke in a conversation, and how the candidate was told apart (descriptive: never part of the score).
    private func speakers(_ report: Report) -> String {
        guard let speakers = report.transcript.speakers, !speakers.isEmpty else { return "" }
        let e = HTML.escape
        let how: String
        switch report.transcript.candidateRoleBy {
        case "metadata": how = t("named in the metadata", "由元数据指定")
        case "labels": how = t("from the speaker labels", "根据发言人标签")
        case "corrected": how = t("corrected by HR", "由 HR 更正")
        default:
            how = t("inferred (who asks, who answers at length), confidence ", "推断（谁提问、谁长篇回答），置信度 ")
                + fixed((report.transcript.candidateRoleConfidence ?? 0) * 100, 0) + " %"
        }
        let method: String
        switch report.transcript.speakerMethod {
        case "channels": method = t("the recording's two channels, one voice each", "录音的两个声道（每个声道一人）")
        default: method = t("the transcript's speaker labels", "转写中的发言人标签")
        }
        var html = "<h3>\(t("Speakers", "发言人"))</h3><p class=\"muted\">\(t("speakers told apart by", "发言人区分依据")): "
            + "\(method) · \(t("candidate", "候选人")): \(how) · "
            + "\(t("only the candidate's words are analysed; this table is descriptive and never scored", "只分析候选人的话；此表仅作描述，不计分"))</p>"
        html += "<table class=\"speakers\"><tr><th>\(t("Speaker", "发言人"))</th><th>\(t("Role", "角色"))</th>"
            + "<th>\(t("Talk time", "发言时长"))</th><th>\(t("Share", "占比"))</th><th>\(t("Turns", "轮次"))</th>"
            + "<th>\(t("Questions", "提问"))</th><th>\(t("Longest turn", "最长发言"))</th>"
            + "<th>\(t("Interruptions", "插话"))</th></tr>"
        for speaker in speakers {
            html += "<tr><td>\(e(speaker.label))</td><td>\(roleName(speaker.role))</td>"
                + "<td>\(fixed(speaker.seconds, 0)) s</td><td>\(fixed(speaker.share * 100, 0)) %</td>"
                + "<td>\(speaker.turns)</td><td>\(speaker.questions)</td>"
                + "<td>\(fixed(speaker.longestTurnSeconds, 0)) s</td><td>\(speaker.interruptions)</td></tr>"
        }
        return html + "</table>"
    }

    /// Strengths (scored 70 or more) and gaps (below 50, or not enough said to score) in plain words, at most three
    /// each, strongest and weakest first; each names its score and how many quotes support it.
    private func strengthsAndGaps(_ report: Report) -> String {
        func name(_ competency: CompetencyScore) -> String {
            HTML.escape(language == .zh ? (competency.nameZh ?? competency.name) : competency.name)
        }
        func quotes(_ count: Int) -> String {
            language == .zh ? "\(count) 条引述" : "\(count) quote\(count == 1 ? "" : "s")"
        }
        let scored = report.competencies.filter { $0.score != nil }
        let strengths = scored.filter { $0.score! >= 70 && $0.shown != false }.sorted { $0.score! > $1.score! }.prefix(3)
            .map { "\(name($0)) (\(fixed($0.score)), \(quotes($0.evidence.count)))" }
        var gaps = scored.filter { $0.score! < 50 }.sorted { $0.score! < $1.score! }
            .map { "\(name($0)) (\(fixed($0.score)), \(quotes($0.evidence.count)))" }
        gaps += report.competencies.filter { $0.score == nil }
            .map { "\(name($0)) (\(t("not enough said to score", "内容不足，未评分")))" }
        guard !report.competencies.isEmpty else { return "" }
        let separator = language == .zh ? "、" : ", "
        return "<p><strong>\(t("Strengths", "优势")):</strong> "
            + (strengths.isEmpty ? t("none stands out in this interview", "本次面试中没有突出的能力")
                                 : strengths.joined(separator: separator))
            + "<br><strong>\(t("To probe further", "需进一步考察")):</strong> "
            + (gaps.isEmpty ? t("no competency scored below 50", "没有低于 50 分的能力")
                            : gaps.prefix(3).joined(separator: separator)) + "</p>"
    }

    /// The candidate's competencies against the job's ideal profile (the model's targets, else the weights' shape).
    private func profileChart(_ report: Report) -> String {
        guard !report.competencies.isEmpty else { return "" }
        let heaviest = report.competencies.map(\.weight).max() ?? 1
        let rows = report.competencies.map { competency in
            Charts.ProfileRow(label: language == .zh ? (competency.nameZh ?? competency.name) : competency.name,
                              score: competency.score,
                              ideal: ideal[competency.id] ?? competency.weight / max(heaviest, 1e-9) * 100)
        }
        return Charts.profile(rows, caption: t("Competency profile against the job's ideal profile",
                                               "能力画像与岗位理想画像对比"), notScored: t("not scored", "未评分"))
            + "<p class=\"muted\">" + t("Blue bars: this candidate's score per competency (0–100). Black marks: the "
                + "score the job asks for. The match % says how closely the candidate's profile follows the job's "
                + "(100 % = the same shape).", "蓝条：该候选人各项能力得分（0–100）。黑线：岗位期望的得分。匹配度表示候选人的能力画像"
                + "与岗位要求的吻合程度（100% 表示形状一致）。")
            + "</p>"
    }

    /// Pitch and loudness over the recording, the answers' starts and the pauses: descriptors, not scores.
    private func voiceChart(_ report: Report) -> String {
        guard let contour = report.prosody?.contour, !contour.f0Hz.isEmpty else { return "" }
        let boundaries = report.answers.map { (start: $0.start, label: "\(t("A", "答"))\($0.index + 1)") }
        return Charts.voice(startSeconds: contour.startSeconds, hopSeconds: contour.hopSeconds, f0Hz: contour.f0Hz,
                            intensityDb: contour.intensityDb,
                            duration: report.recording.durationSeconds ?? report.prosody?.analysedSeconds ?? 0,
                            boundaries: boundaries, pauses: contour.pauses,
                            caption: t("Pitch and loudness over the recording", "整段录音的音高与响度"),
                            legend: (t("pitch", "音高"), t("loudness", "响度"), t("pause", "停顿")))
    }

    /// Where the transcript came from, in words.
    private func sourceName(_ source: TranscriptSource) -> String {
        switch source {
        case .sidecar: return t("transcript file beside the recording", "录像旁的文字稿文件")
        case .subtitleStream: return t("subtitles inside the recording", "录像内嵌字幕")
        case .argument: return t("transcript file given", "指定的文字稿文件")
        case .transcriptOnly: return t("transcript only (no recording)", "仅文字稿（无录像）")
        case .asr: return t("speech recognition", "语音识别")
        case .none: return t("none", "无")
        }
    }

    private func languageName(_ language: Language) -> String {
        switch language {
        case .en: return t("English", "英文")
        case .zh: return t("Chinese", "中文")
        case .mixed: return t("Chinese and English", "中英混合")
        default: return t("language not recognised", "未识别语言")
        }
    }

    /// What matched, for people: the keywords as written; an implied-phrase pattern (a regular expression such as
    /// `(了解|弄清)*(需求|顾虑)`) shows as "implied" rather than as its syntax.
    private func keywordLabel(_ keyword: String) -> String {
        keyword.split(separator: ",").map { part in
            let word = part.trimmingCharacters(in: .whitespaces)
            return word.contains(where: { "|*()[]{}\\?+".contains($0) }) ? t("implied", "隐含表达") : word
        }.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }.joined(separator: ", ")
    }

    /// A table row; `value` and `note` are already-escaped markup.
    /// "S T A R" with a dash for each part the answer lacks.
    /// The two-way résumé check: claims without interview evidence first, then skills the résumé does not claim.
    private func resumeSection(_ report: Report) -> String {
        guard let findings = report.resumeCheck, !findings.isEmpty else { return "" }
        let e = HTML.escape
        var html = "<section><h2>\(t("Résumé check", "简历双向校验"))</h2><table><tr><th>\(t("Competency", "能力"))</th>"
            + "<th>\(t("Finding", "结论"))</th><th>\(t("Résumé", "简历"))</th><th>\(t("Interview", "面试"))</th></tr>"
        let order: [ResumeFinding.Status] = [.claimedNotEvidenced, .evidencedNotClaimed, .consistent]
        for finding in findings.sorted(by: { order.firstIndex(of: $0.status)! < order.firstIndex(of: $1.status)! }) {
            let status: String
            switch finding.status {
            case .claimedNotEvidenced: status = t("claimed, not shown in the interview", "简历有、面试未体现")
            case .evidencedNotClaimed: status = t("shown, not claimed on the résumé", "面试体现、简历未写")
            case .consistent: status = t("consistent", "一致")
            }
            let name = language == .zh ? (finding.nameZh ?? finding.name) : finding.name
            let lines = finding.resumeLines.map { "“\(e($0))”" }.joined(separator: "<br>")
            let quotes = finding.interviewEvidence.map {
                "“\(e($0.quote))” <span class=\"muted\">\(clock($0.start))</span>"
            }.joined(separator: "<br>")
            html += "<tr><td>\(e(name))</td><td\(finding.status == .consistent ? "" : " class=\"warn\"")>\(status)</td>"
                + "<td>\(lines.isEmpty ? "—" : lines)</td><td>\(quotes.isEmpty ? t("no evidence", "无证据") : quotes)</td></tr>"
        }
        return html + "</table></section>"
    }

    private func starMarks(_ star: StarSummary) -> String {
        [(star.situation, "S"), (star.task, "T"), (star.action, "A"), (star.result, "R")]
            .map { $0.0.present ? $0.1 : "–" }.joined(separator: " ")
    }

    /// Per answer: STAR coverage with the quoted evidence and its time, flags and fluency.
    private func answersSection(_ report: Report) -> String {
        let e = HTML.escape
        let answers = report.answers.filter { $0.star != nil || $0.insufficientEvidence != nil }
        guard !answers.isEmpty else { return "" }
        var html = "<section><h2>\(t("Answers: STAR structure", "回答结构（背景-任务-行动-结果）"))</h2>"
        let coverage = answers.compactMap { answer in
            answer.star.map { star in
                (label: "\(t("Answer", "回答")) \(answer.index + 1)",
                 parts: [star.situation.present, star.task.present, star.action.present, star.result.present])
            }
        }
        if !coverage.isEmpty {
            html += Charts.star(coverage, headings: language == .zh ? ["背", "任", "行", "果"] : ["S", "T", "A", "R"],
                                caption: t("STAR coverage per answer", "每个回答的 STAR 覆盖"))
        }
        for answer in answers {
            guard let star = answer.star else {
                html += "<h3>\(t("Answer", "回答")) \(answer.index + 1)" + (answer.question.map { " — \(e($0))" } ?? "")
                    + "</h3><p class=\"muted\">" + e(t(answer.insufficientEvidence ?? "",
                                                         "语音识别对该回答的大部分词语把握不足：其内容不计分"))
                    + "</p>"
                continue
            }
            html += "<h3>\(t("Answer", "回答")) \(answer.index + 1)" + (answer.question.map { " — \(e($0))" } ?? "") + "</h3>"
            var flags: [String] = ["\(t("structure", "结构得分")) \(star.score)/100", "\(t("order", "顺序")): \(e(star.order))"]
            if star.resultQuantified { flags.append(t("result quantified", "结果已量化")) }
            if star.hypothetical { flags.append(t("hypothetical: what they would do, not what they did", "假设性回答：说的是会怎么做，而非做过什么")) }
            if answer.keywordStuffed == true {
                flags.append(t("keyword stuffing (not rewarded)", "堆砌关键词（不计分）") + ": " + e((answer.stuffingReasons ?? []).joined(separator: "; ")))
            }
            if let share = star.iShare { flags.append("\(t("“I” share", "“我”占比")) \(fixed(share * 100, 0))%") }
            if let fluency = answer.fluency {
                flags.append("\(t("fillers", "口头语")) \(fluency.fillers)" + (fluency.fillersPer100.map { " (\(fixed($0)) / 100)" } ?? ""))
                if let rate = fluency.wordsPerMinute { flags.append("\(fixed(rate, 0)) \(t("words/min", "词/分钟"))") }
                if let rate = fluency.charactersPerMinute { flags.append("\(fixed(rate, 0)) \(t("characters/min", "字/分钟"))") }
            }
            html += "<p class=\"muted\">\(flags.joined(separator: " · "))</p><table>"
            let parts: [(String, String, StarElement)] = [("Situation", "背景", star.situation), ("Task", "任务", star.task),
                                                           ("Action", "行动", star.action), ("Result", "结果", star.result)]
            for (en, zh, element) in parts {
                let quotes = element.evidence.prefix(3).map { "“\(e($0.text))” \(moment($0.start))" }
                html += "<tr><th>\(t(en, zh))</th><td>\(element.present ? "✓" : "–")</td><td>\(quotes.joined(separator: "<br>"))</td></tr>"
            }
            html += "</table>"
        }
        return html + "</section>"
    }

    private func row(_ label: String, _ value: String, _ note: String) -> String {
        "<tr><th>\(HTML.escape(label))</th><td>\(value)</td><td class=\"muted\">\(HTML.escape(note))</td></tr>"
    }
}
