import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A small HTTP/1.0 server for `lessons preview`, on plain sockets, bound to 127.0.0.1 only.
/// It serves the output folder's files; HTML responses get `PreviewPage.reloadScript` (and the
/// last build's errors) injected on the way out, so the published files stay script-free.
/// `/__version` answers the build counter that the script polls.
public final class PreviewServer: Sendable {
    public let port: UInt16
    let root: URL
    private let listener: Int32
    private let state = Mutex(State())

    struct State {
        var version = 0
        /// Errors of the last rebuild that are not on the page itself (machinery failures).
        var errors: [String] = []
        var stopped = false
    }

    public struct SocketError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Binds 127.0.0.1 on `port` (0: a free one the system picks).
    public init(root: URL, port: UInt16 = 0) throws {
        self.root = root.standardizedFileURL
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else {
            throw SocketError(description: "cannot open a socket: \(String(cString: strerror(errno)))")
        }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian  // 127.0.0.1, never another interface
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(fd, 16) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw SocketError(description: "cannot listen on 127.0.0.1:\(port): \(reason)")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.port = UInt16(bigEndian: address.sin_port)
        listener = fd
    }

    public var version: Int { state.withLock { $0.version } }

    /// A new page was published: open pages reload. `errors` are shown on every page until the next one.
    public func published(errors: [String] = []) {
        state.withLock {
            $0.version += 1
            $0.errors = errors
        }
    }

    /// Accepts connections on a thread of its own until `stop()`.
    public func start() {
        Thread.detachNewThread { [self] in
            while true {
                let client = accept(listener, nil, nil)
                if client < 0 {
                    if state.withLock({ $0.stopped }) { return }
                    if errno == EINTR { continue }
                    return
                }
                Thread.detachNewThread { [self] in serve(client) }
            }
        }
    }

    public func stop() {
        state.withLock { $0.stopped = true }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private func serve(_ client: Int32) {
        defer { close(client) }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var request = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while request.count < 16_384 {
            let n = recv(client, &buffer, buffer.count, 0)
            if n <= 0 { break }
            request += buffer[0..<n]
            if request.count >= 4,
                request.suffix(from: max(0, request.count - n - 3)).indices.contains(where: { i in
                    i + 3 < request.count && request[i] == 13 && request[i + 1] == 10 && request[i + 2] == 13
                        && request[i + 3] == 10
                })
            {
                break
            }
        }
        let firstLine = String(decoding: request, as: UTF8.self).components(separatedBy: "\r\n").first ?? ""
        let parts = firstLine.split(separator: " ")
        let response: (status: String, type: String, body: Data)
        if parts.count >= 2, parts[0] == "GET" || parts[0] == "HEAD" {
            response = respond(to: String(parts[1]))
        } else {
            response = ("405 Method Not Allowed", "text/plain; charset=utf-8", Data("only GET\n".utf8))
        }
        var head =
            "HTTP/1.0 \(response.status)\r\nContent-Type: \(response.type)\r\nContent-Length: \(response.body.count)\r\n"
        head += "Cache-Control: no-store\r\nConnection: close\r\n\r\n"
        var bytes = Data(head.utf8)
        if parts.first != "HEAD" { bytes += response.body }
        bytes.withUnsafeBytes { raw in
            var sent = 0
            while sent < raw.count {
                let n = send(client, raw.baseAddress! + sent, raw.count - sent, Int32(MSG_NOSIGNAL))
                if n <= 0 { break }
                sent += n
            }
        }
    }

    /// The response for a request path: `/__version`, or a file under the root.
    func respond(to target: String) -> (status: String, type: String, body: Data) {
        let path =
            (target.split(separator: "?", maxSplits: 1).first.map(String.init) ?? "/").removingPercentEncoding ?? "/"
        if path == "/__version" {
            return ("200 OK", "text/plain; charset=utf-8", Data(String(version).utf8))
        }
        let components = path.split(separator: "/").map(String.init)
        guard !components.contains(where: { $0 == ".." || $0.hasPrefix(".") }) else {
            return ("404 Not Found", "text/plain; charset=utf-8", Data("not found\n".utf8))
        }
        var file = components.reduce(root) { $0.appendingPathComponent($1) }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: file.path, isDirectory: &isDirectory), isDirectory.boolValue {
            file = file.appendingPathComponent("index.html")
        }
        guard let data = FileManager.default.contents(atPath: file.path) else {
            let page = PreviewPage.inject(
                into: "<!doctype html><html><body><p>Not built yet: \(HTML.escape(path))</p></body></html>",
                errors: state.withLock { $0.errors })
            return ("404 Not Found", "text/html; charset=utf-8", Data(page.utf8))
        }
        switch file.pathExtension.lowercased() {
        case "html":
            let page = PreviewPage.inject(
                into: String(decoding: data, as: UTF8.self), errors: state.withLock { $0.errors })
            return ("200 OK", "text/html; charset=utf-8", Data(page.utf8))
        case "png": return ("200 OK", "image/png", data)
        case "css": return ("200 OK", "text/css; charset=utf-8", data)
        case "svg": return ("200 OK", "image/svg+xml", data)
        case "json": return ("200 OK", "application/json", data)
        default: return ("200 OK", "application/octet-stream", data)
        }
    }
}

/// What preview adds to a page as it is served (never to the published file).
public enum PreviewPage {
    /// Polls `/__version` twice a second; a new number reloads the page.
    static let reloadScript = """
        <script>/* lessons preview: reload when a new page is published */(function () {
          var seen = null;
          setInterval(function () {
            fetch('/__version', { cache: 'no-store' }).then(function (r) { return r.text(); }).then(function (v) {
              if (seen === null) { seen = v; } else if (v !== seen) { location.reload(); }
            }).catch(function () {});
          }, 500);
        })();</script>
        """

    /// `html` with the reload script and, when there are any, the errors on top of the page.
    static func inject(into html: String, errors: [String]) -> String {
        var extra = reloadScript
        if !errors.isEmpty {
            extra +=
                "<div class=\"banner failed\" id=\"preview-errors\" style=\"position:fixed;top:0;left:0;right:0;z-index:10;background:#fee;color:#900;padding:8px;font-family:monospace\"><strong>Preview: the last rebuild failed</strong><ul>"
                + errors.map { "<li>\(HTML.escape($0))</li>" }.joined() + "</ul></div>"
        }
        if let end = html.range(of: "</body>", options: .backwards) {
            return html.replacingCharacters(in: end.lowerBound..<end.lowerBound, with: extra)
        }
        return html + extra
    }
}
