package kr.certbridge.sdk

import java.io.File
import java.util.UUID
import kr.certbridge.ffi.CertificateException
import kr.certbridge.ffi.CertificateFiles
import kr.certbridge.ffi.CertificateInfo
import kr.certbridge.ffi.CertificateLayout
import kr.certbridge.ffi.CertificateStore
import kr.certbridge.ffi.ItemStatus
import kr.certbridge.ffi.RejectReason
import kr.certbridge.ffi.SaveResult
import kr.certbridge.ffi.StoreException
import kr.certbridge.ffi.inspectCertificate

/**
 * Seals file contents at rest. The app passes one backed by an Android
 * Keystore key; tests pass [Plain] or a sealer with a key of their own.
 * [open] throws when the bytes were sealed with another key (a folder
 * restored to another phone without its Keystore key).
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
 * A stored certificate this phone can no longer open: its files were
 * restored or moved here without the key that sealed them. Shown so the
 * user can delete it and receive it again; receiving it again replaces it.
 */
data class StaleCertificate(val id: String, val holder: String, val ca: String)

/**
 * A [CertificateStore] on a private folder, one sub-folder per certificate:
 *
 * ```
 * <root>/<ca>-<serial>/certificate.meta     format, layout, holder, CA, file names (plain text)
 * <root>/<ca>-<serial>/<original name>.sealed
 * ```
 *
 * `certificate.meta` keeps the certificate's layout (`npki`, `gpki`,
 * `epki`), a GPKI/EPKI holder's id (`id=`, which the PC's file names start
 * with) and each file's name by its role (`signCert.der`, `signPri.key`,
 * `kmCert.der`, `kmPri.key`: for GPKI/EPKI the `_sig` and `_env` pairs), so
 * the certificate goes back to a PC under its own names. Saves are atomic: files go to a temporary folder that
 * is renamed into place, so a crash never leaves half a certificate.
 *
 * Put [root] where backups and device-to-device transfer never take it
 * (`Context.getNoBackupFilesDir()`, with the app's data-extraction rules
 * excluding it too): the sealing key stays on this phone, so a copy
 * elsewhere could not be opened anyway. A folder that can no longer be
 * opened is reported by [stale], not hidden.
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

    override fun list(): List<CertificateFiles> = folders().mapNotNull { runCatching { read(it) }.getOrNull() }

    /** The stored certificates this phone cannot open any more. */
    fun stale(): List<StaleCertificate> = folders().mapNotNull { dir ->
        if (runCatching { read(dir) }.isSuccess) return@mapNotNull null
        val meta = runCatching { Meta.read(File(dir, META)) }.getOrNull()
        StaleCertificate(dir.name, meta?.holder ?: "", meta?.ca ?: "")
    }

    override fun save(certificate: CertificateFiles): SaveResult {
        val info = try {
            inspectCertificate(certificate)
        } catch (e: CertificateException) {
            return SaveResult(ItemStatus.REJECTED, RejectReason.INVALID, "not a usable certificate", null, null)
        }
        val target = File(root, idOf(info))
        var replaced: String? = null
        if (target.exists()) {
            val stored = runCatching { read(target) }.getOrNull()
            when {
                stored == null -> replaced = target.name
                stored.signCert.contentEquals(certificate.signCert) ->
                    return SaveResult(ItemStatus.DUPLICATE, null, null, target.name, null)
                else -> return SaveResult(
                    ItemStatus.REJECTED, RejectReason.CONFLICT,
                    "another certificate with the same serial number is stored", target.name, null,
                )
            }
        }
        val tmp = File(root, ".tmp-" + UUID.randomUUID())
        try {
            if (!tmp.mkdir()) throw StoreException.Failed("cannot create a folder in the app's storage")
            val files = npkiFiles(certificate)
            for ((name, bytes) in files) write(File(tmp, name + SEALED), sealer.seal(bytes))
            write(File(tmp, META), Meta(layoutName(certificate.layout), info.holder, info.ca, files.map { it.first }, certificate.holderId).encode())
            if (replaced != null) {
                val old = File(root, ".stale-" + UUID.randomUUID())
                if (!target.renameTo(old)) throw StoreException.Failed("cannot replace the old copy")
                old.deleteRecursively()
            }
            if (!tmp.renameTo(target)) throw StoreException.Failed("cannot move the certificate into place")
        } catch (e: java.io.IOException) {
            tmp.deleteRecursively()
            throw StoreException.Failed("could not save the certificate: ${e.message}")
        } catch (e: StoreException) {
            tmp.deleteRecursively()
            throw e
        }
        return SaveResult(ItemStatus.INSTALLED, null, null, target.name, replaced)
    }

    override fun loadOutgoing(): List<CertificateFiles> = outgoing

    /**
     * A move's last step: removes the copy of [certificate] the PC confirmed
     * it holds. Only a stored copy with the same files goes; anything else
     * is an error and nothing is removed.
     */
    override fun remove(certificate: CertificateFiles) {
        val info = try {
            inspectCertificate(certificate)
        } catch (e: CertificateException) {
            throw StoreException.Failed("not a certificate of this store")
        }
        val dir = File(root, idOf(info))
        val stored = runCatching { read(dir) }.getOrNull()
        if (stored == null || !sameFiles(stored, certificate)) throw StoreException.Failed("the stored copy differs from what was sent")
        val aside = File(root, ".removed-" + UUID.randomUUID())
        if (!dir.renameTo(aside)) throw StoreException.Failed("cannot remove ${dir.name}")
        aside.deleteRecursively()
    }

    /** Removes a stored certificate, by [StaleCertificate.id] or [idOf]. */
    fun delete(id: String): Boolean {
        require(!id.contains('/') && !id.startsWith(".")) { "not a certificate id: $id" }
        return File(root, id).deleteRecursively()
    }

    /** Removes the certificate [info] describes. */
    fun delete(info: CertificateInfo): Boolean = delete(idOf(info))

    private fun folders(): List<File> =
        (root.listFiles() ?: emptyArray()).filter { it.isDirectory && !it.name.startsWith(".") }.sortedBy { it.name }

    private fun read(dir: File): CertificateFiles {
        val meta = Meta.read(File(dir, META))
        val layout = LAYOUTS[meta.layout] ?: throw StoreException.Failed("${dir.name}: layout ${meta.layout} is not supported")
        val files = meta.files.associateWith { sealer.open(File(dir, it + SEALED).readBytes()) }
        return CertificateFiles(
            signCert = files["signCert.der"] ?: throw StoreException.Failed("${dir.name}: no signCert.der"),
            signKey = files["signPri.key"] ?: throw StoreException.Failed("${dir.name}: no signPri.key"),
            kmCert = files["kmCert.der"],
            kmKey = files["kmPri.key"],
            layout = layout.takeIf { it != CertificateLayout.NPKI },
            holderId = meta.id,
        )
    }

    private fun write(file: File, bytes: ByteArray) {
        file.outputStream().use { out ->
            out.write(bytes)
            out.fd.sync()
        }
    }

    /** `certificate.meta`: a few `key=value` lines, UTF-8. */
    private data class Meta(val layout: String, val holder: String, val ca: String, val files: List<String>, val id: String? = null) {
        fun encode(): ByteArray = buildString {
            append("format=$FORMAT\n")
            append("layout=$layout\n")
            id?.let { append("id=${it.replace('\n', ' ')}\n") }
            append("holder=${holder.replace('\n', ' ')}\n")
            append("ca=${ca.replace('\n', ' ')}\n")
            files.forEach { append("file=$it\n") }
        }.toByteArray(Charsets.UTF_8)

        companion object {
            fun read(file: File): Meta {
                val lines = file.readText(Charsets.UTF_8).lines().filter { it.contains('=') }
                val pairs = lines.map { it.substringBefore('=') to it.substringAfter('=') }
                fun one(key: String) = pairs.firstOrNull { it.first == key }?.second
                    ?: throw StoreException.Failed("${file.parentFile?.name}: no $key in $META")
                val format = one("format").toIntOrNull() ?: 0
                if (format != FORMAT) throw StoreException.Failed("${file.parentFile?.name}: unknown format $format")
                val files = pairs.filter { it.first == "file" }.map { it.second }
                if (files.any { it.isEmpty() || it.contains('/') || it.startsWith(".") }) {
                    throw StoreException.Failed("${file.parentFile?.name}: a file name is not allowed")
                }
                return Meta(one("layout"), one("holder"), one("ca"), files, pairs.firstOrNull { it.first == "id" }?.second)
            }
        }
    }

    companion object {
        const val META = "certificate.meta"
        const val FORMAT = 1
        const val LAYOUT_NPKI = "npki"
        private val LAYOUTS = mapOf(LAYOUT_NPKI to CertificateLayout.NPKI, "gpki" to CertificateLayout.GPKI, "epki" to CertificateLayout.EPKI)

        private fun layoutName(layout: CertificateLayout?): String =
            LAYOUTS.entries.first { it.value == (layout ?: CertificateLayout.NPKI) }.key

        private fun sameFiles(a: CertificateFiles, b: CertificateFiles): Boolean =
            a.signCert.contentEquals(b.signCert) && a.signKey.contentEquals(b.signKey) &&
                (a.kmCert ?: ByteArray(0)).contentEquals(b.kmCert ?: ByteArray(0)) &&
                (a.kmKey ?: ByteArray(0)).contentEquals(b.kmKey ?: ByteArray(0))
        private const val SEALED = ".sealed"

        /** The folder name of a certificate: its CA and serial number. */
        fun idOf(info: CertificateInfo): String = "${info.ca}-${info.serialHex}".replace('/', '_')

        private fun npkiFiles(c: CertificateFiles): List<Pair<String, ByteArray>> = listOfNotNull(
            "signCert.der" to c.signCert,
            "signPri.key" to c.signKey,
            c.kmCert?.let { "kmCert.der" to it },
            c.kmKey?.let { "kmPri.key" to it },
        )
    }
}
