/// A deploy as OpsLevel's deploy webhook receives it (seed 001), validated.
///
/// Every field of the payload is kept (`raw`); the ones reactions reads are typed here.
public struct DeployPayload: Sendable, Equatable {
    public enum Status: String, Sendable, CaseIterable {
        case started, succeeded, failed
        /// Spelled out: interpolating made a new string for every deploy.
        public var eventType: String {
            switch self {
            case .started: return "deploy.started"
            case .succeeded: return "deploy.succeeded"
            case .failed: return "deploy.failed"
            }
        }
    }

    public var service: String
    public var description: String
    /// As sent; `deployedAtUTC` is its normalized RFC 3339 form.
    public var deployedAt: String
    public var deployedAtUTC: String
    public var environment: String?
    public var deployURL: String?
    public var dedupID: String?
    public var deployNumber: String?
    public var status: Status
    public var deployerEmail: String?
    public var deployerName: String?
    public var deployerID: String?
    /// The whole body as received.
    public var raw: JSON

    /// One entry of the seed's error shape: `{"status": 400, "title": …, "detail": …}`.
    public struct FieldError: Sendable, Equatable {
        public var title: String
        public var detail: String

        public init(title: String, detail: String) {
            self.title = title
            self.detail = detail
        }
    }

    /// Parses and validates a request body. All problems are reported together, in the
    /// order of the seed's field table.
    public static func parse(_ body: [UInt8]) -> Result<DeployPayload, Invalid> {
        guard !body.isEmpty else {
            return .failure(Invalid(errors: required.map(missing)))
        }
        guard let json = try? JSONParser.value(body) else {
            return .failure(Invalid(errors: [FieldError(title: "Invalid JSON", detail: "the request body is not valid JSON")]))
        }
        return validate(json)
    }

    /// Validates a parsed body. It reads only the top-level members `service`,
    /// `description`, `deployed_at`, `environment`, `deploy_url`, `dedup_id`,
    /// `deploy_number`, `status`, `commit` (its type) and `deployer` (its `email`, `name` and
    /// `id`): a reader that keeps just those (`DeployBodyPacker`) gets the same answer.
    ///
    /// `keepingRaw: false` leaves `raw` null, for a caller that keeps the members itself.
    public static func validate(_ json: JSON, keepingRaw: Bool = true) -> Result<DeployPayload, Invalid> {
        guard case .object = json else {
            return .failure(Invalid(errors: [FieldError(title: "Invalid JSON", detail: "the request body must be a JSON object")]))
        }
        var errors: [FieldError] = []
        func text(_ key: String, required: Bool) -> String? {
            switch json[key] {
            case nil, .null?:
                if required { errors.append(missing(key)) }
                return nil
            case .string(let s)?:
                if s.isBlank {
                    if required { errors.append(missing(key)) }
                    return nil
                }
                // A NUL cut names short in C strings ("cart\u0000shadow" listed as "cart"),
                // and PostgreSQL's text cannot hold one: no name needs it.
                if s.containsNUL {
                    errors.append(FieldError(title: title(key), detail: "param is invalid: \(key) must not contain a NUL character (\\u0000)"))
                    return nil
                }
                return s
            case .number(let n)? where !required || key == "deploy_number":
                return n.text
            case let other?:
                errors.append(FieldError(title: title(key), detail: "param is invalid: \(key) must be a string, not \(other.typeDescription)"))
                return nil
            }
        }
        let service = text("service", required: true)
        let description = text("description", required: true)
        let deployedAt = text("deployed_at", required: true)
        var deployedAtUTC: String? = nil
        if let deployedAt {
            deployedAtUTC = Timestamp.normalize(deployedAt)
            if deployedAtUTC == nil {
                errors.append(FieldError(title: title("deployed_at"),
                                         detail: "param is invalid: deployed_at must be a datetime such as 2019-02-01 13:28:33 or 2019-02-01T13:28:33Z"))
            }
        }
        var email: String? = nil, name: String? = nil, deployerID: String? = nil
        switch json["deployer"] {
        case nil, .null?:
            errors.append(missing("deployer"))
        case .object?:
            let deployer = json["deployer"] ?? .null
            func field(_ key: String) -> String? {
                switch deployer[key] {
                case .string(let s)?: return s.isBlank ? nil : s
                case .number(let n)?: return n.text
                default: return nil
                }
            }
            email = field("email")
            name = field("name")
            deployerID = field("id")
            if email == nil && name == nil {
                errors.append(FieldError(title: title("deployer"), detail: "param is missing or the value is empty: deployer.email or deployer.name"))
            }
        case let other?:
            errors.append(FieldError(title: title("deployer"), detail: "param is invalid: deployer must be an object with email or name, not \(other.typeDescription)"))
        }
        let environment = text("environment", required: false)
        let deployURL = text("deploy_url", required: false)
        let dedupID = text("dedup_id", required: false)
        let deployNumber = text("deploy_number", required: false)
        var status = Status.succeeded
        if let statusText = text("status", required: false) {
            if let parsed = Status(rawValue: statusText.lowercased()) {
                status = parsed
            } else {
                errors.append(FieldError(title: title("status"), detail: "param is invalid: status must be started, succeeded or failed"))
            }
        }
        if let commit = json["commit"], commit != .null, commit.objectMembers == nil {
            errors.append(FieldError(title: title("commit"), detail: "param is invalid: commit must be an object"))
        }
        guard errors.isEmpty, let service, let description, let deployedAt, let deployedAtUTC else {
            return .failure(Invalid(errors: errors))
        }
        return .success(DeployPayload(service: service, description: description, deployedAt: deployedAt, deployedAtUTC: deployedAtUTC,
                                      environment: environment, deployURL: deployURL, dedupID: dedupID, deployNumber: deployNumber,
                                      status: status, deployerEmail: email, deployerName: name, deployerID: deployerID, raw: keepingRaw ? json : .null))
    }

    /// Every problem with a payload, for one 400 response.
    public struct Invalid: Error, Sendable, Equatable {
        public var errors: [FieldError]
    }

    static let required = ["service", "description", "deployed_at", "deployer"]

    static func missing(_ key: String) -> FieldError {
        FieldError(title: title(key), detail: "param is missing or the value is empty: \(key)")
    }

    /// The seed's titles: Rails' `humanize` of the field plus " Error" (`deployed_at` → "Deployed at Error").
    static func title(_ key: String) -> String {
        var words = key
        if words.hasSuffix("_id") { words.removeLast(3) }
        words = words.replacingOccurrences(of: "_", with: " ")
        return words.prefix(1).uppercased() + words.dropFirst() + " Error"
    }

    /// `{"errors": [...]}` with the given status in every entry.
    public static func errorBody(_ errors: [FieldError], status: Int) -> String {
        JSON.object(["errors": .array(errors.map { e in
            .object(["status": .int(status), "title": .string(e.title), "detail": .string(e.detail)])
        })]).compactText
    }
}

extension String {
    /// Over the string's bytes in place when it has them (native strings do): through its
    /// `utf8` view's iterator this was a tenth of validating a deploy.
    var containsNUL: Bool {
        utf8.withContiguousStorageIfAvailable { $0.contains(0) } ?? utf8.contains(0)
    }

    /// Empty or only white space; stops at the first scalar that is not, which for real
    /// values is the first (no grapheme breaking, unlike trimming Characters).
    var isBlank: Bool {
        // A printable ASCII first byte settles it without Unicode tables.
        if let first = utf8.first, first > 0x20, first < 0x7F { return false }
        return unicodeScalars.allSatisfy(\.properties.isWhitespace)
    }
}
