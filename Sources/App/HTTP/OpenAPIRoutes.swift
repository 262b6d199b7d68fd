import Hummingbird

/// `GET /openapi.json`: the OpenAPI document of every route, as `api/openapi.json` has it. Open to
/// anyone, like `/health`: it describes the API, not any tenant's data.
struct OpenAPIRoutes {
    func register(on router: Router<AppRequestContext>) {
        router.get("/openapi.json") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "application/json; charset=utf-8"
            return Response(
                status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: OpenAPIDocument.json)))
        }
    }
}
