import DebriefModel
import Foundation
import Scoring
import Store

/// A report with its people's ratings: each rater's newest rating, the AI/HR blend per competency and overall (the
/// model's `blend:` weights), and the flags where AI and people differ by more than the model's flag points.
struct Review: Encodable {
    struct Weights: Encodable {
        var ai: Double
        var hr: Double
        var flagPoints: Double
    }

    struct Line: Encodable {
        var id: String?
        var name: String
        var nameZh: String?
        var ai: Double?
        var hr: Double?
        var raters: Int
        var blended: Double?
        var flagged: Bool
    }

    var reportID: ReportID
    var weights: Weights
    var overall: Line
    var competencies: [Line]
    /// Every rating, oldest first (a rater's older ones included, as history).
    var ratings: [Rating]

    init(report: Report, id: ReportID, ratings: [Rating], blend: ScoreBlend) {
        reportID = id
        weights = Weights(ai: blend.ai, hr: blend.hr, flagPoints: blend.flagPoints)
        self.ratings = ratings
        let points = ratings.current.map {
            RaterPoints(rater: $0.rater, overall: $0.overall, competencies: $0.competencies)
        }
        let result = HumanBlend.blend(
            competencies: report.competencies.map { ($0.id, $0.weight, $0.score) }, overall: report.overall.score,
            ratings: points, settings: blend)
        competencies = zip(report.competencies, result.competencies).map { competency, score in
            Line(id: competency.id, name: competency.name, nameZh: competency.nameZh, ai: score.ai, hr: score.hr,
                 raters: score.raters, blended: score.blended, flagged: score.flagged)
        }
        overall = Line(id: nil, name: "Overall", nameZh: "总分", ai: result.overall.ai, hr: result.overall.hr,
                       raters: result.overall.raters, blended: result.overall.blended,
                       flagged: result.overall.flagged)
    }

    /// Whether AI and people differ by more than the flag points anywhere (overall or a competency).
    var gap: Bool { overall.flagged || competencies.contains(where: \.flagged) }
}

/// How far the AI and the raters agree on one job: overall, per competency, and per rater (their tendency to score
/// above or below the AI). Pairs are (AI score, HR points) of the same report; a report rated by several people
/// gives one pair per rater for that rater's line, and one pair (the raters' mean) for the job's lines.
struct JobAgreement: Encodable {
    struct Line: Encodable {
        var id: String?
        var name: String
        var nameZh: String?
        var pairs: Int
        var correlation: Double?
        var meanDifference: Double?
        var meanAbsoluteDifference: Double?
        var flagged: Int

        init(id: String?, name: String, nameZh: String?, _ agreement: Agreement) {
            self.id = id
            self.name = name
            self.nameZh = nameZh
            pairs = agreement.pairs
            correlation = agreement.correlation
            meanDifference = agreement.meanDifference
            meanAbsoluteDifference = agreement.meanAbsoluteDifference
            flagged = agreement.flagged
        }
    }

    var job: String
    var ratedReports: Int
    var ratings: Int
    var flagPoints: Double
    var overall: Line
    var competencies: [Line]
    var raters: [Line]

    init(model: CompetencyModel, reviews: [(Report, [Rating])]) {
        job = model.id
        let limit = model.blend.flagPoints
        flagPoints = limit
        let current = reviews.map { ($0.0, $0.1.current) }.filter { !$0.1.isEmpty }
        ratedReports = current.count
        ratings = current.reduce(0) { $0 + $1.1.count }
        var overallPairs: [(ai: Double, hr: Double)] = []
        var byCompetency: [String: [(ai: Double, hr: Double)]] = [:]
        var byRater: [String: [(ai: Double, hr: Double)]] = [:]
        for (report, ratings) in current {
            let review = Review(report: report, id: 0, ratings: ratings, blend: model.blend)
            if let ai = review.overall.ai, let hr = review.overall.hr { overallPairs.append((ai, hr)) }
            for line in review.competencies {
                if let ai = line.ai, let hr = line.hr, let id = line.id { byCompetency[id, default: []].append((ai, hr)) }
            }
            // Each rater's own overall (theirs, else the weighted mean of what they rated) against the AI's.
            for rating in ratings {
                let own = Review(report: report, id: 0, ratings: [rating], blend: model.blend).overall
                if let ai = own.ai, let hr = own.hr { byRater[rating.rater, default: []].append((ai, hr)) }
            }
        }
        overall = Line(id: nil, name: "Overall", nameZh: "总分", Agreement(pairs: overallPairs, flagPoints: limit))
        competencies = model.dimensions.map { dimension in
            Line(id: dimension.id, name: dimension.name, nameZh: dimension.nameZh,
                 Agreement(pairs: byCompetency[dimension.id] ?? [], flagPoints: limit))
        }
        raters = byRater.keys.sorted().map { rater in
            Line(id: rater, name: rater, nameZh: nil, Agreement(pairs: byRater[rater]!, flagPoints: limit))
        }
    }
}

/// A rating as sent: by the form (points per field) or as JSON.
struct RatingInput: Decodable {
    var overall: Double?
    var competencies: [String: Double]?
    var comment: String?

    /// The form's fields: `overall`, `c.<competency id>` (points, or empty for not rated), `comment`.
    init(form body: String) throws {
        var components = URLComponents()
        components.percentEncodedQuery = body.replacingOccurrences(of: "+", with: "%20")
        var competencies: [String: Double] = [:]
        for item in components.queryItems ?? [] {
            let value = (item.value ?? "").trimmingCharacters(in: .whitespaces)
            switch item.name {
            case "comment": comment = item.value
            case "overall" where !value.isEmpty: overall = try Self.points(value, "overall")
            case let name where name.hasPrefix("c.") && !value.isEmpty:
                competencies[String(name.dropFirst(2))] = try Self.points(value, name)
            default: break
            }
        }
        self.competencies = competencies
    }

    private static func points(_ text: String, _ field: String) throws -> Double {
        guard let value = Double(text) else {
            throw StoreError(code: .invalidInput, reason: "\(field): '\(text)' is not a number of points")
        }
        return value
    }

    func rating(report: ReportID, rater: String, competencyIDs: Set<String>) throws -> NewRating {
        try NewRating(reportID: report, rater: rater, overall: overall, competencies: competencies ?? [:],
                      comment: comment ?? "").validated(competencyIDs: competencyIDs)
    }
}
