package kr.certbridge.sdk

import java.io.File
import kr.certbridge.ffi.FailureKind
import kr.certbridge.ffi.ItemStatus
import kr.certbridge.ffi.TransferPath
import kr.certbridge.ffi.listCertificates
import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Before
import org.junit.Test

/**
 * [TransferController] driving real transfers against `certbridge send` and
 * `certbridge receive` on 127.0.0.1: every path the app's screens take.
 */
class ControllerTest {
    @Before
    fun needsTheProgram() {
        Fixture.requireTransfers()
        ExpiredCode.start()
    }

    private fun sendingHarness(): Harness = Harness().also { it.store.save(Fixture.files()) }

    @Test
    fun exportPcToPhone() = Harness().use { h ->
        Desktop("send", Fixture.vectorPath(), "--allow-expired").use { pc ->
            h.controller.scan()
            h.controller.scanned(pc.inviteText())
            val number = h.awaitState<TransferState.ShowNumber>()
            assertEquals("Test PC", number.peer)
            assertEquals(TransferPath.LAN, number.path)
            pc.expect("enter_code")
            pc.type(number.number)
            val done = h.awaitState<TransferState.Finished>()
            assertEquals(listOf(ItemStatus.INSTALLED), done.items.map { it.status })
            assertEquals(0, pc.exit())
        }
        val listed = listCertificates(h.store)
        assertEquals(listOf("459C75"), listed.map { it.info.serialHex })
        assertTrue(listed[0].files.signKey.contentEquals(Fixture.files().signKey))
        // The same certificate again is a duplicate, and the screen says so.
        Desktop("send", Fixture.vectorPath(), "--allow-expired").use { pc ->
            h.controller.close()
            h.controller.scan()
            h.controller.scanned(pc.inviteText())
            val number = h.awaitState<TransferState.ShowNumber>()
            pc.expect("enter_code")
            pc.type(number.number)
            val done = h.awaitState<TransferState.Finished>()
            assertEquals(listOf(ItemStatus.DUPLICATE), done.items.map { it.status })
        }
    }

    @Test
    fun importWithConsentShowsThePcBeforeTheNumber() = sendingHarness().use { h ->
        val installRoot = Fixture.tempDir("cb-npki")
        Desktop("receive", "--install-root", installRoot.path).use { pc ->
            h.controller.scan()
            h.controller.scanned(pc.inviteText())
            val choosing = h.await("choosing") { it as? Phase.Choosing }
            assertEquals(1, choosing.candidates.size)
            h.controller.send(choosing.candidates)
            val consent = h.awaitState<TransferState.AskConsent>()
            assertEquals("Test PC", consent.peer)
            assertEquals(1, consent.certificates.size)
            assertTrue(consent.certificates[0].isNotBlank())
            h.controller.consent(true)
            val number = h.awaitState<TransferState.ShowNumber>()
            pc.expect("enter_code")
            pc.type(number.number)
            val done = h.awaitState<TransferState.Finished>()
            assertTrue(done.sent)
            assertEquals(listOf(ItemStatus.INSTALLED), done.items.map { it.status })
            assertEquals(0, pc.exit())
        }
        val installed = File(installRoot, "yessign/USER").listFiles()!!.single()
        assertTrue(File(installed, "signPri.key").readBytes().contentEquals(Fixture.files().signKey))
        check(installRoot.deleteRecursively())
    }

    @Test
    fun declineSendsNothing() = sendingHarness().use { h ->
        val installRoot = Fixture.tempDir("cb-npki")
        Desktop("receive", "--install-root", installRoot.path).use { pc ->
            h.controller.scan(listCertificates(h.store))
            h.controller.scanned(pc.inviteText())
            h.awaitState<TransferState.AskConsent>()
            h.controller.consent(false)
            val failed = h.awaitState<TransferState.Failed>()
            assertEquals(FailureKind.DECLINED, failed.failure.kind)
            assertTrue(pc.expect("error").contains("peer_aborted"))
        }
        assertTrue(!File(installRoot, "yessign").exists())
        check(installRoot.deleteRecursively())
    }

    @Test
    fun aSendCodeScannedToSendIsAMismatchAndCanBeFollowed() = sendingHarness().use { h ->
        Desktop("send", Fixture.vectorPath(), "--allow-expired").use { pc ->
            val text = pc.inviteText()
            h.controller.scan(listCertificates(h.store))
            h.controller.scanned(text)
            h.await("mismatch") { it as? Phase.ModeMismatch }
            // Nothing connected: the PC still waits for a phone.
            h.controller.receiveInstead()
            val number = h.awaitState<TransferState.ShowNumber>()
            pc.expect("enter_code")
            pc.type(number.number)
            assertEquals(listOf(ItemStatus.DUPLICATE), h.awaitState<TransferState.Finished>().items.map { it.status })
        }
    }

    @Test
    fun cancelWhileConnecting() = Harness().use { h ->
        Desktop("send", Fixture.vectorPath(), "--allow-expired").use { pc ->
            val text = pc.inviteText()
            pc.signal("STOP") // the PC's kernel accepts, the PC never answers
            try {
                h.controller.scan()
                h.controller.scanned(text)
                h.awaitState<TransferState.Connecting>()
                h.controller.cancel()
                assertEquals(FailureKind.CANCELLED, h.awaitState<TransferState.Failed>().failure.kind)
            } finally {
                pc.signal("CONT")
            }
        }
    }

    @Test
    fun cancelWhileShowingTheNumber() = Harness().use { h ->
        Desktop("send", Fixture.vectorPath(), "--allow-expired").use { pc ->
            h.controller.scan()
            h.controller.scanned(pc.inviteText())
            h.awaitState<TransferState.ShowNumber>()
            h.controller.cancel()
            assertEquals(FailureKind.CANCELLED, h.awaitState<TransferState.Failed>().failure.kind)
            assertTrue(pc.expect("error").contains("peer_aborted"))
            h.controller.close()
            assertEquals(Phase.Home, h.controller.phase.value)
        }
        assertTrue(h.store.list().isEmpty())
    }

    @Test
    fun cancelWhileAskingForConsentAndAfterIt() = sendingHarness().use { h ->
        for (afterConsent in listOf(false, true)) {
            val installRoot = Fixture.tempDir("cb-npki")
            Desktop("receive", "--install-root", installRoot.path).use { pc ->
                h.controller.close()
                h.controller.scan(listCertificates(h.store))
                h.controller.scanned(pc.inviteText())
                h.awaitState<TransferState.AskConsent>()
                if (afterConsent) {
                    h.controller.consent(true)
                    h.awaitState<TransferState.ShowNumber>()
                }
                h.controller.cancel()
                assertEquals(FailureKind.CANCELLED, h.awaitState<TransferState.Failed>().failure.kind)
                assertTrue(pc.expect("error").contains("peer_aborted"))
            }
            assertTrue(!File(installRoot, "yessign").exists())
            installRoot.deleteRecursively()
        }
    }

    @Test
    fun threeWrongNumbers() = Harness().use { h ->
        Desktop("send", Fixture.vectorPath(), "--allow-expired").use { pc ->
            h.controller.scan()
            h.controller.scanned(pc.inviteText())
            val number = h.awaitState<TransferState.ShowNumber>().number
            val wrong = ((number.toInt() + 1) % 1_000_000).toString().padStart(6, '0')
            repeat(3) {
                pc.expect("enter_code")
                pc.type(wrong)
            }
            val failed = h.awaitState<TransferState.Failed>()
            assertEquals(FailureKind.CODE_MISMATCH, failed.failure.kind)
            assertEquals("err-peer-code-mismatch", failed.failure.explanation.id)
        }
        assertTrue(h.store.list().isEmpty())
    }

    @Test
    fun anExpiredCodeIsRefusedBeforeConnecting() = Harness().use { h ->
        val text = ExpiredCode.text()
        h.controller.scan()
        h.controller.scanned(text)
        val failed = h.awaitState<TransferState.Failed>()
        assertEquals(FailureKind.EXPIRED, failed.failure.kind)
        assertEquals("err-invite-expired", failed.failure.explanation.id)
    }

    @Test
    fun aStoreRestoredWithoutItsKeyIsStaleAndIsReplacedByReceivingAgain() {
        val root = Fixture.tempDir("cb-restored")
        Harness(root, MemorySealer()).store.save(Fixture.files())
        // The same folder, another key: what a restore to a new phone gives.
        Harness(root, MemorySealer()).use { h ->
            assertTrue(h.store.list().isEmpty())
            assertEquals(1, h.store.stale().size)
            Desktop("send", Fixture.vectorPath(), "--allow-expired").use { pc ->
                h.controller.scan()
                h.controller.scanned(pc.inviteText())
                val number = h.awaitState<TransferState.ShowNumber>()
                pc.expect("enter_code")
                pc.type(number.number)
                val item = h.awaitState<TransferState.Finished>().items.single()
                assertEquals(ItemStatus.INSTALLED, item.status)
                assertTrue(item.replaced != null)
            }
            assertEquals(1, h.store.list().size)
            assertTrue(h.store.stale().isEmpty())
        }
    }
}

/**
 * A real code that has expired: `certbridge send --timeout 10`, started
 * when the first test asks, used once its 10 seconds have passed.
 */
object ExpiredCode {
    private var desktop: Desktop? = null
    private var text: String? = null
    private var shownAt = 0L

    fun start() {
        if (desktop != null || Fixture.bin == null || Fixture.vector == null) return
        desktop = Desktop("send", Fixture.vector.path, "--allow-expired", "--timeout", "10").also {
            text = it.inviteText()
            shownAt = System.nanoTime()
        }
    }

    fun text(): String {
        start()
        val left = 11_000 - (System.nanoTime() - shownAt) / 1_000_000
        if (left > 0) Thread.sleep(left)
        desktop?.close()
        return text!!
    }
}
