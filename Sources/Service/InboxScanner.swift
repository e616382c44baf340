import DebriefModel
import Foundation
import Store

/// What one scan of the inbox sees of a file.
public struct FileObservation: Sendable, Equatable {
    public var size: Int64
    public var modified: Date

    public init(size: Int64, modified: Date) {
        self.size = size
        self.modified = modified
    }
}

/// Decides which inbox files are complete recordings (or bare transcripts) ready to queue, and hands each out once
/// as a `RecordingBundle` (the naming rules are the bundle's).
///
/// A file is taken only once its size and modification time have stayed the same for `stableSeconds` (a copy in
/// progress keeps changing both). Dot-files and temporary names (`.part`, `.partial`, `.tmp`, `.crdownload`, `~`)
/// are ignored, and so are sidecars. The first level of sub-folders names the model (`inbox/sales-manager/alice.mp4`);
/// `processed/` and `failed/` are skipped. Pure: the caller lists the directory and supplies the clock.
public struct InboxScanner: Sendable {
    public let root: String
    public let stableSeconds: Double
    private var seen: [String: (observation: FileObservation, since: Date)] = [:]
    /// Bundle keys already handed out: each version of a file is returned once.
    private var emitted: Set<String> = []

    public static let reservedFolders: Set<String> = ["processed", "failed"]

    public init(root: String, stableSeconds: Double = 2) {
        self.root = root
        self.stableSeconds = stableSeconds
    }

    /// Feeds one listing (relative path → observation) taken at `now`; returns the jobs that became ready.
    ///
    /// A recording is taken only when its whole bundle — the recording and every sidecar with its stem — has kept
    /// its size and modification time for `stableSeconds`, no sidecar is still under a temporary name
    /// (`a.vtt.part`), and no process holds any of them open for writing.
    /// - Parameter beingWritten: of the given absolute paths, those a process still holds open for writing (a copy
    ///   that stalled longer than `stableSeconds`).
    public mutating func observe(_ listing: [String: FileObservation], now: Date,
                                 beingWritten: (Set<String>) -> Set<String> = { _ in [] }) -> [NewJob] {
        var stable: Set<String> = []
        for (relative, observation) in listing {
            if let previous = seen[relative], previous.observation == observation {
                if now.timeIntervalSince(previous.since) >= stableSeconds { stable.insert(relative) }
            } else {
                seen[relative] = (observation, now)
            }
        }
        // Files already handed out (left in place after their job) are not looked at again: no bundle search and no
        // /proc scan for them on every pass.
        func key(_ relative: String) -> String {
            let observation = listing[relative]!
            return "\(relative)|\(observation.size)|\(Int64(observation.modified.timeIntervalSince1970 * 1000))"
        }
        let folders = Dictionary(grouping: listing.keys) { ($0 as NSString).deletingLastPathComponent }
        let root = self.root
        let absolute = { (relative: String) in (root as NSString).appendingPathComponent(relative) }
        var bundles: [String: (bundle: RecordingBundle, members: [String])] = [:]
        for relative in listing.keys where stable.contains(relative) && !emitted.contains(key(relative)) {
            let folder = (relative as NSString).deletingLastPathComponent
            guard Self.isWatched(folder) else { continue }
            let names = folders[folder, default: []].map { ($0 as NSString).lastPathComponent }
            guard let bundle = RecordingBundle.bundle(for: (relative as NSString).lastPathComponent, in: names,
                                                      directory: folder.isEmpty ? root : absolute(folder),
                                                      folderModel: folder.isEmpty ? nil : folder) else { continue }
            bundles[relative] = (bundle, bundle.files.map { folder.isEmpty ? $0 : folder + "/" + $0 })
        }
        let settled = bundles.filter { _, entry in
            entry.members.allSatisfy { stable.contains($0) && !RecordingBundle.isTemporary(($0 as NSString).lastPathComponent) }
        }
        let inspected = Set(settled.values.flatMap(\.members).map(absolute))
        let open = inspected.isEmpty ? [] : beingWritten(inspected)
        var ready: [NewJob] = []
        for relative in settled.keys.sorted()
        where !settled[relative]!.members.contains(where: { open.contains(absolute($0)) }) {
            // Zero-byte files are queued too: the analysis says clearly why they fail.
            let bundleKey = key(relative)
            emitted.insert(bundleKey)
            ready.append(NewJob(bundle: settled[relative]!.bundle, bundleKey: bundleKey))
        }
        // Forget files that vanished, so a re-dropped file is seen afresh.
        for key in seen.keys where listing[key] == nil {
            seen[key] = nil
            emitted = emitted.filter { !$0.hasPrefix(key + "|") }
        }
        return ready
    }

    /// The inbox itself and its first level of sub-folders (each a job), but not `processed/`, `failed/` or
    /// hidden folders.
    private static func isWatched(_ folder: String) -> Bool {
        guard !folder.isEmpty else { return true }
        return !folder.contains("/") && !reservedFolders.contains(folder) && !RecordingBundle.isTemporary(folder)
    }
}

/// Lists the inbox: files at the top level and one level of sub-folders, with size and modification time.
/// Returns nil when the inbox is missing or unreadable (ingest pauses; nothing is forgotten or deleted).
public func listInbox(_ root: String) -> [String: FileObservation]? {
    let manager = FileManager.default
    guard let top = try? manager.contentsOfDirectory(atPath: root) else { return nil }
    var listing: [String: FileObservation] = [:]
    func add(_ relative: String) -> Bool {
        let full = (root as NSString).appendingPathComponent(relative)
        guard let attributes = try? manager.attributesOfItem(atPath: full) else { return false }
        let type = attributes[.type] as? FileAttributeType
        if type == .typeDirectory { return true }
        guard type == .typeRegular else { return false }
        listing[relative] = FileObservation(size: (attributes[.size] as? NSNumber)?.int64Value ?? 0,
                                            modified: attributes[.modificationDate] as? Date ?? .distantPast)
        return false
    }
    for name in top where !name.hasPrefix(".") {
        if add(name), !InboxScanner.reservedFolders.contains(name),
           let inner = try? manager.contentsOfDirectory(atPath: (root as NSString).appendingPathComponent(name)) {
            for child in inner where !child.hasPrefix(".") { _ = add("\(name)/\(child)") }
        }
    }
    return listing
}

/// Which of `paths` some process on this machine holds open for writing, from /proc (a copy in progress, however
/// long it stalls). Writers on other machines (network shares) are invisible here: for those the stability window
/// is the only guard.
public func filesOpenForWriting(_ paths: Set<String>) -> Set<String> {
    var wanted: [String: String] = [:]
    for path in paths {
        wanted[URL(fileURLWithPath: path).resolvingSymlinksInPath().path] = path
    }
    let manager = FileManager.default
    guard let processes = try? manager.contentsOfDirectory(atPath: "/proc") else { return [] }
    var open: Set<String> = []
    for pid in processes where pid.first?.isNumber == true {
        guard let descriptors = try? manager.contentsOfDirectory(atPath: "/proc/\(pid)/fd") else { continue }
        for descriptor in descriptors {
            guard let target = try? manager.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\(descriptor)"),
                  let original = wanted[target],
                  let info = try? String(contentsOfFile: "/proc/\(pid)/fdinfo/\(descriptor)", encoding: .utf8),
                  let flagsLine = info.split(separator: "\n").first(where: { $0.hasPrefix("flags:") }),
                  let flags = Int(flagsLine.dropFirst("flags:".count).trimmingCharacters(in: .whitespaces), radix: 8)
            else { continue }
            if flags & 0o3 != 0 { open.insert(original) }  // O_WRONLY or O_RDWR
        }
    }
    return open
}
