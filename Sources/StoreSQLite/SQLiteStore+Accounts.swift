import DebriefModel
import Foundation
import GRDB
import Store

/// Users, sessions and API tokens.
extension SQLiteStore {
    public func saveUser(_ user: NewUser, now: Date) async throws -> User {
        let jobs = String(decoding: try JSONEncoder().encode(user.jobs), as: UTF8.self)
        return try await write { db in
            try db.execute(sql: """
                INSERT INTO account (name, role, passwordHash, jobs, candidate, createdAt) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT(name) DO UPDATE SET role = excluded.role, passwordHash = excluded.passwordHash,
                                                jobs = excluded.jobs, candidate = excluded.candidate
                """, arguments: [user.name, user.role.rawValue, user.passwordHash, jobs, user.candidate,
                                 now.timeIntervalSince1970])
            return try Self.user(db, where: "name = ?", user.name)!
        }
    }

    public func user(named name: String) async throws -> User? {
        try await read { db in try Self.user(db, where: "name = ?", name) }
    }

    public func users() async throws -> [User] {
        try await read { db in try Row.fetchAll(db, sql: "SELECT * FROM account ORDER BY id").map(Self.user) }
    }

    public func removeUser(named name: String) async throws -> Bool {
        try await write { db in
            try db.execute(sql: "DELETE FROM account WHERE name = ?", arguments: [name])
            return db.changesCount > 0
        }
    }

    public func addCredential(_ credential: Credential, now: Date) async throws {
        try await write { db in
            try db.execute(sql: """
                INSERT INTO credential (digest, kind, userID, csrf, createdAt, expiresAt) VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [credential.digest, credential.kind.rawValue, credential.userID, credential.csrf,
                                 now.timeIntervalSince1970, credential.expiresAt?.timeIntervalSince1970])
        }
    }

    public func credential(digest: String, now: Date) async throws -> (Credential, User)? {
        try await read { db in
            guard let row = try Row.fetchOne(try db.cachedStatement(sql: "SELECT * FROM credential WHERE digest = ?"), arguments: [digest]),
                  let kind = Credential.Kind(rawValue: row["kind"]) else { return nil }
            let credential = Credential(digest: row["digest"], kind: kind, userID: row["userID"], csrf: row["csrf"],
                                        expiresAt: (row["expiresAt"] as Double?).map(Date.init(timeIntervalSince1970:)))
            guard credential.isValid(at: now),
                  let user = try Self.user(db, where: "id = ?", credential.userID) else { return nil }
            return (credential, user)
        }
    }

    public func removeCredential(digest: String) async throws {
        try await write { db in
            try db.execute(sql: "DELETE FROM credential WHERE digest = ?", arguments: [digest])
            // Expired sessions go with any sign-out, so the table does not grow with every login.
            try db.execute(sql: "DELETE FROM credential WHERE expiresAt IS NOT NULL AND expiresAt < ?",
                           arguments: [Date().timeIntervalSince1970])
        }
    }

    static func user(_ db: Database, where condition: String, _ value: any DatabaseValueConvertible) throws
        -> User? {
        try Row.fetchOne(try db.cachedStatement(sql: "SELECT * FROM account WHERE \(condition)"), arguments: [value]).map(user)
    }

    static func user(_ row: Row) throws -> User {
        let jobs = try JSONDecoder().decode([String].self, from: Data((row["jobs"] as String).utf8))
        return User(id: row["id"], name: row["name"], role: Role(rawValue: row["role"]) ?? .candidate,
                    passwordHash: row["passwordHash"], jobs: jobs, candidate: row["candidate"],
                    createdAt: Date(timeIntervalSince1970: row["createdAt"]))
    }
}
