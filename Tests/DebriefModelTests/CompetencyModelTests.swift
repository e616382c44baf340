import DebriefModel
import Testing

@Suite struct CompetencyModelTests {
    let valid = """
        id: demo
        version: 2
        title: Demo
        dimensions:
          - id: a
            name: A
            weight: 0.6
            keywords: { en: [alpha], zh: [甲] }
          - id: b
            name: B
            weight: 0.4
            keywords: { en: [beta], zh: [乙] }
        """

    @Test func parsesAValidModel() throws {
        let model = try CompetencyModel.parse(yaml: valid, file: "demo.yaml")
        #expect(model.id == "demo")
        #expect(model.version == 2)
        #expect(model.dimensions.map(\.id) == ["a", "b"])
        #expect(model.dimensions[1].keywords["zh"] == ["乙"])
        #expect(model.levels == CompetencyModel.defaultLevels)
        #expect(model.level(for: 85).id == "excellent")
        #expect(model.level(for: 59.9).id == "fair")
        #expect(model.level(for: 0).id == "poor")
    }

    func error(_ yaml: String) -> ModelError? {
        do {
            _ = try CompetencyModel.parse(yaml: yaml, file: "m.yaml")
            return nil
        } catch {
            return error
        }
    }

    @Test func malformedYAMLNamesFileAndLine() {
        let problem = error("id: x\ndimensions: [a, b\n")
        #expect(problem?.code == .syntax)
        #expect(problem?.file == "m.yaml")
        #expect(problem?.line != nil)
        #expect(problem?.description.hasPrefix("m.yaml:") == true)
    }

    @Test func missingKeyIsNamed() {
        let problem = error(valid.replacingOccurrences(of: "title: Demo\n", with: ""))
        #expect(problem?.description == "m.yaml:1: title: is required")
    }

    @Test func weightsMustSumToOne() {
        let problem = error(valid.replacingOccurrences(of: "weight: 0.4", with: "weight: 0.3"))
        #expect(problem?.description == "m.yaml:5: dimensions: weights must sum to 1, they sum to 0.9")
    }

    @Test func wrongTypesAndValuesAreNamedWithTheirLine() {
        #expect(error(valid.replacingOccurrences(of: "version: 2", with: "version: two"))?.description
            == "m.yaml:2: version: expected an integer")
        #expect(error(valid.replacingOccurrences(of: "weight: 0.6", with: "weight: 1.6"))?.description
            == "m.yaml:7: dimensions[0].weight: must be in (0, 1], found 1.6")
        #expect(error(valid.replacingOccurrences(of: "- id: b", with: "- id: a"))?.description
            == "m.yaml:9: dimensions[1].id: duplicate dimension id 'a'")
        #expect(error(valid.replacingOccurrences(of: "zh: [乙]", with: "zh: []"))?.description
            == "m.yaml:12: dimensions[1].keywords.zh: must list at least one keyword")
        #expect(error(valid.replacingOccurrences(of: "id: demo", with: "id: Demo Model"))?.description
            == "m.yaml:1: id: must use only lowercase letters, digits, '-' and '_', found 'Demo Model'")
    }

    @Test func scoringSettingsAreReadAndChecked() throws {
        let settings = valid.replacingOccurrences(of: "keywords: { en: [beta], zh: [乙] }", with: """
            keywords: { en: [beta], zh: [乙] }
                uses: { star.result: 0.3, content.a: 0.2 }
                target: 70
            salaryBands:
              - { id: p6, name: P6, min: 75 }
              - { id: p5, name: P5, nameZh: 五级, min: 50 }
            blend: { ai: 0.3, flagPoints: 15 }
            norms:
              fluency.wordsPerMinute: { median: 150, mad: 20 }
            """)
        let model = try CompetencyModel.parse(yaml: settings, file: "m.yaml")
        #expect(model.dimensions[1].uses == ["star.result": 0.3, "content.a": 0.2])
        #expect(model.dimensions[1].target == 70)
        #expect(model.salaryBand(for: 60)?.id == "p5")
        #expect(model.salaryBand(for: 10) == nil)
        #expect(model.blend == ScoreBlend(ai: 0.3, flagPoints: 15))
        #expect(model.norms["fluency.wordsPerMinute"] == FeatureNorm(median: 150, mad: 20))
        #expect(model.deliveryOptIn == false)

        #expect(error(settings.replacingOccurrences(of: "star.result: 0.3", with: "prosody.speechRate: 0.3"))?
            .description == "m.yaml:13: dimensions[1].uses.prosody.speechRate: voice and camera descriptors carry "
            + "no weight unless the model says 'deliveryOptIn: true' (and has a lawful reason to)")
        #expect(error(settings.replacingOccurrences(of: "star.result", with: "mood.happy"))?.description
            == "m.yaml:13: dimensions[1].uses.mood.happy: 'mood.happy' is not a feature (content.<competency>, "
            + "star.*, fluency.*, prosody.*, visual.*)")
        #expect(error(settings.replacingOccurrences(of: "content.a", with: "content.zzz"))?.description
            == "m.yaml:13: dimensions[1].uses.content.zzz: 'content.zzz' names no dimension of this model")
        #expect(error(settings.replacingOccurrences(of: "mad: 20", with: "mad: 0"))?.description
            == "m.yaml:20: norms.fluency.wordsPerMinute: median must be finite and mad positive")
        #expect(error(settings.replacingOccurrences(of: "min: 50", with: "min: 80"))?.description
            == "m.yaml:16: salaryBands: must be ordered by strictly decreasing min")
        #expect(error(settings.replacingOccurrences(of: "ai: 0.3", with: "ai: 1.3"))?.description
            == "m.yaml:18: blend.ai: must be within 0…1, found 1.3")
        let optedIn = try CompetencyModel.parse(
            yaml: settings.replacingOccurrences(of: "star.result: 0.3", with: "prosody.speechRate: 0.3")
                + "\ndeliveryOptIn: true\n", file: "m.yaml")
        #expect(optedIn.deliveryOptIn && optedIn.dimensions[1].uses["prosody.speechRate"] == 0.3)
    }

    @Test func emptyFileIsAnError() {
        #expect(error("")?.description == "m.yaml: the file is empty")
    }

    @Test func detectsLanguageFromScript() {
        #expect(Language.detect("I debugged the checkout service last year.") == .en)
        #expect(Language.detect("我先拜访了客户，了解他们的需求。") == .zh)
        #expect(Language.detect("我用 Python 写了 scripts 来处理 data pipeline 的问题") == .mixed)
        #expect(Language.detect("12345 ...") == .unknown)
    }

    @Test func parsesMetadataInYAMLAndJSON() throws {
        let yaml = try RecordingMetadata.parse(text: "candidate: 王芳\nmodel: sales-manager\nlanguage: zh\n", file: "a.yaml")
        #expect(yaml == RecordingMetadata(candidate: "王芳", model: "sales-manager", language: .zh))
        let json = try RecordingMetadata.parse(text: #"{"candidate": "Sam", "language": "en", "extra": 1}"#, file: "a.json")
        #expect(json.candidate == "Sam")
        #expect(json.language == .en)
        #expect(throws: ModelError.self) { try RecordingMetadata.parse(text: "language: fr", file: "a.yaml") }
    }
}

extension String {
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        components(separatedBy: target).joined(separator: replacement)
    }

    func components(separatedBy separator: String) -> [String] {
        var parts: [String] = []
        var rest = self[...]
        while let range = rest.range(of: separator) {
            parts.append(String(rest[..<range.lowerBound]))
            rest = rest[range.upperBound...]
        }
        parts.append(String(rest))
        return parts
    }
}
