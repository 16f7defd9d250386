package kr.certbridge.sdk

import java.io.File
import java.util.Collections
import kr.certbridge.ffi.CodeFinder
import kr.certbridge.ffi.FailureKind
import kr.certbridge.ffi.ItemStatus
import kr.certbridge.ffi.Language
import kr.certbridge.ffi.TransferPath
import kr.certbridge.ffi.listCertificates
import org.junit.Assert.assertEquals
import org.junit.Assert.assertNotEquals
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Test

/** A PC's LAN address, as NsdManager or Bonjour would find it: only for the code's channel. */
class FixedFinder(private val address: String, private val channel: String) : CodeFinder {
    val asked: MutableList<String> = Collections.synchronizedList(mutableListOf())

    override fun find(channel: String, timeoutMs: ULong): List<String> {
        asked += channel
        return if (channel == this.channel) listOf(address) else emptyList()
    }
}

/**
 * Typed codes: the number pad's model, and [TransferController] pairing by a
 * code with a real `certbridge` on 127.0.0.1, found by the app's
 * [CodeFinder] on the LAN or at a real relay's channel.
 */
class CodeTest {
    private fun freePort(): Int = java.net.ServerSocket(0).use { it.localPort }

    private fun typeInto(h: Harness, code: String) = code.forEach(h.controller::typeDigit)

    /** `certbridge send` on a port of its own, its first typed code, a finder that knows it, a phone. */
    private fun sendingPcOnTheLan(test: (Desktop, String, FixedFinder, Harness) -> Unit) {
        Fixture.requireTransfers()
        val port = freePort()
        Desktop("send", Fixture.vectorPath(), "--allow-expired", listen = "127.0.0.1:$port").use { pc ->
            val code = pc.typedCode()
            val finder = FixedFinder("127.0.0.1:$port", code.substringBefore('-'))
            Harness(codeFinder = finder).use { h -> test(pc, code, finder, h) }
        }
    }

    @Test
    fun thePadGroupsAsThePcShowsAndRefusesWhatCannotBeACode() {
        var entry = CodeEntry()
        "72816".forEach { entry = entry.type(it) }
        assertEquals("728-16", entry.grouped)
        assertEquals("7 2 8, 1 6", entry.spoken)
        entry = entry.paste("6-322 x")
        assertEquals("728-166-322", entry.grouped)
        assertEquals("7281-663-220", entry.type('0').grouped)
        assertEquals("728166-322-000", entry.paste("000000000").grouped)
        assertEquals(12, entry.paste("000000000").digits.length)
        assertEquals("728-166-32", entry.delete().grouped)

        val short = entry.delete().read()
        val invalid = (short as CodeEntry.Result.Invalid).entry
        assertEquals("err-code-malformed", invalid.error?.id)
        val ko = ScreenModel.codeEntry(invalid, Language.KOREAN)
        assertEquals("코드는 123-456-789처럼 숫자 9~12자리입니다.", ko.body.first())
        assertEquals("728-166-32", ko.number)
        assertTrue(ko.announcement, ko.announcement.contains("7 2 8, 1 6 6, 3 2"))
        val en = ScreenModel.codeEntry(invalid, Language.ENGLISH)
        assertEquals("A code is 9 to 12 digits, like 123-456-789.", en.body.first())
        assertEquals(listOf(Action.CONNECT_CODE, Action.USE_CAMERA, Action.CANCEL), en.buttons.map { it.action })
        // Typing again clears the error.
        assertNull(invalid.type('2').error)
        val read = entry.read() as CodeEntry.Result.Code
        assertEquals("728-166-322", read.code.grouped)
        assertEquals("728", read.code.channel)
    }

    @Test
    fun theControllerOpensThePadFromTheCameraAndGoesBack() {
        Harness().use { h -> openAndLeaveThePad(h) }
    }

    private fun openAndLeaveThePad(h: Harness) {
        h.controller.scan()
        h.controller.enterCode()
        typeInto(h, "12345")
        h.controller.submitCode()
        val entering = h.controller.phase.value as Phase.EnteringCode
        assertEquals("err-code-malformed", entering.entry.error?.id)
        assertEquals(listOf(Action.ENTER_CODE, Action.CANCEL), ScreenModel.of(Phase.Scanning(emptyList()), Language.KOREAN).buttons.map { it.action })
        h.controller.useCamera()
        assertTrue(h.controller.phase.value is Phase.Scanning)
    }

    @Test
    fun aTypedCodeFindsThePcByTheAppsFinderAndReceives() = sendingPcOnTheLan { pc, code, finder, h ->
        h.controller.enterCode()
        typeInto(h, code.replace("-", ""))
        assertEquals(code, (h.controller.phase.value as Phase.EnteringCode).entry.grouped)
        h.controller.submitCode()
        val number = h.awaitState<TransferState.ShowNumber>()
        assertEquals(TransferPath.LAN, number.path)
        pc.expect("enter_code")
        pc.type(number.number)
        val done = h.awaitState<TransferState.Finished>()
        assertEquals(listOf(ItemStatus.INSTALLED), done.items.map { it.status })
        assertEquals(0, pc.exit())
        assertEquals(listOf(code.substringBefore('-')), finder.asked.distinct())
        assertEquals(listOf("459C75"), listCertificates(h.store).map { it.info.serialHex })
    }

    @Test
    fun aWrongCodeIsRefusedAndTheNewCodeThePcShowsWorks() = sendingPcOnTheLan { pc, code, _, h ->
        val wrong = code.dropLast(1) + (if (code.last() == '0') '1' else '0')
        h.controller.enterCode()
        typeInto(h, wrong.replace("-", ""))
        h.controller.submitCode()
        val failed = h.awaitState<TransferState.Failed>()
        assertEquals(FailureKind.WRONG_CODE, failed.failure.kind)
        val screen = ScreenModel.transfer(failed, Language.KOREAN)
        assertEquals("코드가 맞지 않았습니다", screen.title)
        assertEquals(Action.ENTER_CODE, screen.buttons.first().action)
        assertTrue(h.store.list().isEmpty())
        // The PC burned the code and shows a new one; typing it works.
        val renewed = pc.typedCode()
        assertNotEquals(code, renewed)
        h.controller.enterCode()
        typeInto(h, renewed.replace("-", ""))
        h.controller.submitCode()
        val number = h.awaitState<TransferState.ShowNumber>()
        pc.expect("enter_code")
        pc.type(number.number)
        assertEquals(listOf(ItemStatus.INSTALLED), h.awaitState<TransferState.Finished>().items.map { it.status })
    }

    @Test
    fun aTypedCodeMovesACertificateToThePcThroughTheRelaysChannel() {
        Fixture.requireTransfers()
        RelayServer().use { relay ->
            Harness(codeRelay = relay.url, codeFinder = FixedFinder("127.0.0.1:9", "none")).use { h ->
                h.store.save(Fixture.files())
                val installRoot = Fixture.tempDir("cb-npki")
                Desktop("receive", "--install-root", installRoot.path, "--no-lan", "--relay", relay.url, listen = null).use { pc ->
                    val code = pc.typedCode()
                    h.controller.scan(listCertificates(h.store), move = true)
                    h.controller.enterCode()
                    typeInto(h, code.replace("-", ""))
                    h.controller.submitCode()
                    val consent = h.awaitState<TransferState.AskConsent>()
                    assertEquals(TransferPath.RELAY, consent.path)
                    h.controller.consent(true)
                    val number = h.awaitState<TransferState.ShowNumber>()
                    pc.expect("enter_code")
                    pc.type(number.number)
                    val done = h.awaitState<TransferState.Finished>()
                    assertEquals(listOf(ItemStatus.INSTALLED), done.items.map { it.status })
                    assertEquals(listOf(true), done.items.map { it.removed })
                    val line = ScreenModel.transfer(done, Language.KOREAN).body.single()
                    assertTrue(line, line.contains("이 휴대폰에서는 지웠습니다"))
                    assertEquals(0, pc.exit())
                }
                assertTrue("the phone's copy is gone after the move", h.store.list().isEmpty())
                val installed = File(installRoot, "yessign/USER").listFiles()!!.single()
                assertTrue(File(installed, "signPri.key").readBytes().contentEquals(Fixture.files().signKey))
                check(installRoot.deleteRecursively())
            }
        }
    }
}
