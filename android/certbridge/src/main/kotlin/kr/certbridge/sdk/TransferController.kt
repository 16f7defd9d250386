package kr.certbridge.sdk

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.launch
import kr.certbridge.ffi.CertificateFiles
import kr.certbridge.ffi.CodeException
import kr.certbridge.ffi.CodeFinder
import kr.certbridge.ffi.InviteException
import kr.certbridge.ffi.StoredCertificate
import kr.certbridge.ffi.TransferFailure
import kr.certbridge.ffi.TransferMode
import kr.certbridge.ffi.failureExplanation
import kr.certbridge.ffi.listCertificates
import kr.certbridge.ffi.parseInvite

/** Where the app is: one value, so every screen is a function of it. */
sealed interface Phase {
    data object Home : Phase

    /** The camera is open. [sending] is what the user chose to send, if anything; [move] deletes it here once the PC has it. */
    data class Scanning(val sending: List<StoredCertificate>, val move: Boolean = false) : Phase

    /** The number pad instead of the camera ("코드 직접 입력"). */
    data class EnteringCode(val sending: List<StoredCertificate>, val entry: CodeEntry, val move: Boolean = false) : Phase

    /** The user chose to send, but the code is for receiving from the PC. */
    data class ModeMismatch(val inviteText: String) : Phase

    /** A phone → PC code was scanned: the user picks what to send. */
    data class Choosing(val inviteText: String, val candidates: List<StoredCertificate>) : Phase

    data class Transfer(val state: TransferState) : Phase
}

/**
 * The app's transfer flow, out of the UI: scan first, then follow the
 * code's direction (a code for receiving is never used to send, or the
 * other way round), the consent and the number, cancel at any step, the
 * result. Pure Kotlin: the Android `ViewModel` is a thin shell over it and
 * the JVM tests drive it through real transfers.
 *
 * A typed code ([enterCode], then [submitCode]) runs the same session
 * after the core finds the PC (on the LAN by [codeFinder] or the library's
 * mDNS browser, at [codeRelay]'s channel); its direction is the PC's to
 * say, so the store offers what the user chose to send, or else every
 * stored certificate, which the consent screen lists before anything goes.
 *
 * Every method is safe to call at any time: one that does not fit the
 * current [phase] (a late camera frame, a double tap) does nothing.
 */
class TransferController(
    private val store: FolderCertificateStore,
    private val deviceName: () -> String,
    private val scope: CoroutineScope,
    private val codeRelay: String? = null,
    private val codeFinder: CodeFinder? = null,
) {
    private val current = MutableStateFlow<Phase>(Phase.Home)
    val phase: StateFlow<Phase> = current

    private var transfer: CertBridgeTransfer? = null
    private var job: Job? = null
    /** What the last code was for, so that a new code can be typed after a wrong one. */
    private var lastSending: List<StoredCertificate> = emptyList()
    private var lastMove = false

    /** Opens the camera; `sending` when the user started from certificates to send. */
    fun scan(sending: List<StoredCertificate> = emptyList(), move: Boolean = false) {
        if (running()) return
        current.value = Phase.Scanning(sending, move)
    }

    /**
     * The number pad instead of the camera: from the camera, from home, or
     * after a finished transfer (a wrong code: the PC shows a new one).
     */
    fun enterCode() {
        when (val phase = current.value) {
            is Phase.Scanning -> current.value = Phase.EnteringCode(phase.sending, CodeEntry(), phase.move)
            is Phase.Home -> current.value = Phase.EnteringCode(emptyList(), CodeEntry())
            is Phase.Transfer -> if (phase.state.isFinal) {
                transfer = null
                current.value = Phase.EnteringCode(lastSending, CodeEntry(), lastMove)
            }
            else -> {}
        }
    }

    /** A key of the pad (a digit); [deleteDigit] for the delete key. */
    fun typeDigit(key: Char) = editCode { it.type(key) }

    fun deleteDigit() = editCode { it.delete() }

    /** Back to the camera from the pad. */
    fun useCamera() {
        val entering = current.value as? Phase.EnteringCode ?: return
        current.value = Phase.Scanning(entering.sending, entering.move)
    }

    /** Connects with the code typed, or shows why it cannot be one. */
    fun submitCode() {
        val entering = current.value as? Phase.EnteringCode ?: return
        when (val read = entering.entry.read()) {
            is CodeEntry.Result.Invalid -> current.value = entering.copy(entry = read.entry)
            is CodeEntry.Result.Code -> {
                val offered = entering.sending.ifEmpty { listCertificates(store) }
                lastSending = entering.sending
                lastMove = entering.move
                launch(offered.map { it.files }, entering.move) {
                    CertBridgeTransfer.forCode(read.code.grouped, deviceName(), store, codeRelay, codeFinder)
                }
            }
        }
    }

    private fun editCode(edit: (CodeEntry) -> CodeEntry) {
        val entering = current.value as? Phase.EnteringCode ?: return
        current.value = entering.copy(entry = edit(entering.entry))
    }

    /** A code the camera read. */
    fun scanned(text: String) {
        val scanning = current.value as? Phase.Scanning ?: return
        val invite = try {
            parseInvite(text)
        } catch (e: InviteException) {
            fail(e)
            return
        }
        when {
            invite.mode == TransferMode.DESKTOP_SENDS && scanning.sending.isNotEmpty() ->
                current.value = Phase.ModeMismatch(text)
            invite.mode == TransferMode.DESKTOP_SENDS -> start(text, emptyList())
            scanning.sending.isNotEmpty() -> start(text, scanning.sending.map { it.files }, scanning.move)
            else -> current.value = Phase.Choosing(text, listCertificates(store))
        }
    }

    /** On [Phase.ModeMismatch]: follow the code and receive instead. */
    fun receiveInstead() {
        val mismatch = current.value as? Phase.ModeMismatch ?: return
        start(mismatch.inviteText, emptyList())
    }

    /** On [Phase.Choosing]: send these; [move] deletes them here once the PC confirmed them. */
    fun send(chosen: List<StoredCertificate>, move: Boolean = false) {
        val choosing = current.value as? Phase.Choosing ?: return
        if (chosen.isEmpty()) return
        start(choosing.inviteText, chosen.map { it.files }, move)
    }

    /** The answer to [TransferState.AskConsent]. */
    fun consent(yes: Boolean) {
        val state = (current.value as? Phase.Transfer)?.state
        if (state is TransferState.AskConsent) transfer?.setConsent(yes)
    }

    /**
     * Stops what is going on. A running transfer is cancelled in the core,
     * which tells the PC and ends with `Failed(CANCELLED)` on screen; before
     * a transfer starts, this goes back home.
     */
    fun cancel() {
        when (val phase = current.value) {
            is Phase.Transfer -> if (!phase.state.isFinal) transfer?.cancel()
            else -> current.value = Phase.Home
        }
    }

    /** Leaves a finished transfer's screen. */
    fun close() {
        val phase = current.value
        if (phase is Phase.Transfer && !phase.state.isFinal) return
        transfer = null
        current.value = Phase.Home
    }

    private fun running() = (current.value as? Phase.Transfer)?.state?.isFinal == false

    private fun start(text: String, outgoing: List<CertificateFiles>, move: Boolean = false) =
        launch(outgoing, move) { CertBridgeTransfer(text, deviceName(), store) }

    private fun launch(outgoing: List<CertificateFiles>, move: Boolean, open: () -> CertBridgeTransfer) {
        store.outgoing = outgoing
        val created = try {
            open()
        } catch (e: InviteException) {
            fail(e)
            return
        } catch (e: CodeException) {
            val failure = when (e) {
                is CodeException.Malformed -> e.failure
            }
            current.value = Phase.Transfer(TransferState.Failed(failure, e.toString()))
            return
        }
        created.setMoveSent(move)
        transfer = created
        current.value = Phase.Transfer(TransferState.Connecting)
        job = scope.launch {
            try {
                created.states.collect { current.value = Phase.Transfer(it) }
            } catch (e: kr.certbridge.ffi.SessionStateException) {
                current.value = Phase.Transfer(TransferState.Failed(otherFailure(), e.toString()))
            }
        }
    }

    private fun fail(e: InviteException) {
        val failure = when (e) {
            is InviteException.Invalid -> e.failure
            is InviteException.Expired -> e.failure
        }
        current.value = Phase.Transfer(TransferState.Failed(failure, e.toString()))
    }

    private fun otherFailure() = TransferFailure(kr.certbridge.ffi.FailureKind.OTHER, failureExplanation(kr.certbridge.ffi.FailureKind.OTHER))
}
