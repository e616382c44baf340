import DebriefModel
import Foundation
import Logging
import PostgresNIO
import Store

extension PostgresStore {
    public func jobPaths(candidate: String) async throws -> [String] {
        try await rows("listing a candidate's jobs", """
            SELECT job.path FROM job JOIN report ON report.id = job.report_id WHERE report.candidate = \(candidate)
            ORDER BY job.id
            """).map { try $0["path"].decode(String.self) }
    }

    public func erase(candidate: String, jobPaths: [String], now: Date) async throws -> Erasure {
        let logger = logger
        return try await transaction("erasing a candidate") { connection in
            let accounts = try await Self.query(connection, """
                DELETE FROM account WHERE role = 'candidate' AND candidate = \(candidate) RETURNING id
                """, logger: logger).count
            let ids = try await Self.query(connection, "SELECT id FROM report WHERE candidate = \(candidate) FOR UPDATE",
                                           logger: logger).map { try $0["id"].decode(Int64.self) }
            var erasure = Erasure(reports: ids.count, accounts: accounts)
            erasure.ratings = try await Self.query(connection, """
                DELETE FROM rating WHERE report_id = ANY(\(ids)) RETURNING id
                """, logger: logger).count
            erasure.webhooks = try await Self.query(connection, """
                DELETE FROM webhook_delivery WHERE report_id = ANY(\(ids)) RETURNING id
                """, logger: logger).count
            erasure.revisions = try await Self.query(connection, """
                DELETE FROM report_revision WHERE report_id = ANY(\(ids)) RETURNING id
                """, logger: logger).count
            // The jobs that made the reports, and the jobs of the candidate's recordings whatever became of them.
            erasure.paths = try await Self.query(connection, """
                DELETE FROM job WHERE report_id = ANY(\(ids)) OR path = ANY(\(jobPaths)) RETURNING path
                """, logger: logger).map { try $0["path"].decode(String.self) }.sorted()
            erasure.jobs = erasure.paths.count
            try await connection.query("DELETE FROM report WHERE id = ANY(\(ids))", logger: logger)
            return erasure
        }
    }
}
