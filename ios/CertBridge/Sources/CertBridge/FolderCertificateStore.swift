import Foundation

/// Seals file contents at rest. The app passes one backed by a Keychain key
/// (this device only); tests pass `PlainSealer` or a sealer of their own.
/// `open` throws for bytes sealed with another key (a folder restored to
/// another iPhone without its Keychain item).
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

/// A stored certificate this phone can no longer open (restored or moved
/// here without the key that sealed it): listed so the user can delete it;
/// receiving it again replaces it.
public struct StaleCertificate: Equatable, Sendable {
    public let id: String
    public let holder: String
    public let ca: String
}

/// A `CertificateStore` on a private folder, one sub-folder per certificate:
///
///     <root>/<ca>-<serial>/certificate.meta       format, layout, holder, CA, file names
///     <root>/<ca>-<serial>/<original name>.sealed
///
/// `certificate.meta` keeps the layout (`npki` now; `gpki` and `epki` keep
/// their own file names) and each file's original name, so other layouts
/// are an adapter change, never a migration. Saves are atomic: a temporary
/// folder is renamed into place. The root is excluded from iCloud and
/// iTunes/Finder backups (`isExcludedFromBackup`), since the sealing key is
/// a this-device-only Keychain item; a folder that arrives without its key
/// anyway is reported by `stale()`.
public final class FolderCertificateStore: CertificateStore, @unchecked Sendable {
    public static let metaName = "certificate.meta"
    public static let format = 1
    public static let npkiLayout = "npki"
    private static let sealedSuffix = ".sealed"

    private let root: URL
    private let sealer: FileSealer
    // Guards `outgoingFiles`; everything else is the file system's.
    private let lock = NSLock()
    private var outgoingFiles: [CertificateFiles] = []

    public init(root: URL, sealer: FileSealer = PlainSealer()) throws {
        self.root = root
        self.sealer = sealer
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        #if canImport(Darwin)
        var values = URLResourceValues()
        values.isExcludedFromBackup = true
        var excluded = root
        try excluded.setResourceValues(values)
        #endif
    }

    #if canImport(Darwin)
    /// Whether the store's folder is kept out of backups (Apple platforms;
    /// Linux has no backups to be kept out of).
    public var isExcludedFromBackup: Bool {
        (try? root.resourceValues(forKeys: [.isExcludedFromBackupKey]).isExcludedFromBackup) ?? false
    }
    #endif

    /// The certificates the user picked to send (phone → PC).
    public var outgoing: [CertificateFiles] {
        get { lock.withLock { outgoingFiles } }
        set { lock.withLock { outgoingFiles = newValue } }
    }

    /// The folder name of a certificate: its CA and serial number.
    public static func id(of info: CertificateInfo) -> String {
        "\(info.ca)-\(info.serialHex)".replacingOccurrences(of: "/", with: "_")
    }

    public func list() throws -> [CertificateFiles] {
        folders().compactMap { try? read($0) }
    }

    /// The stored certificates this phone cannot open any more.
    public func stale() -> [StaleCertificate] {
        folders().compactMap { dir in
            if (try? read(dir)) != nil { return nil }
            let meta = try? Meta.read(dir.appendingPathComponent(Self.metaName))
            return StaleCertificate(id: dir.lastPathComponent, holder: meta?.holder ?? "", ca: meta?.ca ?? "")
        }
    }

    public func save(certificate: CertificateFiles) throws -> SaveResult {
        let info: CertificateInfo
        do {
            info = try inspectCertificate(files: certificate)
        } catch {
            return SaveResult(status: .rejected, code: .invalid, reason: "not a usable certificate", location: nil, replaced: nil)
        }
        let target = root.appendingPathComponent(Self.id(of: info))
        var replaced: String?
        if FileManager.default.fileExists(atPath: target.path) {
            if let stored = try? read(target) {
                if stored.signCert == certificate.signCert {
                    return SaveResult(status: .duplicate, code: nil, reason: nil, location: target.lastPathComponent, replaced: nil)
                }
                return SaveResult(status: .rejected, code: .conflict,
                                  reason: "another certificate with the same serial number is stored",
                                  location: target.lastPathComponent, replaced: nil)
            }
            replaced = target.lastPathComponent
        }
        let tmp = root.appendingPathComponent(".tmp-\(UUID().uuidString)")
        do {
            try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: false)
            let files = Self.npkiFiles(certificate)
            for (name, data) in files {
                try sealer.seal(data).write(to: tmp.appendingPathComponent(name + Self.sealedSuffix), options: [.atomic])
            }
            let meta = Meta(layout: Self.layoutName(certificate.layout), holder: info.holder, ca: info.ca, files: files.map(\.0), id: certificate.holderId)
            try meta.encode().write(to: tmp.appendingPathComponent(Self.metaName), options: [.atomic])
            if replaced != nil {
                try FileManager.default.removeItem(at: target)
            }
            try FileManager.default.moveItem(at: tmp, to: target)
        } catch {
            try? FileManager.default.removeItem(at: tmp)
            throw StoreError.Failed(reason: "could not save the certificate: \(error.localizedDescription)")
        }
        return SaveResult(status: .installed, code: nil, reason: nil, location: target.lastPathComponent, replaced: replaced)
    }

    public func loadOutgoing() throws -> [CertificateFiles] { outgoing }

    /// A move's last step: removes the copy of `certificate` the PC
    /// confirmed it holds. Only a stored copy with the same files goes;
    /// anything else is an error and nothing is removed.
    public func remove(certificate: CertificateFiles) throws {
        guard let info = try? inspectCertificate(files: certificate) else {
            throw StoreError.Failed(reason: "not a certificate of this store")
        }
        let dir = root.appendingPathComponent(Self.id(of: info))
        guard let stored = try? read(dir), stored == certificate else {
            throw StoreError.Failed(reason: "the stored copy differs from what was sent")
        }
        let aside = root.appendingPathComponent(".removed-\(UUID().uuidString)")
        do {
            try FileManager.default.moveItem(at: dir, to: aside)
        } catch {
            throw StoreError.Failed(reason: "cannot remove \(dir.lastPathComponent)")
        }
        try? FileManager.default.removeItem(at: aside)
    }

    /// Removes a stored certificate by `StaleCertificate.id` or `id(of:)`.
    public func delete(id: String) throws {
        guard !id.contains("/"), !id.hasPrefix(".") else { throw StoreError.Failed(reason: "not a certificate id: \(id)") }
        try FileManager.default.removeItem(at: root.appendingPathComponent(id))
    }

    private func folders() -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted().map { root.appendingPathComponent($0) }
            .filter { (try? $0.resourceValues(forKeys: [.isDirectoryKey]).isDirectory) == true }
    }

    private func read(_ dir: URL) throws -> CertificateFiles {
        let meta = try Meta.read(dir.appendingPathComponent(Self.metaName))
        guard let layout = Self.layouts[meta.layout] else {
            throw StoreError.Failed(reason: "\(dir.lastPathComponent): layout \(meta.layout) is not supported")
        }
        var files: [String: Data] = [:]
        for name in meta.files {
            files[name] = try sealer.open(Data(contentsOf: dir.appendingPathComponent(name + Self.sealedSuffix)))
        }
        guard let cert = files["signCert.der"], let key = files["signPri.key"] else {
            throw StoreError.Failed(reason: "\(dir.lastPathComponent): incomplete certificate folder")
        }
        return CertificateFiles(signCert: cert, signKey: key, kmCert: files["kmCert.der"], kmKey: files["kmPri.key"],
                                layout: layout == .npki ? nil : layout, holderId: meta.id)
    }

    private static let layouts: [String: CertificateLayout] = [npkiLayout: .npki, "gpki": .gpki, "epki": .epki]

    private static func layoutName(_ layout: CertificateLayout?) -> String {
        layouts.first { $0.value == (layout ?? .npki) }?.key ?? npkiLayout
    }

    private static func npkiFiles(_ c: CertificateFiles) -> [(String, Data)] {
        var files = [("signCert.der", c.signCert), ("signPri.key", c.signKey)]
        if let km = c.kmCert { files.append(("kmCert.der", km)) }
        if let km = c.kmKey { files.append(("kmPri.key", km)) }
        return files
    }

    /// `certificate.meta`: a few `key=value` lines, UTF-8.
    private struct Meta {
        let layout: String
        let holder: String
        let ca: String
        let files: [String]
        var id: String?

        func encode() -> Data {
            var text = "format=\(FolderCertificateStore.format)\nlayout=\(layout)\n"
            if let id { text += "id=\(id.replacingOccurrences(of: "\n", with: " "))\n" }
            text += "holder=\(holder.replacingOccurrences(of: "\n", with: " "))\nca=\(ca.replacingOccurrences(of: "\n", with: " "))\n"
            for file in files { text += "file=\(file)\n" }
            return Data(text.utf8)
        }

        static func read(_ url: URL) throws -> Meta {
            let text = String(decoding: try Data(contentsOf: url), as: UTF8.self)
            let pairs: [(key: String, value: String)] = text.split(separator: "\n").compactMap { line in
                let parts = line.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                return parts.count == 2 ? (key: String(parts[0]), value: String(parts[1])) : nil
            }
            func one(_ key: String) throws -> String {
                guard let value = pairs.first(where: { $0.key == key })?.value else {
                    throw StoreError.Failed(reason: "no \(key) in \(FolderCertificateStore.metaName)")
                }
                return value
            }
            guard Int(try one("format")) == FolderCertificateStore.format else {
                throw StoreError.Failed(reason: "unknown \(FolderCertificateStore.metaName) format")
            }
            let files = pairs.filter { $0.key == "file" }.map(\.value)
            guard files.allSatisfy({ !$0.isEmpty && !$0.contains("/") && !$0.hasPrefix(".") }) else {
                throw StoreError.Failed(reason: "a file name in \(FolderCertificateStore.metaName) is not allowed")
            }
            return Meta(layout: try one("layout"), holder: try one("holder"), ca: try one("ca"), files: files,
                        id: pairs.first(where: { $0.key == "id" })?.value)
        }
    }
}
