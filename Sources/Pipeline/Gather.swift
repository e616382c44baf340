import Crypto
import DebriefModel
import Foundation
import LocalFiles
import Scoring
import Transcripts

/// What an analysis reads besides the recording's media, each file read once: the metadata, the competency model
/// (parsed and compiled once, through the model cache), the transcript(s) supplied with the recording, and the
/// résumé. The first stage of `Analyzer.analyze`.
struct Inputs {
    var bundle: RecordingBundle
    var metadata: RecordingMetadata?
    var compiled: CompiledModel
    /// A transcript that came with the recording (or is the input), and where from.
    var supplied: SuppliedTranscript?
    /// The question timeline: the metadata's, or one answer per answer file.
    var questions: [RecordingMetadata.Question]
    /// The résumé text, or why none is used.
    var resume: Result<String, ResumeProblem>?
    /// For a bare transcript: its bytes' SHA-256 and size (it is the "recording").
    var transcriptFile: (sha256: String, size: Int64)?
    /// Said before any measurement (the model the metadata asked for was not used).
    var warnings: [AnalysisWarning]
    /// Who spoke, when the supplied transcript names its speakers.
    var conversation: Conversation?
    /// What the caller asked for (tracks, frame rate, recognition).
    var options: AnalysisOptions

    var model: CompetencyModel { compiled.model }
    var isTranscriptOnly: Bool { bundle.kind == .transcript }
}

/// A transcript that came with the recording.
struct SuppliedTranscript {
    var source: TranscriptSource
    var parsed: ParsedTranscript
    /// The file name(s) it was read from, for the report.
    var file: String
    /// One transcript per answer, joined on the timeline.
    var answerFiles: AnswerFiles.Joined?
}

struct ResumeProblem: Error {
    var warning: AnalysisWarning
}

extension Analyzer {
    /// Reads every input but the media.
    /// - Throws: `AnalysisError` for a missing input, unreadable metadata or transcript, or an unknown model.
    func gather(_ request: AnalysisRequest) throws(AnalysisError) -> Inputs {
        let bundle = request.bundle
        let input = bundle.primaryPath
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: input, isDirectory: &isDirectory) else {
            throw AnalysisError(code: .input, message: "\(input): no such file")
        }
        guard !isDirectory.boolValue else {
            throw AnalysisError(code: .input, message: "\(input): is a directory, not a recording")
        }
        let metadata = try bundle.metadata.map { name throws(AnalysisError) in try readMetadata(bundle.path(name)) }
        var warnings: [AnalysisWarning] = []
        let compiled = try model(for: request, metadata: metadata, warnings: &warnings)
        var questions = metadata?.questions ?? []
        var supplied: SuppliedTranscript?
        var transcriptFile: (sha256: String, size: Int64)?
        if let explicit = request.transcript {
            supplied = SuppliedTranscript(source: .argument, parsed: try readTranscript(explicit).parsed, file: explicit)
        } else if bundle.kind == .transcript {
            let read = try readTranscript(input)
            supplied = SuppliedTranscript(source: .transcriptOnly, parsed: read.parsed, file: input)
            transcriptFile = (read.sha256, read.size)
        } else if let sidecar = bundle.transcript {
            let path = bundle.path(sidecar)
            supplied = SuppliedTranscript(source: .sidecar, parsed: try readTranscript(path).parsed, file: path)
        } else if !bundle.answerFiles.isEmpty {
            var files: [AnswerFiles.File] = []
            for answer in bundle.answerFiles {
                files.append(AnswerFiles.File(key: answer.key, transcript: try readTranscript(bundle.path(answer.name)).parsed))
            }
            let joined = AnswerFiles.join(files, questions: questions)
            questions = joined.questions
            supplied = SuppliedTranscript(source: .sidecar, parsed: ParsedTranscript(cues: joined.cues, timed: joined.timed),
                                          file: bundle.answerFiles.map(\.name).joined(separator: ", "),
                                          answerFiles: joined)
        }
        // A two-party transcript: the interviewer's questions make the answers when the metadata gives no timeline.
        let conversation = supplied.flatMap {
            Conversation.read($0.parsed.cues, assignment: metadata?.speakers, candidateName: metadata?.candidate)
        }
        if let conversation, questions.isEmpty, supplied?.answerFiles == nil, !conversation.questions.isEmpty {
            questions = conversation.answerSpans(until: supplied?.parsed.cues.map(\.end).max() ?? 0)
        }
        return Inputs(bundle: bundle, metadata: metadata, compiled: compiled, supplied: supplied, questions: questions,
                      resume: readResume(metadata, bundle: bundle), transcriptFile: transcriptFile, warnings: warnings,
                      conversation: conversation, options: request.options)
    }

    /// The model: the explicit one, else the job folder's (a recording filed under a job is that job's, whatever
    /// its metadata says), else the metadata's, else the fallback.
    private func model(for request: AnalysisRequest, metadata: RecordingMetadata?,
                       warnings: inout [AnalysisWarning]) throws(AnalysisError) -> CompiledModel {
        let cache = models.cache(for: request.model.catalog)
        let reference: String
        if let explicit = request.model.explicit {
            reference = explicit
        } else if let folder = request.bundle.folderModel, cache.catalog.contains(folder) {
            reference = folder
            if let asked = metadata?.model, asked != folder {
                warnings.append(AnalysisWarning(.metadataModelIgnored, "the metadata names the model '\(asked)', "
                    + "but the recording was filed under the job '\(folder)': it is scored for '\(folder)'"))
            }
        } else if let fromMetadata = metadata?.model {
            reference = fromMetadata
        } else {
            reference = request.model.fallback
        }
        do { return try cache.model(reference) } catch { throw AnalysisError(error) }
    }

    /// A metadata sidecar, parsed with the limits outside input gets.
    private func readMetadata(_ path: String) throws(AnalysisError) -> RecordingMetadata {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw AnalysisError(code: .metadata, message: "\(path): cannot read the metadata")
        }
        do { return try RecordingMetadata.parse(data: [UInt8](data), file: path) } catch {
            throw AnalysisError(code: .metadata, message: error.description)
        }
    }

    /// Reads and parses a transcript file once, with its digest (a bare transcript's identity).
    private func readTranscript(_ path: String) throws(AnalysisError) -> (parsed: ParsedTranscript, sha256: String,
                                                                          size: Int64) {
        guard let format = TranscriptFormat(path: path) else {
            throw AnalysisError(code: .transcript, message: "\(path): unsupported transcript format "
                + "'.\((path as NSString).pathExtension)' (use .vtt, .srt, .txt or .transcript.json)")
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value
        guard let size else { throw AnalysisError(code: .transcript, message: "\(path): no such file") }
        guard size <= Self.maximumTranscriptBytes else {
            throw AnalysisError(code: .transcript, message: "\(path): transcript larger than 50 MB")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw AnalysisError(code: .transcript, message: "\(path): no such file")
        }
        do {
            let text = try CueParser.decodeText(data, file: path)
            let digest = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
            return (try CueParser.parse(text, format: format, file: path), digest, Int64(data.count))
        } catch {
            throw AnalysisError(error)
        }
    }

    static let maximumTranscriptBytes: Int64 = 50_000_000

    /// The résumé of the metadata: inline, or a .txt/.md file of up to 1 MB in the bundle's folder. A problem with
    /// it is a warning, never a failed analysis.
    private func readResume(_ metadata: RecordingMetadata?, bundle: RecordingBundle) -> Result<String, ResumeProblem>? {
        if let inline = metadata?.resume, !inline.trimmingWhitespace.isEmpty { return .success(inline) }
        guard let named = metadata?.resumeFile else { return nil }
        let shown = (named as NSString).lastPathComponent
        func problem(_ text: String) -> Result<String, ResumeProblem> {
            .failure(ResumeProblem(warning: AnalysisWarning(.resumeUnread, "résumé \(shown): \(text); not checked")))
        }
        let path: String
        do {
            path = try ConfinedPath.resolve(named, within: bundle.directory.isEmpty ? "." : bundle.directory,
                                            extensions: RecordingBundle.resumeExtensions)
        } catch {
            switch error.code {
            case .fileType: return problem("only .txt and .md résumés are read")
            case .missing: return problem("no such file")
            default: return problem("refused — \(error.reason)")
            }
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? .max
        guard size <= 1_000_000, let data = FileManager.default.contents(atPath: path) else {
            return problem("larger than 1 MB or unreadable")
        }
        guard let text = String(data: data, encoding: .utf8) else { return problem("not UTF-8 text") }
        return .success(text)
    }
}
