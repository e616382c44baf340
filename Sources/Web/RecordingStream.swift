import Foundation
import Hummingbird

/// The byte range a `Range` header asks of a file of `size` bytes (RFC 9110 §14): one range, or the whole file.
enum ByteRange: Equatable {
    /// No usable Range header (absent, another unit, or several ranges): send the whole file.
    case whole
    case part(ClosedRange<Int>)
    /// A range that starts past the end: 416.
    case unsatisfiable

    init(header: String?, size: Int) {
        guard let header, header.hasPrefix("bytes="), !header.contains(",") else {
            self = .whole
            return
        }
        let spec = header.dropFirst("bytes=".count).trimmingCharacters(in: .whitespaces)
        let parts = spec.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else {
            self = .whole
            return
        }
        let first = Int(parts[0]), last = Int(parts[1])
        switch (parts[0].isEmpty, parts[1].isEmpty) {
        case (true, false):  // the last N bytes
            guard let count = last, count > 0 else { self = .unsatisfiable; return }
            self = size == 0 ? .unsatisfiable : .part(max(0, size - count)...(size - 1))
        case (false, _):
            guard let start = first, start >= 0 else { self = .whole; return }
            guard start < size else { self = .unsatisfiable; return }
            if parts[1].isEmpty {
                self = .part(start...(size - 1))
            } else if let end = last, end >= start {
                self = .part(start...min(end, size - 1))
            } else {
                self = .whole
            }
        default:
            self = .whole
        }
    }
}

/// The media type a browser needs to play a recording, from its extension.
func mediaType(_ path: String) -> String {
    switch (path as NSString).pathExtension.lowercased() {
    case "mp4", "m4v": "video/mp4"
    case "mov": "video/quicktime"
    case "webm": "video/webm"
    case "mkv": "video/x-matroska"
    case "m4a", "aac": "audio/mp4"
    case "mp3": "audio/mpeg"
    case "wav": "audio/wav"
    case "ogg", "oga", "opus": "audio/ogg"
    case "flac": "audio/flac"
    default: "application/octet-stream"
    }
}

/// Streams `path` in 128 KiB chunks (never whole in memory), honouring a single `Range` so that the player can seek.
func streamRecording(_ path: String, expectedSize: Int, request: Request, context: DebriefContext) async throws
    -> Response {
    guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
          let size = (attributes[.size] as? NSNumber)?.intValue else {
        return text("the recording is no longer in the inbox\n", status: .notFound)
    }
    guard size == expectedSize else {
        return text("the recording at this path has changed since it was analysed (\(size) bytes, not \(expectedSize))\n",
                    status: .conflict)
    }
    var headers: HTTPFields = [.contentType: mediaType(path), .acceptRanges: "bytes"]
    let files = FileIO()
    switch ByteRange(header: request.headers[.range], size: size) {
    case .unsatisfiable:
        headers[.contentRange] = "bytes */\(size)"
        return Response(status: .rangeNotSatisfiable, headers: headers)
    case .part(let range):
        headers[.contentRange] = "bytes \(range.lowerBound)-\(range.upperBound)/\(size)"
        headers[.contentLength] = String(range.count)
        return Response(status: .partialContent, headers: headers,
                        body: try await files.loadFile(path: path, range: range, context: context))
    case .whole:
        headers[.contentLength] = String(size)
        return Response(status: .ok, headers: headers, body: try await files.loadFile(path: path, context: context))
    }
}
