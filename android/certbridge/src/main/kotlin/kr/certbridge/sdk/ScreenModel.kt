package kr.certbridge.sdk

import kr.certbridge.ffi.ArgValue
import kr.certbridge.ffi.CertificateInfo
import kr.certbridge.ffi.FailureKind
import kr.certbridge.ffi.Language
import kr.certbridge.ffi.Message
import kr.certbridge.ffi.MessageArg
import kr.certbridge.ffi.StoredCertificate
import kr.certbridge.ffi.TransferPath
import kr.certbridge.ffi.certificateStatusLine
import kr.certbridge.ffi.failureTitle
import kr.certbridge.ffi.finishedTitle
import kr.certbridge.ffi.itemLine
import kr.certbridge.ffi.render

/** What a button does; the UI maps each to a controller call. */
enum class Action { SCAN, SCAN_AGAIN, CLOSE, CANCEL, SEND, DONT_SEND, RECEIVE_INSTEAD, READ_ALOUD, CHOOSE_SEND, ENTER_CODE, CONNECT_CODE, USE_CAMERA }

data class Button(val action: Action, val label: String, val primary: Boolean = false)

/**
 * One screen, as text: what the UI lays out and what a screen reader
 * announces when it appears. `keepAwake` asks the UI to keep the display on
 * (the user is reading a number or waiting for the PC); `busy` asks for a
 * progress indicator.
 */
data class Screen(
    val title: String,
    val body: List<String>,
    val buttons: List<Button>,
    val announcement: String,
    val number: String? = null,
    val keepAwake: Boolean = false,
    val busy: Boolean = false,
)

/** One row of the certificate list. */
data class CertificateRow(val id: String, val title: String, val lines: List<String>, val announcement: String, val stale: Boolean)

/**
 * The screens as pure functions of the app's state and language. Every
 * sentence comes from the message catalog through the bindings; nothing
 * here is written in either language.
 */
object ScreenModel {
    fun of(phase: Phase, language: Language): Screen {
        val t = Texts(language)
        return when (phase) {
            is Phase.Home -> Screen(
                t("phone-home-title"), listOf(t("phone-purpose-body")),
                listOf(Button(Action.SCAN, t("phone-home-scan"), true), Button(Action.ENTER_CODE, t("phone-code-enter"))), t("phone-home-title"),
            )
            is Phase.Scanning -> {
                val title = t("phone-scan-title")
                val hint = t("phone-scan-hint")
                Screen(title, listOf(hint), listOf(Button(Action.ENTER_CODE, t("phone-code-enter")), Button(Action.CANCEL, t("phone-cancel"))), "$title. $hint")
            }
            is Phase.EnteringCode -> codeEntry(phase.entry, t)
            is Phase.ModeMismatch -> {
                val title = t("phone-mismatch-title")
                val body = t("phone-mismatch-body")
                Screen(title, listOf(body), listOf(Button(Action.RECEIVE_INSTEAD, t("phone-mismatch-receive"), true), Button(Action.CANCEL, t("phone-cancel"))), "$title. $body")
            }
            is Phase.Choosing -> choosing(phase, t)
            is Phase.Transfer -> transfer(phase.state, t)
        }
    }

    /**
     * The number pad: the digits grouped as the PC shows them in [Screen.number],
     * the catalog's error (a code of the wrong length) first in the body. The
     * screen reader hears the digits one by one.
     */
    fun codeEntry(entry: CodeEntry, language: Language): Screen = codeEntry(entry, Texts(language))

    private fun codeEntry(entry: CodeEntry, t: Texts): Screen {
        val title = t("phone-code-title")
        val hint = t("phone-code-hint")
        val error = entry.error?.let { render(it, t.language) }
        val typed = if (entry.digits.isEmpty()) t("phone-code-empty") else t.msg("phone-code-spoken", "spoken" to entry.spoken)
        val buttons = listOf(Button(Action.CONNECT_CODE, t("phone-code-connect"), true), Button(Action.USE_CAMERA, t("phone-code-use-camera")), Button(Action.CANCEL, t("phone-cancel")))
        return Screen(title, listOfNotNull(error, hint), buttons, listOfNotNull(title, error, typed).joinToString(". "), number = entry.grouped)
    }

    private fun choosing(phase: Phase.Choosing, t: Texts): Screen {
        if (phase.candidates.isEmpty()) {
            val none = t("err-nothing-to-send")
            return Screen(none, listOf(t("phone-home-empty")), listOf(Button(Action.CLOSE, t("phone-close"), true)), none)
        }
        val title = t("phone-choose-title")
        val send = t.msg("phone-choose-send", "count" to phase.candidates.size)
        return Screen(title, phase.candidates.map { it.info.holder }, listOf(Button(Action.CHOOSE_SEND, send, true), Button(Action.CANCEL, t("phone-cancel"))), title)
    }

    fun transfer(state: TransferState, language: Language): Screen = transfer(state, Texts(language))

    private fun transfer(state: TransferState, t: Texts): Screen {
        val cancel = Button(Action.CANCEL, t("phone-cancel"))
        return when (state) {
            is TransferState.Connecting -> {
                val title = t("phone-connecting-title")
                Screen(title, listOf(t("phone-keep-open")), listOf(cancel), title, keepAwake = true, busy = true)
            }
            is TransferState.Connected -> {
                val title = t.msg("phone-connected-to", "peer" to state.peer)
                Screen(title, listOf(t.path(state.path)), listOf(cancel), title, keepAwake = true, busy = true)
            }
            is TransferState.AskConsent -> {
                val title = t("phone-consent-title")
                val to = t.msg("phone-consent-to", "peer" to state.peer)
                val path = t.path(state.path)
                val body = listOf(to, path, t("phone-consent-warning"), t.msg("phone-consent-items", "count" to state.certificates.size)) +
                    state.certificates.map { "• $it" }
                val buttons = listOf(Button(Action.SEND, t("phone-consent-send"), true), Button(Action.DONT_SEND, t("phone-consent-decline")))
                Screen(title, body, buttons, "$title $to. $path", keepAwake = true)
            }
            is TransferState.ShowNumber -> {
                val title = t("phone-number-title")
                val body = listOf(t.msg("phone-connected-to", "peer" to state.peer), t.path(state.path), t("number-never-share"), t("phone-keep-open"))
                val buttons = listOf(Button(Action.READ_ALOUD, t("phone-read-aloud")), cancel)
                Screen(title, body, buttons, "$title. ${spokenNumber(state.number, t.language)}", number = grouped(state.number), keepAwake = true)
            }
            is TransferState.Moving -> {
                val id = if (state.sending) "phone-moving-sending" else "phone-moving-receiving"
                val title = t.msg(id, "count" to state.certificates)
                Screen(title, listOf(t("phone-keep-open")), listOf(cancel), title, keepAwake = true, busy = true)
            }
            is TransferState.Finished -> {
                val title = render(finishedTitle(state.sent, state.items), t.language)
                val lines = state.items.map { render(itemLine(it, state.sent, state.peer), t.language) }
                Screen(title, lines, listOf(Button(Action.CLOSE, t("phone-close"), true)), (listOf(title) + lines).joinToString(". "))
            }
            is TransferState.Failed -> {
                val title = render(failureTitle(state.failure.kind), t.language)
                val body = render(state.failure.explanation, t.language)
                val buttons = if (state.failure.kind == FailureKind.WRONG_CODE) {
                    listOf(Button(Action.ENTER_CODE, t("phone-code-enter"), true), Button(Action.CLOSE, t("phone-close")))
                } else if (state.failure.kind in RESCAN) {
                    listOf(Button(Action.SCAN_AGAIN, t("phone-scan-again"), true), Button(Action.CLOSE, t("phone-close")))
                } else {
                    listOf(Button(Action.CLOSE, t("phone-close"), true))
                }
                Screen(title, listOf(body), buttons, "$title. $body")
            }
        }
    }

    /** The home screen's list: readable certificates, then stale copies. */
    fun rows(certificates: List<StoredCertificate>, stale: List<StaleCertificate>, language: Language): List<CertificateRow> {
        val t = Texts(language)
        val readable = certificates.map { c ->
            val usage = usage(c.info, language)
            val status = render(certificateStatusLine(c.info), language)
            val announce = t.msg("phone-cert-announce", "name" to c.info.holder, "usage" to usage, "ca" to c.info.ca, "status" to status)
            CertificateRow(FolderCertificateStore.idOf(c.info), c.info.holder, listOf(t.msg("phone-cert-usage-ca", "usage" to usage, "ca" to c.info.ca), status), announce, stale = false)
        }
        val broken = stale.map { s ->
            val line = t("phone-cert-stale")
            CertificateRow(s.id, s.holder.ifEmpty { s.id }, listOf(s.ca, line), "${s.holder}, ${s.ca}, $line", stale = true)
        }
        return readable + broken
    }

    /** The certificate's use in the reader's language. */
    fun usage(info: CertificateInfo, language: Language): String =
        if (language == Language.KOREAN) info.usageLabelKo else info.usageLabelEn

    /** "123 456". */
    fun grouped(number: String): String = number.chunked(3).joinToString(" ")

    /** What a screen reader or read-aloud says: digit by digit, "1 2 3, 4 5 6". */
    fun spokenDigits(number: String): String = number.chunked(3).joinToString(", ") { it.toList().joinToString(" ") }

    fun spokenNumber(number: String, language: Language): String = Texts(language).msg("phone-number-spoken", "digits" to spokenDigits(number))

    /** Failures a fresh scan may mend (a new code, another try). */
    private val RESCAN = setOf(
        FailureKind.EXPIRED, FailureKind.INVALID_INVITE, FailureKind.REFUSED, FailureKind.UNREACHABLE,
        FailureKind.HANDSHAKE, FailureKind.DISCONNECTED, FailureKind.TIMEOUT,
    )

    /** Catalog look-ups in one language. */
    private class Texts(val language: Language) {
        operator fun invoke(id: String): String = render(Message(id, emptyList()), language)

        fun msg(id: String, vararg args: Pair<String, Any>): String = render(Message(id, args.map { (name, value) -> MessageArg(name, argOf(value)) }), language)

        fun path(path: TransferPath): String = this(if (path == TransferPath.RELAY) "phone-path-relay" else "phone-path-lan")

        private fun argOf(value: Any): ArgValue = when (value) {
            is Int -> ArgValue.Number(value.toLong())
            is Long -> ArgValue.Number(value)
            else -> ArgValue.Text(value.toString())
        }
    }
}
