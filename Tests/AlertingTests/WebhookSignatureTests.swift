import Alerting
import Testing

/// The webhook signature: HMAC-SHA256 over `timestamp.body`, checked in constant time.
@Suite("Webhook signature")
struct WebhookSignatureTests {
    @Test("matches an HMAC-SHA256 computed independently, and verifies only the same body and secret")
    func signs_andVerifies() {
        // printf '1796306125.{"a":1}' | openssl dgst -sha256 -hmac secret
        let header = WebhookSignature.value(body: #"{"a":1}"#, secret: "secret", seconds: 1_796_306_125)
        #expect(header == "t=1796306125,v1=5b0bc099d7e73e552f065b291b2bbc46c8814a99190b9ab6e35f154f605c08d7")
        #expect(WebhookSignature.verifies(header, body: #"{"a":1}"#, secret: "secret"))
        #expect(!WebhookSignature.verifies(header, body: #"{"a":2}"#, secret: "secret"))
        #expect(!WebhookSignature.verifies(header, body: #"{"a":1}"#, secret: "other"))
        #expect(!WebhookSignature.verifies("t=1796306125", body: #"{"a":1}"#, secret: "secret"))
        #expect(!WebhookSignature.verifies("v1=00,t=x", body: #"{"a":1}"#, secret: "secret"))
    }
}
