// The HTTPServer side of the peer comparison (../shared/peers beside the repository root,
// BENCHMARKS.md): the peers' two routes, like for like. Also the child server of HTTPServerTests'
// ProcessLimitTests, which wait for its "HTTPBench ready on HOST:PORT" line.
//   GET  /runs/demo -> 200 application/json, the bytes of --body (read once at start)
//   POST /echo      -> 200 {"bytes":N}, N = request body length
// Usage: HTTPBench --port 8080 --body body.json [--host 127.0.0.1] [--execution ioQueue|concurrent] [--queues N]
import Dispatch
import HTTPServer

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

var options: [String: String] = [:]
var arguments = CommandLine.arguments.dropFirst()
while let flag = arguments.popFirst() {
    guard flag.hasPrefix("--"), let value = arguments.popFirst() else {
        printError("usage: HTTPBench --port N --body FILE [--host H] [--execution ioQueue|concurrent] [--queues N]")
        exit(2)
    }
    options[String(flag.dropFirst(2))] = value
}

func printError(_ message: String) {
    var line = message + "\n"
    line.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
}

func readFile(_ path: String) -> [UInt8]? {
    guard let file = fopen(path, "rb") else { return nil }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = fread(&chunk, 1, chunk.count, file)
        if count <= 0 { break }
        bytes += chunk[0..<count]
    }
    return bytes
}

guard let bodyPath = options["body"], let body = readFile(bodyPath) else {
    printError("HTTPBench: --body FILE is required and must be readable")
    exit(2)
}
let execution: HTTPHandlerExecution = options["execution"] == "concurrent" ? .concurrent : .ioQueue

var router = Router()
router.get("/runs/demo", execution: execution) { _ in
    HTTPResponse(status: .ok, headers: ["Content-Type": "application/json"], bytes: body)
}
router.post("/echo", execution: execution) { request in
    HTTPResponse(
        status: .ok, headers: ["Content-Type": "application/json"],
        bytes: Array(#"{"bytes":\#(request.body.count)}"#.utf8))
}

var configuration = HTTPServerConfiguration(host: options["host"] ?? "127.0.0.1", port: Int(options["port"] ?? "8080") ?? 8080)
if let queues = options["queues"].flatMap(Int.init) { configuration.ioQueues = queues }
configuration.log = { record in printError("HTTPBench: \(record)") }
let server = HTTPServer(configuration: configuration, router: router)

// libdispatch opens descriptors (eventfd, epoll, timerfd) the first time a process uses its
// global queues, and again for the main queue in dispatchMain(), and traps (SIGILL) when none is
// left. A client that uses up the descriptors as soon as the port accepts (ProcessLimitTests runs
// this under `ulimit -n 40`) used to kill the process between start() and dispatchMain(): the
// test then saw ECONNREFUSED. So the global queues are set up before the server starts, and
// "ready" is said from the main queue once dispatchMain() serves it: after that line nothing in
// this process allocates a descriptor but the server's own accepts.
let warmedUp = DispatchSemaphore(value: 0)
DispatchQueue.global().async { warmedUp.signal() }
warmedUp.wait()
do {
    let port = try server.start()
    DispatchQueue.main.async {
        printError("HTTPBench ready on \(configuration.host):\(port) execution=\(execution) queues=\(configuration.ioQueues) body=\(body.count)B")
    }
} catch {
    printError("HTTPBench: \(error)")
    exit(1)
}
dispatchMain()
