import DebriefModel
import Foundation
import GRDB
import Store

/// Erasing a candidate.
extension SQLiteStore {
    public func erase(candidate: String, now: Date) async throws -> Erasure {
        let erasure = try await write { db in
            try db.execute(sql: "DELETE FROM account WHERE role = 'candidate' AND candidate = ?", arguments: [candidate])
            let accounts = db.changesCount
            let reportIDs = try ReportID.fetchAll(db, sql: "SELECT id FROM report WHERE candidate = ?",
                                                  arguments: [candidate])
            guard !reportIDs.isEmpty else { return Erasure(accounts: accounts) }
            let list = reportIDs.map(String.init).joined(separator: ",")
            var erasure = Erasure(reports: reportIDs.count, accounts: accounts)
            erasure.revisions = try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM reportRevision WHERE reportID IN (\(list))") ?? 0
            erasure.paths = try String.fetchAll(db, sql: "SELECT path FROM job WHERE reportID IN (\(list)) ORDER BY id")
            try db.execute(sql: "DELETE FROM rating WHERE reportID IN (\(list))")
            erasure.ratings = db.changesCount
            try db.execute(sql: "DELETE FROM webhookDelivery WHERE reportID IN (\(list))")
            erasure.webhooks = db.changesCount
            try db.execute(sql: "DELETE FROM reportRevision WHERE reportID IN (\(list))")
            try db.execute(sql: "DELETE FROM report WHERE id IN (\(list))")
            try db.execute(sql: "DELETE FROM job WHERE reportID IN (\(list))")
            erasure.jobs = db.changesCount
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
