import DebriefModel
import Foundation
import Pipeline
#if canImport(Glibc)
import Glibc
#endif

/// What becomes of a recording (and its sidecars) once its job is done or quarantined.
public enum FinishedFiles: String, Sendable, CaseIterable {
    /// Left where they were dropped (the bundle key keeps them from being queued again).
    case keep
    /// Moved to `INBOX/processed/` or `INBOX/failed/`, keeping their sub-folder.
    case move

    public func inbox(_ root: String) -> FinishedMover? { self == .move ? FinishedMover(inbox: root) : nil }
}

/// The recording at `path` and its sidecars: files in its folder named `STEM.*` (transcripts, metadata,
/// `STEM.transcript.json`) that are not recordings of their own.
public func bundleFiles(of path: String) -> [String] {
    let directory = (path as NSString).deletingLastPathComponent
    let name = (path as NSString).lastPathComponent
    let stem = (name as NSString).deletingPathExtension
    let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.isEmpty ? "." : directory)) ?? []
    let members = names.filter { other in
        guard other != name else { return true }
        guard other.hasPrefix(stem + ".") else { return false }
        return !recordingExtensions.contains((other as NSString).pathExtension.lowercased())
    }
    return members.sorted().map { (directory as NSString).appendingPathComponent($0) }
}

/// Moves finished bundles out of the watched folder.
public struct FinishedMover: Sendable {
    public let inbox: String

    /// Moves the bundle of `path` into `processed/` (or `failed/`), keeping its path below the inbox. A name
    /// already taken there gets a numeric suffix; nothing is overwritten. Returns the new location of `path`.
    @discardableResult
    public func move(_ path: String, succeeded: Bool) throws -> String {
        let root = inbox.hasSuffix("/") ? String(inbox.dropLast()) : inbox
        guard path.hasPrefix(root + "/") else { return path }
        let relative = String(path.dropFirst(root.count + 1))
        let target = ((root as NSString).appendingPathComponent(succeeded ? "processed" : "failed") as NSString)
            .appendingPathComponent((relative as NSString).deletingLastPathComponent)
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
        var moved = path
        for file in bundleFiles(of: path) {
            var destination = (target as NSString).appendingPathComponent((file as NSString).lastPathComponent)
            var suffix = 1
            while FileManager.default.fileExists(atPath: destination) {
                let name = (file as NSString).lastPathComponent
                destination = (target as NSString).appendingPathComponent("\(suffix)-\(name)")
                suffix += 1
            }
            // rename(2): atomic on one filesystem; the watcher never sees half a file.
            guard rename(file, destination) == 0 else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: file])
            }
            if file == path { moved = destination }
        }
        return moved
    }
}

/// Where a queued recording is now: at its inbox path, or where `--finished move` put it (`processed/`, `failed/`).
public func currentLocation(of path: String, inbox: String) -> String? {
    if FileManager.default.fileExists(atPath: path) { return path }
    guard path.hasPrefix(inbox + "/") else { return nil }
    let relative = String(path.dropFirst(inbox.count + 1))
    return InboxScanner.reservedFolders.sorted().map {
        ((inbox as NSString).appendingPathComponent($0) as NSString).appendingPathComponent(relative)
    }.first { FileManager.default.fileExists(atPath: $0) }
}

/// Finds a candidate's files in the inbox: a recording with its sidecars (same stem), wherever the service left it.
public struct CandidateFiles: Sendable {
    public let inbox: String

    public init(inbox: String) { self.inbox = inbox }

    /// `path` and its sidecars (with a résumé file its metadata names), at the inbox path and in processed/ and
    /// failed/.
    public func bundle(of path: String) -> [String] {
        let relative = path.hasPrefix(inbox + "/") ? String(path.dropFirst(inbox.count + 1)) : nil
        var places = [path]
        if let relative {
            for folder in InboxScanner.reservedFolders {
                places.append(((inbox as NSString).appendingPathComponent(folder) as NSString)
                    .appendingPathComponent(relative))
            }
        }
        let files = places.flatMap(bundleFiles(of:))
        return files + files.compactMap(Self.resume(namedBy:))
    }

    /// The résumé file a metadata sidecar points at, if any.
    static func resume(namedBy path: String) -> String? {
        guard metadataExtensions.contains((path as NSString).pathExtension.lowercased()),
              let text = try? String(contentsOfFile: path, encoding: .utf8),
              let file = (try? RecordingMetadata.parse(text: text, file: path))?.resumeFile else { return nil }
        return file.hasPrefix("/") ? file
            : ((path as NSString).deletingLastPathComponent as NSString).appendingPathComponent(file)
    }

    /// Metadata sidecars (.json/.yaml/.yml) in the inbox tree whose `candidate` is `candidate`.
    public func metadataNaming(_ candidate: String) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: inbox) else { return [] }
        var found: [String] = []
        while let relative = walker.nextObject() as? String {
            guard metadataExtensions.contains((relative as NSString).pathExtension.lowercased()) else { continue }
            let path = (inbox as NSString).appendingPathComponent(relative)
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
                  ((attributes[.size] as? NSNumber)?.intValue ?? .max) < 1 << 20,
                  let text = try? String(contentsOfFile: path, encoding: .utf8) else { continue }
            if let metadata = try? RecordingMetadata.parse(text: text, file: path), metadata.candidate == candidate {
                found.append(path)
            }
        }
        return found
    }
}
