import DebriefModel
import Foundation
import GRDB
import Store

/// HR ratings.
extension SQLiteStore {
    public func addRating(_ rating: NewRating, webhook: WebhookNote<Rating>?, now: Date) async throws -> Rating {
        let competencies = String(decoding: try JSONEncoder().encode(rating.competencies), as: UTF8.self)
        return try await write { db in
            guard try Bool.fetchOne(db, sql: "SELECT EXISTS(SELECT 1 FROM report WHERE id = ?)",
                                    arguments: [rating.reportID]) == true else {
                throw StoreError(code: .notFound, reason: "report \(rating.reportID) does not exist")
            }
            try db.execute(sql: """
                INSERT INTO rating (reportID, rater, overall, competencies, comment, createdAt) VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [rating.reportID, rating.rater, rating.overall, competencies, rating.comment,
                                 now.timeIntervalSince1970])
            let stored = Rating(id: db.lastInsertedRowID, reportID: rating.reportID, rater: rating.rater,
                                overall: rating.overall, competencies: rating.competencies, comment: rating.comment,
                                createdAt: now)
            if let webhook {
                try Self.queueDeliveries(db, event: webhook.event, payload: webhook.payload(stored, now),
                                         reportID: stored.reportID, urls: webhook.urls, now: now)
            }
            return stored
        }
    }

    public func ratings(report: ReportID) async throws -> [Rating] {
        try await read { db in
            try Row.fetchAll(try db.cachedStatement(sql: "SELECT * FROM rating WHERE reportID = ? ORDER BY createdAt, id"),
                             arguments: [report]).map(Self.rating)
        }
    }

    public func ratings(modelID: String) async throws -> [Rating] {
        try await read { db in
            try Row.fetchAll(db, sql: """
                SELECT rating.* FROM rating JOIN report ON report.id = rating.reportID
                WHERE report.modelID = ? ORDER BY rating.createdAt, rating.id
                """, arguments: [modelID]).map(Self.rating)
        }
    }

    static func rating(_ row: Row) throws -> Rating {
        let text: String = row["competencies"]
        return Rating(id: row["id"], reportID: row["reportID"], rater: row["rater"], overall: row["overall"],
                      competencies: try JSONDecoder().decode([String: Double].self, from: Data(text.utf8)),
                      comment: row["comment"], createdAt: Date(timeIntervalSince1970: row["createdAt"]))
    }
}
