import Crypto
import DebriefModel
import Foundation
import LocalFiles
import Store

/// Erases everything Debrief holds about one candidate: the store's rows (reports with their revisions, ratings and
/// notifications, jobs — failed and quarantined ones included — and the candidate's account) and the files (each
/// recording with its sidecars and résumé, wherever the service left it). It never touches a file outside the
/// inbox, it can be run again (a second run finds nothing), and a run cut short is finished by the next: the plan is
/// written to a journal in `DATA/erasures/` before anything is deleted.
public struct CandidateEraser: Sendable {
    public let store: any DebriefStore
    public let inbox: String
    /// This machine's data folder: the key of the receipts' keyed hash, the journal and the receipts live there.
    public let data: String
    /// The store as the receipt names it (a URL without its password).
    public let storeName: String
    public let clock: any WallClock

    public init(store: any DebriefStore, storeName: String, inbox: String, data: String,
                clock: any WallClock = SystemClock()) {
        self.store = store
        self.storeName = storeName
        self.inbox = inbox
        self.data = data
        self.clock = clock
    }

    /// What was done, with where the receipt went.
    public struct Outcome: Sendable {
        public var receipt: ErasureReceipt
        public var receiptPath: String
        public var notRemoved: [String]
    }

    /// The journal of an erasure under way: what it will delete.
    struct Plan: Codable {
        var jobPaths: [String]
        var files: [String]
    }

    public func erase(candidate: String) async throws -> Outcome {
        let directory = (data as NSString).appendingPathComponent("erasures")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let pseudonym = try ErasureKey(data: data).pseudonym(candidate)
        let journal = (directory as NSString).appendingPathComponent("pending-\(pseudonym.prefix(16)).json")
        let files = CandidateFiles(inbox: inbox)
        // Everything the candidate left: the recordings their metadata names (whatever became of their jobs) and
        // the recordings of their reports, with every sidecar, wherever the service moved them.
        let named = files.recordingsNaming(candidate)
        var jobPaths = Set(named.map(originalPath))
        jobPaths.formUnion(try await store.jobPaths(candidate: candidate))
        var plan = Plan(jobPaths: jobPaths.sorted(), files: Set((named + jobPaths).flatMap(files.bundle(of:))).sorted())
        if let data = FileManager.default.contents(atPath: journal),
           let earlier = try? JSONDecoder().decode(Plan.self, from: data) {
            plan = Plan(jobPaths: Set(plan.jobPaths + earlier.jobPaths).sorted(),
                        files: Set(plan.files + earlier.files).sorted())
        }
        try OutputFile.write(try JSONEncoder().encode(plan), to: journal)
        let now = clock.now
        let erasure = try await store.erase(candidate: candidate, jobPaths: plan.jobPaths, now: now)
        var removed = 0
        var notRemoved: [String] = []
        for path in plan.files where FileManager.default.fileExists(atPath: path) {
            // The last guard: whatever a stored path or a metadata file says, nothing outside the inbox goes.
            guard ConfinedPath.isInside(path, roots: [inbox]) else {
                notRemoved.append("\(path): outside the inbox, left alone")
                continue
            }
            do {
                try FileManager.default.removeItem(atPath: path)
                removed += 1
            } catch {
                notRemoved.append("\(path): \(error.localizedDescription)")
            }
        }
        let receipt = ErasureReceipt(erasedAt: now, candidateHMAC: pseudonym,
                                     store: storeName, reports: erasure.reports,
                                     revisions: erasure.revisions, jobs: erasure.jobs, accounts: erasure.accounts,
                                     ratings: erasure.ratings, notifications: erasure.webhooks,
                                     filesRemoved: removed, filesNotRemoved: notRemoved)
        let receiptPath = (directory as NSString).appendingPathComponent(
            "erasure-\(Int(now.timeIntervalSince1970))-\(pseudonym.prefix(12)).json")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        try OutputFile.write(try encoder.encode(receipt), to: receiptPath)
        if notRemoved.isEmpty { unlink(journal) }
        return Outcome(receipt: receipt, receiptPath: receiptPath, notRemoved: notRemoved)
    }

    /// Where a recording was queued from: its path below the inbox, before `--finished move` moved it.
    func originalPath(_ path: String) -> String {
        for folder in InboxScanner.reservedFolders {
            let prefix = (inbox as NSString).appendingPathComponent(folder) + "/"
            if path.hasPrefix(prefix) { return (inbox as NSString).appendingPathComponent(String(path.dropFirst(prefix.count))) }
        }
        return path
    }
}

/// What an erasure removed, without the personal data it removed: the candidate only as a keyed hash (HMAC-SHA256
/// with this installation's erasure key), so the receipt cannot be reversed by guessing names.
public struct ErasureReceipt: Codable, Sendable {
    public var erasedAt: Date
    public var candidateHMAC: String
    public var store: String
    public var reports: Int
    public var revisions: Int
    public var jobs: Int
    /// Sign-in accounts of the candidate, with their sessions and tokens.
    public var accounts: Int
    public var ratings: Int
    public var notifications: Int
    public var filesRemoved: Int
    public var filesNotRemoved: [String]
}

/// This installation's key for the receipts' keyed hash: 32 random bytes in `DATA/erasure.key` (owner-only), made
/// on first use. Without it a receipt's hash says nothing about who was erased.
struct ErasureKey {
    let key: SymmetricKey

    init(data: String) throws {
        let path = (data as NSString).appendingPathComponent("erasure.key")
        if let stored = FileManager.default.contents(atPath: path), stored.count == 32 {
            key = SymmetricKey(data: stored)
            return
        }
        let fresh = SymmetricKey(size: .bits256)
        let bytes = fresh.withUnsafeBytes { Data($0) }
        guard let handle = OutputFile.createForWriting(path) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
        try handle.write(contentsOf: bytes)
        try handle.close()
        key = fresh
    }

    func pseudonym(_ candidate: String) -> String {
        HMAC<SHA256>.authenticationCode(for: Data(candidate.utf8), using: key).map { String(format: "%02x", $0) }.joined()
    }
}
