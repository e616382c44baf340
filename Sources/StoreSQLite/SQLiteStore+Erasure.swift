import DebriefModel
import Foundation
import GRDB
import Store

/// Erasing a candidate.
extension SQLiteStore {
    public func jobPaths(candidate: String) async throws -> [String] {
        try await read { db in
            try String.fetchAll(db, sql: """
                SELECT job.path FROM job JOIN report ON report.id = job.reportID WHERE report.candidate = ?
                ORDER BY job.id
                """, arguments: [candidate])
        }
    }

    public func erase(candidate: String, jobPaths: [String], now: Date) async throws -> Erasure {
        let erasure = try await write { db in
            try db.execute(sql: "DELETE FROM account WHERE role = 'candidate' AND candidate = ?", arguments: [candidate])
            var erasure = Erasure(accounts: db.changesCount)
            let reportIDs = try ReportID.fetchAll(db, sql: "SELECT id FROM report WHERE candidate = ?",
                                                  arguments: [candidate])
            let list = reportIDs.map(String.init).joined(separator: ",")
            erasure.reports = reportIDs.count
            if !reportIDs.isEmpty {
                erasure.revisions = try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM reportRevision WHERE reportID IN (\(list))") ?? 0
                try db.execute(sql: "DELETE FROM rating WHERE reportID IN (\(list))")
                erasure.ratings = db.changesCount
                try db.execute(sql: "DELETE FROM webhookDelivery WHERE reportID IN (\(list))")
                erasure.webhooks = db.changesCount
                try db.execute(sql: "DELETE FROM reportRevision WHERE reportID IN (\(list))")
            }
            // The jobs that made the reports, and the jobs of the candidate's recordings whatever became of them.
            let named = jobPaths.isEmpty ? "" : " OR path IN (" + jobPaths.map { _ in "?" }.joined(separator: ",") + ")"
            let byReport = reportIDs.isEmpty ? "0" : "reportID IN (\(list))"
            let condition = "\(byReport)\(named)"
            erasure.paths = try String.fetchAll(db, sql: "SELECT path FROM job WHERE \(condition) ORDER BY id",
                                                arguments: StatementArguments(jobPaths))
            try db.execute(sql: "DELETE FROM job WHERE \(condition)", arguments: StatementArguments(jobPaths))
            erasure.jobs = db.changesCount
            if !reportIDs.isEmpty { try db.execute(sql: "DELETE FROM report WHERE id IN (\(list))") }
            return erasure
        }
        // secure_delete zeroed the freed pages; the checkpoint moves them into the main file and truncates the
        // WAL, so no copy of the erased rows stays in the log.
        do {
            try await pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        } catch {
            throw StoreError(code: .database, reason: "\(path): WAL checkpoint after erasure failed",
                             underlying: "\(error)")
        }
        return erasure
    }
}
