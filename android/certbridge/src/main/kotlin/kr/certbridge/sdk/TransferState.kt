package kr.certbridge.sdk

import kr.certbridge.ffi.FailureKind
import kr.certbridge.ffi.ItemResult
import kr.certbridge.ffi.SessionEvent
import kr.certbridge.ffi.TransferPath

/**
 * What a transfer screen shows, folded from the session's events. Pure
 * Kotlin, so the same reducer drives the Compose screens and the JVM tests.
 */
sealed interface TransferState {
    data object Connecting : TransferState
    data class Connected(val desktopName: String, val path: TransferPath) : TransferState
    data class ShowNumber(val number: String, val desktopName: String, val path: TransferPath) : TransferState {
        /** The number grouped for reading, e.g. "123 456". */
        val grouped: String get() = number.chunked(3).joinToString(" ")

        /** Digit by digit, for TalkBack: "1 2 3, 4 5 6". */
        val spoken: String get() = number.chunked(3).joinToString(", ") { it.toList().joinToString(" ") }
    }
    data class AskConsent(
        val number: String?,
        val desktopName: String,
        val path: TransferPath,
        val certificates: List<String>,
    ) : TransferState
    data class Moving(val sending: Boolean, val certificates: Int, val bytes: Long) : TransferState
    data class Finished(val sent: Boolean, val desktopName: String, val path: TransferPath, val items: List<ItemResult>) : TransferState
    data class Failed(val kind: FailureKind, val message: String) : TransferState

    val isFinal: Boolean get() = this is Finished || this is Failed

    companion object {
        /** The next state after [event]. */
        fun reduce(state: TransferState, event: SessionEvent): TransferState {
            val (name, path) = when (state) {
                is Connected -> state.desktopName to state.path
                is ShowNumber -> state.desktopName to state.path
                is AskConsent -> state.desktopName to state.path
                else -> "" to TransferPath.LAN
            }
            return when (event) {
                is SessionEvent.Connecting -> Connecting
                is SessionEvent.Connected -> Connected(event.peerName, event.path)
                is SessionEvent.VerificationNumber -> ShowNumber(event.number, name, path)
                is SessionEvent.ConsentRequired ->
                    AskConsent((state as? ShowNumber)?.number, event.desktopName, event.path, event.certificates)
                is SessionEvent.WaitingForDesktop -> state
                is SessionEvent.Progress -> Moving(event.sending, event.certificates.toInt(), event.bytes.toLong())
                is SessionEvent.Finished -> Finished(event.sent, event.peerName, event.path, event.items)
                is SessionEvent.Failed -> Failed(event.kind, event.message)
            }
        }
    }
}
