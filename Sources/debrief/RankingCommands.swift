import ArgumentParser
import DebriefModel
import Foundation
import Pipeline
import Scoring
import Store

/// The stored reports of one job model, latest per recording (a recording analysed twice is one candidate).
private func latestReports(_ store: any DebriefStore, modelID: String) async throws -> [ReportSummary] {
    var latest: [String: ReportSummary] = [:]
    for summary in try await store.reportSummaries(modelID: modelID) { latest[summary.recordingKey] = summary }
    return latest.values.sorted { $0.id < $1.id }
}

struct Rescore: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Re-score every stored candidate of a job against its model as it is now.",
        discussion: """
            The stored transcripts are analysed again with the model's vocabulary and all candidates go through the
            SIMD scoring core in one batch; percentiles are taken within the re-scored population. Each report gets a
            new revision; the earlier one stays in its history. Recordings are not decoded again.
            """)

    @Option(help: "Model id (or path to a model YAML file) whose candidates to re-score.")
    var model: String

    @OptionGroup var storage: StoreOptions

    @OptionGroup var models: ModelOptions

    func run() async throws {
        let competencyModel: CompetencyModel
        let rescorer: Rescorer
        do {
            competencyModel = try models.catalog.model(model)
            rescorer = try Rescorer(model: competencyModel)
        } catch let error as ModelError {
            printError(error.description)
            throw ExitCode(2)
        } catch let error as AnalysisError {
            printError(error.message)
            throw ExitCode(2)
        }
        let store = try await storage.open(mustExist: true)
        let summaries = try await latestReports(store, modelID: competencyModel.id)
        guard !summaries.isEmpty else {
            print("no stored reports for model '\(competencyModel.id)'")
            return
        }
        var reports: [(ReportID, Report)] = []
        for summary in summaries {
            do {
                guard let report = try await store.report(summary.id) else { continue }
                reports.append((summary.id, report))
            } catch {
                printError("report \(summary.id) (\(summary.file)): cannot be read (\(error)); left as it is")
            }
        }
        let bar = ProgressBar(total: reports.count, label: "re-scoring")
        let revised = rescorer.rescore(reports.map(\.1)) { bar.update($0) }
        bar.finish()
        var changed = 0
        for ((id, old), new) in zip(reports, revised) {
            try await store.revise(report: id, with: new, now: Date())
            if old.overall.score != new.overall.score { changed += 1 }
        }
        print("re-scored \(revised.count) candidate(s) against \(competencyModel.id) v\(competencyModel.version): "
            + "\(changed) overall score(s) changed; earlier revisions kept")
    }
}

struct Shortlist: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The top candidates of a job, ranked by overall score (ties: earlier report first).")

    @Option(help: "Model id of the job.")
    var model: String

    @Option(help: "How many candidates to list.")
    var top = 10

    @Flag(help: "Print CSV instead of a table.")
    var csv = false

    @OptionGroup var storage: StoreOptions

    func validate() throws {
        guard top >= 1 else { throw ValidationError("--top must be at least 1") }
    }

    func run() async throws {
        let store = try await storage.open(mustExist: true)
        let summaries = try await latestReports(store, modelID: model)
        let scored = summaries.filter { $0.overall.score != nil }
        let scores = scored.map { Float($0.overall.score!) }
        let ranked = scores.withUnsafeBufferPointer { ScoringKernels.topK($0, k: top) }
        let population = scored.compactMap(\.overall.score)
        let header = ["rank", "report", "candidate", "score", "match %", "percentile", "level", "file"]
        var rows: [[String]] = []
        for (rank, entry) in ranked.enumerated() {
            let summary = scored[entry.index]
            let score = summary.overall.score!
            let others = population.enumerated().filter { $0.offset != entry.index }.map(\.element)
            let percentile = CompetencyScoring.percentile(of: score, among: others)
            rows.append([String(rank + 1), String(summary.id), summary.candidate ?? "", String(format: "%.1f", score),
                         summary.overall.matchPercent.map { String(format: "%.1f", $0) } ?? "",
                         percentile.map { String(format: "%.1f", $0) } ?? "", summary.overall.level, summary.file])
        }
        if csv {
            print(header.joined(separator: ","))
            for row in rows { print(row.map(csvField).joined(separator: ",")) }
            return
        }
        guard !rows.isEmpty else {
            print("no scored candidates for model '\(model)' (\(summaries.count) report(s) without a score)")
            return
        }
        let widths = header.indices.map { column in
            ([header[column]] + rows.map { $0[column] }).map(\.count).max() ?? 0
        }
        func line(_ cells: [String]) -> String {
            zip(cells, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
        }
        print(line(header))
        for row in rows { print(line(row)) }
        let unscored = summaries.count - scored.count
        print("\(scored.count) scored candidate(s)" + (unscored > 0 ? ", \(unscored) without a score (insufficient evidence)" : ""))
    }

    /// RFC 4180 quoting; a leading =, +, - or @ is neutralised so that spreadsheets do not run it as a formula.
    private func csvField(_ value: String) -> String {
        var text = value
        if let first = text.first, "=+-@".contains(first) { text = "'" + text }
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

/// A one-line progress bar on standard error (only when it is a terminal).
final class ProgressBar: @unchecked Sendable {
    private let total: Int
    private let label: String
    private let lock = NSLock()
    private let interactive = isatty(STDERR_FILENO) == 1

    init(total: Int, label: String) {
        self.total = total
        self.label = label
    }

    func update(_ done: Int) {
        guard interactive, total > 0 else { return }
        lock.lock()
        defer { lock.unlock() }
        let width = 30
        let filled = done * width / total
        let bar = String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled)
        FileHandle.standardError.write(Data("\r\(label) [\(bar)] \(done)/\(total)".utf8))
    }

    func finish() {
        guard interactive else { return }
        FileHandle.standardError.write(Data("\n".utf8))
    }
}
