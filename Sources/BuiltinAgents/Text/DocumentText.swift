import Foundation

/// A document reduced to its title and plain text, for indexing, snippets and summaries.
struct DocumentText: Sendable {
    /// The first Markdown heading, the HTML `<title>` (without a trailing
    /// "— … documentation" part) or first `<h1>`, else the file name without its extension.
    var title: String
    /// The text: tags and Markdown syntax removed, one paragraph per line.
    var body: String
    /// The body without code blocks (`<pre>`, fenced or indented code): prose for summaries.
    var prose: String

    /// The kind of file, from its extension.
    enum Kind: Sendable {
        case markdown, html, text

        init(fileName: String) {
            let ext = fileName.split(separator: ".").last.map { $0.lowercased() } ?? ""
            switch ext {
            case "md", "markdown", "mdown", "mkd": self = .markdown
            case "html", "htm", "xhtml": self = .html
            default: self = .text
            }
        }
    }

    /// Extracts the text of a file's contents.
    init(contents: String, fileName: String) {
        let stem = Self.fileStem(fileName)
        switch Kind(fileName: fileName) {
        case .markdown:
            let (title, body, prose) = Self.markdown(contents)
            self.init(title: title ?? stem, body: body, prose: prose)
        case .html:
            let (title, body, prose) = Self.html(contents)
            self.init(title: title ?? stem, body: body, prose: prose)
        case .text:
            let firstLine = contents.split(separator: "\n", maxSplits: 1).first.map { String($0).trimmingSpaces } ?? ""
            let title = !firstLine.isEmpty && firstLine.count <= 80 ? firstLine : stem
            self.init(title: title, body: contents, prose: contents)
        }
    }

    init(title: String, body: String, prose: String) {
        self.title = Self.oneLine(title)
        self.body = body
        self.prose = prose
    }

    static func fileStem(_ fileName: String) -> String {
        let base = fileName.split(separator: "/").last.map(String.init) ?? fileName
        guard let dot = base.lastIndex(of: "."), dot != base.startIndex else { return base }
        return String(base[..<dot])
    }

    /// Collapses whitespace to single spaces.
    static func oneLine(_ text: some StringProtocol) -> String {
        text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    // MARK: Markdown

    /// Title, body and prose of Markdown (DocC directives and link targets removed).
    static func markdown(_ text: String) -> (String?, String, String) {
        var title: String?
        var body: [String] = []
        var prose: [String] = []
        var fence: Substring?
        var inComment = false
        var inFrontMatter = false
        for (n, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = rawLine
            if line.last == "\r" { line = line.dropLast() }
            let trimmed = line.drop(while: { $0 == " " || $0 == "\t" })
            if n == 0, trimmed == "---" {
                inFrontMatter = true
                continue
            }
            if inFrontMatter {
                if trimmed == "---" { inFrontMatter = false }
                continue
            }
            if inComment {
                if trimmed.contains("-->") { inComment = false }
                continue
            }
            if trimmed.hasPrefix("<!--") {
                if !trimmed.contains("-->") { inComment = true }
                continue
            }
            if let f = fence {
                if trimmed.hasPrefix(f) { fence = nil } else { body.append(String(line)) }
                continue
            }
            if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
                fence = trimmed.prefix(3)
                body.append("")
                prose.append("")
                continue
            }
            if trimmed.isEmpty {
                body.append("")
                prose.append("")
                continue
            }
            // DocC directives (`@Metadata {`, `}` closing them) and tables' rules.
            if trimmed.hasPrefix("@") || trimmed == "}" || trimmed.allSatisfy({ "|-: ".contains($0) }) { continue }
            let indented = line.hasPrefix("    ") || line.hasPrefix("\t")
            var content = trimmed
            var isHeading = false
            if content.hasPrefix("#") {
                content = content.drop(while: { $0 == "#" })
                isHeading = true
            }
            let clean = inline(String(content))
            if isHeading, title == nil, !clean.isEmpty {
                title = clean
            }
            body.append(clean)
            if indented && !isListItem(trimmed) {
                prose.append("")
            } else {
                // A heading is its own paragraph.
                if isHeading { prose.append("") }
                prose.append(clean)
                if isHeading { prose.append("") }
            }
        }
        return (title, paragraphs(body), paragraphs(prose))
    }

    private static func isListItem(_ line: Substring) -> Bool {
        line.hasPrefix("- ") || line.hasPrefix("* ") || line.hasPrefix("+ ") || line.first?.isNumber == true
    }

    /// Removes inline Markdown: emphasis, code ticks, links (keeping their text), images,
    /// `<doc:…>` references, HTML tags and list or quote markers.
    static func inline(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        var chars = Array(text)
        // Leading list / quote markers.
        var start = 0
        while start < chars.count, ">-*+ ".contains(chars[start]) { start += 1 }
        if start > 0 { chars.removeFirst(start) }
        var i = 0
        while i < chars.count {
            let c = chars[i]
            switch c {
            case "*", "_", "`":
                // Keep an underscore inside a word (snake_case).
                if c == "_", i > 0, i + 1 < chars.count, chars[i - 1].isLetter || chars[i - 1].isNumber, chars[i + 1].isLetter || chars[i + 1].isNumber {
                    out.append(c)
                }
            case "!" where i + 1 < chars.count && chars[i + 1] == "[":
                break
            case "]" where i + 1 < chars.count && chars[i + 1] == "(":
                // Skip the link target.
                var j = i + 2
                var depth = 1
                while j < chars.count, depth > 0 {
                    if chars[j] == "(" { depth += 1 }
                    if chars[j] == ")" { depth -= 1 }
                    j += 1
                }
                i = j
                continue
            case "[", "]":
                break
            case "<":
                // `<doc:Name>` → Name; other tags dropped.
                if let close = chars[i...].firstIndex(of: ">") {
                    let inner = String(chars[(i + 1)..<close])
                    if inner.hasPrefix("doc:") { out += inner.dropFirst(4).replacingOccurrences(of: "-", with: " ") }
                    else if inner.first?.isLetter == false && inner.first != "/" { out.append(c); break }
                    i = close + 1
                    continue
                }
                out.append(c)
            case "|":
                out.append(" ")
            default:
                out.append(c)
            }
            i += 1
        }
        return out.trimmingSpaces
    }

    // MARK: HTML

    /// Title, body and prose of HTML: `<script>`/`<style>` dropped, `role="main"` preferred
    /// when the page has it, tags removed, entities decoded, block elements as paragraphs.
    static func html(_ text: String) -> (String?, String, String) {
        var title = firstElement("title", in: text).map { cleanTitle(decodeEntities(stripTags($0))) }
        if title?.isEmpty != false { title = firstElement("h1", in: text).map { oneLine(decodeEntities(stripTags($0))) } }
        var source = Substring(text)
        if let main = source.range(of: "role=\"main\"") ?? source.range(of: "<main") ?? source.range(of: "<body") {
            source = source[main.lowerBound...]
        }
        var body = ""
        var prose = ""
        body.reserveCapacity(source.utf8.count / 2)
        var skipDepth = 0  // inside script/style
        var preDepth = 0
        var i = source.startIndex
        while i < source.endIndex {
            let c = source[i]
            if c == "<", let close = source[i...].firstIndex(of: ">") {
                let tag = source[source.index(after: i)..<close]
                let name = tag.prefix(while: { $0.isLetter || $0.isNumber || $0 == "/" || $0 == "!" }).lowercased()
                switch name {
                case "script", "style": skipDepth += 1
                case "/script", "/style": skipDepth = max(0, skipDepth - 1)
                case "pre": preDepth += 1
                case "/pre": preDepth = max(0, preDepth - 1); body += "\n"; prose += "\n\n"
                default: break
                }
                if blockTags.contains(name.hasPrefix("/") ? String(name.dropFirst()) : name) {
                    body += "\n"
                    if preDepth == 0 { prose += "\n" }
                } else if name == "br" {
                    body += "\n"
                    if preDepth == 0 { prose += " " }
                }
                if tag.hasPrefix("!--"), let end = source[i...].range(of: "-->") {
                    i = end.upperBound
                    continue
                }
                i = source.index(after: close)
                continue
            }
            if skipDepth == 0 {
                body.append(c)
                if preDepth == 0 { prose.append(c) }
            }
            i = source.index(after: i)
        }
        let decodedBody = decodeEntities(body)
        let decodedProse = decodeEntities(prose)
        return (title, paragraphs(decodedBody.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)),
                paragraphs(decodedProse.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)))
    }

    static let blockTags: Set<String> = [
        "p", "div", "section", "article", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd",
        "table", "tr", "td", "th", "blockquote", "header", "footer", "nav", "main", "aside", "hr", "title", "pre",
    ]

    /// A page title without its site suffix ("asyncio — … — Python 3.11 documentation").
    static func cleanTitle(_ title: String) -> String {
        var parts = title.components(separatedBy: " — ")
        if parts.count > 1, let last = parts.last, last.lowercased().contains("documentation") { parts.removeLast() }
        return oneLine(parts.joined(separator: " — "))
    }

    static func firstElement(_ name: String, in text: String) -> String? {
        guard let open = text.range(of: "<\(name)", options: .caseInsensitive),
            let openEnd = text[open.upperBound...].firstIndex(of: ">"),
            let close = text[openEnd...].range(of: "</\(name)>", options: .caseInsensitive)
        else { return nil }
        return String(text[text.index(after: openEnd)..<close.lowerBound])
    }

    static func stripTags(_ text: String) -> String {
        var out = ""
        var inTag = false
        for c in text {
            if c == "<" { inTag = true } else if c == ">" { inTag = false } else if !inTag { out.append(c) }
        }
        return out
    }

    /// Decodes the common named entities and numeric ones.
    static func decodeEntities(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count)
        var i = text.startIndex
        while i < text.endIndex {
            let c = text[i]
            if c == "&", let semi = text[i...].prefix(12).firstIndex(of: ";") {
                let name = text[text.index(after: i)..<semi]
                if let decoded = entity(name) {
                    out.append(decoded)
                    i = text.index(after: semi)
                    continue
                }
            }
            out.append(c)
            i = text.index(after: i)
        }
        return out
    }

    private static let entities: [Substring: Character] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": " ", "mdash": "—", "ndash": "–",
        "hellip": "…", "rsquo": "’", "lsquo": "‘", "rdquo": "”", "ldquo": "“", "copy": "©", "para": "¶",
    ]

    private static func entity(_ name: Substring) -> Character? {
        if let c = entities[name] { return c }
        if name.hasPrefix("#x") || name.hasPrefix("#X"), let v = UInt32(name.dropFirst(2), radix: 16), let s = Unicode.Scalar(v) { return Character(s) }
        if name.hasPrefix("#"), let v = UInt32(name.dropFirst()), let s = Unicode.Scalar(v) { return Character(s) }
        return nil
    }

    // MARK: Paragraphs and sentences

    /// Joins lines into paragraphs (a blank line ends one), one paragraph per output line.
    static func paragraphs(_ lines: [String]) -> String {
        var out = ""
        var current = ""
        for line in lines {
            let t = line.trimmingSpaces
            if t.isEmpty {
                if !current.isEmpty {
                    out += current + "\n"
                    current = ""
                }
            } else {
                if !current.isEmpty { current += " " }
                current += oneLine(t)
            }
        }
        if !current.isEmpty { out += current + "\n" }
        return out
    }

    /// Abbreviations after which a period does not end a sentence.
    private static let abbreviations: Set<String> = ["e.g", "i.e", "etc", "vs", "mr", "mrs", "dr", "cf", "eg", "ie", "fig", "no", "approx"]

    /// The sentences of plain text (paragraph per line): a sentence ends at `.`, `!` or `?`
    /// followed by a space and an uppercase letter, a digit or a quote, or at a paragraph end.
    static func sentences(_ text: String) -> [String] {
        var out: [String] = []
        for paragraph in text.split(separator: "\n") {
            let chars = Array(paragraph)
            var start = 0
            var i = 0
            while i < chars.count {
                let c = chars[i]
                if c == "." || c == "!" || c == "?" {
                    var end = i + 1
                    while end < chars.count, "\"')”’]".contains(chars[end]) { end += 1 }
                    if end < chars.count, chars[end] == " " {
                        var next = end + 1
                        while next < chars.count, chars[next] == " " { next += 1 }
                        let nextChar = next < chars.count ? chars[next] : "A"
                        let word = String(chars[start..<i]).split(separator: " ").last.map { $0.lowercased() } ?? ""
                        let isAbbreviation = c == "." && (abbreviations.contains(word) || (word.count == 1 && word.first?.isLetter == true))
                        if !isAbbreviation, nextChar.isUppercase || nextChar.isNumber || "\"'“‘(".contains(nextChar) {
                            let s = String(chars[start..<end]).trimmingSpaces
                            if !s.isEmpty { out.append(s) }
                            start = next
                            i = next
                            continue
                        }
                    }
                }
                i += 1
            }
            if start < chars.count {
                let s = String(chars[start...]).trimmingSpaces
                if !s.isEmpty { out.append(s) }
            }
        }
        return out
    }
}
