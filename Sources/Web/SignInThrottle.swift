import Foundation

/// Slows password guessing at `POST /login` down to a crawl without letting a stranger lock a colleague out.
///
/// Failures are counted twice: per account name from one client address, and per client address over all names.
/// After `Rules.freePerAccount` failures of a name (or `Rules.freePerClient` from an address) every further attempt
/// waits `firstWait` seconds, doubling with each failure up to `longestWait`. While a count waits, the password is not
/// checked at all and the answer is 429 with `Retry-After`; names that do not exist count the same way, so the wait
/// says nothing about which accounts exist. Signing in clears that name's count for that address. A count without a
/// failure for `forgetAfter` seconds is forgotten, and at most `capacity` counts are held (the stalest go first).
///
/// Behind a reverse proxy every client has the proxy's address, so the per-address count is shared; the proxy should
/// then limit sign-ins itself (README).
actor SignInThrottle {
    struct Rules: Sendable {
        var freePerAccount = 5
        var freePerClient = 50
        var firstWait: TimeInterval = 30
        var longestWait: TimeInterval = 15 * 60
        var forgetAfter: TimeInterval = 3600
        var capacity = 10_000
    }

    private struct Count {
        var failures: Int
        var last: Date
        var until: Date
    }

    private let rules: Rules
    private var counts: [String: Count] = [:]

    init(rules: Rules = Rules()) {
        self.rules = rules
    }

    /// Whole seconds this attempt must still wait, or nil when it may go ahead.
    func wait(name: String, client: String, now: Date) -> Int? {
        let until = keys(name: name, client: client).compactMap { counts[$0.key]?.until }.max()
        guard let until, until > now else { return nil }
        return Int(until.timeIntervalSince(now).rounded(.up))
    }

    func failed(name: String, client: String, now: Date) {
        for (key, free) in keys(name: name, client: client) {
            var count = counts[key].flatMap { now.timeIntervalSince($0.last) < rules.forgetAfter ? $0 : nil }
                ?? Count(failures: 0, last: now, until: .distantPast)
            count.failures += 1
            count.last = now
            if count.failures >= free {
                let doublings = Double(min(count.failures - free, 30))
                count.until = now.addingTimeInterval(min(rules.firstWait * pow(2, doublings), rules.longestWait))
            }
            if counts[key] == nil, counts.count >= rules.capacity { prune(now: now) }
            counts[key] = count
        }
    }

    func succeeded(name: String, client: String) {
        counts[keys(name: name, client: client)[0].key] = nil
    }

    /// How many counts are held (bounded by `Rules.capacity`).
    var held: Int { counts.count }

    private func keys(name: String, client: String) -> [(key: String, free: Int)] {
        [("\(client)\u{0}\(name.lowercased())", rules.freePerAccount), ("\(client)\u{0}", rules.freePerClient)]
    }

    /// Forgets faded counts; if that frees too little, the half that failed longest ago.
    private func prune(now: Date) {
        counts = counts.filter { now.timeIntervalSince($0.value.last) < rules.forgetAfter }
        guard counts.count >= rules.capacity else { return }
        let newest = counts.sorted { $0.value.last > $1.value.last }.prefix(rules.capacity / 2)
        counts = Dictionary(uniqueKeysWithValues: newest.map { ($0.key, $0.value) })
    }
}
