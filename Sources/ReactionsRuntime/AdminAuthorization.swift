import Foundation
import ReactionsCore

/// Who may do what on the admin API. Tokens come from the server's environment; each grants
/// a scope, and each scope includes the ones below it:
///
/// | variable | scope | may |
/// | --- | --- | --- |
/// | `REACTIONS_READ_TOKEN` | read | list deploys, suggestions, events, deliveries, the state's head |
/// | `REACTIONS_PLAN_TOKEN` | plan | read, plus fetch revisions and ask which secrets resolve (`plan --server`) |
/// | `REACTIONS_APPLY_TOKEN` | apply | plan, plus commit a revision (`apply --server`) |
/// | `REACTIONS_ADMIN_TOKEN` | admin | everything: also redeliver, emit and record deploys |
///
/// A script's own token (`REACTIONS_API_TOKEN`, see `ScopedToken`) may only emit events and
/// record deploys.
enum AdminScope: Int, Comparable, Sendable, CaseIterable {
    case read, plan, apply, admin

    static func < (a: AdminScope, b: AdminScope) -> Bool { a.rawValue < b.rawValue }

    var variable: String {
        switch self {
        case .read: return "REACTIONS_READ_TOKEN"
        case .plan: return "REACTIONS_PLAN_TOKEN"
        case .apply: return "REACTIONS_APPLY_TOKEN"
        case .admin: return "REACTIONS_ADMIN_TOKEN"
        }
    }
}

struct AdminTokens: Sendable {
    private let tokens: [(token: [UInt8], scope: AdminScope)]

    init(environment: [String: String]) {
        tokens = AdminScope.allCases.compactMap { scope in
            guard let value = environment[scope.variable], !value.isEmpty else { return nil }
            return (Array(value.utf8), scope)
        }
    }

    /// The API is off when the server has no token at all.
    var enabled: Bool { !tokens.isEmpty }

    /// The widest scope the presented token grants. Every configured token is compared, in
    /// constant time each, so the time taken says nothing about which one (if any) matched.
    func scope(of presented: String) -> AdminScope? {
        let bytes = Array(presented.utf8)
        var granted: AdminScope? = nil
        for entry in tokens where ConstantTimeCompare.equals(bytes, entry.token) {
            granted = max(granted ?? entry.scope, entry.scope)
        }
        return granted
    }
}
