package kr.certbridge.sdk

import kr.certbridge.ffi.ItemResult
import kr.certbridge.ffi.SessionEvent
import kr.certbridge.ffi.TransferFailure
import kr.certbridge.ffi.TransferPath

/**
 * Where one transfer is, folded from the session's events. Pure Kotlin, so
 * the same reducer drives the Compose screens and the JVM tests.
 *
 * In phone → PC transfers the core asks for consent ([AskConsent]) before
 * it shows the number: the user first sees which PC, on which path, will
 * receive, and only after agreeing the number to type there.
 */
sealed interface TransferState {
    data object Connecting : TransferState

    data class Connected(val peer: String, val path: TransferPath) : TransferState

    data class AskConsent(val peer: String, val path: TransferPath, val certificates: List<String>) : TransferState

    data class ShowNumber(val number: String, val peer: String, val path: TransferPath) : TransferState

    data class Moving(val sending: Boolean, val certificates: Int, val peer: String, val path: TransferPath) : TransferState

    data class Finished(val sent: Boolean, val peer: String, val path: TransferPath, val items: List<ItemResult>) : TransferState

    /** `detail` is the core's own sentence, for logs; users read `failure`. */
    data class Failed(val failure: TransferFailure, val detail: String) : TransferState

    val isFinal: Boolean get() = this is Finished || this is Failed

    companion object {
        /** The next state after [event]. */
        fun reduce(state: TransferState, event: SessionEvent): TransferState {
            val (peer, path) = when (state) {
                is Connected -> state.peer to state.path
                is AskConsent -> state.peer to state.path
                is ShowNumber -> state.peer to state.path
                is Moving -> state.peer to state.path
                else -> "" to TransferPath.LAN
            }
            return when (event) {
                is SessionEvent.Connecting -> Connecting
                is SessionEvent.Connected -> Connected(event.peerName, event.path)
                is SessionEvent.ConsentRequired -> AskConsent(event.desktopName, event.path, event.certificates)
                is SessionEvent.VerificationNumber -> ShowNumber(event.number, peer, path)
                // The number stays on screen until the PC confirms it.
                is SessionEvent.WaitingForDesktop -> state
                is SessionEvent.Progress -> Moving(event.sending, event.certificates.toInt(), peer, path)
                is SessionEvent.Finished -> Finished(event.sent, event.peerName, event.path, event.items)
                is SessionEvent.Failed -> Failed(event.failure, event.detail)
            }
        }
    }
}
