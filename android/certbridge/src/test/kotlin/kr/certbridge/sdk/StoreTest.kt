package kr.certbridge.sdk

import java.io.File
import kr.certbridge.ffi.CertificateFiles
import kr.certbridge.ffi.ItemStatus
import kr.certbridge.ffi.RejectReason
import kr.certbridge.ffi.checkPassword
import kr.certbridge.ffi.listCertificates
import org.junit.Assert.assertArrayEquals
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNotNull
import org.junit.Assert.assertTrue
import org.junit.Test

/** [FolderCertificateStore]'s format on disk, sealing, and what it refuses. */
class StoreTest {
    @Test
    fun aCertificateKeepsItsLayoutAndFileNamesBesideSealedFiles() = Harness().use { h ->
        val saved = h.store.save(Fixture.files())
        assertEquals(ItemStatus.INSTALLED, saved.status)
        val dir = File(h.root, saved.location!!)
        assertEquals("yessign-459C75", dir.name)
        val meta = File(dir, FolderCertificateStore.META).readText()
        assertTrue(meta, meta.contains("format=1\n") && meta.contains("layout=npki\n"))
        assertTrue(meta, meta.contains("file=signCert.der\n") && meta.contains("file=signPri.key\n"))
        assertEquals(setOf("certificate.meta", "signCert.der.sealed", "signPri.key.sealed"), dir.list()!!.toSet())
        // Sealed: the key's bytes are not on disk as they are.
        assertFalse(File(dir, "signPri.key.sealed").readBytes().contentEquals(Fixture.files().signKey))
        assertTrue(h.root.list()!!.none { it.startsWith(".tmp") })
        val listed = listCertificates(h.store).single()
        assertArrayEquals(Fixture.files().signKey, listed.files.signKey)
        assertTrue(checkPassword(listed.files, Fixture.password()))
    }

    @Test
    fun theSameCertificateIsADuplicateAndJunkIsRefused() = Harness().use { h ->
        h.store.save(Fixture.files())
        assertEquals(ItemStatus.DUPLICATE, h.store.save(Fixture.files()).status)
        val junk = h.store.save(CertificateFiles(byteArrayOf(1, 2, 3), byteArrayOf(4, 5), null, null))
        assertEquals(ItemStatus.REJECTED, junk.status)
        assertEquals(RejectReason.INVALID, junk.code)
        assertEquals(1, h.store.list().size)
    }

    @Test
    fun aFolderSealedWithAnotherKeyIsStaleNotHidden() {
        val root = Fixture.tempDir("cb-stale")
        Harness(root, MemorySealer()).store.save(Fixture.files())
        Harness(root, MemorySealer()).use { h ->
            assertTrue(h.store.list().isEmpty())
            val stale = h.store.stale().single()
            assertEquals("yessign", stale.ca)
            assertTrue(stale.holder.isNotBlank())
            val again = h.store.save(Fixture.files())
            assertEquals(ItemStatus.INSTALLED, again.status)
            assertNotNull(again.replaced)
            assertTrue(h.store.stale().isEmpty())
            assertTrue(h.store.delete(stale.id))
            assertTrue(h.store.list().isEmpty())
        }
    }

    @Test
    fun aMetadataFileNamingAnotherFolderIsNotFollowed() = Harness().use { h ->
        val saved = h.store.save(Fixture.files())
        val meta = File(File(h.root, saved.location!!), FolderCertificateStore.META)
        meta.writeText(meta.readText().replace("file=signPri.key", "file=../../secret"))
        assertTrue(h.store.list().isEmpty())
        assertEquals(1, h.store.stale().size)
    }
}
