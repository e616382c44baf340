import Benchmark
import DebriefModel
import Foundation
import Transcripts

/// Transcript analysis of a 60-minute interview (issue 5 asks "well under a second"): every answer of the own
/// labelled set (English and Chinese), in turn, timed at a speaking pace until an hour is filled, analysed against
/// the general model — units, STAR, competency evidence with negation and patterns, fluency. `realtimeFactor` is
/// seconds of interview per second of analysis; `wallClock` p50 is the time for the hour.
let benchmarks: @Sendable () -> Void = {
    let realtime = BenchmarkMetric.custom("realtimeFactor", polarity: .prefersLarger, useScalingFactor: false)
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, realtime],
        warmupIterations: 1,
        maxDuration: .seconds(30),
        maxIterations: 10,
        thresholds: [
            .wallClock: .init(relative: [.p50: 35.0]),
            realtime: .init(relative: [.p50: 35.0]),
        ])

    let (model, cues, answers) = anHourOfInterview()
    let hour = cues.last.map(\.end) ?? 0

    Benchmark("TranscriptAnalysisOneHour") { benchmark in
        let start = ContinuousClock.now
        blackHole(TranscriptAnalyzer(model: model).analyze(cues, timed: true, answers: answers))
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        benchmark.measurement(realtime, Int(hour / seconds))
    }
}

/// The own labelled answers as one interview: each answer's cues shifted to follow the previous answer, repeated
/// until the timeline reaches 60 minutes; one answer per repeated file.
func anHourOfInterview() -> (CompetencyModel, [Cue], [Int]) {
    var root = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { root.deleteLastPathComponent() }
    let modelPath = root.appendingPathComponent("Models/general.yaml").path
    let model = try! CompetencyModel.parse(yaml: String(contentsOfFile: modelPath, encoding: .utf8), file: modelPath)
    let directory = root.appendingPathComponent("Tests/Data/star-own").path
    let names = try! FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".vtt") }.sorted()
    let files = names.map { name -> [Cue] in
        let path = "\(directory)/\(name)"
        let text = try! CueParser.decodeText(FileManager.default.contents(atPath: path)!, file: path)
        return try! CueParser.parse(text, format: .webVTT, file: path).cues
    }
    var cues: [Cue] = []
    var answers: [Int] = []
    var offset = 0.0
    var answer = 0
    while offset < 3600 {
        for file in files where offset < 3600 {
            for cue in file {
                cues.append(Cue(start: cue.start + offset, end: cue.end + offset, text: cue.text))
                answers.append(answer)
            }
            offset += (file.last?.end ?? 0) + 2
            answer += 1
        }
    }
    return (model, cues, answers)
}
