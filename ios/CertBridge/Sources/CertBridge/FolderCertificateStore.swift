import Foundation

/// Seals file contents at rest. The app passes one backed by a Keychain
/// key; tests pass `PlainSealer`.
public protocol FileSealer: Sendable {
    func seal(_ plain: Data) throws -> Data
    func open(_ sealed: Data) throws -> Data
}

/// No sealing, for tests and storage that is already protected.
public struct PlainSealer: FileSealer {
    public init() {}
    public func seal(_ plain: Data) throws -> Data { plain }
    public func open(_ sealed: Data) throws -> Data { sealed }
}

/// A `CertificateStore` on a private folder: one sub-folder per certificate,
/// named by its serial number, holding the NPKI files sealed by `sealer`.
/// Saves are atomic: a temporary folder is renamed into place.
public final class FolderCertificateStore: CertificateStore, @unchecked Sendable {
    private let root: URL
    private let sealer: FileSealer
    private let lock = NSLock()
    private var outgoingFiles: [CertificateFiles] = []

    public init(root: URL, sealer: FileSealer = PlainSealer()) throws {
        self.root = root
        self.sealer = sealer
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    /// The certificates the user picked to send (phone → PC).
    public var outgoing: [CertificateFiles] {
        get { lock.lock(); defer { lock.unlock() }; return outgoingFiles }
        set { lock.lock(); outgoingFiles = newValue; lock.unlock() }
    }

    public func list() throws -> [CertificateFiles] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted().compactMap { try? read(root.appendingPathComponent($0)) }
    }

    public func save(certificate: CertificateFiles) throws -> SaveResult {
        let serial: String
        do {
            serial = try inspectCertificate(files: certificate).serialHex
        } catch {
            return SaveResult(status: .rejected, reason: "not a usable certificate: \(error)", location: nil)
        }
        let target = root.appendingPathComponent(serial)
        if FileManager.default.fileExists(atPath: target.path) {
            let same = (try? read(target).signCert) == certificate.signCert
            return same
                ? SaveResult(status: .duplicate, reason: nil, location: target.path)
                : SaveResult(status: .rejected, reason: "a different certificate with the same serial is stored", location: nil)
        }
        let tmp = root.appendingPathComponent(".tmp-\(UUID().uuidString)")
        do {
            try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: false)
            try write(tmp, "signCert.der", certificate.signCert)
            try write(tmp, "signPri.key", certificate.signKey)
            if let km = certificate.kmCert { try write(tmp, "kmCert.der", km) }
            if let km = certificate.kmKey { try write(tmp, "kmPri.key", km) }
            try FileManager.default.moveItem(at: tmp, to: target)
        } catch {
            try? FileManager.default.removeItem(at: tmp)
            throw StoreError.Failed(reason: "could not save the certificate: \(error.localizedDescription)")
        }
        return SaveResult(status: .installed, reason: nil, location: target.path)
    }

    public func loadOutgoing() throws -> [CertificateFiles] { outgoing }

    /// Removes a stored certificate.
    public func delete(serialHex: String) throws {
        try FileManager.default.removeItem(at: root.appendingPathComponent(serialHex))
    }

    private func read(_ dir: URL) throws -> CertificateFiles {
        func file(_ name: String) throws -> Data? {
            let url = dir.appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: url.path) else { return nil }
            return try sealer.open(Data(contentsOf: url))
        }
        guard let cert = try file("signCert.der"), let key = try file("signPri.key") else {
            throw StoreError.Failed(reason: "\(dir.lastPathComponent): incomplete certificate folder")
        }
        return CertificateFiles(signCert: cert, signKey: key, kmCert: try file("kmCert.der"), kmKey: try file("kmPri.key"))
    }

    private func write(_ dir: URL, _ name: String, _ data: Data) throws {
        try sealer.seal(data).write(to: dir.appendingPathComponent(name), options: [.atomic])
    }
}
