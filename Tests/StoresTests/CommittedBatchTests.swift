import LogModel
import Testing

@testable import Stores

/// The text a commit announcement carries: what it makes is read back, anything else is ignored.
@Suite("Committed batch payload")
struct CommittedBatchTests {
    @Test("a payload reads back as the batch that made it")
    func payload_roundTrips() throws {
        let records = (0..<3).map { makeRecord("r\($0)", tenant: "payments", second: Int64($0)) }
        let batch = try #require(CommittedBatch.announcing(records).first)
        #expect(CommittedBatch(payload: batch.payload) == batch)
    }

    @Test(
        "a payload that no insert made is not a batch",
        arguments: [
            "", "payments", "payments\n1\n2", "payments\none\n2\n01a23b7a-955e-7461-a141-b7f7f28d259b",
            "payments\n1\n2\nnot-an-id", "payments\n1\n2\n01a23b7a-955e-7461-a141-b7f7f28d259b\n",
        ])
    func foreignPayload_isIgnored(payload: String) {
        #expect(CommittedBatch(payload: payload) == nil)
    }
}
