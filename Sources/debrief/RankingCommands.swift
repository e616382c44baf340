import ArgumentParser
import DebriefModel
import Foundation
import Pipeline
import Rendering
import Scoring
import Store
import Synchronization

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
        let summaries = try await store.latestReports(modelID: competencyModel.id)
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
        let summaries = try await store.latestReports(modelID: model)
        let header = ["rank", "report", "candidate", "score", "match %", "percentile", "level", "file"]
        var rows: [[String]] = []
        for entry in CandidateRanking.rank(summaries.map(\.overall.score)) {
            guard let rank = entry.rank, rank <= top else { continue }
            let summary = summaries[entry.index]
            rows.append([String(rank), String(summary.id), summary.candidate ?? "", fixed(summary.overall.score),
                         summary.overall.matchPercent.map { fixed($0) } ?? "",
                         entry.percentile.map { fixed($0) } ?? "", summary.overall.level, summary.file])
        }
        let scored = summaries.filter { $0.overall.score != nil }
        if csv {
            print(CSV.table([header] + rows), terminator: "")
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
}

/// A one-line progress bar on standard error (only when it is a terminal).
final class ProgressBar: Sendable {
    private let total: Int
    private let label: String
    private let writing = Mutex(())
    private let interactive = isatty(STDERR_FILENO) == 1

    init(total: Int, label: String) {
        self.total = total
        self.label = label
    }

    func update(_ done: Int) {
        guard interactive, total > 0 else { return }
        writing.withLock { _ in draw(done) }
    }

    private func draw(_ done: Int) {
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
