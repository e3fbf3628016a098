import ReactionsCore
import ReactionsStore

/// Builds the plan for a config against the state: the one path `plan` and `apply` share.
enum PlanBuilder {
    static func plan(configPath: String, state: Revision?, args: Arguments, terminal: Terminal) throws(CLIError) -> Plan {
        let (config, warnings) = try ConfigInput.load(configPath, terminal: terminal)
        let secrets = Paths.secrets(args, terminal.environment)
        let secretWarnings = SecretAudit.unresolved(in: config, isAvailable: secrets.isAvailable)
        return Planner().plan(config: config, current: state?.document ?? .empty, base: state?.info.base,
                              warnings: (warnings + secretWarnings).ordered)
    }
}
