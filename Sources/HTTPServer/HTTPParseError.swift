/// Why a request cannot be served. Each maps to a status; the connection is closed after
/// answering, because the framing of anything that follows can no longer be trusted.
public enum HTTPParseError: Error, Sendable, Equatable {
    case badRequest(String)
    /// The header section passed its limit (431).
    case headersTooLarge
    /// The body passed the endpoint's limit (413), known from Content-Length or while reading chunks.
    case payloadTooLarge
    /// A transfer coding other than chunked (501).
    case unsupportedTransferEncoding
    /// An HTTP version other than 1.0 and 1.1 (505).
    case unsupportedVersion
    /// An `Expect` other than 100-continue (417).
    case expectationFailed

    public var status: HTTPStatus {
        switch self {
        case .badRequest: return .badRequest
        case .headersTooLarge: return .requestHeaderFieldsTooLarge
        case .payloadTooLarge: return .payloadTooLarge
        case .unsupportedTransferEncoding: return .notImplemented
        case .unsupportedVersion: return .httpVersionNotSupported
        case .expectationFailed: return .expectationFailed
        }
    }

    public var reason: String {
        switch self {
        case .badRequest(let why): return why
        case .headersTooLarge: return "the request's header section is larger than the server accepts"
        case .payloadTooLarge: return "the request body is larger than this endpoint accepts"
        case .unsupportedTransferEncoding: return "only the chunked transfer coding is supported"
        case .unsupportedVersion: return "only HTTP/1.1 and HTTP/1.0 are supported"
        case .expectationFailed: return "only Expect: 100-continue is supported"
        }
    }
}
