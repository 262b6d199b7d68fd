import Foundation
import HTTPTypes
import Hummingbird

/// The log explorer, served from the binary: `GET /` answers a browser (an `Accept` naming
/// `text/html`) with the explorer's page and any other client with Elasticsearch's cluster info,
/// which the official clients read first; `GET /ui/{file}` serves the page's scripts and style
/// sheet. Open to anyone, like `/openapi.json`: the files hold no data, and the page signs in
/// through the API.
struct ExplorerRoutes {
    private let page: ExplorerFile
    private let files: [String: ExplorerFile]

    /// The files of `ui/` (``ExplorerFiles``), the page naming `jaegerURL` as the place traces open
    /// and saying whether it must sign in before its first request.
    init(jaegerURL: String?, authEnabled: Bool) {
        var files: [String: ExplorerFile] = [:]
        for (name, text) in ExplorerFiles.texts where name != "index.html" {
            files[name] = ExplorerFile(text: text, contentType: ExplorerFile.contentType(ofFileNamed: name))
        }
        self.files = files
        let index = ExplorerFiles.texts["index.html", default: ""]
            .replacingOccurrences(
                of: #"<meta name="logsmith-jaeger-url" content="">"#,
                with: #"<meta name="logsmith-jaeger-url" content="\#(Self.escapedAttribute(jaegerURL ?? ""))">"#
            )
            .replacingOccurrences(
                of: #"<meta name="logsmith-auth" content="on">"#,
                with: #"<meta name="logsmith-auth" content="\#(authEnabled ? "on" : "off")">"#)
        page = ExplorerFile(text: index, contentType: ExplorerFile.contentType(ofFileNamed: "index.html"))
    }

    func register(on router: Router<AppRequestContext>) {
        router.get("/") { request, _ in
            guard Self.wantsPage(request) else { return ElasticsearchResponse.clusterInfo }
            var response = page.response(to: request)
            response.headers[.vary] = "Accept"
            return response
        }
        router.get("/ui/:file") { request, context in
            guard let name = context.parameters.get("file"), let file = files[name] else {
                throw Problem(status: .notFound, kind: "not-found", detail: "the explorer has no file of this name")
            }
            return file.response(to: request)
        }
    }

    /// Whether the request is a browser's navigation: its `Accept` names HTML.
    private static func wantsPage(_ request: Request) -> Bool {
        request.headers[values: .accept].contains { $0.lowercased().contains("text/html") }
    }

    private static func escapedAttribute(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "\"", with: "&quot;")
            .replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
