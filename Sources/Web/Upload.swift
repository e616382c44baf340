import DebriefModel
import Foundation
import Hummingbird
import MultipartKit
import NIOCore
import Rendering

/// Where uploaded recordings go (the inbox the service watches) and what is taken. The extension sets are the
/// bundle's naming rules, so the upload takes exactly what the watcher takes.
public struct UploadSettings: Sendable {
    public var inbox: String
    public var maxBytes: Int
    public var recordingExtensions: Set<String>
    public var transcriptExtensions: Set<String>
    public var metadataExtensions: Set<String>

    public init(inbox: String, maxBytes: Int = 4 << 30,
                recordingExtensions: Set<String> = RecordingBundle.recordingExtensions,
                transcriptExtensions: Set<String> = ["vtt", "srt"],
                metadataExtensions: Set<String> = Set(RecordingBundle.metadataExtensions)) {
        self.inbox = inbox
        self.maxBytes = maxBytes
        self.recordingExtensions = recordingExtensions
        self.transcriptExtensions = transcriptExtensions
        self.metadataExtensions = metadataExtensions
    }
}

/// An upload refused, with the status to answer and the reason to show.
struct UploadError: Error {
    var status: HTTPResponse.Status
    var reason: String
}

/// What an upload stored: paths relative to the inbox, the recording last (it is renamed into place after its
/// sidecars, so the watcher sees the whole bundle at once).
struct UploadResult: Encodable {
    var recording: String
    var sidecars: [String]
    var bytes: Int
}

/// Takes a `multipart/form-data` body apart as it streams in (MultipartKit's parser), writing each file part straight
/// to a hidden `.part` file in the job's inbox folder — memory stays flat whatever the size — then moves the files
/// into place under a safe, unused name. Fields: `recording` (required), `transcript` (.vtt/.srt), `metadata`
/// (.json/.yaml); anything else is refused. On any failure every partial file is removed.
struct UploadReceiver {
    let settings: UploadSettings
    let job: String

    private final class Part {
        var field = ""
        var filename: String?
        var temporary: String?
        var handle: FileHandle?
        var text: [UInt8] = []
        var bytes = 0
    }

    private final class State {
        var headers: [(String, String)] = []
        var current: Part?
        var parts: [Part] = []
        var total = 0
        var failure: UploadError?
    }

    func receive(_ request: Request) async throws -> UploadResult {
        guard let type = request.headers[.contentType], type.lowercased().hasPrefix("multipart/form-data"),
              let boundary = Self.boundary(type) else {
            throw UploadError(status: .unsupportedMediaType,
                              reason: "send the files as multipart/form-data (fields recording, transcript, metadata)")
        }
        let folder = (settings.inbox as NSString).appendingPathComponent(job)
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw UploadError(status: .internalServerError, reason: "\(folder): cannot create the job's inbox folder")
        }
        let state = State()
        let parser = MultipartParser(boundary: boundary)
        var guarded = MultipartHeaderGuard(boundary: boundary)
        parser.onHeader = { name, value in state.headers.append((name.lowercased(), value)) }
        parser.onBody = { buffer in
            guard state.failure == nil else { return }
            let part = state.current ?? Self.open(state, folder: folder)
            let count = buffer.readableBytes
            state.total += count
            part.bytes += count
            if state.total > settings.maxBytes {
                let limit = settings.maxBytes >= 1 << 20 ? "\(settings.maxBytes >> 20) MiB" : "\(settings.maxBytes >> 10) KiB"
                state.failure = UploadError(status: .contentTooLarge, reason: "the upload is larger than \(limit)")
                return
            }
            let bytes = buffer.readBytes(length: count) ?? []
            if let handle = part.handle {
                do { try handle.write(contentsOf: bytes) } catch {
                    state.failure = UploadError(status: .init(code: 507, reasonPhrase: "Insufficient Storage"),
                                                reason: "\(folder): could not write the upload (\(error))")
                }
            } else if part.text.count + bytes.count <= 4096 {
                part.text += bytes
            }
        }
        parser.onPartComplete = {
            let part = state.current ?? Self.open(state, folder: folder)  // an empty part
            try? part.handle?.close()
            part.handle = nil
            state.parts.append(part)
            state.current = nil
            state.headers = []
        }
        do {
            for try await buffer in request.body {
                try buffer.withUnsafeReadableBytes { try guarded.check($0) }
                try parser.execute(buffer)
                if state.failure != nil { break }
            }
        } catch {
            state.failure = state.failure ?? UploadError(status: .badRequest,
                                                         reason: "the multipart body is malformed (\(error))")
        }
        let all = state.parts + (state.current.map { [$0] } ?? [])
        do {
            if let failure = state.failure { throw failure }
            return try place(state.parts, folder: folder)
        } catch {
            for part in all {
                try? part.handle?.close()
                if let temporary = part.temporary { try? FileManager.default.removeItem(atPath: temporary) }
            }
            throw error
        }
    }

    /// A new part from the headers seen since the last one; a file part gets its hidden temporary file.
    private static func open(_ state: State, folder: String) -> Part {
        let part = Part()
        let disposition = state.headers.last { $0.0 == "content-disposition" }?.1 ?? ""
        part.field = parameter("name", in: disposition) ?? ""
        part.filename = parameter("filename", in: disposition)
        if part.filename != nil {
            let path = (folder as NSString).appendingPathComponent(".upload-\(UUID().uuidString).part")
            if FileManager.default.createFile(atPath: path, contents: nil) {
                part.temporary = path
                part.handle = FileHandle(forWritingAtPath: path)
            }
            if part.handle == nil {
                state.failure = UploadError(status: .init(code: 507, reasonPhrase: "Insufficient Storage"), reason: "\(folder): cannot write the upload")
            }
        }
        state.current = part
        return part
    }

    /// Checks the parts, picks a name no file in the job's folder (or processed/, failed/) has, and moves the
    /// sidecars, then the recording, into place.
    private func place(_ parts: [Part], folder: String) throws -> UploadResult {
        let files = parts.filter { $0.filename != nil }
        for part in files where !["recording", "transcript", "metadata"].contains(part.field) {
            throw UploadError(status: .badRequest,
                              reason: "unknown file field '\(part.field)': send recording, transcript or metadata")
        }
        let recordings = files.filter { $0.field == "recording" }
        guard recordings.count == 1, let recording = recordings.first, let original = recording.filename else {
            throw UploadError(status: .badRequest, reason: "send exactly one file in the field 'recording'")
        }
        let kind = ((original as NSString).pathExtension).lowercased()
        guard settings.recordingExtensions.contains(kind) else {
            throw UploadError(status: .unsupportedMediaType, reason: "\(Self.clean(original)): not a recording "
                + "Debrief takes (\(settings.recordingExtensions.sorted().joined(separator: ", ")))")
        }
        guard recording.bytes > 0 else {
            throw UploadError(status: .badRequest, reason: "\(Self.clean(original)): the file is empty")
        }
        var sidecars: [(Part, String)] = []
        for field in ["transcript", "metadata"] {
            let given = files.filter { $0.field == field }
            guard given.count <= 1 else { throw UploadError(status: .badRequest, reason: "more than one \(field) file") }
            guard let part = given.first else { continue }
            let allowed = field == "transcript" ? settings.transcriptExtensions : settings.metadataExtensions
            let ext = ((part.filename ?? "") as NSString).pathExtension.lowercased()
            guard allowed.contains(ext) else {
                throw UploadError(status: .unsupportedMediaType, reason: "\(Self.clean(part.filename ?? "")): a "
                    + "\(field) must be \(allowed.sorted().map { "." + $0 }.joined(separator: ", "))")
            }
            sidecars.append((part, ext))
        }
        // Without a metadata file, the form's candidate name (and language) become one.
        let fields = Dictionary(parts.filter { $0.filename == nil }.map { ($0.field, String(decoding: $0.text, as: UTF8.self)) },
                                uniquingKeysWith: { first, _ in first })
        let candidate = (fields["candidate"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if !sidecars.contains(where: { $0.0.field == "metadata" }), !candidate.isEmpty {
            var metadata = ["candidate": String(candidate.prefix(200))]
            if let language = fields["language"], ["en", "zh"].contains(language) { metadata["language"] = language }
            let part = Part()
            part.field = "metadata"
            part.temporary = (folder as NSString).appendingPathComponent(".upload-\(UUID().uuidString).part")
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            guard let data = try? encoder.encode(metadata),
                  FileManager.default.createFile(atPath: part.temporary!, contents: data) else {
                throw UploadError(status: .init(code: 507, reasonPhrase: "Insufficient Storage"), reason: "\(folder): cannot write the metadata")
            }
            part.bytes = data.count
            sidecars.append((part, "json"))
        }
        let stem = unusedStem(Self.clean((original as NSString).deletingPathExtension), folder: folder,
                              extensions: [kind] + sidecars.map(\.1))
        var placed: [String] = []
        for (part, ext) in sidecars + [(recording, kind)] {
            let name = "\(stem).\(ext)"
            guard let temporary = part.temporary,
                  Foundation.rename(temporary, (folder as NSString).appendingPathComponent(name)) == 0 else {
                throw UploadError(status: .internalServerError, reason: "\(folder)/\(name): could not move the upload into place")
            }
            part.temporary = nil
            placed.append("\(job)/\(name)")
        }
        return UploadResult(recording: placed.last!, sidecars: Array(placed.dropLast()),
                            bytes: recording.bytes + sidecars.reduce(0) { $0 + $1.0.bytes })
    }

    /// A stem with none of `extensions` taken in the folder, nor in its processed/ and failed/ twins.
    private func unusedStem(_ stem: String, folder: String, extensions: [String]) -> String {
        let places = [folder] + ["processed", "failed"].map {
            ((settings.inbox as NSString).appendingPathComponent($0) as NSString).appendingPathComponent(job)
        }
        func taken(_ candidate: String) -> Bool {
            places.contains { place in
                extensions.contains { FileManager.default.fileExists(atPath: "\(place)/\(candidate).\($0)") }
            }
        }
        var candidate = stem, number = 2
        while taken(candidate) {
            candidate = "\(stem)-\(number)"
            number += 1
        }
        return candidate
    }

    /// A file name's stem made safe: no path, no control or separator characters, no leading dot, at most 100
    /// characters (letters of any script kept, so a Chinese name stays readable).
    static func clean(_ name: String) -> String {
        let last = name.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        var cleaned = String(last.unicodeScalars.map { scalar -> Character in
            let allowed = CharacterSet.alphanumerics.contains(scalar) || "-_. ()".unicodeScalars.contains(scalar)
            return allowed ? Character(scalar) : "_"
        })
        while cleaned.hasPrefix(".") || cleaned.hasPrefix(" ") { cleaned.removeFirst() }
        cleaned = String(cleaned.prefix(100)).trimmingCharacters(in: .whitespaces)
        return cleaned.isEmpty ? "upload" : cleaned
    }

    /// `boundary=` of a Content-Type, unquoted.
    static func boundary(_ contentType: String) -> String? {
        parameter("boundary", in: contentType)
    }

    /// A `name=value` or `name="value"` parameter of a header value.
    static func parameter(_ name: String, in header: String) -> String? {
        for piece in header.split(separator: ";") {
            let pair = piece.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, pair[0].lowercased() == name else { continue }
            var value = pair[1]
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            return value.isEmpty ? nil : value
        }
        return nil
    }
}

/// `POST /api/v1/jobs/{model}/uploads` (bearer; JSON answer) and `POST /jobs/{model}/upload?csrf=` (the job page's
/// form; back to the page): a recording with its sidecars into the job's inbox folder, for whoever may see the job
/// (not candidates). Without an inbox (a router serving reports only) they answer 503 and say why.
func addUploadRoutes(_ router: Router<DebriefContext>, uploads: UploadSettings?,
                     models: @escaping @Sendable () -> [CompetencyModel], metrics: WebMetrics) {
    @Sendable func upload(_ request: Request, _ context: DebriefContext) async throws -> Result<UploadResult, UploadError> {
        let user = try context.requireUser()
        guard let job = context.parameters.get("model"), Access.canUpload(job: job, user),
              models().contains(where: { $0.id == job }) else {
            return .failure(UploadError(status: .notFound, reason: "job not found"))
        }
        guard let uploads else {
            return .failure(UploadError(status: .serviceUnavailable,
                                        reason: "uploads need the inbox: this server was started without one"))
        }
        do {
            let result = try await UploadReceiver(settings: uploads, job: job).receive(request)
            metrics.event("uploads", help: "Recordings uploaded through the web app", labels: [("job", job)])
            return .success(result)
        } catch let error as UploadError {
            return .failure(error)
        }
    }
    router.post("/api/v1/jobs/:model/uploads") { request, context -> Response in
        switch try await upload(request, context) {
        case .success(let result): return json(try apiEncoder().encode(result), status: .created)
        case .failure(let error): return json(try apiEncoder().encode(["error": error.reason]), status: error.status)
        }
    }
    router.post("/jobs/:model/upload") { request, context -> Response in
        let language = pageLanguage(request)
        switch try await upload(request, context) {
        case .success(let result):
            var query = URLComponents()
            query.queryItems = [URLQueryItem(name: "uploaded", value: result.recording)]
                + (language == .zh ? [URLQueryItem(name: "lang", value: "zh")] : [])
            let job = context.parameters.get("model") ?? ""
            return Response(status: .seeOther, headers: [.location: "/jobs/\(job)?\(query.percentEncodedQuery ?? "")"])
        case .failure(let error):
            let heading = language == .zh ? "上传失败" : "The upload was refused"
            return html(HTML.page(title: "Debrief", body: "<section><h1>\(heading)</h1><p>\(HTML.escape(error.reason))</p></section>",
                                  language: language, account: context.account), status: error.status)
        }
    }
}
