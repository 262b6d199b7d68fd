public import LogModel

/// One transition's notification to one target, with its attempts: created with the transition,
/// claimed by one sender at a time, retried until delivered or out of time.
public struct AlertDelivery: Sendable, Hashable {
    /// Where a delivery stands.
    public enum Status: String, Sendable, Hashable, Codable, CaseIterable {
        /// Not yet delivered; tried again at ``AlertDelivery/nextAttemptAt``.
        case pending
        /// The target accepted it.
        case delivered
        /// Refused for good, or out of time.
        case failed
    }

    /// `<transition>#<target index>`.
    public var id: String
    /// The order deliveries were stored in; set by the store.
    public var sequence: Int64
    /// The tenant.
    public var tenant: String
    /// The rule.
    public var ruleID: String
    /// The transition.
    public var transitionID: String
    /// The target.
    public var target: AlertTarget
    /// The request body, made when the transition was.
    public var body: String
    /// Where it stands.
    public var status: Status
    /// Attempts made.
    public var attempts: Int
    /// When it was created.
    public var createdAt: Timestamp
    /// When the next attempt is due (pending only).
    public var nextAttemptAt: Timestamp
    /// The last attempt's failure, if it failed.
    public var lastError: String?

    /// Creates a pending delivery; the store assigns ``sequence``.
    public init(
        id: String, sequence: Int64 = 0, tenant: String, ruleID: String, transitionID: String, target: AlertTarget,
        body: String, status: Status = .pending, attempts: Int = 0, createdAt: Timestamp, nextAttemptAt: Timestamp,
        lastError: String? = nil
    ) {
        self.id = id
        self.sequence = sequence
        self.tenant = tenant
        self.ruleID = ruleID
        self.transitionID = transitionID
        self.target = target
        self.body = body
        self.status = status
        self.attempts = attempts
        self.createdAt = createdAt
        self.nextAttemptAt = nextAttemptAt
        self.lastError = lastError
    }
}

/// One attempt at a delivery: when, what the target answered or what went wrong, how long it took.
public struct AlertDeliveryAttempt: Sendable, Hashable {
    /// The delivery.
    public var deliveryID: String
    /// 1 for the first attempt.
    public var number: Int
    /// When it started.
    public var at: Timestamp
    /// The HTTP status, when the target answered.
    public var statusCode: Int?
    /// What went wrong, when it did.
    public var error: String?
    /// How long it took, in milliseconds.
    public var milliseconds: Int

    /// Creates an attempt.
    public init(deliveryID: String, number: Int, at: Timestamp, statusCode: Int?, error: String?, milliseconds: Int) {
        self.deliveryID = deliveryID
        self.number = number
        self.at = at
        self.statusCode = statusCode
        self.error = error
        self.milliseconds = milliseconds
    }
}
