import A2A
import A2APipe
import A2AServer

/// The live web page of a served pipeline (docs/web.md): `GET /` answers one HTML page that
/// draws the pipeline's stage graph, runs it through the server's own A2A 1.0 JSON-RPC
/// endpoint (`POST /`) and lights the graph up from the progress extension as the run streams.
///
/// The HTML, CSS and JavaScript are package resources embedded in the binary
/// (`.embedInCode`): nothing is looked up on disk at runtime, nothing is fetched from
/// elsewhere, and the page works offline. The plan's graph (``GraphRenderer/json(_:)``) is
/// put into the HTML as a JSON data block, so the page needs no second request for it.
///
/// Every resource is sent with a `Content-Security-Policy` that allows only the page's own
/// script and style files (no inline script, no `eval`, no other origin), as a second line of
/// defence behind the page's rule of never putting agent text into markup.
public enum PipelineWebPage {
    /// The path of the page's script.
    public static let scriptPath = "/web/app.js"
    /// The path of the page's style sheet.
    public static let stylePath = "/web/app.css"

    /// The policy sent with every resource of the page.
    public static let contentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

    /// The page (`/`), its script and its style sheet, for ``A2AServerConfiguration/staticResources``.
    public static func resources(for plan: Plan) -> [StaticResource] {
        let headers = [
            "Content-Security-Policy": contentSecurityPolicy,
            "Cache-Control": "no-cache",
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
        ]
        return [
            StaticResource(path: "/", contentType: "text/html; charset=utf-8", body: Array(html(for: plan).utf8), headers: headers),
            StaticResource(path: scriptPath, contentType: "text/javascript; charset=utf-8", body: PackageResources.app_js, headers: headers),
            StaticResource(path: stylePath, contentType: "text/css; charset=utf-8", body: PackageResources.app_css, headers: headers),
        ]
    }

    /// The page's HTML for `plan`: the template with the pipeline's name and graph filled in.
    public static func html(for plan: Plan) -> String {
        let template = String(decoding: PackageResources.index_html, as: UTF8.self)
        return template
            .replacingOccurrences(of: "{{TITLE}}", with: htmlEscape(plan.name))
            .replacingOccurrences(of: "{{GRAPH_JSON}}", with: scriptSafeJSON(GraphRenderer.json(plan)))
    }

    /// Text made safe for HTML element content and attribute values.
    static func htmlEscape(_ text: String) -> String {
        var out = ""
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }

    /// JSON that can sit inside a `<script type="application/json">` block: `<`, `>` and `&`
    /// (which JSON only has inside strings) become `\u003c`, `\u003e`, `\u0026`, so no text
    /// of the pipeline file can close the block.
    static func scriptSafeJSON(_ value: JSONValue) -> String {
        JSONWriter.string(value)
            .replacingOccurrences(of: "<", with: "\\u003c")
            .replacingOccurrences(of: ">", with: "\\u003e")
            .replacingOccurrences(of: "&", with: "\\u0026")
    }
}
