import ReactionsCore
import ReactionsStore

/// Builds the plan for a config against the state: the one path `plan` and `apply` share.
enum PlanBuilder {
    /// With `remote`, secrets are checked where that server runs rather than here.
    static func plan(configPath: String, state: Revision?, args: Arguments, terminal: Terminal,
                     remote: RemoteStateStore? = nil) throws(CLIError) -> Plan {
        let (config, warnings) = try ConfigInput.load(configPath, terminal: terminal)
        let isAvailable: (String) -> Bool
        if let remote {
            let names = Array(Set(SecretAudit.uses(in: config).map(\.name))).sorted()
            let available = try StateInput.call { () throws(StoreError) in try remote.available(names) }
            isAvailable = { available.contains($0) }
        } else {
            isAvailable = Paths.secrets(args, terminal.environment).isAvailable
        }
        let secretWarnings = SecretAudit.unresolved(in: config, isAvailable: isAvailable)
        var plan = Planner().plan(config: config, current: state?.document ?? .empty, base: state?.info.base,
                                  warnings: (warnings + secretWarnings).ordered)
        plan.attachScriptDiffs(before: state?.scripts ?? [:])
        return plan
    }
}
