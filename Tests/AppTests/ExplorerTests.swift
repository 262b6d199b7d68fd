import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@testable import App

/// The explorer's files: served as they are under `ui/`, with their types, a strict content
/// security policy and revalidation by entity tag; `GET /` choosing between the page and
/// Elasticsearch's cluster info by `Accept`.
@Suite("Explorer files")
struct ExplorerTests {
    private static let ui = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("ui")

    @Test("the binary holds every file under ui/ as it is")
    func embeddedFiles_matchTheDirectory() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.ui.path)
        #expect(Set(ExplorerFiles.texts.keys) == Set(names), "run scripts/embed-ui after changing ui/")
        for name in names {
            let text = try String(contentsOf: Self.ui.appendingPathComponent(name), encoding: .utf8)
            #expect(ExplorerFiles.texts[name] == text, "\(name) differs; run scripts/embed-ui")
        }
    }

    @Test("a browser gets the page at /, with the Jaeger URL escaped into it; other clients get the cluster info")
    func root_negotiatesByAccept() async throws {
        try await withApp(configure: { $0.jaegerURL = #"http://jaeger.test:16686/?a="b"&c"# }) { client in
            let page = try await client.execute(
                uri: "/", method: .get, headers: [.accept: "text/html,application/xhtml+xml,*/*;q=0.8"])
            #expect(page.status == .ok)
            #expect(page.headers[.contentType] == "text/html; charset=utf-8")
            #expect(page.headers[.vary] == "Accept")
            #expect(page.headers[.contentSecurityPolicy]?.contains("script-src 'self'") == true)
            #expect(page.headers[.contentSecurityPolicy]?.contains("frame-ancestors 'none'") == true)
            #expect(page.headers[.xContentTypeOptions] == "nosniff")
            let html = String(buffer: page.body)
            #expect(html.contains(#"content="http://jaeger.test:16686/?a=&quot;b&quot;&amp;c""#))
            #expect(html.contains(#"<script type="module" src="/ui/app.js"></script>"#))

            for accept in ["application/json", "*/*", "application/vnd.elasticsearch+json; compatible-with=8"] {
                let info = try await client.execute(uri: "/", method: .get, headers: [.accept: accept])
                #expect(info.status == .ok)
                #expect(info.headers[.contentType] == "application/json")
                #expect(String(buffer: info.body).contains("You Know, for Search"))
            }
        }
    }

    @Test("scripts and styles with their types; 304 for an unchanged file; 404 problem for an unknown one")
    func files_servedWithTagsAndTypes() async throws {
        try await withApp { client in
            let script = try await client.execute(uri: "/ui/app.js", method: .get)
            #expect(script.status == .ok)
            #expect(script.headers[.contentType] == "text/javascript; charset=utf-8")
            #expect(script.headers[.cacheControl] == "no-cache")
            #expect(String(buffer: script.body) == ExplorerFiles.texts["app.js"])
            let tag = try #require(script.headers[.eTag])
            #expect(tag.hasPrefix("\"") && tag.count == 34)

            let again = try await client.execute(uri: "/ui/app.js", method: .get, headers: [.ifNoneMatch: tag])
            #expect(again.status == .notModified)
            #expect(again.body.readableBytes == 0)
            let changed = try await client.execute(uri: "/ui/app.js", method: .get, headers: [.ifNoneMatch: "\"0\""])
            #expect(changed.status == .ok)

            let style = try await client.execute(uri: "/ui/style.css", method: .get)
            #expect(style.headers[.contentType] == "text/css; charset=utf-8")
            #expect(style.headers[.eTag] != tag)

            for path in ["/ui/missing.js", "/ui/index.html", "/ui/..%2Fapi%2Fopenapi.json"] {
                let missing = try await client.execute(uri: path, method: .get)
                #expect(missing.status == .notFound, "\(path)")
                #expect(missing.headers[.contentType] == "application/problem+json")
            }
        }
    }

    @Test("LOGSMITH_JAEGER_URL takes http(s) URLs only")
    func jaegerURL_mustBeHTTP() throws {
        let configuration = try AppConfiguration(environment: ["LOGSMITH_JAEGER_URL": "https://jaeger.example.com"])
        #expect(configuration.jaegerURL == "https://jaeger.example.com")
        for bad in ["javascript:alert(1)", "jaeger:16686", "ftp://jaeger", "http://"] {
            #expect(throws: ConfigurationError.self, "\(bad)") {
                try AppConfiguration(environment: ["LOGSMITH_JAEGER_URL": bad])
            }
        }
    }
}
