import ArgumentParser
import TestSupport
import Testing
@testable import debrief

/// The command line's help, compared whole with snapshots: a changed option or wording shows in review.
@Suite struct HelpTests {
    static let commands: [(name: String, command: any ParsableCommand.Type)] = [
        ("debrief", Debrief.self), ("analyze", Analyze.self), ("serve", Serve.self),
        ("status", Status.self), ("retry", Retry.self), ("erase", Erase.self), ("models-lint", Models.Lint.self),
        ("rescore", Rescore.self), ("shortlist", Shortlist.self), ("users-add", Users.Add.self),
        ("eval-transcripts", Eval.Transcripts.self), ("bench-scoring", Bench.ScoringBench.self),
    ]

    @Test(arguments: commands.map(\.name))
    func helpMatchesItsSnapshot(_ name: String) throws {
        let command = try #require(Self.commands.first { $0.name == name }).command
        let help = Debrief.helpMessage(for: command, columns: 100)
        let mismatch = Snapshot.mismatch(help + "\n", snapshot: "\(Snapshot.folder())/help-\(name).txt")
        #expect(mismatch == nil, "\(mismatch ?? "")")
    }
}
