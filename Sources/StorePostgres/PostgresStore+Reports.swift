import DebriefModel
import Foundation
import Logging
import PostgresNIO
import Store

extension PostgresStore {
    public func reportSummaries(limit: Int) async throws -> [ReportSummary] {
        try await rows("listing reports", PostgresQuery(unsafeSQL: """
            SELECT \(Self.summaryColumns) FROM report ORDER BY id DESC LIMIT \(max(0, limit))
            """)).map(Self.summary)
    }

    public func reportJSON(_ id: ReportID) async throws -> Data? {
        try await rows("reading report \(id)", "SELECT json FROM report WHERE id = \(id)").first
            .map { try $0["json"].decode(Data.self) }
    }

    public func reportSummary(_ id: ReportID) async throws -> ReportSummary? {
        var query = PostgresQuery(unsafeSQL: "SELECT \(Self.summaryColumns) FROM report WHERE id = $1")
        query.binds.append(id)
        return try await rows("reading report \(id)", query).first.map(Self.summary)
    }

    public func reportSummaries(modelID: String) async throws -> [ReportSummary] {
        var query = PostgresQuery(unsafeSQL: "SELECT \(Self.summaryColumns) FROM report WHERE model_id = $1 ORDER BY id")
        query.binds.append(modelID)
        return try await rows("listing the reports of \(modelID)", query).map(Self.summary)
    }

    public func revise(report id: ReportID, with report: Report, now: Date) async throws {
        let json = try ReportCoding.encode(report)
        let overall = String(decoding: try JSONEncoder().encode(report.overall), as: UTF8.self)
        let logger = logger
        try await transaction("revising report \(id)") { connection in
            let kept = try await Self.query(connection, """
                INSERT INTO report_revision (report_id, json, replaced_at)
                SELECT id, json, \(now.timeIntervalSince1970) FROM report WHERE id = \(id) RETURNING id
                """, logger: logger)
            guard kept.count == 1 else { throw StoreError(code: .notFound, reason: "report \(id) not found") }
            try await connection.query("""
                UPDATE report SET model_version = \(report.model.version), pipeline_version = \(report.pipelineVersion),
                                  overall_score = \(report.overall.score), overall = \(overall),
                                  warnings = \(report.problemCount), json = \(json)
                WHERE id = \(id)
                """, logger: logger)
        }
    }

    public func reportHistory(_ id: ReportID) async throws -> [Data] {
        try await rows("reading the history of report \(id)",
                       "SELECT json FROM report_revision WHERE report_id = \(id) ORDER BY id")
            .map { try $0["json"].decode(Data.self) }
    }
}
