import Foundation

/// Tokenising and plain-text extraction shared by `search` and `summarize`.
///
/// Tokens are lowercase, ASCII-folded (`é` → `e`), split on anything that is not a letter or
/// a digit, stripped of a small English stop-word list and lightly stemmed
/// (``stem(_:)``). The same function serves documents and queries, so they always agree.
enum TextAnalysis {
    /// Common English words that carry no meaning for search or sentence scoring.
    static let stopWords: Set<String> = [
        "a", "about", "above", "after", "again", "all", "also", "am", "an", "and", "any", "are", "as", "at",
        "be", "because", "been", "before", "being", "below", "between", "both", "but", "by",
        "can", "could", "did", "do", "does", "doing", "down", "during", "each", "few", "for", "from", "further",
        "had", "has", "have", "having", "he", "her", "here", "hers", "him", "his", "how",
        "i", "if", "in", "into", "is", "it", "its", "itself", "just", "me", "more", "most", "my",
        "no", "nor", "not", "now", "of", "off", "on", "once", "only", "or", "other", "our", "ours", "out", "over", "own",
        "same", "she", "should", "so", "some", "such", "than", "that", "the", "their", "theirs", "them", "then",
        "there", "these", "they", "this", "those", "through", "to", "too", "under", "until", "up",
        "very", "was", "we", "were", "what", "when", "where", "which", "while", "who", "whom", "why", "will", "with",
        "would", "you", "your", "yours",
    ]

    /// The index terms of `text`, in order (stop words removed, stemmed).
    static func terms(_ text: String) -> [String] {
        var out: [String] = []
        forEachWord(text) { word in
            if !stopWords.contains(word) { out.append(stem(word)) }
        }
        return out
    }

    /// Calls `body` with each lowercase, ASCII-folded word of `text` (letters and digits).
    static func forEachWord(_ text: String, _ body: (String) -> Void) {
        var word: [UInt8] = []
        word.reserveCapacity(32)
        func flush() {
            if !word.isEmpty, word.count <= 64 {
                body(String(decoding: word, as: UTF8.self))
            }
            word.removeAll(keepingCapacity: true)
        }
        for scalar in text.unicodeScalars {
            let v = scalar.value
            if v < 0x80 {
                switch v {
                case 0x61...0x7A, 0x30...0x39: word.append(UInt8(v))
                case 0x41...0x5A: word.append(UInt8(v + 0x20))
                default: flush()
                }
            } else if let folded = fold(scalar) {
                word.append(contentsOf: folded)
            } else if scalar.properties.isAlphabetic {
                word.append(contentsOf: String(scalar).lowercased().utf8)
            } else {
                flush()
            }
        }
        flush()
    }

    /// The ASCII letters of a Latin letter with diacritics (`é` → `e`, `ß` → `ss`), if any.
    static func fold(_ scalar: Unicode.Scalar) -> [UInt8]? {
        switch scalar.value {
        case 0xDF: return Array("ss".utf8)
        case 0xE6, 0xC6: return Array("ae".utf8)
        case 0x153, 0x152: return Array("oe".utf8)
        case 0xF8, 0xD8: return [UInt8(ascii: "o")]
        default: break
        }
        guard scalar.value < 0x250, let first = String(scalar).decomposedStringWithCanonicalMapping.unicodeScalars.first,
            first.isASCII, first.properties.isAlphabetic
        else { return nil }
        // Canonical decomposition puts the base letter first.
        return [UInt8(first.value | 0x20)]
    }

    /// A light, conservative English stemmer: plural `-s`/`-es`/`-ies`, `-ing` and `-ed`, with
    /// a doubled final consonant undone (`running` → `run`, `stopped` → `stop`; not after l, s, z).
    static func stem(_ word: String) -> String {
        var w = Array(word.utf8)
        guard w.count > 3, w.allSatisfy({ $0 >= 0x61 && $0 <= 0x7A }) else { return word }
        func ends(_ s: String) -> Bool {
            let u = Array(s.utf8)
            return w.count > u.count && Array(w.suffix(u.count)) == u
        }
        func isVowel(_ c: UInt8) -> Bool { "aeiouy".utf8.contains(c) }
        func undouble() {
            if w.count >= 3, let last = w.last, last == w[w.count - 2], !isVowel(last), !"lsz".utf8.contains(last) {
                w.removeLast()
            }
        }
        if ends("ies"), w.count > 4 {
            w.removeLast(3)
            w.append(UInt8(ascii: "y"))
        } else if ends("sses") {
            w.removeLast(2)
        } else if w.count > 4, ends("ches") || ends("shes") || ends("xes") || ends("zes") {
            w.removeLast(2)
        } else if ends("s"), !ends("ss"), !ends("us"), !ends("is"), !ends("ous") {
            w.removeLast()
        } else if ends("ing"), w.count > 5, w.dropLast(3).contains(where: isVowel) {
            w.removeLast(3)
            undouble()
        } else if ends("ed"), w.count > 4, w.dropLast(2).contains(where: isVowel) {
            w.removeLast(2)
            undouble()
        }
        return String(decoding: w, as: UTF8.self)
    }
}

