import ArgumentParser
import Foundation
import Scoring

struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure the product's cores on this machine.",
        subcommands: [ScoringBench.self, RecognitionBench.self])

    struct ScoringBench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "scoring",
            abstract: "Re-score synthetic candidates against job models: SIMD core vs scalar reference, same run.",
            discussion: """
                Normalise, dimension scores, overall, match %, percentile and top-50 per job. The SIMD core runs on
                all cores (and on one, for the per-core ratio); the scalar reference on one core over a subset
                (\(Self.scalarShare) of the candidates, at least 1,000), extrapolated to candidates per second. The
                matrix stage alone is put against the FMA peak measured in the same run (one core).
                """)

        static let scalarShare = "1/50"

        @Option(help: "Candidates.")
        var candidates = 1_000_000
        @Option(help: "Features per candidate (rounded up to a multiple of 8).")
        var features = 64
        @Option(help: "Job models (8 dimensions each).")
        var jobs = 32
        @Option(help: "Threads for the SIMD core (default: all cores).")
        var threads: Int?
        @Flag(help: "Print one JSON object instead of a table.")
        var json = false

        func validate() throws {
            guard candidates >= 0, candidates <= 50_000_000 else {
                throw ValidationError("--candidates must be within 0…50,000,000")
            }
            guard (1...4096).contains(features) else { throw ValidationError("--features must be within 1…4096") }
            guard (0...4096).contains(jobs) else { throw ValidationError("--jobs must be within 0…4096") }
            if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
        }

        func run() async throws {
            let workload = try ScoringWorkload(candidates: candidates, features: features, jobs: jobs)
            let jobSet = try JobSet(workload.jobs)
            let threadCount = threads ?? BatchScorer.defaultThreads
            let top = 50

            let simdSeconds = workload.values.withUnsafeBufferPointer { values in
                seconds { _ = BatchScorer.run(features: values, candidates: candidates, jobs: jobSet, top: top,
                                              threads: threadCount) }
            }
            let subset = min(candidates, max(1_000, candidates / 50))
            let oneCoreSeconds = workload.values.withUnsafeBufferPointer { values in
                seconds { _ = BatchScorer.run(features: values, candidates: subset, jobs: jobSet, top: top, threads: 1) }
            }
            let scalarSeconds = workload.values.withUnsafeBufferPointer { values in
                seconds { _ = ScalarScoring.run(features: values, candidates: subset, jobs: workload.jobs, top: top) }
            }
            // The matrix stage and the FMA peak, both on one core.
            // The probe reuses the workload's rows (it needs at least one block of them).
            let matrixRows = candidates < BatchScorer.blockRows ? 0
                : min(candidates, 200_000) / BatchScorer.blockRows * BatchScorer.blockRows
            var checksum: Float = 0
            let matrixSeconds = seconds { checksum += workload.matrixStage(candidates: matrixRows, jobSet: jobSet) }
            let burst = 50_000_000
            let peakSeconds = seconds { checksum += ScoringKernels.fmaPeakProbe(iterations: burst, seed: Float(jobs)) }
            let matrixGflops = matrixRows > 0 ? workload.matrixFlops(candidates: matrixRows) / matrixSeconds / 1e9 : 0
            let peakGflops = Double(burst) * ScoringKernels.fmaPeakProbeFlopsPerIteration / peakSeconds / 1e9

            let rate = { (count: Int, seconds: Double) in seconds > 0 ? Double(count) / seconds : 0 }
            let simdRate = rate(candidates, simdSeconds)
            let oneCoreRate = rate(subset, oneCoreSeconds)
            let scalarRate = rate(subset, scalarSeconds)
            let report: [String: Any] = [
                "candidates": candidates, "features": workload.features, "jobs": jobs,
                "simd": ["seconds": simdSeconds, "candidatesPerSecond": simdRate.rounded(), "threads": threadCount],
                "scalar": ["seconds": scalarSeconds * Double(candidates) / Double(max(1, subset)),
                           "candidatesPerSecond": scalarRate.rounded(), "measuredCandidates": subset, "threads": 1],
                "simdOneCore": ["candidatesPerSecond": oneCoreRate.rounded(), "measuredCandidates": subset],
                "speedup": scalarRate > 0 ? simdRate / scalarRate : 0,
                "speedupOneCore": scalarRate > 0 ? oneCoreRate / scalarRate : 0,
                "matrixStage": ["gflops": matrixGflops, "candidates": matrixRows],
                "fmaPeak": ["gflops": peakGflops, "cpuFlags": ScoringKernels.requiredCPUFlags],
                "matrixShareOfPeak": peakGflops > 0 ? matrixGflops / peakGflops : 0,
                "checksum": checksum.isFinite ? 1 : 0,
            ]
            if json {
                let data = try JSONSerialization.data(withJSONObject: report, options: [.sortedKeys])
                print(String(decoding: data, as: UTF8.self))
                return
            }
            func format(_ value: Double) -> String { String(format: "%.0f", value) }
            print("scoring core: \(candidates) candidates × \(workload.features) features × \(jobs) jobs of 8 dimensions")
            print("  SIMD, \(threadCount) thread(s): \(String(format: "%.3f", simdSeconds)) s, \(format(simdRate)) candidates/s")
            print("  SIMD, 1 thread:     \(format(oneCoreRate)) candidates/s (over \(subset))")
            print("  scalar, 1 thread:   \(format(scalarRate)) candidates/s (over \(subset))")
            print("  speed-up: \(String(format: "%.1f", simdRate / max(scalarRate, 1e-9)))× all cores, "
                + "\(String(format: "%.1f", oneCoreRate / max(scalarRate, 1e-9)))× per core")
            print("  matrix stage: \(String(format: "%.1f", matrixGflops)) GFLOP/s of an FMA peak of "
                + "\(String(format: "%.1f", peakGflops)) GFLOP/s (one core): "
                + "\(String(format: "%.0f", 100 * matrixGflops / max(peakGflops, 1e-9))) %")
        }

        private func seconds(_ work: () -> Void) -> Double {
            let start = ContinuousClock.now
            work()
            let elapsed = ContinuousClock.now - start
            return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        }
    }
}
