import DebriefModel
import Foundation
import GRDB
import Store

/// The job queue: leases, fencing, backoff, quarantine.
extension SQLiteStore {
    public func enqueue(_ job: NewJob, now: Date) async throws -> Job? {
        try await write { db in
            try db.execute(sql: """
                INSERT INTO job (path, folderModel, bundleKey, bundle, status, attempts, createdAt, updatedAt)
                VALUES (?, ?, ?, ?, 'queued', 0, ?, ?) ON CONFLICT(bundleKey) DO NOTHING
                """, arguments: [job.path, job.folderModel, job.bundleKey, try JobBundle.encode(job.bundle),
                                 now.timeIntervalSince1970, now.timeIntervalSince1970])
            guard db.changesCount > 0 else { return nil }
            return try Row.fetchOne(db, sql: "SELECT * FROM job WHERE id = ?", arguments: [db.lastInsertedRowID])
                .map(Self.job)
        }
    }

    public func claimNext(worker: String, leaseSeconds: Double, now: Date) async throws -> Job? {
        let time = now.timeIntervalSince1970
        return try await write { db in
            try Row.fetchOne(db, sql: """
                UPDATE job SET status = 'running', worker = ?, attempts = attempts + 1, leaseToken = leaseToken + 1,
                               leaseExpiresAt = ?, notBefore = NULL, updatedAt = ?
                WHERE id = (SELECT id FROM job WHERE status = 'queued' AND (notBefore IS NULL OR notBefore <= ?)
                            ORDER BY id LIMIT 1)
                RETURNING *
                """, arguments: [worker, time + leaseSeconds, time, time]).map(Self.job)
        }
    }

    /// Fails with `.fenced` unless the job is running under `lease` (inside a write transaction).
    static func requireHeld(_ db: Database, _ lease: Lease) throws -> Job {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM job WHERE id = ?", arguments: [lease.job]) else {
            throw StoreError(code: .notFound, reason: "job \(lease.job) not found")
        }
        let job = Self.job(row)
        guard job.status == .running, job.leaseToken == lease.token else { throw QueueMessages.fenced(lease) }
        return job
    }

    public func heartbeat(_ lease: Lease, leaseSeconds: Double, now: Date) async throws -> Lease {
        let expiry = now.addingTimeInterval(leaseSeconds)
        try await write { db in
            _ = try Self.requireHeld(db, lease)
            try db.execute(sql: "UPDATE job SET leaseExpiresAt = ?, updatedAt = ? WHERE id = ?",
                           arguments: [expiry.timeIntervalSince1970, now.timeIntervalSince1970, lease.job])
        }
        return Lease(job: lease.job, token: lease.token, expiresAt: expiry)
    }

    public func complete(_ lease: Lease, report: Report, webhook: WebhookNote<ReportID>?,
                         now: Date) async throws -> Completion {
        let json = try ReportCoding.encode(report)
        let overall = String(decoding: try JSONEncoder().encode(report.overall), as: UTF8.self)
        return try await write { db in
            _ = try Self.requireHeld(db, lease)
            let completion: Completion
            if let existing = try ReportID.fetchOne(db, sql: """
                SELECT id FROM report
                WHERE inputsSHA256 = ? AND modelID = ? AND modelVersion = ? AND pipelineVersion = ?
                ORDER BY id LIMIT 1
                """, arguments: [report.inputsKey, report.model.id, report.model.version,
                                 report.pipelineVersion]) {
                completion = .duplicate(of: existing)
            } else {
                try db.execute(sql: """
                    INSERT INTO report (jobID, file, sha256, inputsSHA256, candidate, modelID, modelVersion,
                                        pipelineVersion, overallScore, overall, warnings, json, createdAt)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [lease.job, report.recording.file, report.recording.sha256, report.inputsKey,
                                     report.candidate,
                                     report.model.id, report.model.version, report.pipelineVersion,
                                     report.overall.score, overall, report.problemCount, json,
                                     now.timeIntervalSince1970])
                let id = db.lastInsertedRowID
                completion = .stored(id)
                if let webhook {
                    try Self.queueDeliveries(db, event: webhook.event, payload: webhook.payload(id, now), reportID: id,
                                             urls: webhook.urls, now: now)
                }
            }
            let duplicateOf: ReportID? = if case .duplicate(let of) = completion { of } else { nil }
            try db.execute(sql: """
                UPDATE job SET status = 'done', reportID = ?, duplicateOf = ?, error = NULL, errorCode = NULL,
                               leaseExpiresAt = NULL,
                               updatedAt = ?
                WHERE id = ?
                """, arguments: [completion.reportID, duplicateOf, now.timeIntervalSince1970, lease.job])
            return completion
        }
    }

    public func fail(_ lease: Lease, _ failure: JobFailure, policy: QueuePolicy, now: Date) async throws -> Job {
        try await write { db in
            let job = try Self.requireHeld(db, lease)
            let retryAt = failure.kind == .transient ? policy.retryAt(afterAttempt: job.attempts, now: now) : nil
            return try Self.settle(db, job: job.id, retryAt: retryAt, reason: failure.reason, code: failure.code,
                                   now: now)
        }
    }

    /// Queues the job again at `retryAt`, or quarantines it when that is nil (inside a write transaction).
    static func settle(_ db: Database, job: JobID, retryAt: Date?, reason: String, code: String,
                               now: Date) throws -> Job {
        try Row.fetchOne(db, sql: """
            UPDATE job SET status = ?, notBefore = ?, error = ?, errorCode = ?, leaseExpiresAt = NULL, updatedAt = ?
            WHERE id = ? RETURNING *
            """, arguments: [retryAt == nil ? "failed" : "queued", retryAt?.timeIntervalSince1970, reason, code,
                             now.timeIntervalSince1970, job]).map(Self.job)!
    }

    public func release(_ lease: Lease, now: Date) async throws {
        try await write { db in
            _ = try Self.requireHeld(db, lease)
            try db.execute(sql: """
                UPDATE job SET status = 'queued', attempts = attempts - 1, leaseExpiresAt = NULL, updatedAt = ?
                WHERE id = ?
                """, arguments: [now.timeIntervalSince1970, lease.job])
        }
    }

    public func rescueExpired(policy: QueuePolicy, now: Date) async throws -> [Job] {
        try await write { db in
            let expired = try Row.fetchAll(db, sql: """
                SELECT * FROM job WHERE status = 'running' AND leaseExpiresAt < ? ORDER BY id
                """, arguments: [now.timeIntervalSince1970]).map(Self.job)
            return try expired.map { job in
                let retryAt = policy.retryAt(afterAttempt: job.attempts, now: now)
                let reason = QueueMessages.abandoned(worker: job.worker, attempts: job.attempts,
                                                     quarantined: retryAt == nil)
                return try Self.settle(db, job: job.id, retryAt: retryAt, reason: reason,
                                       code: JobFailure.abandonedCode, now: now)
            }
        }
    }

    public func expireLeases(worker: String, now: Date) async throws -> Int {
        try await write { db in
            try db.execute(sql: """
                UPDATE job SET leaseExpiresAt = ?, updatedAt = ? WHERE status = 'running' AND worker = ?
                """, arguments: [now.timeIntervalSince1970 - 1, now.timeIntervalSince1970, worker])
            return db.changesCount
        }
    }

    public func retry(job id: JobID, now: Date) async throws -> Job {
        try await write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM job WHERE id = ?", arguments: [id]) else {
                throw StoreError(code: .notFound, reason: "job \(id) not found")
            }
            let job = Self.job(row)
            guard job.status == .failed else {
                throw StoreError(code: .conflict,
                                 reason: "job \(id) is \(job.status.rawValue), not failed: nothing to retry")
            }
            return try Row.fetchOne(db, sql: """
                UPDATE job SET status = 'queued', attempts = 0, notBefore = NULL, updatedAt = ? WHERE id = ? RETURNING *
                """, arguments: [now.timeIntervalSince1970, id]).map(Self.job)!
        }
    }

    public func queueCountsByFolder() async throws -> [String?: [JobStatus: Int]] {
        try await read { db in
            var counts: [String?: [JobStatus: Int]] = [:]
            for row in try Row.fetchAll(try db.cachedStatement(sql: """
                SELECT folderModel, status, COUNT(*) AS n FROM job GROUP BY folderModel, status
                """)) {
                if let status = JobStatus(rawValue: row["status"]) {
                    counts[row["folderModel"] as String?, default: [:]][status] = row["n"]
                }
            }
            return counts
        }
    }


    public func jobs(status: JobStatus?, limit: Int) async throws -> [Job] {
        try await read { db in
            if let status {
                return try Row.fetchAll(db, sql: "SELECT * FROM job WHERE status = ? ORDER BY id DESC LIMIT ?",
                                        arguments: [status.rawValue, limit]).map(Self.job)
            }
            return try Row.fetchAll(db, sql: "SELECT * FROM job ORDER BY id DESC LIMIT ?", arguments: [limit])
                .map(Self.job)
        }
    }

    public func job(_ id: JobID) async throws -> Job? {
        try await read { db in
            try Row.fetchOne(try db.cachedStatement(sql: "SELECT * FROM job WHERE id = ?"), arguments: [id]).map(Self.job)
        }
    }

    static func job(_ row: Row) -> Job {
        Job(id: row["id"], path: row["path"], folderModel: row["folderModel"], bundleKey: row["bundleKey"],
            bundle: JobBundle.decode(row["bundle"]),
            status: JobStatus(rawValue: row["status"]) ?? .failed, attempts: row["attempts"], error: row["error"],
            errorCode: row["errorCode"],
            worker: row["worker"], reportID: row["reportID"], duplicateOf: row["duplicateOf"],
            leaseToken: row["leaseToken"], leaseExpiresAt: (row["leaseExpiresAt"] as Double?).map(Date.init(timeIntervalSince1970:)),
            notBefore: (row["notBefore"] as Double?).map(Date.init(timeIntervalSince1970:)),
            createdAt: Date(timeIntervalSince1970: row["createdAt"]),
            updatedAt: Date(timeIntervalSince1970: row["updatedAt"]))
    }
}
