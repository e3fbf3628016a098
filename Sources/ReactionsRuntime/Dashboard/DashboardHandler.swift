import HTTPServer

/// Serves the dashboard's three files from the binary (no CDN, nothing fetched elsewhere).
/// The files hold no data: the page reads `/api/v1` with the token the user gives it, so
/// what it can show is exactly what that token may read.
struct DashboardHandler {
    /// No inline script or style, no other origin, never framed.
    static let securityHeaders: [(String, String)] = [
        ("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"),
        ("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "no-referrer"), ("Cache-Control", "no-cache"),
    ]

    /// A green dot: a deploy that went well.
    static let icon = ##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><circle cx="8" cy="8" r="6" fill="#18794e"/></svg>"##

    /// The response for a `/ui` path, or nil when it names no file.
    static func response(method: String, path: Substring) -> HTTPResponse? {
        let file: (text: String, type: String)
        switch path {
        case "/ui":
            var redirect = HTTPResponse.text(.init(308, "Permanent Redirect"), "")
            redirect.headers.append(("Location", "/ui/"))
            return redirect
        case "/ui/", "/ui/index.html": file = (DashboardPage.text, "text/html; charset=utf-8")
        case "/ui/app.js": file = (DashboardScript.text, "text/javascript; charset=utf-8")
        case "/ui/app.css": file = (DashboardStyle.text, "text/css; charset=utf-8")
        case "/ui/favicon.svg": file = (Self.icon, "image/svg+xml")
        default: return nil
        }
        guard method == "GET" || method == "HEAD" else {
            var response = HTTPResponse.problem(.methodNotAllowed, "Method Not Allowed", "the dashboard is read with GET")
            response.headers.append(("Allow", "GET, HEAD"))
            return response
        }
        var response = HTTPResponse.text(.ok, file.text, contentType: file.type)
        response.headers.append(contentsOf: securityHeaders)
        return response
    }
}
