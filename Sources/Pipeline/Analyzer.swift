import DebriefModel
import Foundation
import LocalFiles
import Vision

/// Version of the analysis pipeline, stamped into every report. Bump when any analysis changes its numbers.
public let pipelineVersion = "0.4.0"

/// Analyses one recording end to end, in three stages: **gather** the inputs (the bundle's files, each read once;
/// the model, compiled once through the cache) → **measure** (one decode pass: voice, picture, subtitle cues, the
/// content hash; the recogniser fed on the way) → **assemble** the report (transcript, answers, scores, warnings).
public struct Analyzer: Sendable {
    /// Competency models by catalogue directory, each parsed and compiled once while its file is unchanged.
    public let models: ModelLibrary
    /// The speech recogniser for recordings without a transcript, if one is configured.
    public let recognizer: (any SpeechRecognizer)?
    /// The face detectors, or why there are none (the picture is then analysed without face measures).
    let faces: Result<FaceDetectors, AnalysisError>

    /// - Parameter cascades: where OpenCV's cascade files are (Debian's opencv-data by default); read once here.
    public init(models: ModelLibrary = ModelLibrary(), recognizer: (any SpeechRecognizer)? = nil,
                cascades: String = CascadeLibrary.directory) {
        self.models = models
        self.recognizer = recognizer
        do throws(AnalysisError) {
            faces = .success(try CascadeLibrary.faceDetectors(directory: cascades))
        } catch {
            faces = .failure(error)
        }
    }

    /// Produces the report for `request`.
    /// - Throws: `AnalysisError` with one line naming the file and the reason, for input that cannot be analysed
    ///   at all. Degraded input (no audio, no video, no transcript) gives a report whose `warnings` say what is missing.
    public func analyze(_ request: AnalysisRequest) throws(AnalysisError) -> Report {
        try analyzeReadingOnce(request).report
    }

    /// The analysis, and how many bytes of the recording it read from disk to decode and hash it: about the file's
    /// size, as each byte is read once.
    public func analyzeReadingOnce(_ request: AnalysisRequest) throws(AnalysisError) -> (report: Report, bytesRead: Int64) {
        let recognition = Recognition(settings: request.options.recognition, recognizer: recognizer)
        let inputs = try gather(request)
        let measured = try measure(inputs, options: request.options, recognition: recognition)
        return (try assemble(inputs, measured, recognition: recognition), measured.bytesRead)
    }
}

extension AnalysisRequest {
    /// The request for the file at `path` with the sidecars its folder holds now (`debrief analyze`, tests).
    public init(catalog: String, input path: String, transcript: String? = nil, model: String? = nil,
                folderModel: String? = nil, fallback: String = "software-engineer",
                options: AnalysisOptions = AnalysisOptions()) {
        self.init(bundle: BundleFolder.bundle(at: path, folderModel: folderModel), transcript: transcript,
                  model: ModelReference(catalog: catalog, explicit: model, fallback: fallback), options: options)
    }
}
