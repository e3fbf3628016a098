import HTTPServer
import ReactionsCore

extension HTTPResponse {
    /// An error in the shape every route of `serve` answers with, OpsLevel's:
    /// `{"errors":[{"status","title","detail"}]}`.
    static func problem(_ status: HTTPStatus, _ title: String, _ detail: String) -> HTTPResponse {
        .json(status, DeployPayload.errorBody([.init(title: title, detail: detail)], status: status.code))
    }
}
