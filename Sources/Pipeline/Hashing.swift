import DebriefModel
import Crypto
import Foundation

/// SHA-256 over what an analysis read besides the model: the recording's hash, the transcript used, the metadata and
/// the résumé (see `Report.inputsSHA256`).
func inputsDigest(recording: String, source: TranscriptSource, cues: [Cue], metadata: RecordingMetadata?,
                  resume: String?) -> String {
    var hasher = SHA256()
    hasher.update(data: Data("recording \(recording)\ntranscript \(source.rawValue)\n".utf8))
    for cue in cues { hasher.update(data: Data("\(cue.start) \(cue.end) \(cue.text)\n".utf8)) }
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    if let metadata, let data = try? encoder.encode(metadata) { hasher.update(data: Data("metadata ".utf8) + data) }
    if let resume { hasher.update(data: Data("\nresume \(resume)".utf8)) }
    return hasher.finalize().map { String(format: "%02x", $0) }.joined()
}
