import Benchmark
import Foundation
import Scoring

/// Issue 6: re-score 1,000,000 candidates × 64 features against 32 job models of 8 dimensions (normalise, dimension
/// scores, overall, match %, percentile, top-50 per job) on all cores, with the scalar reference (one core, over
/// 20,000 of them), the SIMD core on one core over the same 20,000, the matrix stage alone and the FMA peak, all in
/// the same run. Ratios are stored ×100 (`speedupOneCoreX100` = 1850 means 18.5×). Below the in-run floors of
/// `Thresholds/scoring-floor.json` the benchmark fails whatever the committed thresholds say.
let benchmarks: @Sendable () -> Void = {
    let simdRate = BenchmarkMetric.custom("simdCandidatesPerSecond", polarity: .prefersLarger, useScalingFactor: false)
    let scalarRate = BenchmarkMetric.custom("scalarCandidatesPerSecond", polarity: .prefersLarger,
                                            useScalingFactor: false)
    let speedup = BenchmarkMetric.custom("speedupOneCoreX100", polarity: .prefersLarger, useScalingFactor: false)
    let peakShare = BenchmarkMetric.custom("matrixPercentOfFmaPeak", polarity: .prefersLarger, useScalingFactor: false)
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, simdRate, scalarRate, speedup, peakShare],
        warmupIterations: 1, maxDuration: .seconds(40), maxIterations: 5,
        thresholds: [.wallClock: .init(relative: [.p50: 40.0]), simdRate: .init(relative: [.p50: 40.0]),
                     scalarRate: .init(relative: [.p50: 40.0]), speedup: .init(relative: [.p50: 40.0]),
                     peakShare: .init(relative: [.p50: 40.0])])

    let candidates = 1_000_000, subset = 20_000
    let workload = try! ScoringWorkload(candidates: candidates, features: 64, jobs: 32)
    let jobSet = try! JobSet(workload.jobs)
    let floors = loadFloors()

    Benchmark("ScoringMillionCandidates32Jobs") { benchmark in
        let simd = seconds {
            workload.values.withUnsafeBufferPointer {
                blackHole(BatchScorer.run(features: $0, candidates: candidates, jobs: jobSet, top: 50))
            }
        }
        let oneCore = seconds {
            workload.values.withUnsafeBufferPointer {
                blackHole(BatchScorer.run(features: $0, candidates: subset, jobs: jobSet, top: 50, threads: 1))
            }
        }
        let scalar = seconds {
            workload.values.withUnsafeBufferPointer {
                blackHole(ScalarScoring.run(features: $0, candidates: subset, jobs: workload.jobs, top: 50))
            }
        }
        let matrixRows = 100_000
        let matrix = seconds { blackHole(workload.matrixStage(candidates: matrixRows, jobSet: jobSet)) }
        let burst = 30_000_000
        let peak = seconds { blackHole(ScoringKernels.fmaPeakProbe(iterations: burst, seed: 3)) }
        let ratio = scalar / oneCore
        let share = (workload.matrixFlops(candidates: matrixRows) / matrix)
            / (Double(burst) * ScoringKernels.fmaPeakProbeFlopsPerIteration / peak)
        benchmark.measurement(simdRate, Int(Double(candidates) / simd))
        benchmark.measurement(scalarRate, Int(Double(subset) / scalar))
        benchmark.measurement(speedup, Int(100 * ratio))
        benchmark.measurement(peakShare, Int(100 * share))
        if ratio < floors.speedupOneCore || share < floors.matrixShareOfPeak {
            fatalError("ScoringBenchmarks: below the committed floor: SIMD/scalar \(ratio)× (floor "
                + "\(floors.speedupOneCore)×), matrix stage \(share) of the FMA peak (floor \(floors.matrixShareOfPeak))")
        }
    }
}

struct Floors: Decodable {
    var speedupOneCore: Double
    var matrixShareOfPeak: Double
}

func loadFloors() -> Floors {
    var path = URL(fileURLWithPath: #filePath)
    for _ in 0..<2 { path.deleteLastPathComponent() }
    let file = path.appendingPathComponent("Thresholds/scoring-floor.json")
    guard let data = try? Data(contentsOf: file), let floors = try? JSONDecoder().decode(Floors.self, from: data) else {
        fatalError("ScoringBenchmarks: cannot read \(file.path)")
    }
    return floors
}

func seconds(_ work: () -> Void) -> Double {
    let start = ContinuousClock.now
    work()
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
}
