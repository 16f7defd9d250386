package kr.certbridge.sdk

import kr.certbridge.ffi.ArgValue
import kr.certbridge.ffi.FailureKind
import kr.certbridge.ffi.ItemResult
import kr.certbridge.ffi.ItemStatus
import kr.certbridge.ffi.Language
import kr.certbridge.ffi.Message
import kr.certbridge.ffi.MessageArg
import kr.certbridge.ffi.RejectReason
import kr.certbridge.ffi.TransferFailure
import kr.certbridge.ffi.TransferPath
import kr.certbridge.ffi.failureExplanation
import kr.certbridge.ffi.hasMessage
import kr.certbridge.ffi.render
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertTrue
import org.junit.Test

/**
 * The screen models in Korean and English: every failure kind, every item
 * status (in both directions, with every rejection code), every transfer
 * state. Each screen has a title, words and buttons from the catalog, and
 * announces what it shows.
 */
class ScreenModelTest {
    private val hangul = Regex("[가-힣]")

    private fun assertWords(text: String, language: Language, where: String) {
        assertTrue("$where is empty", text.isNotBlank())
        for (leak in listOf("phone-", "err-", "reject-", "{", "}", "Some(", "null", "Error")) {
            assertFalse("$where in $language shows $leak: $text", text.contains(leak))
        }
        if (language == Language.KOREAN) {
            assertTrue("$where in Korean has no Hangul: $text", hangul.containsMatchIn(text))
        } else {
            // English screens may show the Korean holder name, nothing else in Hangul.
            assertFalse("$where in English has Hangul: $text", hangul.containsMatchIn(text.replace("홍길동", "")))
        }
    }

    private fun assertScreen(screen: Screen, language: Language, where: String) {
        assertWords(screen.title, language, "$where title")
        screen.body.forEach { assertWords(it, language, "$where body") }
        assertTrue("$where has no button", screen.buttons.isNotEmpty())
        screen.buttons.forEach { assertWords(it.label, language, "$where button ${it.action}") }
        assertTrue("$where announces nothing of its title", screen.announcement.contains(screen.title))
    }

    private fun item(status: ItemStatus, code: RejectReason?, reason: String?, replaced: Boolean) =
        ItemResult("홍길동", null, if (replaced) "old" else null, status, code, reason)

    @Test
    fun everyFailureKindHasItsOwnWordsInBothLanguages() {
        for (language in Language.values()) {
            val bodies = mutableSetOf<String>()
            for (kind in FailureKind.values()) {
                val failure = TransferFailure(kind, failureExplanation(kind))
                val screen = ScreenModel.transfer(TransferState.Failed(failure, "the core's words"), language)
                assertScreen(screen, language, "failure $kind")
                assertFalse(screen.body.joinToString().contains("the core's words"))
                bodies += screen.body.single()
                assertEquals(Action.CLOSE, screen.buttons.last().action)
            }
            assertEquals("each kind says something of its own", FailureKind.values().size, bodies.size)
        }
        val unreachable = ScreenModel.transfer(TransferState.Failed(TransferFailure(FailureKind.UNREACHABLE, failureExplanation(FailureKind.UNREACHABLE)), ""), Language.KOREAN)
        assertEquals("PC에 연결할 수 없습니다. 두 기기가 같은 Wi-Fi에 연결되어 있는지 확인해 주세요.", unreachable.body.single())
        assertEquals(Action.SCAN_AGAIN, unreachable.buttons.first().action)
    }

    @Test
    fun everyItemStatusIsToldApart() {
        val codes = listOf(null, RejectReason.CONFLICT, RejectReason.INVALID, RejectReason.UNSUPPORTED)
        for (language in Language.values()) {
            for (sent in listOf(true, false)) {
                val lines = mutableSetOf<String>()
                for (status in ItemStatus.values()) for (code in codes) for (replaced in listOf(false, true)) {
                    val items = listOf(item(status, code, "disk full", replaced))
                    val screen = ScreenModel.transfer(TransferState.Finished(sent, "Test PC", TransferPath.LAN, items), language)
                    assertScreen(screen, language, "item $status/$code/$replaced sent=$sent")
                    assertTrue(screen.body.single().contains("홍길동"))
                    lines += screen.body.single()
                }
                // installed, installed+replaced (received), duplicate, rejected ×4 codes
                assertTrue("sent=$sent: ${lines.size} distinct lines", lines.size >= 6)
            }
        }
        val received = ScreenModel.transfer(TransferState.Finished(false, "PC", TransferPath.LAN, listOf(item(ItemStatus.DUPLICATE, null, null, false))), Language.KOREAN)
        assertEquals("공동인증서 1개가 이미 이 휴대폰에 있습니다", received.title)
        val refused = ScreenModel.transfer(TransferState.Finished(false, "PC", TransferPath.LAN, listOf(item(ItemStatus.REJECTED, RejectReason.CONFLICT, null, false))), Language.ENGLISH)
        assertEquals("The certificate was not saved", refused.title)
        assertFalse(refused.body.single().contains("--replace"))
        val two = ScreenModel.transfer(TransferState.Finished(true, "PC", TransferPath.LAN, List(2) { item(ItemStatus.INSTALLED, null, null, false) }), Language.ENGLISH)
        assertEquals("2 certificates sent to your PC", two.title)
    }

    @Test
    fun everyTransferStateHasAScreen() {
        val states = listOf(
            TransferState.Connecting,
            TransferState.Connected("Test PC", TransferPath.RELAY),
            TransferState.AskConsent("Test PC", TransferPath.LAN, listOf("홍길동")),
            TransferState.ShowNumber("123456", "Test PC", TransferPath.LAN),
            TransferState.Moving(true, 1, "Test PC", TransferPath.LAN),
            TransferState.Moving(false, 2, "Test PC", TransferPath.LAN),
        )
        for (language in Language.values()) for (state in states) {
            val screen = ScreenModel.transfer(state, language)
            assertScreen(screen, language, "$state")
            assertTrue("$state must keep the display on", screen.keepAwake)
        }
        val number = ScreenModel.transfer(states[3], Language.KOREAN)
        assertEquals("123 456", number.number)
        assertTrue(number.announcement, number.announcement.endsWith("인증번호 1 2 3, 4 5 6"))
        val consent = ScreenModel.transfer(states[2], Language.ENGLISH)
        assertEquals(listOf(Action.SEND, Action.DONT_SEND), consent.buttons.map { it.action })
        assertTrue(consent.body.any { it.contains("same Wi-Fi") })
        assertTrue(ScreenModel.transfer(states[1], Language.KOREAN).body.single().contains("중계 서버"))
    }

    @Test
    fun theAppsOtherScreens() {
        for (language in Language.values()) {
            for (phase in listOf(Phase.Home, Phase.Scanning(emptyList()), Phase.ModeMismatch("x"), Phase.Choosing("x", emptyList()))) {
                assertScreen(ScreenModel.of(phase, language), language, "$phase")
            }
        }
        assertEquals(
            listOf(Action.RECEIVE_INSTEAD, Action.CANCEL),
            ScreenModel.of(Phase.ModeMismatch("x"), Language.KOREAN).buttons.map { it.action },
        )
        assertTrue(ScreenModel.of(Phase.Home, Language.KOREAN).body.single().contains("USB"))
    }

    @Test
    fun theRenderFunctionTakesArgumentsAndPlurals() {
        val one = Message("phone-choose-send", listOf(MessageArg("count", ArgValue.Number(1))))
        assertEquals("Send one certificate", render(one, Language.ENGLISH))
        assertEquals("공동인증서 1개 보내기", render(one, Language.KOREAN))
        assertTrue(hasMessage("phone-consent-title"))
        assertFalse(hasMessage("no-such-message"))
    }
}
