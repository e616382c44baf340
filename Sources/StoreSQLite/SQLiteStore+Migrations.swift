import DebriefModel
import Foundation
import GRDB
import Store

extension SQLiteStore {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: jobs and reports") { db in
            try db.create(table: "job") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("path", .text).notNull()
                t.column("folderModel", .text)
                t.column("bundleKey", .text).notNull().unique()
                t.column("status", .text).notNull().indexed()
                t.column("attempts", .integer).notNull().defaults(to: 0)
                t.column("error", .text)
                t.column("worker", .text)
                t.column("reportID", .integer)
                t.column("createdAt", .double).notNull()
                t.column("updatedAt", .double).notNull()
            }
            try db.create(table: "report") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("jobID", .integer).references("job", onDelete: .setNull)
                t.column("file", .text).notNull()
                t.column("sha256", .text).notNull().indexed()
                t.column("candidate", .text)
                t.column("modelID", .text).notNull().indexed()
                t.column("modelVersion", .integer).notNull()
                t.column("pipelineVersion", .text).notNull()
                t.column("overallScore", .double)
                t.column("overall", .text).notNull()
                t.column("warnings", .integer).notNull()
                t.column("json", .blob).notNull()
                t.column("createdAt", .double).notNull()
            }
        }
        migrator.registerMigration("v2: report revisions") { db in
            try db.create(table: "reportRevision") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("reportID", .integer).notNull().indexed().references("report", onDelete: .cascade)
                t.column("json", .blob).notNull()
                t.column("replacedAt", .double).notNull()
            }
        }
        migrator.registerMigration("v3: leases, backoff, duplicates") { db in
            try db.alter(table: "job") { t in
                t.add(column: "duplicateOf", .integer)
                t.add(column: "leaseToken", .integer).notNull().defaults(to: 0)
                t.add(column: "leaseExpiresAt", .double)
                t.add(column: "notBefore", .double)
            }
            try db.create(index: "job_due", on: "job", columns: ["status", "notBefore", "id"])
            try db.create(index: "report_content", on: "report",
                          columns: ["sha256", "modelID", "modelVersion", "pipelineVersion"])
            try db.create(index: "report_candidate", on: "report", columns: ["candidate"])
        }
        migrator.registerMigration("v4: failure types") { db in
            try db.alter(table: "job") { t in t.add(column: "errorCode", .text) }
        }
        migrator.registerMigration("v5: reports identified by all their inputs") { db in
            try db.alter(table: "report") { t in t.add(column: "inputsSHA256", .text) }
            try db.execute(sql: "UPDATE report SET inputsSHA256 = sha256")
            try db.drop(index: "report_content")
            try db.create(index: "report_inputs", on: "report",
                          columns: ["inputsSHA256", "modelID", "modelVersion", "pipelineVersion"])
        }
        migrator.registerMigration("v6: accounts and credentials") { db in
            try db.create(table: "account") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("name", .text).notNull().unique()
                t.column("role", .text).notNull()
                t.column("passwordHash", .text)
                t.column("jobs", .text).notNull()
                t.column("candidate", .text)
                t.column("createdAt", .double).notNull()
            }
            try db.create(table: "credential") { t in
                t.primaryKey("digest", .text)
                t.column("kind", .text).notNull()
                t.column("userID", .integer).notNull().indexed().references("account", onDelete: .cascade)
                t.column("csrf", .text)
                t.column("createdAt", .double).notNull()
                t.column("expiresAt", .double)
            }
        }
        migrator.registerMigration("v7: HR ratings") { db in
            try db.create(table: "rating") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("reportID", .integer).notNull().indexed().references("report", onDelete: .cascade)
                t.column("rater", .text).notNull()
                t.column("overall", .double)
                t.column("competencies", .text).notNull()
                t.column("comment", .text).notNull()
                t.column("createdAt", .double).notNull()
            }
        }
        migrator.registerMigration("v8: webhook outbox") { db in
            try db.create(table: "webhookDelivery") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("url", .text).notNull()
                t.column("event", .text).notNull()
                t.column("payload", .blob).notNull()
                t.column("reportID", .integer).indexed()
                t.column("attempts", .integer).notNull().defaults(to: 0)
                t.column("status", .text).notNull()
                t.column("nextAttemptAt", .double).notNull()
                t.column("lastError", .text)
                t.column("createdAt", .double).notNull()
                t.column("deliveredAt", .double)
            }
            try db.create(index: "webhook_due", on: "webhookDelivery", columns: ["status", "nextAttemptAt", "id"])
        }
        migrator.registerMigration("v9: bundles stored with their jobs") { db in
            try db.alter(table: "job") { t in t.add(column: "bundle", .text) }
        }
        return migrator
    }
}
