import AsyncHTTPClient
import DebriefModel
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization
import Transcripts

/// Why transcription failed, in one line.
public struct ASRError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// A client of the OpenAI-compatible transcription API (`POST /v1/audio/transcriptions`, `verbose_json`, word
/// timestamps) that whisper.cpp's server, faster-whisper servers, LocalAI, vLLM, hosted services and Debrief's own
/// local recogniser (`asr/server.py`) share. Bounded waits, retries with backoff, one chunk per request.
public struct ASRClient: Sendable {
    public var baseURL: URL
    public var apiKey: String?
    public var model: String
    /// Seconds to wait per request, on top of one second per 10 s of audio sent.
    public var timeoutSeconds: Double
    public var retries: Int

    public init(baseURL: URL, apiKey: String? = nil, model: String = "whisper-1", timeoutSeconds: Double = 60,
                retries: Int = 2) {
        self.baseURL = baseURL
        self.apiKey = apiKey
        self.model = model
        self.timeoutSeconds = timeoutSeconds
        self.retries = retries
    }

    /// The recogniser's own description (`GET /health` of Debrief's server, else `GET /v1/models`); nil when it
    /// does not answer.
    public func info() -> RecognizerInfo? {
        if let (status, data) = try? send(Call(url: baseURL.appendingPathComponent("health"), timeout: 5)),
           status == 200,
           let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
           let recognizer = object["recognizer"] as? [String: Any], let name = recognizer["name"] as? String {
            let engine = recognizer["engine"] as? String
            return RecognizerInfo(name: engine.map { "\(name), \($0)" } ?? name,
                                  englishOnly: recognizer["englishOnly"] as? Bool ?? false)
        }
        var request = Call(url: baseURL.appendingPathComponent("v1/models"), timeout: 5)
        authorise(&request)
        guard let (status, data) = try? send(request), status == 200,
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let models = object["data"] as? [[String: Any]] else { return nil }
        let name = models.compactMap { $0["id"] as? String }.first ?? model
        return RecognizerInfo(name: name, englishOnly: name.hasSuffix(".en"))
    }

    /// Transcribes one WAV chunk that starts `offset` seconds into the recording.
    public func transcribe(wav: Data, seconds: Double, offset: Double, language: Language?)
        throws(ASRError) -> ParsedTranscript {
        let boundary = "debrief-\(UUID().uuidString)"
        var body = Data()
        func field(_ name: String, _ value: String) {
            body += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
        }
        field("model", model)
        field("response_format", "verbose_json")
        field("timestamp_granularities[]", "word")
        field("timestamp_granularities[]", "segment")
        if let language, language == .en || language == .zh { field("language", language.rawValue) }
        body += Data(("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"chunk.wav\"\r\n"
            + "Content-Type: audio/wav\r\n\r\n").utf8)
        body += wav
        body += Data("\r\n--\(boundary)--\r\n".utf8)
        var request = Call(url: baseURL.appendingPathComponent("v1/audio/transcriptions"),
                           timeout: timeoutSeconds + seconds / 10, method: .POST, body: body)
        request.headers.add(name: "Content-Type", value: "multipart/form-data; boundary=\(boundary)")
        authorise(&request)

        var lastProblem = ""
        for attempt in 0...retries {
            if attempt > 0 { Thread.sleep(forTimeInterval: Double(attempt * attempt)) }
            let status: Int
            let data: Data
            do {
                (status, data) = try send(request)
            } catch {
                lastProblem = "the recogniser at \(baseURL.absoluteString) did not answer (\(error.message))"
                continue
            }
            if status >= 500 || status == 429 {
                lastProblem = "the recogniser answered HTTP \(status)"
                continue
            }
            guard status == 200 else {
                throw ASRError("the recogniser refused the audio (HTTP \(status)): \(Self.errorMessage(data))")
            }
            do {
                return try WordJSON.parse(data, file: "recogniser response", offset: offset)
            } catch {
                throw ASRError("the recogniser's answer is malformed: \(error.reason)")
            }
        }
        throw ASRError(lastProblem + " after \(retries + 1) attempts")
    }

    /// One HTTP request.
    struct Call {
        var url: URL
        var timeout: Double
        var method: HTTPMethod = .GET
        var body: Data?
        var headers = HTTPHeaders()
    }

    private func authorise(_ request: inout Call) {
        if let apiKey { request.headers.add(name: "Authorization", value: "Bearer \(apiKey)") }
    }

    /// One request through AsyncHTTPClient (swift-server), waited for synchronously: the analysis runs on a thread of
    /// its own, never on Swift's cooperative pool. (Foundation's URLSession on Linux kept a core busy while it waited
    /// for a long answer, which halved the recogniser's speed on 2 cores.)
    private func send(_ call: Call) throws(ASRError) -> (Int, Data) {
        let box = Mutex<Result<(Int, Data), ASRError>>(.failure(ASRError("no answer")))
        let done = DispatchSemaphore(value: 0)
        var request = HTTPClientRequest(url: call.url.absoluteString)
        request.method = call.method
        request.headers = call.headers
        if let body = call.body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let timeout = call.timeout
        Task {
            let result: Result<(Int, Data), ASRError>
            do {
                let response = try await HTTPClient.shared.execute(request, timeout: .milliseconds(Int64(timeout * 1000)))
                let bytes = try await response.body.collect(upTo: 256 << 20)
                result = .success((Int(response.status.code), Data(bytes.readableBytesView)))
            } catch {
                result = .failure(ASRError("\(error)"))
            }
            box.withLock { $0 = result }
            done.signal()
        }
        if done.wait(timeout: .now() + timeout + 5) == .timedOut {
            throw ASRError("no answer within \(Int(timeout)) s")
        }
        return try box.withLock { $0 }.get()
    }

    private static func errorMessage(_ data: Data) -> String {
        if let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
           let error = object["error"] as? [String: Any], let message = error["message"] as? String {
            return message
        }
        return String(decoding: data.prefix(200), as: UTF8.self)
    }
}
