import CertBridge
import Foundation
import Network

/// Finds the PC of a typed code on the LAN with Bonjour: raw multicast
/// (what the library's own mDNS browser uses) needs Apple's multicast
/// entitlement, Bonjour only `NSBonjourServices` (`_certbridge._tcp`) and
/// `NSLocalNetworkUsageDescription` in Info.plist. Browses for the PCs
/// whose TXT record says `ch=<channel>` and resolves each to `IP:PORT`.
/// Called by the library on one of its threads; blocks up to the timeout.
final class BonjourCodeFinder: CodeFinder, @unchecked Sendable {
    func find(channel: String, timeoutMs: UInt64) -> [String] {
        let done = DispatchSemaphore(value: 0)
        let queue = DispatchQueue(label: "certbridge.bonjour")
        let lock = NSLock()
        var found: [String] = []
        var connections: [NWConnection] = []
        let browser = NWBrowser(for: .bonjourWithTXTRecord(type: "_certbridge._tcp", domain: nil), using: .tcp)
        browser.browseResultsChangedHandler = { results, _ in
            for result in results {
                guard case let .bonjour(txt) = result.metadata, txt["ch"] == channel else { continue }
                // Resolve the service to an address by connecting to it; the
                // core then dials that address itself.
                let connection = NWConnection(to: result.endpoint, using: .tcp)
                connection.stateUpdateHandler = { state in
                    guard case .ready = state, let path = connection.currentPath,
                          case let .hostPort(host, port)? = path.remoteEndpoint else { return }
                    let address: String
                    switch host {
                    case let .ipv4(ip): address = "\(ip):\(port.rawValue)"
                    case let .ipv6(ip): address = "[\(ip)]:\(port.rawValue)"
                    default: return
                    }
                    connection.cancel()
                    lock.lock()
                    found.append(address)
                    lock.unlock()
                    done.signal()
                }
                lock.lock()
                connections.append(connection)
                lock.unlock()
                connection.start(queue: queue)
            }
        }
        browser.start(queue: queue)
        _ = done.wait(timeout: .now() + .milliseconds(Int(min(timeoutMs, 10_000))))
        browser.cancel()
        lock.lock()
        defer { lock.unlock() }
        connections.forEach { $0.cancel() }
        return found
    }
}
