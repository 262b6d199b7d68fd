import Foundation

/// Durations in logarithmic buckets, as the endpoint rollups keep them (DDSketch's mapping): bucket
/// `i` holds the durations in (γ^(i-1), γ^i] milliseconds with γ = 1.02, and its value, 2γ^i/(γ+1),
/// is within 1% of every duration in it, so a percentile read from bucket counts is within 1% of the
/// one read from the durations. Durations of 0 or less share one bucket, valued 0; records without a
/// duration have a bucket of their own, which counts requests but no latency.
enum LatencyBuckets {
    /// The ratio between the bounds of a bucket.
    static let gamma = 1.02
    /// The bucket of records without a duration.
    static let missing: Int64 = -2_147_483_648
    /// The bucket of durations of 0 or less.
    static let nonPositive: Int64 = -2_147_483_647

    /// The SQL expression of the bucket of the duration in `column`.
    static func sql(_ column: String) -> String {
        """
        CASE WHEN \(column) IS NULL THEN \(missing) WHEN \(column) <= 0 THEN \(nonPositive) \
        ELSE ceil(ln(\(column)) / ln(\(gamma)))::int4 END
        """
    }

    /// The duration a bucket stands for.
    static func value(ofBucket bucket: Int64) -> Double {
        bucket == nonPositive ? 0 : 2 * pow(gamma, Double(bucket)) / (gamma + 1)
    }

    /// The percentiles of ``EndpointTable/percents`` over `counts` (bucket and count, in bucket
    /// order, the missing bucket left out), as `percentile_cont` computes them from the buckets'
    /// values; nil each when there are none.
    static func percentiles(_ counts: [(bucket: Int64, count: Int)]) -> [Double?] {
        let total = counts.reduce(0) { $0 + $1.count }
        guard total > 0 else { return EndpointTable.percents.map { _ in nil } }
        let ranks = EndpointTable.percents.flatMap { percent -> [Int] in
            let lower = Int(percent * Int64(total - 1) / 100) + 1
            return [lower, lower + 1]
        }
        var values: [Int: Double] = [:]
        var below = 0
        for (bucket, count) in counts {
            for rank in ranks where rank > below && rank <= below + count {
                values[rank] = value(ofBucket: bucket)
            }
            below += count
        }
        return EndpointTable.percents.map { EndpointTable.percentile($0, count: total, values: values) }
    }
}
