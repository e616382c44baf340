import Crypto
import Foundation

/// SHA-256 of a file, read in 1 MiB blocks (memory flat in file size).
func sha256(ofFile path: String) throws -> String {
    guard let handle = FileHandle(forReadingAtPath: path) else {
        throw AnalysisError(code: .input, message: "\(path): cannot open the file to hash it")
    }
    defer { try? handle.close() }
    var hasher = SHA256()
    while true {
        let block = try handle.read(upToCount: 1 << 20) ?? Data()
        if block.isEmpty { break }
        hasher.update(data: block)
    }
    return hasher.finalize().map { String(format: "%02x", $0) }.joined()
}
