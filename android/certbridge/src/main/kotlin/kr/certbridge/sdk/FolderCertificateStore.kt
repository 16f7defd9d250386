package kr.certbridge.sdk

import java.io.File
import java.util.UUID
import kr.certbridge.ffi.CertificateFiles
import kr.certbridge.ffi.CertificateStore
import kr.certbridge.ffi.ItemStatus
import kr.certbridge.ffi.SaveResult
import kr.certbridge.ffi.StoreException
import kr.certbridge.ffi.inspectCertificate

/**
 * Seals file contents at rest. The app passes one backed by an Android
 * Keystore key; tests pass [Plain].
 */
interface FileSealer {
    fun seal(plain: ByteArray): ByteArray
    fun open(sealed: ByteArray): ByteArray

    /** No sealing, for tests and for storage that is already protected. */
    object Plain : FileSealer {
        override fun seal(plain: ByteArray) = plain
        override fun open(sealed: ByteArray) = sealed
    }
}

/**
 * A [CertificateStore] on a private folder: one sub-folder per certificate,
 * named by its serial number, holding the NPKI files sealed by [sealer].
 * Saves are atomic: files go to a temporary folder that is renamed into
 * place, so a crash never leaves half a certificate.
 */
class FolderCertificateStore(
    private val root: File,
    private val sealer: FileSealer = FileSealer.Plain,
) : CertificateStore {
    /** The certificates the user picked to send (phone → PC). */
    @Volatile
    var outgoing: List<CertificateFiles> = emptyList()

    init {
        root.mkdirs()
    }

    override fun list(): List<CertificateFiles> =
        (root.listFiles() ?: emptyArray())
            .filter { it.isDirectory && !it.name.startsWith(".") }
            .sortedBy { it.name }
            .mapNotNull { runCatching { read(it) }.getOrNull() }

    override fun save(certificate: CertificateFiles): SaveResult {
        val serial = try {
            inspectCertificate(certificate).serialHex
        } catch (e: Exception) {
            return SaveResult(ItemStatus.REJECTED, "not a usable certificate: ${e.message}", null)
        }
        val target = File(root, serial)
        if (target.exists()) {
            val same = runCatching { read(target).signCert.contentEquals(certificate.signCert) }.getOrDefault(false)
            return if (same) {
                SaveResult(ItemStatus.DUPLICATE, null, target.path)
            } else {
                SaveResult(ItemStatus.REJECTED, "a different certificate with the same serial is stored", null)
            }
        }
        val tmp = File(root, ".tmp-" + UUID.randomUUID())
        try {
            if (!tmp.mkdir()) throw StoreException.Failed(reason = "cannot create ${tmp.path}")
            write(tmp, "signCert.der", certificate.signCert)
            write(tmp, "signPri.key", certificate.signKey)
            certificate.kmCert?.let { write(tmp, "kmCert.der", it) }
            certificate.kmKey?.let { write(tmp, "kmPri.key", it) }
            if (!tmp.renameTo(target)) throw StoreException.Failed(reason = "cannot move the certificate into ${target.path}")
        } catch (e: java.io.IOException) {
            tmp.deleteRecursively()
            throw StoreException.Failed(reason = "could not save the certificate: ${e.message}")
        } catch (e: StoreException) {
            tmp.deleteRecursively()
            throw e
        }
        return SaveResult(ItemStatus.INSTALLED, null, target.path)
    }

    override fun loadOutgoing(): List<CertificateFiles> = outgoing

    /** Removes a stored certificate. */
    fun delete(serialHex: String): Boolean = File(root, serialHex).deleteRecursively()

    private fun read(dir: File): CertificateFiles {
        fun file(name: String) = File(dir, name).takeIf { it.isFile }?.let { sealer.open(it.readBytes()) }
        return CertificateFiles(
            signCert = file("signCert.der") ?: throw StoreException.Failed(reason = "${dir.name}: no signCert.der"),
            signKey = file("signPri.key") ?: throw StoreException.Failed(reason = "${dir.name}: no signPri.key"),
            kmCert = file("kmCert.der"),
            kmKey = file("kmPri.key"),
        )
    }

    private fun write(dir: File, name: String, bytes: ByteArray) {
        File(dir, name).outputStream().use { out ->
            out.write(sealer.seal(bytes))
            out.fd.sync()
        }
    }
}
