import Logging

/// Writes the audit line of an admin action to the service log: who did what to which target in
/// which tenant. Never pass a secret as the target.
func auditLog(_ logger: Logger, actor: String, tenant: String, action: String, target: String) {
    logger.notice(
        "audit",
        metadata: [
            "audit.actor": "\(actor)", "audit.tenant": "\(tenant)", "audit.action": "\(action)",
            "audit.target": "\(target)",
        ])
}
