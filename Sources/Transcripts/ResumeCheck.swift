import DebriefModel

/// The two-way résumé check (双向校验): the skills a résumé claims, found with the same matcher as the interview
/// (keywords, synonyms, implied-skill patterns; negated and hypothetical mentions never count), against the
/// competencies the interview evidenced.
public enum ResumeCheck {
    /// Characters of résumé text analysed at most (a résumé is a page or two; anything beyond is ignored).
    public static let maximumCharacters = 100_000

    /// A résumé line without its list marker ("- ", "* ", "• ", "1. ") or Markdown heading marks.
    static func claimText(_ line: Substring) -> String {
        var text = line.trimmingWhitespace[...]
        while let first = text.first, "-*•#>".contains(first) { text = text.dropFirst().drop(while: \.isWhitespace) }
        if let dot = text.firstIndex(where: { $0 == "." || $0 == ")" || $0 == "、" }), dot > text.startIndex,
           text[..<dot].allSatisfy(\.isNumber) {
            text = text[text.index(after: dot)...].drop(while: \.isWhitespace)
        }
        return String(text)
    }

    /// - Parameters:
    ///   - resume: the résumé's text; each line is a claim.
    ///   - interview: the interview's evidence per competency (asserted evidence counts as shown).
    /// - Returns: one finding per competency claimed or shown, in model order.
    public static func compare(resume: String, model: CompetencyModel,
                               interview: [String: DimensionEvidence]) -> [ResumeFinding] {
        let lines = resume.prefix(maximumCharacters).split(whereSeparator: \.isNewline)
            .map(claimText).filter { !$0.isEmpty }
        let cues = lines.map { Cue(start: 0, end: 0, text: $0) }
        let claimed = TranscriptAnalyzer(model: model).analyze(cues, timed: false).evidence
        return model.dimensions.compactMap { dimension in
            let claims = claimed[dimension.id]?.positive ?? []
            let shown = interview[dimension.id]
            let evidenced = shown?.asserted ?? false
            let status: ResumeFinding.Status
            switch (claims.isEmpty, evidenced) {
            case (true, false): return nil
            case (false, false): status = .claimedNotEvidenced
            case (true, true): status = .evidencedNotClaimed
            case (false, true): status = .consistent
            }
            var quoted: [String] = []
            for claim in claims where !quoted.contains(claim.quote) { quoted.append(claim.quote) }
            let strongest = (shown?.positive ?? []).sorted { ($0.weight ?? 0) > ($1.weight ?? 0) }
            return ResumeFinding(competency: dimension.id, name: dimension.name, nameZh: dimension.nameZh,
                                 status: status, resumeLines: Array(quoted.prefix(3)),
                                 interviewEvidence: Array(strongest.prefix(2)))
        }
    }
}
