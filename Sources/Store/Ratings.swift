import Foundation

/// A person's rating of a report: points (0–100, the scale of the AI scores) per competency and overall, and a
/// comment. A rater may rate a report again; their newest rating is the one that counts (the older stay as history).
public struct Rating: Codable, Sendable, Equatable {
    public var id: Int64
    public var reportID: ReportID
    /// The user name of the rater (kept when the account is removed, so the history stays attributable).
    public var rater: String
    public var overall: Double?
    /// Competency id → points; competencies not rated are absent.
    public var competencies: [String: Double]
    public var comment: String
    public var createdAt: Date

    public init(id: Int64, reportID: ReportID, rater: String, overall: Double?, competencies: [String: Double],
                comment: String, createdAt: Date) {
        self.id = id
        self.reportID = reportID
        self.rater = rater
        self.overall = overall
        self.competencies = competencies
        self.comment = comment
        self.createdAt = createdAt
    }
}

/// A rating to store; `validated()` refuses what is not one.
public struct NewRating: Sendable, Equatable {
    public var reportID: ReportID
    public var rater: String
    public var overall: Double?
    public var competencies: [String: Double]
    public var comment: String

    public init(reportID: ReportID, rater: String, overall: Double?, competencies: [String: Double], comment: String) {
        self.reportID = reportID
        self.rater = rater
        self.overall = overall
        self.competencies = competencies
        self.comment = comment
    }

    /// The longest comment kept (characters).
    public static let commentLimit = 4000

    /// Checks the points (0–100, finite), that something is rated, the competency ids against the report's, and the
    /// comment's length; the reason names the field.
    public func validated(competencyIDs: Set<String>) throws -> NewRating {
        func check(_ value: Double, _ field: String) throws {
            guard value.isFinite, (0...100).contains(value) else {
                throw StoreError(code: .invalidInput, reason: "\(field): points must be within 0–100, not \(value)")
            }
        }
        if let overall { try check(overall, "overall") }
        for (id, points) in competencies {
            guard competencyIDs.contains(id) else {
                throw StoreError(code: .invalidInput, reason: "competencies.\(id): the report has no such competency")
            }
            try check(points, "competencies.\(id)")
        }
        guard overall != nil || !competencies.isEmpty else {
            throw StoreError(code: .invalidInput, reason: "nothing rated: give overall points or a competency's")
        }
        guard comment.count <= Self.commentLimit else {
            throw StoreError(code: .invalidInput,
                             reason: "comment: \(comment.count) characters, at most \(Self.commentLimit)")
        }
        return self
    }
}

/// Human ratings of reports, in the same store as the reports (erasing a candidate erases them too).
public protocol RatingStore: Sendable {
    /// Stores the rating, and `webhook`'s deliveries (`rating.created`) in the same transaction; fails with
    /// `.notFound` when the report does not exist.
    func addRating(_ rating: NewRating, webhook: WebhookNote<Rating>?, now: Date) async throws -> Rating
    /// Every rating of the report, oldest first.
    func ratings(report: ReportID) async throws -> [Rating]
    /// Every rating of the reports of a job (competency model), oldest first.
    func ratings(modelID: String) async throws -> [Rating]
}

extension RatingStore {
    public func addRating(_ rating: NewRating, now: Date) async throws -> Rating {
        try await addRating(rating, webhook: nil, now: now)
    }
}

extension Array where Element == Rating {
    /// Each rater's newest rating of each report (what counts), oldest first.
    public var current: [Rating] {
        var newest: [String: Rating] = [:]
        for rating in self {
            let key = "\(rating.reportID)\u{0}\(rating.rater)"
            if let seen = newest[key], (seen.createdAt, seen.id) > (rating.createdAt, rating.id) { continue }
            newest[key] = rating
        }
        return newest.values.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }
}
