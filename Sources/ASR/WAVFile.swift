import Foundation

/// A 16 kHz mono 16-bit PCM WAV file written while the recording decodes (memory stays at one chunk), read back in
/// pieces for the recogniser.
public final class WAVWriter {
    public let path: String
    private let handle: FileHandle
    private var samples = 0
    public static let sampleRate = 16_000

    public init(path: String) throws {
        // Created in place (Foundation's createFile goes through a temporary file a killed process leaves behind).
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
        self.path = path
        handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        try handle.write(contentsOf: WAVWriter.header(samples: 0))
    }

    deinit { try? handle.close() }

    /// Appends Float samples (clipped to ±1) as 16-bit PCM.
    public func append(_ chunk: [Float]) throws {
        try handle.write(contentsOf: WAVWriter.pcm16(chunk))
        samples += chunk.count
    }

    /// Little-endian 16-bit PCM of `samples` (clipped to ±1; non-finite values become silence).
    static func pcm16(_ samples: [Float]) -> Data {
        var bytes = Data(count: samples.count * 2)
        for (index, sample) in samples.enumerated() {
            let value = Int16((max(-1, min(1, sample.isFinite ? sample : 0)) * 32767).rounded())
            bytes[2 * index] = UInt8(truncatingIfNeeded: value)
            bytes[2 * index + 1] = UInt8(truncatingIfNeeded: value >> 8)
        }
        return bytes
    }

    /// Writes the final sizes into the header and closes the file; returns the sample count.
    @discardableResult
    public func finish() throws -> Int {
        try handle.seek(toOffset: 0)
        try handle.write(contentsOf: WAVWriter.header(samples: samples))
        try handle.close()
        return samples
    }

    /// A whole WAV file of `samples` in memory (short clips).
    public static func wav(_ samples: [Float]) -> Data {
        header(samples: samples.count) + pcm16(samples)
    }

    /// The 44-byte RIFF header of `samples` 16-bit mono samples at 16 kHz.
    public static func header(samples: Int) -> Data {
        var data = Data()
        func put32(_ value: Int) { withUnsafeBytes(of: UInt32(truncatingIfNeeded: value).littleEndian) { data += $0 } }
        func put16(_ value: Int) { withUnsafeBytes(of: UInt16(truncatingIfNeeded: value).littleEndian) { data += $0 } }
        data += Data("RIFF".utf8)
        put32(36 + samples * 2)
        data += Data("WAVEfmt ".utf8)
        put32(16)
        put16(1)
        put16(1)
        put32(sampleRate)
        put32(sampleRate * 2)
        put16(2)
        put16(16)
        data += Data("data".utf8)
        put32(samples * 2)
        return data
    }
}

/// Reads sample ranges back from a `WAVWriter` file.
public struct WAVReader {
    public let path: String
    public let samples: Int

    /// A file still being written, of which `samples` are known to be there.
    public init(path: String, samples: Int) {
        self.path = path
        self.samples = samples
    }

    public init(path: String) throws {
        self.path = path
        let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 44
        samples = max(0, (size - 44) / 2)
    }

    /// The bytes of samples `range` as a complete WAV file.
    public func wav(_ range: Range<Int>) throws -> Data {
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.seek(toOffset: UInt64(44 + range.lowerBound * 2))
        let body = try handle.read(upToCount: range.count * 2) ?? Data()
        return WAVWriter.header(samples: body.count / 2) + body
    }

    /// RMS of each 100 ms frame of `range`.
    public func frameLevels(_ range: Range<Int>) throws -> [Float] {
        let data = try wav(range).dropFirst(44)
        let frame = WAVWriter.sampleRate / 10
        return data.withUnsafeBytes { raw -> [Float] in
            let values = raw.bindMemory(to: Int16.self)
            return stride(from: 0, to: values.count, by: frame).map { start in
                let slice = values[start..<min(values.count, start + frame)]
                let energy = slice.reduce(Float(0)) { $0 + Float(Int16(littleEndian: $1)) * Float(Int16(littleEndian: $1)) }
                return (energy / Float(max(1, slice.count))).squareRoot()
            }
        }
    }
}

/// Where to cut a long recording for the recogniser: pieces of at most `maximum` samples, each cut at the quietest
/// 100 ms frame of the last 30 s before the limit (a pause, not the middle of a word).
public enum ChunkPlan {
    public static let maximumSeconds = 300
    public static let searchSeconds = 30

    /// - Parameter levels: RMS per 100 ms frame of a window, for the window (start, count) asked.
    public static func cuts(samples: Int, maximum: Int = maximumSeconds * WAVWriter.sampleRate,
                            search: Int = searchSeconds * WAVWriter.sampleRate,
                            levels: (Range<Int>) throws -> [Float]) rethrows -> [Range<Int>] {
        var pieces: [Range<Int>] = []
        var start = 0
        while start < samples {
            guard let cut = try nextCut(from: start, available: samples, maximum: maximum, search: search,
                                        levels: levels) else {
                pieces.append(start..<samples)
                break
            }
            pieces.append(start..<cut)
            start = cut
        }
        return pieces
    }

    /// Where the piece starting at `start` ends, once more than `maximum` samples are available; nil while the rest
    /// still fits in one piece.
    public static func nextCut(from start: Int, available: Int, maximum: Int = maximumSeconds * WAVWriter.sampleRate,
                               search: Int = searchSeconds * WAVWriter.sampleRate,
                               levels: (Range<Int>) throws -> [Float]) rethrows -> Int? {
        guard available - start > maximum else { return nil }
        let frame = WAVWriter.sampleRate / 10
        let window = (start + maximum - search)..<(start + maximum)
        let frameLevels = try levels(window)
        let quietest = frameLevels.indices.min { frameLevels[$0] < frameLevels[$1] } ?? frameLevels.count - 1
        return window.lowerBound + quietest * frame + frame / 2
    }
}
