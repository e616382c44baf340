/// The cue lexicon of the STAR classifier, hypothetical and filler detection, as data.
///
/// Weights are log-odds-like scores a unit earns towards a part when the cue occurs in it; a unit takes the part
/// with the highest total after sequence smoothing (see `StarClassifier`). English cues are matched on lowercased
/// words (multi-word cues as phrases, at word boundaries); Chinese cues on normalised Simplified text.
enum Lexicon {
    typealias Cues = [(cue: String, weight: Double)]

    // MARK: English

    static let englishSituation: Cues = [
        ("when i was", 1.2), ("at my last", 1.4), ("at my previous", 1.4), ("in my last", 1.2), ("in my previous", 1.2),
        ("my previous job", 1.2), ("my last job", 1.2), ("i worked at", 1.4), ("i worked as", 1.4), ("i worked in", 1.2),
        ("i worked on", 1.0), ("i was working", 1.3), ("i work at", 1.2), ("i work in", 1.2), ("i work as", 1.2),
        ("i teach", 1.2), ("i was a", 1.2), ("i was an", 1.2), ("i was the", 0.9), ("i was on", 1.0),
        ("as a", 0.5), ("we had", 0.9), ("there was", 1.0), ("there were", 1.0), ("back in", 1.0), ("last year", 0.9),
        ("last spring", 1.0), ("last summer", 1.0), ("last month", 0.8), ("years ago", 1.0), ("a year ago", 1.0),
        ("at the time", 1.0), ("at that time", 1.0), ("it started when", 1.4), ("it started", 0.8), ("one day", 0.8),
        ("one night", 0.9), ("one time", 0.8), ("once", 0.4), ("our team was", 1.0), ("our company", 0.8),
        ("the company", 0.6), ("kept", 0.5), ("had been", 0.6), ("nobody", 0.5), ("had never", 0.7),
        ("the problem was", 1.0), ("the issue was", 1.0), ("was going", 0.5), ("in my second year", 1.2),
        ("in my first year", 1.2), ("during", 0.5), ("we were", 0.6), 
        
        ("who was", 0.4), ("failed", 0.5), ("a couple of years ago", 1.2),
    ]
    static let englishTask: Cues = [
        ("i had to", 1.8), ("i needed to", 1.8), ("we needed to", 1.5), ("we had to", 1.3), ("i was asked to", 2.0),
        ("asked me to", 2.0), ("told me to", 1.6), ("wanted me to", 1.8), ("my job was", 2.0), ("my task", 2.0),
        ("my goal", 2.0), ("the goal was", 2.0), ("our goal", 1.8), ("my role was", 1.8), ("i was responsible for", 2.0),
        ("responsible for", 1.4), ("in charge of", 1.6), ("my responsibility", 1.8), ("i was tasked", 2.0),
        ("gave me the job", 2.0), ("the job of", 1.0), ("the challenge was", 1.6), ("it was up to me", 1.8),
        ("i was supposed to", 1.6), ("needed to", 0.9), ("had to", 0.8), ("deadline", 0.4), ("target", 0.5),
        ("the aim was", 1.8), ("i set myself", 1.8), ("i wanted to", 0.8),
        ("we needed", 0.9), ("i needed", 0.9), ("on call", 0.5), ("owned", 0.4),
        ("was to", 0.6), 
        
    ]
    static let englishAction: Cues = [
        ("so i", 0.9), ("then i", 1.0), ("first i", 1.0), ("i also", 0.8), ("i started", 0.9), ("i decided", 1.0),
        ("i personally", 0.8), ("i made sure", 1.0), ("i went", 0.6), ("i spent", 0.8), ("i worked with", 1.0),
        ("i talked", 1.0), ("i asked", 0.9), ("i set up", 1.2), ("i built", 1.2), ("i wrote", 1.2), ("i called", 1.0),
        ("i met", 1.0), ("i reviewed", 1.0), ("i proposed", 1.0), ("i organised", 1.2), ("i organized", 1.2),
        ("i told", 0.8), 
        ("after that i", 0.8), ("and then i", 1.0), ("i then", 1.0),
    ]
    static let englishResult: Cues = [
        ("as a result", 2.0), ("in the end", 1.8), ("eventually", 1.2), ("ended up", 1.8), ("finally", 1.0),
        ("the result", 1.8), ("the outcome", 1.8), ("which meant", 1.0), ("which led to", 1.4), ("that led to", 1.4),
        ("resulted in", 1.6), ("since then", 1.4), ("ever since", 1.2), ("since", 0.4), ("from then on", 1.2), ("went from", 1.3), ("went down", 1.2),
        ("went up", 1.2), ("went away", 1.2), ("dropped", 1.0), ("increased", 0.9), ("decreased", 1.0),
        ("reduced", 0.9), ("improved", 0.9), ("grew", 0.9), ("rose", 0.8), ("fell", 0.8), ("saved", 0.9),
        ("won", 0.8), ("launched", 0.8), ("shipped", 0.8), ("delivered", 0.6), ("on time", 0.9), ("finished", 0.8), ("completed", 0.8), ("under budget", 1.0), ("ahead of schedule", 1.0),
        ("early", 0.4), ("succeeded", 1.0), ("successfully", 0.8), ("no longer", 1.0), ("stopped", 0.6),
        ("was promoted", 1.2), ("thanked", 1.0), 
        ("feedback", 0.5), ("placed", 0.6), ("the next", 0.6), ("later", 0.6), 
        ("stayed", 0.5), ("agreed to", 0.9), ("was needed", 0.4),
        ("within", 0.3), ("so we", 0.6), ("signed", 0.6), ("ended", 0.6),
        ("biggest", 0.8), ("highest", 0.8), ("lowest", 0.8), ("record", 0.6), 
        ("now", 0.3), ("we lost", 0.6),
    ]
    /// Markers of a hypothetical answer ("what I would do").
    static let englishHypothetical = [
        "i would", "i'd", "we would", "we'd", "if i", "i will", "i'll", "i'm going to", "i am going to", "i could",
        "i should", "i might", "you would", "you'd", "i'd probably", "i think i would", "my approach would",
        "if i were", "would be",
    ]
    /// "I'd like to tell you…", "I would love to work…": polite forms, not a hypothetical story.
    static let englishHypotheticalExceptions = ["i'd like", "i would like", "i would love", "i'd love", "i'd say",
                                               "i would say"]
    /// Stative verbs: their past tense sets a scene, it is not an action.
    static let englishStative: Set<String> = [
        "was", "were", "had", "felt", "thought", "knew", "wanted", "needed", "seemed", "liked", "loved", "hated",
        "believed", "realised", "realized", "noticed", "saw", "heard", "meant", "owned", "belonged", "remained",
        "did", "got", "used", "tried", "worked",
    ]
    static let englishIrregularPast: Set<String> = [
        "was", "were", "had", "did", "went", "took", "made", "told", "gave", "got", "found", "built", "wrote", "ran",
        "set", "put", "sent", "spent", "brought", "bought", "began", "saw", "met", "led", "kept", "knew", "thought",
        "came", "became", "left", "felt", "held", "paid", "sold", "taught", "caught", "chose", "drove", "grew",
        "heard", "lost", "meant", "rang", "rose", "said", "sat", "spoke", "stood", "understood", "won", "fell", "cut",
        "let", "read", "split", "hit", "shut", "fought", "sought", "dealt", "drew", "flew", "forgot", "hung", "laid",
        "lent", "rebuilt", "rewrote", "redid", "re-slotted", "overcame", "undertook", "withdrew", "upheld",
    ]
    static let englishNotPast: Set<String> = [
        "need", "needed", "indeed", "speed", "seed", "feed", "based", "red", "bed", "hundred", "shed", "bred",
        "detailed", "skilled", "experienced", "interested", "motivated", "dedicated", "talented", "organised",
        "organized", "results-driven", "data-driven", "detail-oriented", "customer-obsessed", "focused", "advanced",
        "sophisticated", "complicated", "related", "limited", "united", "used",
    ]

    // MARK: Chinese

    static let chineseSituation: Cues = [
        ("当时", 1.2), ("那时候", 1.2), ("那个时候", 1.2), ("之前在", 1.4), ("以前在", 1.4), ("背景", 1.6), ("有一次", 1.2),
        ("去年", 1.0), ("前年", 1.0), ("那年", 1.0), ("有段时间", 1.2), ("有一段时间", 1.2), ("有个", 0.8), ("有位", 0.8),
        ("有一位", 0.8), ("有一对", 0.9), ("有一个", 0.6), ("公司", 0.4), ("一直", 0.5), ("突然", 0.8), ("的时候", 0.6),
        ("我在", 0.9), ("工作", 0.3), ("发现", 0.3), ("投诉", 0.4), 
        ("一直在", 0.5), 
        ("那个月", 0.8), ("那次", 0.8), ("之前", 0.5), ("以前", 0.5), 
        ("没人", 0.5),
    ]
    static let chineseTask: Cues = [
        ("任务", 1.6), ("目标", 1.8), ("负责", 1.3), ("要求", 1.2), ("让我", 1.5), ("要我", 1.6), ("交给我", 1.8),
        ("派我", 1.6), ("被派", 1.6), ("需要", 0.7), ("必须", 1.0), ("职责", 1.6), ("我的工作是", 1.8), ("要在", 0.9),
        ("之内", 0.6), ("以内", 0.4), ("期限", 0.9), ("指标", 0.9), ("挑战", 1.0), ("想办法", 1.0),
        ("得", 0.2), ("要把", 0.8),
    ]
    static let chineseAction: Cues = [
        ("我先", 1.6), ("我就", 1.2), ("我还", 1.0), ("我又", 1.0), ("我主动", 1.6), ("我把", 1.2), ("我找", 1.2),
        ("我跟", 1.0), ("我联系", 1.4), ("我带着", 1.4), ("我组织", 1.4), ("我设计", 1.4), ("我整理", 1.4),
        ("我安排", 1.4), ("我写", 1.2), ("我做了", 1.0), ("首先", 0.9), ("然后我", 1.0), ("于是我", 1.2), ("接着", 0.8),
        ("我去", 0.8), ("我请", 1.0), ("我建", 1.2), ("我改", 1.0), ("我调整", 1.4), ("分头", 0.8), ("我重新", 1.2),
        ("我每", 1.0), ("我补", 1.0), ("我亲自", 1.2), ("我自己", 0.6), ("我立刻", 1.2), ("我马上", 1.2), ("又加", 0.8), ("我做的", 1.2), ("一是", 0.6), ("二是", 0.6), ("重新", 0.5),
        ("核对", 0.6), ("商量", 0.6), 
        ("我们就", 0.5), ("先把", 0.8), ("再把", 0.6), 
        ("我觉得", -0.6),
    ]
    static let chineseResult: Cues = [
        ("最后", 1.5), ("没有了", 0.6), ("出来了", 0.6), ("从", 0.2), ("缩短到", 1.4), ("成了", 0.4), ("最终", 1.8), ("结果", 1.4), ("后来", 1.1), ("终于", 1.3), ("成功", 1.0), ("提升了", 1.3),
        ("提高了", 1.3), ("降到", 1.4), ("降低了", 1.3), ("减少了", 1.2), ("增加了", 1.0), ("增长", 0.8), ("缩短", 1.3),
        ("翻了", 1.4), ("达到", 1.0), ("完成了", 0.9), ("上线", 0.7), ("签了", 1.0), ("签下", 0.6), ("拿下", 1.0),
        ("解决了", 1.0), ("稳住", 1.0), ("回到了", 1.0), ("不再", 1.0), ("再也没", 1.2), ("好评", 0.8), ("表扬", 1.0),
        ("推广", 0.8), ("续签", 1.2), ("定了", 0.8), ("全部", 0.5), ("按时", 0.8), ("下来", 0.4),
        ("做到了", 1.2), ("提前", 0.5), 
        
        
    ]
    static let chineseHypothetical = [
        "如果", "假如", "要是", "我会", "会先", "我打算", "打算", "我应该", "应该会", "可能会", "想学", "将会", "我希望",
        "争取", "我想", "我要", "让我负责",
    ]
    /// Habitual or hypothetical words that 我会 can follow without being hypothetical, e.g. 我会计 (accountant).
    static let chineseHypotheticalExceptions = ["我会计", "学会", "机会", "开会", "会议"]

    // MARK: Keyword stuffing

    /// Generic self-descriptions and buzzwords (beyond the model's own terms) that stuffed answers are made of.
    static let englishBuzzwords: Set<String> = [
        "results-driven", "detail-oriented", "self-starter", "team player", "passion", "passionate", "synergy",
        "go-getter", "proactive", "innovation", "innovative", "dynamic", "motivated", "hard-working", "hardworking",
        "excellent communication", "communication skills", "great communicator", "stakeholder management", "agile",
        "scrum", "data-driven", "cross-functional", "collaboration", "leadership", "problem solver", "problem-solving",
        "customer-obsessed", "customer-centric", "customer satisfaction", "customer experience", "customer success",
        "customer retention", "customer loyalty", "customer journey", "customer delight", "customer focus",
        "nps", "retention", "empathy", "active listening", "relationship building", "above and beyond",
        "exceeding expectations", "extra mile", "outside the box", "ownership", "accountability", "integrity",
        "strategic", "visionary", "growth mindset", "thought leader", "best practices", "value-add", "win-win",
        "decision making", "teamwork", "communicator", "continuous learning",
    ]
    static let chineseBuzzwords = [
        "团队合作", "团队协作", "沟通能力", "沟通协调", "协调能力", "善于沟通", "执行力", "责任心", "积极主动", "抗压",
        "数据分析能力", "解决问题的能力", "以客户", "客户导向", "客户需求为导向", "结果导向", "追求结果", "勇于担当",
        "担当", "领导能力", "创新能力", "学习能力", "性格开朗", "主人翁精神", "持续学习", "精益求精", "数据驱动",
        "高效协作", "意识很强", "能力强", "良好的", "具备", "熟练掌握", "本人", "吃苦耐劳", "踏实", "认真负责",
    ]

    // MARK: Fluency

    static let englishFillers: Set<String> = ["um", "uh", "er", "erm", "uhm", "umm", "uhh", "hmm", "mm", "ah"]
    /// Always fillers in Chinese; 额 is one only standing alone (see `DisfluencyCounter`).
    static let chineseFillers: Set<Character> = ["嗯", "呃"]
    static let englishHedges = [
        "i think", "i guess", "maybe", "probably", "sort of", "kind of", "perhaps", "i suppose", "more or less",
        "i believe", "possibly",
    ]
    static let chineseHedges = ["可能", "大概", "好像", "差不多", "我觉得", "应该是", "也许", "或许", "估计"]
    static let englishCorrections = ["i mean", "sorry", "or rather", "no wait", "let me rephrase", "what i meant"]
    static let chineseCorrections = ["不对", "我是说", "应该说", "说错了", "不是不是"]
}

/// Cue phrases indexed by their first word (English) or first character (Chinese), so that scoring a unit costs
/// one dictionary lookup per word instead of one substring search per cue.
struct PhraseTable: Sendable {
    private var english: [String: [(words: [String], weight: Double)]] = [:]
    private var chinese: [Character: [(characters: [Character], weight: Double)]] = [:]

    init(_ cues: Lexicon.Cues) {
        for (cue, weight) in cues {
            if cue.unicodeScalars.contains(where: \.isHan) {
                let characters = Array(cue)
                chinese[characters[0], default: []].append((characters, weight))
            } else {
                let words = cue.split(separator: " ").map(String.init)
                english[words[0], default: []].append((words, weight))
            }
        }
    }

    init(_ phrases: [String]) {
        self.init(phrases.map { ($0, 1.0) })
    }

    /// Sum of the weights of every cue occurrence in `words` (each distinct cue once).
    func score(words: [String]) -> Double {
        var seen = Set<[String]>()
        var total = 0.0
        for (index, word) in words.enumerated() {
            for entry in english[word] ?? [] where index + entry.words.count <= words.count {
                guard !seen.contains(entry.words),
                      (1..<entry.words.count).allSatisfy({ words[index + $0] == entry.words[$0] }) else { continue }
                seen.insert(entry.words)
                total += entry.weight
            }
        }
        return total
    }

    /// Occurrences of any cue in `words`.
    func count(words: [String]) -> Int {
        var total = 0
        for (index, word) in words.enumerated() {
            for entry in english[word] ?? [] where index + entry.words.count <= words.count {
                if (1..<entry.words.count).allSatisfy({ words[index + $0] == entry.words[$0] }) { total += 1 }
            }
        }
        return total
    }

    /// Sum of the weights of every distinct cue found in `characters` (Chinese).
    func score(characters: [Character]) -> Double {
        var seen = Set<[Character]>()
        var total = 0.0
        for (index, character) in characters.enumerated() {
            for entry in chinese[character] ?? [] where index + entry.characters.count <= characters.count {
                guard !seen.contains(entry.characters),
                      (1..<entry.characters.count).allSatisfy({ characters[index + $0] == entry.characters[$0] })
                else { continue }
                seen.insert(entry.characters)
                total += entry.weight
            }
        }
        return total
    }

    /// Occurrences of any cue in `characters`.
    func count(characters: [Character]) -> Int {
        var total = 0
        for (index, character) in characters.enumerated() {
            for entry in chinese[character] ?? [] where index + entry.characters.count <= characters.count {
                if (1..<entry.characters.count).allSatisfy({ characters[index + $0] == entry.characters[$0] }) { total += 1 }
            }
        }
        return total
    }
}

/// The lexicon compiled into phrase tables once per process (immutable data).
enum Phrases {
    static let situation = PhraseTable(Lexicon.englishSituation + Lexicon.chineseSituation)
    static let task = PhraseTable(Lexicon.englishTask + Lexicon.chineseTask)
    static let action = PhraseTable(Lexicon.englishAction + Lexicon.chineseAction)
    static let result = PhraseTable(Lexicon.englishResult + Lexicon.chineseResult)
    static let englishHypothetical = PhraseTable(Lexicon.englishHypothetical)
    static let englishPolite = PhraseTable(Lexicon.englishHypotheticalExceptions)
    static let chineseHypothetical = PhraseTable(Lexicon.chineseHypothetical)
    static let chineseHypotheticalExceptions = PhraseTable(Lexicon.chineseHypotheticalExceptions)
    static let chinesePersonalAction = PhraseTable(Lexicon.chineseAction.filter { $0.cue.hasPrefix("我") && $0.weight >= 1.2 })
    static let englishBuzzwords = PhraseTable(Array(Lexicon.englishBuzzwords))
    static let chineseBuzzwords = PhraseTable(Lexicon.chineseBuzzwords)
    static let hedges = PhraseTable(Lexicon.englishHedges + Lexicon.chineseHedges)
    static let corrections = PhraseTable(Lexicon.englishCorrections.filter { $0 != "i mean" } + Lexicon.chineseCorrections)
}
