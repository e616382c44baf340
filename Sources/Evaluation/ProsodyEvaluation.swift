import DebriefModel
import Foundation
import MediaDecoding
import Pipeline
import Prosody

/// Measures Debrief's prosody against Praat's on a labelled directory (`../shared/data/prosody-dev` layout):
/// `manifest.csv` (id, source_path, sample_rate, true_syllables, praat_* per-file values) and `praat-f0/<id>.csv`
/// (`time_s,f0_hz`, 0 where unvoiced).
public struct ProsodyEvaluation {
    public struct FileResult: Sendable {
        public var id: String
        public var frames = 0
        public var voicingAgreements = 0
        public var bothVoiced = 0
        public var grossErrors = 0
        public var f0Median: Double?
        public var praatF0Median: Double?
        public var intensityMean: Double?
        public var praatIntensityMean: Double?
        public var syllables: Int?
        public var trueSyllables: Double?
        public var jitter: Double?
        public var praatJitter: Double?
        public var shimmer: Double?
        public var praatShimmer: Double?
    }

    public struct Summary: Sendable {
        public var files: [FileResult]
        public var skipped: [String]

        var frames: Int { files.reduce(0) { $0 + $1.frames } }
        public var voicingAgreement: Double {
            Double(files.reduce(0) { $0 + $1.voicingAgreements }) / Double(max(1, frames))
        }
        public var grossPitchError: Double {
            Double(files.reduce(0) { $0 + $1.grossErrors }) / Double(max(1, files.reduce(0) { $0 + $1.bothVoiced }))
        }
        /// Share of files (with a Praat median) whose F0 median is within 3 % of Praat's.
        public var medianWithin3Percent: Double {
            let comparable = files.filter { $0.praatF0Median != nil }
            let close = comparable.filter {
                guard let ours = $0.f0Median, let praat = $0.praatF0Median else { return false }
                return abs(ours - praat) / praat <= 0.03
            }
            return Double(close.count) / Double(max(1, comparable.count))
        }
        public var intensityMeanAbsoluteErrorDb: Double {
            let pairs = files.compactMap { file in
                file.intensityMean.flatMap { ours in file.praatIntensityMean.map { abs(ours - $0) } }
            }
            return pairs.reduce(0, +) / Double(max(1, pairs.count))
        }

        /// (detected − true) / true per file with a known syllable count of at least `minimumTruth`.
        public func syllableErrors(minimumTruth: Double = 1) -> [Double] {
            files.compactMap { file -> Double? in
                guard let truth = file.trueSyllables, truth >= minimumTruth, let ours = file.syllables else { return nil }
                return (Double(ours) - truth) / truth
            }
        }

        /// Median over files with a known syllable count of |detected − true| / true.
        public var syllableMedianError: Double? { median(syllableErrors().map(abs)) }

        /// The same over files of ten syllables or more (a one-syllable miss on a 3-syllable word is 33 %).
        public var syllableMedianErrorLonger: Double? { median(syllableErrors(minimumTruth: 10).map(abs)) }

        /// Mean signed relative error: above zero the detector over-counts.
        public var syllableBias: Double? {
            let errors = syllableErrors()
            return errors.isEmpty ? nil : errors.reduce(0, +) / Double(errors.count)
        }

        func median(_ values: [Double]) -> Double? {
            let sorted = values.sorted()
            guard !sorted.isEmpty else { return nil }
            return sorted.count % 2 == 1 ? sorted[sorted.count / 2]
                : 0.5 * (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2])
        }

        public var syllableFiles: Int { files.filter { $0.trueSyllables != nil && $0.syllables != nil }.count }
        public var jitterCorrelation: Double? { pearson(files.compactMap { f in f.jitter.flatMap { a in f.praatJitter.map { (a, $0) } } }) }
        public var shimmerCorrelation: Double? { pearson(files.compactMap { f in f.shimmer.flatMap { a in f.praatShimmer.map { (a, $0) } } }) }

        public var report: String {
            func percent(_ value: Double) -> String { String(format: "%.2f %%", value * 100) }
            return """
                files: \(files.count) evaluated, \(skipped.count) skipped; frames compared: \(frames)
                voicing agreement with Praat: \(percent(voicingAgreement))   (target ≥ 93 %)
                gross pitch error (>20 %, frames voiced in both): \(percent(grossPitchError))   (target ≤ 1.5 %)
                per-file F0 median within 3 % of Praat: \(percent(medianWithin3Percent)) of files   (target ≥ 95 %)
                mean intensity, mean absolute difference: \(String(format: "%.2f", intensityMeanAbsoluteErrorDb)) dB
                syllables, median per-file error: \(syllableMedianError.map { percent($0) } ?? "–") over \(syllableFiles) files   (target ≤ 12 %)
                syllables, median per-file error on files of ≥ 10 syllables: \(syllableMedianErrorLonger.map { percent($0) } ?? "–") over \(syllableErrors(minimumTruth: 10).count) files; mean signed error (bias): \(syllableBias.map { percent($0) } ?? "–")
                jitter (local), Pearson r with Praat: \(jitterCorrelation.map { String(format: "%.3f", $0) } ?? "–")   (target ≥ 0.9)
                shimmer (local), Pearson r with Praat: \(shimmerCorrelation.map { String(format: "%.3f", $0) } ?? "–")   (target ≥ 0.9)
                """
        }
    }

    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    /// Evaluates up to `limit` files of the manifest (every `stride`-th row, for a spread subset).
    public func run(limit: Int? = nil, stride step: Int = 1) throws -> Summary {
        let manifestPath = (directory as NSString).appendingPathComponent("manifest.csv")
        guard let text = try? String(contentsOfFile: manifestPath, encoding: .utf8) else {
            throw AnalysisError(code: .input, message: "\(manifestPath): cannot read the manifest")
        }
        let rows = CSV.parse(text)
        guard let header = rows.first else {
            throw AnalysisError(code: .input, message: "\(manifestPath): empty manifest")
        }
        let column = Dictionary(uniqueKeysWithValues: header.enumerated().map { ($1, $0) })
        var files: [FileResult] = []
        var skipped: [String] = []
        for (index, row) in rows.dropFirst().enumerated() where index % max(1, step) == 0 {
            if let limit, files.count + skipped.count >= limit { break }
            func field(_ name: String) -> String? {
                column[name].flatMap { $0 < row.count ? row[$0] : nil }.flatMap { $0.isEmpty ? nil : $0 }
            }
            guard let id = field("id"), let source = field("source_path") else { continue }
            guard FileManager.default.fileExists(atPath: source) else {
                skipped.append("\(id): \(source) is not installed")
                continue
            }
            do {
                var result = try evaluate(id: id, source: source, rate: field("sample_rate").flatMap { Int($0) })
                result.praatF0Median = field("praat_f0_median_hz").flatMap(Double.init)
                result.praatIntensityMean = field("praat_intensity_mean_db").flatMap(Double.init)
                result.trueSyllables = field("true_syllables").flatMap(Double.init)
                result.praatJitter = field("praat_jitter_local").flatMap(Double.init)
                result.praatShimmer = field("praat_shimmer_local").flatMap(Double.init)
                files.append(result)
            } catch {
                skipped.append("\(id): \(error)")
            }
        }
        return Summary(files: files, skipped: skipped)
    }

    private struct Sink: MediaSink {
        var prosody: ProsodyAnalyzer
        mutating func consume(_ chunk: AudioChunk) { prosody.consume(chunk.samples) }
        mutating func consume(_ frame: FrameSample) {}
        mutating func consume(_ cue: Cue) {}
    }

    func evaluate(id: String, source: String, rate: Int?) throws -> FileResult {
        var options = DecodeOptions()
        if source.hasSuffix(".raw"), let rate { options.raw = RawPCM(sampleRate: rate) }
        let reader = try MediaReader(path: source, options: options)
        var settings = ProsodySettings()
        settings.keepTrack = true
        var sink = Sink(prosody: try ProsodyAnalyzer(settings: settings))
        _ = try reader.decode(into: &sink)
        let summary = sink.prosody.finish()
        let track = summary.track!
        var result = FileResult(id: id)
        result.f0Median = summary.f0MedianHz
        result.intensityMean = summary.intensityMeanDb
        result.syllables = summary.syllables
        result.jitter = summary.jitterLocal
        result.shimmer = summary.shimmerLocal
        let referencePath = (directory as NSString).appendingPathComponent("praat-f0/\(id).csv")
        guard let reference = try? String(contentsOfFile: referencePath, encoding: .utf8) else {
            throw AnalysisError(code: .input, message: "\(referencePath): missing Praat track")
        }
        for row in CSV.parse(reference).dropFirst() {
            guard row.count >= 2, let time = Double(row[0]), let praat = Double(row[1]) else { continue }
            let index = Int(((time - track.startSeconds) / track.hopSeconds).rounded())
            guard index >= 0, index < track.f0Hz.count else { continue }
            let ours = Double(track.f0Hz[index])
            result.frames += 1
            if (ours > 0) == (praat > 0) { result.voicingAgreements += 1 }
            if ours > 0, praat > 0 {
                result.bothVoiced += 1
                if abs(ours - praat) / praat > 0.2 { result.grossErrors += 1 }
            }
        }
        return result
    }
}

/// Pearson correlation of pairs; nil with fewer than three pairs or no variance.
func pearson(_ pairs: [(Double, Double)]) -> Double? {
    guard pairs.count >= 3 else { return nil }
    let n = Double(pairs.count)
    let mx = pairs.reduce(0) { $0 + $1.0 } / n, my = pairs.reduce(0) { $0 + $1.1 } / n
    var sxy = 0.0, sxx = 0.0, syy = 0.0
    for (x, y) in pairs { sxy += (x - mx) * (y - my); sxx += (x - mx) * (x - mx); syy += (y - my) * (y - my) }
    guard sxx > 0, syy > 0 else { return nil }
    return sxy / (sxx * syy).squareRoot()
}

/// A small RFC 4180 CSV reader (quoted fields, doubled quotes, CRLF).
enum CSV {
    static func parse(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var iterator = text.makeIterator()
        while let character = iterator.next() {
            if quoted {
                if character == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" { field.append("\"") } else {
                            quoted = false
                            if next == "," { row.append(field); field = "" }
                            else if next == "\n" || next == "\r\n" { row.append(field); rows.append(row); row = []; field = "" }
                            else { field.append(next) }
                        }
                    } else { quoted = false }
                } else { field.append(character) }
            } else if character == "\"" {
                quoted = true
            } else if character == "," {
                row.append(field); field = ""
            } else if character == "\n" || character == "\r\n" {
                row.append(field); rows.append(row); row = []; field = ""
            } else if character != "\r" {
                field.append(character)
            }
        }
        if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
        return rows
    }
}
