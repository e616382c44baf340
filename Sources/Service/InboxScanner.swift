import DebriefModel
import Foundation
import Pipeline
import Store
import Transcripts

/// What one scan of the inbox sees of a file.
public struct FileObservation: Sendable, Equatable {
    public var size: Int64
    public var modified: Date

    public init(size: Int64, modified: Date) {
        self.size = size
        self.modified = modified
    }
}

/// Decides which inbox files are complete recordings (or bare transcripts) ready to queue.
///
/// A file is taken only once its size and modification time have stayed the same for `stableSeconds` (a copy in
/// progress keeps changing both). Dot-files and temporary names (`.part`, `.partial`, `.tmp`, `.crdownload`, `~`)
/// are ignored, and so are sidecars (`.json`/`.yaml` metadata; `.vtt/.srt/.txt` beside a recording). The first
/// level of sub-folders names the model (`inbox/sales-manager/alice.mp4`); `processed/` and `failed/` are skipped.
/// Pure: the caller lists the directory and supplies the clock.
public struct InboxScanner: Sendable {
    public let root: String
    public let stableSeconds: Double
    private var seen: [String: (observation: FileObservation, since: Date)] = [:]
    /// Bundle keys already handed out: each version of a file is returned once.
    private var emitted: Set<String> = []

    public static let temporarySuffixes = [".part", ".partial", ".tmp", ".crdownload", ".download", "~", ".swp"]
    public static let reservedFolders: Set<String> = ["processed", "failed"]

    public init(root: String, stableSeconds: Double = 2) {
        self.root = root
        self.stableSeconds = stableSeconds
    }

    /// Whether `name` is a temporary or hidden file that must never be taken.
    public static func isIgnored(_ name: String) -> Bool {
        name.hasPrefix(".") || temporarySuffixes.contains { name.lowercased().hasSuffix($0) }
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
        let candidates = listing.keys.filter {
            stable.contains($0) && !emitted.contains(key($0)) && isCandidate($0, listing: listing)
        }
        let bundles = Dictionary(uniqueKeysWithValues: candidates.map { ($0, Self.bundle(of: $0, in: listing)) })
        let settled = candidates.filter { candidate in
            bundles[candidate]!.allSatisfy { stable.contains($0) && !Self.isIgnored(($0 as NSString).lastPathComponent) }
        }
        let root = self.root
        let absolute = { (relative: String) in (root as NSString).appendingPathComponent(relative) }
        let inspected = Set(settled.flatMap { bundles[$0]! }.map(absolute))
        let open = inspected.isEmpty ? [] : beingWritten(inspected)
        var ready: [NewJob] = []
        for relative in settled.sorted() where !bundles[relative]!.contains(where: { open.contains(absolute($0)) }) {
            // Zero-byte files are queued too: the analysis says clearly why they fail.
            let components = relative.split(separator: "/")
            let folder = components.count > 1 ? String(components[0]) : nil
            let bundleKey = key(relative)
            emitted.insert(bundleKey)
            ready.append(NewJob(path: absolute(relative), folderModel: folder, bundleKey: bundleKey))
        }
        // Forget files that vanished, so a re-dropped file is seen afresh.
        for key in seen.keys where listing[key] == nil {
            seen[key] = nil
            emitted = emitted.filter { !$0.hasPrefix(key + "|") }
        }
        return ready
    }

    /// The files of the listing that belong with `relative`: itself and its sidecars (`STEM.*` in its folder,
    /// temporary names included), but not other recordings.
    static func bundle(of relative: String, in listing: [String: FileObservation]) -> [String] {
        let directory = (relative as NSString).deletingLastPathComponent
        let stem = ((relative as NSString).lastPathComponent as NSString).deletingPathExtension
        return listing.keys.filter { other in
            guard other != relative else { return true }
            guard (other as NSString).deletingLastPathComponent == directory,
                  (other as NSString).lastPathComponent.hasPrefix(stem + ".") else { return false }
            return !recordingExtensions.contains((other as NSString).pathExtension.lowercased())
        }
    }

    private func isCandidate(_ relative: String, listing: [String: FileObservation]) -> Bool {
        let components = relative.split(separator: "/").map(String.init)
        guard let name = components.last, components.count <= 2 else { return false }
        if components.count == 2, Self.reservedFolders.contains(components[0]) || Self.isIgnored(components[0]) {
            return false
        }
        guard !Self.isIgnored(name) else { return false }
        let fileExtension = (name as NSString).pathExtension.lowercased()
        if metadataExtensions.contains(fileExtension) { return false }
        if TranscriptFormat(fileExtension: fileExtension) != nil {
            // A transcript is a job of its own only when no recording shares its stem: `NAME.vtt`, or one answer's
            // `NAME.q1.vtt`, belongs to `NAME.mp4`.
            return !listing.keys.contains { other in
                other != relative && recordingExtensions.contains((other as NSString).pathExtension.lowercased())
                    && relative.hasPrefix((other as NSString).deletingPathExtension + ".")
            }
        }
        return recordingExtensions.contains(fileExtension)
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
