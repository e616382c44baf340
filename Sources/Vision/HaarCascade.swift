import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// A boosted cascade of Haar-like features (Viola & Jones 2001, with Lienhart & Maydt's 2002 tilted features) in
/// the format OpenCV's `opencv_traincascade` writes (`haarcascade_*.xml`). Parsed from the file's bytes; stumps only
/// (every OpenCV Haar cascade shipped in Debian's opencv-data is stump-based).
public struct HaarCascade: Sendable {
    public struct Rectangle: Sendable, Equatable {
        public var x, y, width, height: Int
        public var weight: Float
    }

    public struct Feature: Sendable {
        public var rectangles: [Rectangle]
        public var tilted: Bool
    }

    public struct Stump: Sendable {
        public var feature: Int
        public var threshold: Float
        public var left: Float
        public var right: Float
    }

    public struct Stage: Sendable {
        public var threshold: Float
        public var stumps: Range<Int>
    }

    public var windowWidth: Int
    public var windowHeight: Int
    public var stages: [Stage]
    public var stumps: [Stump]
    public var features: [Feature]
    public var hasTiltedFeatures: Bool { features.contains { $0.tilted } }

    /// Parses a cascade.
    /// - Throws: `CascadeError` saying what is wrong with the file (the caller names the path).
    public static func parse(_ data: Data) throws(CascadeError) -> HaarCascade {
        let reader = CascadeXMLReader()
        let parser = XMLParser(data: data)
        parser.delegate = reader
        guard parser.parse() else {
            throw CascadeError(reason: "not a readable XML file (\(parser.parserError.map { "\($0)" } ?? "parse error"))")
        }
        return try reader.cascade()
    }
}

/// Why a cascade file could not be used.
public struct CascadeError: Error, Sendable, Equatable, CustomStringConvertible {
    public var reason: String
    public init(reason: String) { self.reason = reason }
    public var description: String { reason }
}

/// Collects the cascade's elements by their path in the document (the format nests anonymous `_` items).
private final class CascadeXMLReader: NSObject, XMLParserDelegate {
    private var path: [String] = []
    private var text = ""
    private var featureType: String?
    private var stageType: String?
    private var width: Int?
    private var height: Int?
    private var maxDepth = 1
    private var maxCategories = 0
    private var stages: [HaarCascade.Stage] = []
    private var stumps: [HaarCascade.Stump] = []
    private var features: [HaarCascade.Feature] = []
    private var pendingNodes: [Float] = []
    private var currentRects: [HaarCascade.Rectangle] = []
    private var currentTilted = false
    private var stageThreshold: Float = 0
    private var stageStart = 0
    private var problem: String?

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        path.append(name)
        text = ""
        if path.count >= 2, path[path.count - 2] == "stages", name == "_" {
            stageStart = stumps.count
        }
        if path.count >= 2, path[path.count - 2] == "features", name == "_" {
            currentRects = []
            currentTilted = false
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        defer { path.removeLast(); text = "" }
        let value = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let parent = path.count >= 2 ? path[path.count - 2] : ""
        switch name {
        case "featureType" where parent == "cascade": featureType = value
        case "stageType" where parent == "cascade": stageType = value
        case "width" where parent == "cascade": width = Int(value)
        case "height" where parent == "cascade": height = Int(value)
        case "maxDepth" where parent == "stageParams": maxDepth = Int(value) ?? 1
        case "maxCatCount" where parent == "featureParams": maxCategories = Int(value) ?? 0
        case "stageThreshold": stageThreshold = Float(value) ?? 0
        case "internalNodes": pendingNodes = value.split(whereSeparator: \.isWhitespace).compactMap { Float($0) }
        case "leafValues":
            let leaves = value.split(whereSeparator: \.isWhitespace).compactMap { Float($0) }
            guard pendingNodes.count == 4, leaves.count == 2 else {
                problem = "only stump cascades are supported (a weak classifier has \(pendingNodes.count / 4) nodes)"
                return
            }
            stumps.append(.init(feature: Int(pendingNodes[2]), threshold: pendingNodes[3],
                                left: leaves[0], right: leaves[1]))
        case "_" where parent == "stages":
            // OpenCV lowers every stage threshold by 1e-5 when it loads a cascade.
            stages.append(.init(threshold: stageThreshold - 1e-5, stumps: stageStart..<stumps.count))
        case "_" where parent == "rects":
            let numbers = value.split(whereSeparator: \.isWhitespace).compactMap { Float($0) }
            guard numbers.count == 5 else { problem = "a feature rectangle needs 5 numbers, found '\(value)'"; return }
            currentRects.append(.init(x: Int(numbers[0]), y: Int(numbers[1]), width: Int(numbers[2]),
                                      height: Int(numbers[3]), weight: numbers[4]))
        case "tilted" where parent == "_": currentTilted = value != "0"
        case "_" where parent == "features":
            features.append(.init(rectangles: currentRects, tilted: currentTilted))
        default: break
        }
    }

    func cascade() throws(CascadeError) -> HaarCascade {
        if let problem { throw CascadeError(reason: problem) }
        guard stageType == "BOOST" else { throw CascadeError(reason: "not a boosted cascade (stageType \(stageType ?? "missing"))") }
        guard featureType == "HAAR" else {
            throw CascadeError(reason: "feature type \(featureType ?? "missing") is not supported (HAAR only)")
        }
        guard maxDepth == 1, maxCategories == 0 else { throw CascadeError(reason: "only stump cascades are supported") }
        guard let width, let height, width > 2, height > 2 else { throw CascadeError(reason: "missing window size") }
        guard !stages.isEmpty, !features.isEmpty else { throw CascadeError(reason: "the cascade has no stages") }
        guard stumps.allSatisfy({ $0.feature >= 0 && $0.feature < features.count }),
              features.allSatisfy({ (1...3).contains($0.rectangles.count) }) else {
            throw CascadeError(reason: "a weak classifier refers to a missing or malformed feature")
        }
        return HaarCascade(windowWidth: width, windowHeight: height, stages: stages, stumps: stumps, features: features)
    }
}
