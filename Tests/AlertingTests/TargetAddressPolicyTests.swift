import Alerting
import Testing

/// Which notification addresses are refused: not http(s), credentials in the URL, link-local and
/// cloud metadata addresses unless allowed.
@Suite("Target address policy")
struct TargetAddressPolicyTests {
    @Test("http(s) to ordinary and loopback hosts pass; other schemes, user info and metadata addresses do not")
    func refusals() {
        let policy = TargetAddressPolicy(allowsLinkLocal: false)
        for url in [
            "https://hooks.example.com/x", "http://127.0.0.1:9093", "http://[::1]:8080/hook", "http://10.0.0.7/h",
        ] {
            #expect(policy.refusal(ofURL: url) == nil, "\(url)")
        }
        let refused = [
            "ftp://example.com/x", "file:///etc/passwd", "javascript:alert(1)", "http://", "example.com/hook",
            "http://user:pw@example.com/", "http://169.254.169.254/latest/meta-data/", "http://169.254.1.2:80/",
            "http://[fe80::1]/", "http://[fd00:ec2::254]/", "http://[::ffff:169.254.169.254]/",
            "http://metadata.google.internal/computeMetadata/v1/", "http://METADATA/",
        ]
        for url in refused {
            #expect(policy.refusal(ofURL: url) != nil, "\(url)")
        }
        let allowing = TargetAddressPolicy(allowsLinkLocal: true)
        #expect(allowing.refusal(ofURL: "http://169.254.169.254/") == nil)
        #expect(allowing.refusal(ofURL: "ftp://example.com/") != nil)
    }

    @Test("a host name is checked against what it resolves to when sending")
    func resolvedHosts() {
        let policy = TargetAddressPolicy(allowsLinkLocal: false)
        #expect(policy.refusal(ofResolvedHost: "localhost", port: 80) == nil)
        #expect(policy.refusal(ofResolvedHost: "169.254.169.254", port: 80) != nil)
    }
}
