import DebriefModel
import Foundation
import Logging
import PostgresNIO
import Store

extension PostgresStore {
    public func saveUser(_ user: NewUser, now: Date) async throws -> User {
        let jobs = String(decoding: try JSONEncoder().encode(user.jobs), as: UTF8.self)
        let rows = try await rows("saving user \(user.name)", """
            INSERT INTO account (name, role, password_hash, jobs, candidate, created_at)
            VALUES (\(user.name), \(user.role.rawValue), \(user.passwordHash), \(jobs), \(user.candidate),
                    \(now.timeIntervalSince1970))
            ON CONFLICT (name) DO UPDATE SET role = EXCLUDED.role, password_hash = EXCLUDED.password_hash,
                                             jobs = EXCLUDED.jobs, candidate = EXCLUDED.candidate
            RETURNING *
            """)
        guard let row = rows.first else { throw StoreError(code: .database, reason: "saving user \(user.name) failed") }
        return try Self.user(row)
    }

    public func user(named name: String) async throws -> User? {
        try await rows("reading user \(name)", "SELECT * FROM account WHERE name = \(name)").first.map(Self.user)
    }

    public func users() async throws -> [User] {
        try await rows("listing users", "SELECT * FROM account ORDER BY id").map(Self.user)
    }

    public func removeUser(named name: String) async throws -> Bool {
        !(try await rows("removing user \(name)", "DELETE FROM account WHERE name = \(name) RETURNING id")).isEmpty
    }

    public func addCredential(_ credential: Credential, now: Date) async throws {
        _ = try await rows("adding a credential", """
            INSERT INTO credential (digest, kind, user_id, csrf, created_at, expires_at)
            VALUES (\(credential.digest), \(credential.kind.rawValue), \(credential.userID), \(credential.csrf),
                    \(now.timeIntervalSince1970), \(credential.expiresAt?.timeIntervalSince1970))
            """)
    }

    public func credential(digest: String, now: Date) async throws -> (Credential, User)? {
        let rows = try await rows("reading a credential", """
            SELECT c.digest, c.kind, c.user_id, c.csrf, c.expires_at, a.*
            FROM credential c JOIN account a ON a.id = c.user_id WHERE c.digest = \(digest)
            """)
        guard let row = rows.first, let kind = Credential.Kind(rawValue: try row["kind"].decode(String.self)) else {
            return nil
        }
        let credential = Credential(digest: try row["digest"].decode(String.self), kind: kind,
                                    userID: try row["user_id"].decode(Int64.self),
                                    csrf: try row["csrf"].decode(String?.self),
                                    expiresAt: try row["expires_at"].decode(Double?.self)
                                        .map(Date.init(timeIntervalSince1970:)))
        return credential.isValid(at: now) ? (credential, try Self.user(row)) : nil
    }

    public func removeCredential(digest: String) async throws {
        _ = try await rows("removing a credential", """
            DELETE FROM credential WHERE digest = \(digest)
               OR (expires_at IS NOT NULL AND expires_at < \(Date().timeIntervalSince1970)) RETURNING digest
            """)
    }

    static func user(_ row: PostgresRandomAccessRow) throws -> User {
        let jobs = try JSONDecoder().decode([String].self, from: Data(try row["jobs"].decode(String.self).utf8))
        return User(id: try row["id"].decode(Int64.self), name: try row["name"].decode(String.self),
                    role: Role(rawValue: try row["role"].decode(String.self)) ?? .candidate,
                    passwordHash: try row["password_hash"].decode(String?.self), jobs: jobs,
                    candidate: try row["candidate"].decode(String?.self),
                    createdAt: Date(timeIntervalSince1970: try row["created_at"].decode(Double.self)))
    }
}
