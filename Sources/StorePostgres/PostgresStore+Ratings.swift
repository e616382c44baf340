import DebriefModel
import Foundation
import Logging
import PostgresNIO
import Store

extension PostgresStore {
    public func addRating(_ rating: NewRating, webhook: WebhookNote<Rating>?, now: Date) async throws -> Rating {
        let competencies = String(decoding: try JSONEncoder().encode(rating.competencies), as: UTF8.self)
        let logger = logger
        return try await transaction("rating report \(rating.reportID)") { connection in
            let rows = try await Self.query(connection, """
                INSERT INTO rating (report_id, rater, overall, competencies, comment, created_at)
                SELECT id, \(rating.rater), \(rating.overall), \(competencies), \(rating.comment), \(now.timeIntervalSince1970)
                FROM report WHERE id = \(rating.reportID)
                RETURNING *
                """, logger: logger)
            guard let row = rows.first else {
                throw StoreError(code: .notFound, reason: "report \(rating.reportID) does not exist")
            }
            let stored = try Self.rating(row)
            if let webhook {
                _ = try await Self.query(connection, try Self.deliveries(event: webhook.event,
                                                                     payload: webhook.payload(stored, now),
                                                                     reportID: stored.reportID, urls: webhook.urls,
                                                                     now: now), logger: logger)
            }
            return stored
        }
    }

    public func ratings(report: ReportID) async throws -> [Rating] {
        try await rows("reading the ratings of report \(report)", """
            SELECT * FROM rating WHERE report_id = \(report) ORDER BY created_at, id
            """).map(Self.rating)
    }

    public func ratings(modelID: String) async throws -> [Rating] {
        try await rows("reading the ratings of job \(modelID)", """
            SELECT rating.* FROM rating JOIN report ON report.id = rating.report_id
            WHERE report.model_id = \(modelID) ORDER BY rating.created_at, rating.id
            """).map(Self.rating)
    }

    static func rating(_ row: PostgresRandomAccessRow) throws -> Rating {
        let competencies = try JSONDecoder().decode([String: Double].self,
                                                    from: Data(try row["competencies"].decode(String.self).utf8))
        return Rating(id: try row["id"].decode(Int64.self), reportID: try row["report_id"].decode(Int64.self),
                      rater: try row["rater"].decode(String.self), overall: try row["overall"].decode(Double?.self),
                      competencies: competencies, comment: try row["comment"].decode(String.self),
                      createdAt: Date(timeIntervalSince1970: try row["created_at"].decode(Double.self)))
    }
}
