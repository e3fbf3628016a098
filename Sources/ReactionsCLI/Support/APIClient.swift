import Foundation
import ReactionsCore
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Talks to a running `reactions serve`'s admin API.
struct APIClient {
    let baseURL: String
    let token: String

    struct Response {
        var status: Int
        var body: JSON?
    }

    func send(_ method: String, _ path: String, body: JSON? = nil, timeout: TimeInterval = 30) throws(CLIError) -> Response {
        guard let url = URL(string: baseURL.trimmingSuffix("/") + path), url.scheme == "http" || url.scheme == "https" else {
            throw CLIError(message: "\(baseURL) is not an http(s) URL")
        }
        var request = URLRequest(url: url, timeoutInterval: timeout)
        request.httpMethod = method
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        if let body {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = Data(body.compactText.utf8)
        }
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var result: (Data?, URLResponse?, Error?) = (nil, nil, nil)
        URLSession.shared.dataTask(with: request) { data, response, error in
            result = (data, response, error)
            done.signal()
        }.resume()
        done.wait()
        guard let http = result.1 as? HTTPURLResponse else {
            throw CLIError(message: "cannot reach \(baseURL): \(result.2?.localizedDescription ?? "no response")")
        }
        let json = result.0.flatMap { try? JSONParser.value(Array($0)) }
        return Response(status: http.statusCode, body: json)
    }

    /// The `detail` of the API's error body, or the status.
    static func problem(_ response: Response) -> String {
        if let detail = response.body?["errors"]?.arrayValue?.first?["detail"]?.stringValue { return detail }
        return "the server answered HTTP \(response.status)"
    }
}

extension String {
    func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
