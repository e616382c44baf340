import DebriefModel
import Foundation
import GRDB
import Store

/// Stored reports and their revisions.
extension SQLiteStore {
    public func reportSummaries(limit: Int) async throws -> [ReportSummary] {
        try await read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, jobID, file, sha256, candidate, modelID, modelVersion, overall, warnings, createdAt
                FROM report ORDER BY id DESC LIMIT ?
                """, arguments: [limit]).map(Self.summary)
        }
    }

    static func summary(_ row: Row) throws -> ReportSummary {
        let overallText: String = row["overall"]
        let overall = try JSONDecoder().decode(Overall.self, from: Data(overallText.utf8))
        var summary = ReportSummary(id: row["id"], jobID: row["jobID"], file: row["file"], candidate: row["candidate"],
                                    modelID: row["modelID"], modelVersion: row["modelVersion"], overall: overall,
                                    warnings: row["warnings"], createdAt: Date(timeIntervalSince1970: row["createdAt"]))
        summary.sha256 = row["sha256"]
        return summary
    }

    public func reportSummary(_ id: ReportID) async throws -> ReportSummary? {
        try await read { db in
            try Row.fetchOne(try db.cachedStatement(sql: """
                SELECT id, jobID, file, sha256, candidate, modelID, modelVersion, overall, warnings, createdAt
                FROM report WHERE id = ?
                """), arguments: [id]).map(Self.summary)
        }
    }

    public func reportSummaries(modelID: String) async throws -> [ReportSummary] {
        try await read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, jobID, file, sha256, candidate, modelID, modelVersion, overall, warnings, createdAt
                FROM report WHERE modelID = ? ORDER BY id
                """, arguments: [modelID]).map(Self.summary)
        }
    }

    public func revise(report id: ReportID, with report: Report, now: Date) async throws {
        let json = try ReportCoding.encode(report)
        let overall = String(decoding: try JSONEncoder().encode(report.overall), as: UTF8.self)
        try await write { db in
            try db.execute(sql: """
                INSERT INTO reportRevision (reportID, json, replacedAt)
                SELECT id, json, ? FROM report WHERE id = ?
                """, arguments: [now.timeIntervalSince1970, id])
            guard db.changesCount == 1 else { throw StoreError(code: .notFound, reason: "report \(id) not found") }
            try db.execute(sql: """
                UPDATE report SET modelVersion = ?, pipelineVersion = ?, overallScore = ?, overall = ?, warnings = ?,
                                  json = ? WHERE id = ?
                """, arguments: [report.model.version, report.pipelineVersion, report.overall.score, overall,
                                 report.problemCount, json, id])
        }
    }

    public func reportHistory(_ id: ReportID) async throws -> [Data] {
        try await read { db in
            try Data.fetchAll(db, sql: "SELECT json FROM reportRevision WHERE reportID = ? ORDER BY id", arguments: [id])
        }
    }

    public func reportJSON(_ id: ReportID) async throws -> Data? {
        try await read { db in
            try Data.fetchOne(try db.cachedStatement(sql: "SELECT json FROM report WHERE id = ?"), arguments: [id])
        }
    }
}
