import Foundation

/// What a person may do in the web app and the API. Deny by default: a role sees only what `Access` grants it.
public enum Role: String, Codable, Sendable, CaseIterable {
    /// Everything, including models and users.
    case admin
    /// Every job and its candidates, ratings.
    case hr
    /// Only the jobs assigned to them.
    case manager
    /// Only their own development feedback.
    case candidate
}

/// A person who signs in. The password is kept only as a bcrypt hash; sessions and API tokens only as SHA-256
/// digests of their secrets (`Credential`), so a copy of the database signs nobody in.
public struct User: Codable, Sendable, Equatable {
    public var id: Int64
    public var name: String
    public var role: Role
    public var passwordHash: String?
    /// Jobs (competency model ids) a hiring manager sees; ignored for the other roles.
    public var jobs: [String]
    /// For a candidate account: the candidate id their reports carry.
    public var candidate: String?
    public var createdAt: Date

    public init(id: Int64, name: String, role: Role, passwordHash: String?, jobs: [String] = [],
                candidate: String? = nil, createdAt: Date) {
        self.id = id
        self.name = name
        self.role = role
        self.passwordHash = passwordHash
        self.jobs = jobs
        self.candidate = candidate
        self.createdAt = createdAt
    }
}

/// A user to create, or the new role, password, jobs and candidate of an existing one (matched by name).
public struct NewUser: Sendable {
    public var name: String
    public var role: Role
    public var passwordHash: String?
    public var jobs: [String]
    public var candidate: String?

    public init(name: String, role: Role, passwordHash: String?, jobs: [String] = [], candidate: String? = nil) {
        self.name = name
        self.role = role
        self.passwordHash = passwordHash
        self.jobs = jobs
        self.candidate = candidate
    }
}

/// A browser session (cookie) or an API token (bearer), stored as the SHA-256 digest of its secret.
public struct Credential: Sendable, Equatable {
    public enum Kind: String, Sendable, Codable { case session, token }

    public var digest: String
    public var kind: Kind
    public var userID: Int64
    /// Sessions: the token a form must carry (CSRF).
    public var csrf: String?
    /// Sessions end; API tokens last until removed (nil).
    public var expiresAt: Date?

    public init(digest: String, kind: Kind, userID: Int64, csrf: String? = nil, expiresAt: Date? = nil) {
        self.digest = digest
        self.kind = kind
        self.userID = userID
        self.csrf = csrf
        self.expiresAt = expiresAt
    }
}

/// Users and their credentials, in the same store as the queue and the reports (so every machine of a
/// PostgreSQL deployment signs people in the same way).
public protocol AccountStore: Sendable {
    /// Creates the user, or updates the role, password hash, jobs and candidate of the user with that name.
    func saveUser(_ user: NewUser, now: Date) async throws -> User
    func user(named name: String) async throws -> User?
    func users() async throws -> [User]
    /// Removes the user and every session and token of theirs; false when there was none.
    func removeUser(named name: String) async throws -> Bool
    func addCredential(_ credential: Credential, now: Date) async throws
    /// The credential with this digest and its user; nil when unknown or expired.
    func credential(digest: String, now: Date) async throws -> (Credential, User)?
    func removeCredential(digest: String) async throws
}

extension Credential {
    /// Whether the credential still signs its user in at `now`.
    public func isValid(at now: Date) -> Bool { expiresAt.map { $0 > now } ?? true }
}
