import HTTPTypes
import Hummingbird
import LogModel
import NIOCore

/// Answers in the shape Elasticsearch's official clients expect: JSON with the product header they
/// check.
enum ElasticsearchResponse {
    /// `value` as JSON with `X-Elastic-Product: Elasticsearch`.
    static func json(_ value: JSONValue, status: HTTPResponse.Status) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        headers[.elasticProduct] = "Elasticsearch"
        return Response(
            status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: value.jsonText)))
    }

    /// The cluster-info document of `GET /`, which the clients read before their first request.
    static var clusterInfo: Response {
        json(
            .object([
                "name": .string("logsmith"), "cluster_name": .string("logsmith"),
                "cluster_uuid": .string("logsmith"),
                "version": .object([
                    "number": .string("8.11.0"), "build_flavor": .string("default"),
                    "build_type": .string("logsmith"), "lucene_version": .string("9.8.0"),
                    "minimum_wire_compatibility_version": .string("7.17.0"),
                    "minimum_index_compatibility_version": .string("7.0.0"),
                ]),
                "tagline": .string("You Know, for Search"),
            ]), status: .ok)
    }
}

extension HTTPField.Name {
    /// The header the official Elasticsearch clients check for.
    fileprivate static let elasticProduct = HTTPField.Name("X-Elastic-Product")!
}
