extension Array {
    /// The elements but those at `positions` (the records a submission refused), in order.
    public func removing(positions: Set<Int>) -> [Element] {
        positions.isEmpty ? self : indices.filter { !positions.contains($0) }.map { self[$0] }
    }
}
