// What the Swift tests share: the test vector, checks, and `Desktop`,
// which runs `certbridge send|receive --json` on 127.0.0.1 and reads its
// events. Used by main.swift (the bindings) and app/main.swift (the app).

import Foundation

let env = ProcessInfo.processInfo.environment
let bin = env["CERTBRIDGE_BIN"]!
let vector = URL(fileURLWithPath: env["CERTBRIDGE_VECTOR"]!)
let password: String = {
    let data = try! Data(contentsOf: vector.appendingPathComponent("expected.json"))
    let expected = try! JSONSerialization.jsonObject(with: data) as! [String: Any]
    return expected["password"] as! String
}()

struct TestFailure: Error, CustomStringConvertible { let description: String }
func check(_ ok: Bool, _ what: @autoclosure () -> String) throws { if !ok { throw TestFailure(description: what()) } }

func vectorFiles() throws -> CertificateFiles {
    CertificateFiles(
        signCert: try Data(contentsOf: vector.appendingPathComponent("signCert.der")),
        signKey: try Data(contentsOf: vector.appendingPathComponent("signPri.key")),
        kmCert: nil, kmKey: nil)
}

/// `certbridge send|receive --json` on 127.0.0.1 (or `listen`; `nil` for none).
final class Desktop {
    let process = Process()
    let input = Pipe()
    let output = Pipe()
    var buffer = Data()
    var exited = false

    init(_ args: [String], listen: String? = "127.0.0.1") throws {
        process.executableURL = URL(fileURLWithPath: bin)
        process.environment = env.merging(["CERTBRIDGE_LANG": "en"]) { $1 }
        process.arguments = args + ["--json", "--name", "Test PC"] + (listen.map { ["--listen", $0] } ?? [])
        process.standardInput = input
        process.standardOutput = output
        try process.run()
    }

    func line() throws -> String {
        while true {
            if let nl = buffer.firstIndex(of: 0x0A) {
                let line = String(decoding: buffer[buffer.startIndex..<nl], as: UTF8.self)
                buffer = Data(buffer[(nl + 1)...])
                return line
            }
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { throw TestFailure(description: "desktop closed its output") }
            buffer.append(chunk)
        }
    }

    func expect(_ event: String) throws -> [String: Any] {
        while true {
            let obj = try JSONSerialization.jsonObject(with: Data(try line().utf8)) as! [String: Any]
            if obj["event"] as? String == event { return obj }
            try check(obj["event"] as? String != "error", "desktop failed: \(obj)")
        }
    }

    func type(_ text: String) { input.fileHandleForWriting.write(Data((text + "\n").utf8)) }

    func finish() -> Int32 {
        input.fileHandleForWriting.closeFile()
        process.waitUntilExit()
        exited = true
        return process.terminationStatus
    }

    /// Sends `sig` (SIGSTOP, SIGCONT) to the desktop, to hold a phase still.
    func signal(_ sig: Int32) { Foundation.kill(process.processIdentifier, sig) }

    /// Stops the desktop if it still runs (a finished one is already reaped).
    func kill() {
        if !exited {
            Foundation.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            exited = true
        }
    }
}

