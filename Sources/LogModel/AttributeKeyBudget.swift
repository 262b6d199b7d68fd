/// How many distinct attribute keys a tenant may introduce in one UTC day, and which records fit.
///
/// Every distinct key is an entry of its own in the attributes index of the day's records, so a
/// sender that invents keys (an ID used as a key) grows the index, and slows every tenant's inserts,
/// far faster than its bytes. A day's budget bounds that growth; records that would take a day past
/// it are refused one by one, as Elasticsearch refuses documents past its field limit.
public enum AttributeKeyBudget {
    /// The keys a record adds to its day, or nothing: the records in order, each taken when the keys
    /// it adds (those neither `registered` nor added by a record taken before it) keep the day's
    /// `count` within `limit`.
    /// - Returns: per record whether it was taken, and the keys the taken records add, in order.
    public static func admit(
        _ keysPerRecord: [Set<String>], registered: Set<String>, count: Int, limit: Int
    ) -> (admitted: [Bool], added: [String]) {
        var known = registered
        var total = count
        var added: [String] = []
        let admitted = keysPerRecord.map { keys in
            let new = keys.subtracting(known)
            guard total + new.count <= limit else { return false }
            total += new.count
            known.formUnion(new)
            added.append(contentsOf: new.sorted())
            return true
        }
        return (admitted, added)
    }
}

extension LogRecord {
    /// The record's attribute keys as paths that are not in `known`: each top-level key, and each key
    /// of an object nested in a value after its parent's path and a dot (arrays add nothing to the
    /// path). A record whose keys are all known allocates nothing.
    public func attributeKeyPaths(notIn known: Set<String> = []) -> Set<String> {
        var paths: Set<String> = []
        for (key, value) in attributes {
            if !known.contains(key) { paths.insert(key) }
            value.collectKeyPaths(under: key, notIn: known, into: &paths)
        }
        return paths
    }
}

extension Timestamp {
    /// The UTC day the instant falls in, counted from 1970-01-01 (day 0).
    public var utcDay: Int {
        let microsecondsPerDay: Int64 = 86_400_000_000
        return Int(
            microseconds >= 0 ? microseconds / microsecondsPerDay : (microseconds + 1) / microsecondsPerDay - 1)
    }
}

extension JSONValue {
    fileprivate func collectKeyPaths(under path: String, notIn known: Set<String>, into paths: inout Set<String>) {
        switch self {
        case .object(let members):
            for (key, value) in members {
                let nested = path + "." + key
                if !known.contains(nested) { paths.insert(nested) }
                value.collectKeyPaths(under: nested, notIn: known, into: &paths)
            }
        case .array(let elements):
            for element in elements { element.collectKeyPaths(under: path, notIn: known, into: &paths) }
        default: break
        }
    }
}
