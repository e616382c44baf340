import Foundation

/// Transcript file formats Debrief reads.
public enum TranscriptFormat: String, Sendable, Codable, CaseIterable {
    case webVTT = "vtt"
    case srt
    case text = "txt"
    /// A JSON transcript with word timestamps (OpenAI/whisper `verbose_json`): `NAME.transcript.json`, so that it
    /// is never taken for `NAME.json` metadata.
    case wordJSON = "transcript.json"

    /// The format for a file extension (case-insensitive), or nil.
    public init?(fileExtension: String) {
        self.init(rawValue: fileExtension.lowercased())
    }

    /// The format of a file by its name (`x.transcript.json` included), or nil.
    public init?(path: String) {
        if path.lowercased().hasSuffix(".transcript.json") {
            self = .wordJSON
        } else {
            self.init(fileExtension: RecordingBundle.fileExtension(of: path))
        }
    }
}

/// One recording — or a bare transcript — and the files that belong with it, by Debrief's naming rules.
///
/// The rules, in one place (the watcher, the finished-file mover, erasure, uploads and the analysis all ask here):
/// - a **recording** is a file with one of `recordingExtensions`;
/// - its **sidecars** are the files of its folder named `STEM.*` that are not recordings themselves:
///   `STEM.vtt|srt|txt|transcript.json` its transcript (in that order of preference), `STEM.KEY.vtt|srt|txt|…` one
///   transcript per answer, `STEM.json|yaml|yml` its metadata; anything else named `STEM.*` (a sidecar still being
///   copied, `a.vtt.part`) travels with it;
/// - a **bare transcript** is a transcript with no recording whose stem it starts with (`NAME.q1.vtt` belongs to
///   `NAME.mp4`); its metadata is `STEM.json|yaml|yml`;
/// - a **résumé** is named by the metadata (`resumeFile`): a `.txt` or `.md` file in the bundle's folder;
/// - the first level of inbox sub-folders names the **model** (`inbox/sales-manager/alice.mp4`).
///
/// Pure: built from the names of one folder; nothing here touches the disk.
public struct RecordingBundle: Sendable, Codable, Equatable, Hashable {
    public enum Kind: String, Sendable, Codable {
        case recording
        /// A transcript analysed on its own (no recording).
        case transcript
    }

    /// One transcript file of one answer: `STEM.KEY.ext`.
    public struct AnswerFile: Sendable, Codable, Equatable, Hashable {
        public var key: String
        public var name: String

        public init(key: String, name: String) {
            self.key = key
            self.name = name
        }
    }

    /// The folder the files are in (as given: absolute, or relative to the working directory).
    public var directory: String
    /// The recording's (or the bare transcript's) file name.
    public var primary: String
    public var kind: Kind
    /// `STEM.vtt` (…): the recording's transcript.
    public var transcript: String?
    /// One transcript per answer, in natural key order.
    public var answerFiles: [AnswerFile]
    /// `STEM.json`, `STEM.yaml` or `STEM.yml`.
    public var metadata: String?
    /// Other `STEM.*` files that belong with the recording (moved and erased with it).
    public var others: [String]
    /// The inbox sub-folder the bundle was found in: the model it was filed under.
    public var folderModel: String?

    public init(directory: String, primary: String, kind: Kind, transcript: String? = nil,
                answerFiles: [AnswerFile] = [], metadata: String? = nil, others: [String] = [],
                folderModel: String? = nil) {
        self.directory = directory
        self.primary = primary
        self.kind = kind
        self.transcript = transcript
        self.answerFiles = answerFiles
        self.metadata = metadata
        self.others = others
        self.folderModel = folderModel
    }

    // MARK: - The naming rules

    /// Extensions Debrief takes as recordings (anything else FFmpeg reads works through `debrief analyze` too).
    public static let recordingExtensions: Set<String> = ["mp4", "mov", "m4v", "webm", "mkv", "m4a", "mp3", "wav",
                                                          "ogg", "opus", "flac", "aac", "avi"]
    /// Metadata extensions, in order of preference.
    public static let metadataExtensions = ["json", "yaml", "yml"]
    /// Extensions a résumé file may have.
    public static let resumeExtensions: Set<String> = ["txt", "md"]
    /// Names a file still being written carries (a browser download, an editor's swap file, rsync's partial).
    public static let temporarySuffixes = [".part", ".partial", ".tmp", ".crdownload", ".download", "~", ".swp"]

    /// The extension after the last dot, lower-cased ("" when there is none).
    public static func fileExtension(of name: String) -> String {
        let base = lastComponent(name)
        guard let dot = base.lastIndex(of: "."), dot != base.startIndex else { return "" }
        return String(base[base.index(after: dot)...]).lowercased()
    }

    /// The name without its last extension.
    public static func stem(of name: String) -> String {
        let base = lastComponent(name)
        guard let dot = base.lastIndex(of: "."), dot != base.startIndex else { return base }
        return String(base[..<dot])
    }

    static func lastComponent(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: true).last.map(String.init) ?? path
    }

    public static func isRecording(_ name: String) -> Bool { recordingExtensions.contains(fileExtension(of: name)) }

    public static func isMetadata(_ name: String) -> Bool {
        metadataExtensions.contains(fileExtension(of: name)) && TranscriptFormat(path: name) != .wordJSON
    }

    /// Whether `name` is hidden or still being written, and must never be taken.
    public static func isTemporary(_ name: String) -> Bool {
        let lowered = name.lowercased()
        return name.hasPrefix(".") || temporarySuffixes.contains { lowered.hasSuffix($0) }
    }

    /// The bundle whose primary file is `name`, given every name in its folder; nil when `name` is no recording or
    /// bare transcript of its own (a sidecar, metadata, a temporary name, or a transcript that belongs to a
    /// recording).
    /// - Parameter named: the file was named by whoever asked (`debrief analyze x.vtt`): a transcript is then taken
    ///   on its own even where a recording shares its stem.
    public static func bundle(for name: String, in names: [String], directory: String,
                              folderModel: String? = nil, named: Bool = false) -> RecordingBundle? {
        guard named || !isTemporary(name) else { return nil }
        if isRecording(name) {
            let stem = Self.stem(of: name)
            var bundle = RecordingBundle(directory: directory, primary: name, kind: .recording,
                                         folderModel: folderModel)
            let members = names.filter { $0 != name && $0.hasPrefix(stem + ".") && !isRecording($0) }
            for format in TranscriptFormat.allCases {
                if let found = members.first(where: { $0 == "\(stem).\(format.rawValue)" })
                    ?? members.first(where: { $0 == "\(stem).\(format.rawValue.uppercased())" }) {
                    bundle.transcript = found
                    break
                }
            }
            bundle.metadata = metadataFile(stem: stem, in: members)
            if bundle.transcript == nil {
                bundle.answerFiles = answerFiles(stem: stem, in: members)
            }
            let named = Set([bundle.transcript, bundle.metadata].compactMap { $0 } + bundle.answerFiles.map(\.name))
            bundle.others = members.filter { !named.contains($0) }.sorted()
            return bundle
        }
        guard let format = TranscriptFormat(path: name) else { return nil }
        // A transcript belongs to a recording that shares its stem: `NAME.vtt` and `NAME.q1.vtt` to `NAME.mp4`.
        let ownedByRecording = names.contains { other in
            other != name && isRecording(other) && name.hasPrefix(Self.stem(of: other) + ".")
        }
        guard named || !ownedByRecording else { return nil }
        let stem = String(name.dropLast(format.rawValue.count + 1))
        let members = names.filter { $0 != name && $0.hasPrefix(stem + ".") }
        return RecordingBundle(directory: directory, primary: name, kind: .transcript,
                               metadata: metadataFile(stem: stem, in: members), folderModel: folderModel)
    }

    /// Every bundle of a folder, by primary file name.
    public static func bundles(in names: [String], directory: String, folderModel: String? = nil) -> [RecordingBundle] {
        names.sorted().compactMap { bundle(for: $0, in: names, directory: directory, folderModel: folderModel) }
    }

    private static func metadataFile(stem: String, in members: [String]) -> String? {
        for fileExtension in metadataExtensions {
            if let found = members.first(where: { $0 == "\(stem).\(fileExtension)" }) { return found }
        }
        return nil
    }

    /// `STEM.KEY.ext` for every transcript format, naturally ordered by key (`2` before `10`).
    private static func answerFiles(stem: String, in members: [String]) -> [AnswerFile] {
        var found: [AnswerFile] = []
        for other in members {
            guard let format = TranscriptFormat(path: other) else { continue }
            let key = String(other.dropFirst(stem.count + 1).dropLast(format.rawValue.count + 1))
            guard !key.isEmpty, !key.contains("."), key.lowercased() != "transcript" else { continue }
            found.append(AnswerFile(key: key, name: other))
        }
        return found.sorted { $0.key.compare($1.key, options: [.numeric, .caseInsensitive]) == .orderedAscending }
    }

    // MARK: - Paths

    /// The stem the sidecars share.
    public var stem: String {
        kind == .recording ? Self.stem(of: primary)
            : String(primary.dropLast((TranscriptFormat(path: primary)?.rawValue.count ?? -1) + 1))
    }

    /// Every file of the bundle, the primary first.
    public var files: [String] {
        [primary] + [transcript, metadata].compactMap { $0 } + answerFiles.map(\.name) + others
    }

    /// A file of the bundle as a path.
    public func path(_ name: String) -> String {
        directory.isEmpty || directory == "." ? name : (directory.hasSuffix("/") ? directory + name : directory + "/" + name)
    }

    public var primaryPath: String { path(primary) }

    /// Every file of the bundle as a path.
    public var paths: [String] { files.map(path) }

    /// The same bundle in another folder (after a move).
    public func moved(to directory: String) -> RecordingBundle {
        var bundle = self
        bundle.directory = directory
        return bundle
    }
}
