import Foundation

/// Extractive summarization by TF-IDF centrality: the sentences closest (cosine) to the
/// centroid of the whole text, with near-duplicates skipped, returned in their original order.
///
/// Sentences are scored on their terms (``TextAnalysis/terms(_:)``) weighted by
/// `tf × idf`, where idf treats each sentence as a document; the centroid is the sum of all
/// sentence vectors. Linear in the size of the text (no sentence-by-sentence matrix), so a
/// megabyte of text takes well under a second.
enum Summarizer {
    /// The `count` most central readable sentences of `text` (plain text, one paragraph per
    /// line), in the order they appear.
    static func summarize(_ text: String, sentences count: Int) -> [String] {
        guard count > 0 else { return [] }
        let all = DocumentText.sentences(text)
        var candidates = all.filter(isReadable)
        if candidates.count < count {
            // Short or unusual text: take what there is, readable first.
            candidates = all.filter { !$0.isEmpty }
            if candidates.count <= count { return candidates }
        }
        // Term vectors.
        var termIDs: [String: Int] = [:]
        var vectors: [[Int: Double]] = []
        vectors.reserveCapacity(candidates.count)
        var df: [Int] = []
        for sentence in candidates {
            var v: [Int: Double] = [:]
            for term in TextAnalysis.terms(sentence) {
                let id: Int
                if let known = termIDs[term] { id = known } else {
                    id = termIDs.count
                    termIDs[term] = id
                    df.append(0)
                }
                if v[id] == nil { df[id] += 1 }
                v[id, default: 0] += 1
            }
            vectors.append(v)
        }
        let n = Double(candidates.count)
        let idf = df.map { log(n / Double($0)) + 1 }
        var centroid = [Double](repeating: 0, count: idf.count)
        for i in vectors.indices {
            for (t, tf) in vectors[i] {
                let w = tf * idf[t]
                vectors[i][t] = w
                centroid[t] += w
            }
        }
        let centroidNorm = sqrt(centroid.reduce(0) { $0 + $1 * $1 })
        func norm(_ v: [Int: Double]) -> Double { sqrt(v.values.reduce(0) { $0 + $1 * $1 }) }
        var scored: [(index: Int, score: Double)] = []
        for (i, v) in vectors.enumerated() {
            let vn = norm(v)
            guard vn > 0, centroidNorm > 0 else { continue }
            var dot = 0.0
            for (t, w) in v { dot += w * centroid[t] }
            // A slight preference for the opening sentences, which tend to state the topic.
            let position = 1 + 0.15 * (1 - Double(i) / n)
            scored.append((i, dot / (vn * centroidNorm) * position))
        }
        scored.sort { $0.score != $1.score ? $0.score > $1.score : $0.index < $1.index }
        var chosen: [Int] = []
        for (i, _) in scored {
            guard chosen.count < count else { break }
            let redundant = chosen.contains { cosine(vectors[$0], vectors[i]) > 0.7 }
            if !redundant { chosen.append(i) }
        }
        if chosen.count < count {
            for (i, _) in scored where chosen.count < count && !chosen.contains(i) { chosen.append(i) }
        }
        return chosen.sorted().map { candidates[$0] }
    }

    /// Whether a sentence reads as prose: 6 to 80 words, ends with `.`, `!` or `?` (a closing
    /// quote or bracket may follow), mostly letters, and starts with a capital, digit or quote.
    static func isReadable(_ sentence: String) -> Bool {
        let words = sentence.split(separator: " ")
        guard (6...80).contains(words.count) else { return false }
        var last = sentence.last
        var trimmed = Substring(sentence)
        while let l = last, "\"')”’]".contains(l) {
            trimmed = trimmed.dropLast()
            last = trimmed.last
        }
        guard let end = last, ".!?".contains(end) else { return false }
        guard let first = sentence.first, first.isUppercase || first.isNumber || "\"'“‘(".contains(first) else { return false }
        let letters = sentence.reduce(0) { $0 + ($1.isLetter || $1 == " " ? 1 : 0) }
        return Double(letters) / Double(sentence.count) > 0.8
    }

    private static func cosine(_ a: [Int: Double], _ b: [Int: Double]) -> Double {
        var dot = 0.0
        for (t, w) in a { if let v = b[t] { dot += w * v } }
        let na = sqrt(a.values.reduce(0) { $0 + $1 * $1 }), nb = sqrt(b.values.reduce(0) { $0 + $1 * $1 })
        return na > 0 && nb > 0 ? dot / (na * nb) : 0
    }
}
