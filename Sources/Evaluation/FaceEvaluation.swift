import Foundation
import Pipeline
import Vision

/// Compares Debrief's face detector with OpenCV's on a directory made by `scripts/face-frames.py`: grayscale PGM
/// frames and `reference.json` (OpenCV's `detectMultiScale` boxes per frame).
public struct FaceEvaluation {
    /// Agreement of one detector with OpenCV's.
    public struct Agreement: Sendable {
        public var reference = 0
        public var detected = 0
        /// OpenCV boxes matched by one of ours with IoU ≥ 0.5.
        public var matched = 0

        public var matchedShare: Double { reference > 0 ? Double(matched) / Double(reference) : 1 }
        public var extraShare: Double { reference > 0 ? Double(detected - matched) / Double(reference) : 0 }

        mutating func add(ours: [DetectionBox], opencv: [DetectionBox]) {
            var unused = ours
            for box in opencv {
                if let index = unused.indices.max(by: { unused[$0].iou(box) < unused[$1].iou(box) }),
                   unused[index].iou(box) >= 0.5 {
                    matched += 1
                    unused.remove(at: index)
                }
            }
            reference += opencv.count
            detected += ours.count
        }

        func line(_ name: String) -> String {
            String(format: "%@: OpenCV %d, Debrief %d, matched (IoU ≥ 0.5) %.1f %%, extra %.1f %%", name, reference,
                   detected, matchedShare * 100, extraShare * 100)
        }
    }

    public struct Summary: Sendable {
        public var faces = Agreement()
        public var eyes = Agreement()
        public var smiles = Agreement()
        public var frames = 0
        public var perFrame: [(frame: String, ours: [DetectionBox], opencv: [DetectionBox])] = []

        public var reference: Int { faces.reference }
        public var detected: Int { faces.detected }
        public var matchedShare: Double { faces.matchedShare }
        public var extraShare: Double { faces.extraShare }

        public var report: String {
            "frames: \(frames)\n" + faces.line("faces") + "   (targets: matched ≥ 95 %, extra ≤ 5 %)\n"
                + eyes.line("eyes in the upper 60 % of the face") + "\n" + smiles.line("smiles in the lower half")
        }
    }

    public let directory: String
    public init(directory: String) { self.directory = directory }

    public func run(detectors: FaceDetectors) throws -> Summary {
        let referencePath = (directory as NSString).appendingPathComponent("reference.json")
        guard let data = FileManager.default.contents(atPath: referencePath),
              let json = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let frames = json["frames"] as? [String: [[Int]]] else {
            throw AnalysisError(code: .input, message: "\(referencePath): missing or malformed reference")
        }
        var summary = Summary()
        for name in frames.keys.sorted() {
            let path = (directory as NSString).appendingPathComponent(name)
            let (plane, width, height) = try readPGM(path)
            let ours = detectors.face.detect(plane, width: width, height: height)
            let opencv = frames[name]!.map { DetectionBox(x: $0[0], y: $0[1], width: $0[2], height: $0[3]) }
            summary.faces.add(ours: ours, opencv: opencv)
            summary.frames += 1
            summary.perFrame.append((name, ours, opencv))
            // Eyes and smiles on the same crops of OpenCV's largest face.
            if let face = opencv.max(by: { $0.width * $0.height < $1.width * $1.height }) {
                let boxes = { (key: String) in
                    ((json[key] as? [String: [[Int]]])?[name] ?? []).map {
                        DetectionBox(x: $0[0], y: $0[1], width: $0[2], height: $0[3])
                    }
                }
                summary.eyes.add(ours: detectors.eyes(in: plane, width: width, face: face) ?? [], opencv: boxes("eyes"))
                summary.smiles.add(ours: detectors.smiles(in: plane, width: width, face: face) ?? [],
                                   opencv: boxes("smiles"))
            }
        }
        return summary
    }
}

/// Reads a binary 8-bit PGM (P5).
func readPGM(_ path: String) throws -> (plane: [UInt8], width: Int, height: Int) {
    guard let data = FileManager.default.contents(atPath: path) else {
        throw AnalysisError(code: .input, message: "\(path): no such file")
    }
    let bytes = [UInt8](data)
    var fields: [Int] = []
    var index = 2
    guard bytes.starts(with: Array("P5".utf8)) else {
        throw AnalysisError(code: .input, message: "\(path): not a binary PGM (P5) image")
    }
    while fields.count < 3, index < bytes.count {
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 { index += 1 }
        if index < bytes.count, bytes[index] == UInt8(ascii: "#") {
            while index < bytes.count, bytes[index] != 0x0A { index += 1 }
            continue
        }
        var value = 0
        while index < bytes.count, (0x30...0x39).contains(bytes[index]) { value = value * 10 + Int(bytes[index] - 0x30); index += 1 }
        fields.append(value)
    }
    index += 1
    guard fields.count == 3, fields[2] == 255, bytes.count - index >= fields[0] * fields[1] else {
        throw AnalysisError(code: .input, message: "\(path): unsupported or truncated PGM")
    }
    return (Array(bytes[index..<(index + fields[0] * fields[1])]), fields[0], fields[1])
}
