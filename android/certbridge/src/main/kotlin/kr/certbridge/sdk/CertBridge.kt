package kr.certbridge.sdk

import java.util.concurrent.atomic.AtomicBoolean
import kotlinx.coroutines.channels.awaitClose
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.callbackFlow
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.flow.runningFold
import kotlinx.coroutines.flow.transformWhile
import kr.certbridge.ffi.CertificateStore
import kr.certbridge.ffi.Invite
import kr.certbridge.ffi.ScanSession
import kr.certbridge.ffi.SessionEvent
import kr.certbridge.ffi.SessionListener
import kr.certbridge.ffi.parseInvite

/**
 * A transfer for one scanned code, as coroutines: [events] is a cold [Flow]
 * that starts the session when collected and completes after `Finished` or
 * `Failed`; cancelling the collector cancels the transfer.
 *
 * A transfer runs once, so [events], [states] and [run] may be collected
 * once in all; a second collection fails with [IllegalStateException]
 * without disturbing the first. To watch it from several places, share
 * one collection (`shareIn`, `stateIn`).
 *
 * Thin by design: every decision is made by the Rust core's session.
 */
class CertBridgeTransfer(
    inviteText: String,
    deviceName: String,
    store: CertificateStore,
) {
    private val listener = FlowListener()
    private val session = ScanSession(inviteText, deviceName, store, listener)

    val invite: Invite get() = session.invite()

    private val collected = AtomicBoolean(false)

    val events: Flow<SessionEvent> = callbackFlow {
        // Checked before the listener is touched: a second collector must
        // not take the first one's events.
        check(collected.compareAndSet(false, true)) {
            "a transfer runs once: collect its events or states in one place and share that collection"
        }
        listener.sink = { trySend(it) }
        session.start()
        awaitClose {
            listener.sink = null
            session.cancel()
        }
    }.transformWhile { event ->
        emit(event)
        event !is SessionEvent.Finished && event !is SessionEvent.Failed
    }

    /** The screen states, starting at [TransferState.Connecting]. */
    val states: Flow<TransferState> = events.runningFold(TransferState.Connecting as TransferState, TransferState::reduce)

    fun setConsent(consent: Boolean) = session.setConsent(consent)

    fun cancel() = session.cancel()

    /** Runs the transfer to its end; returns the final state. */
    suspend fun run(): TransferState = states.first { it.isFinal }

    private class FlowListener : SessionListener {
        @Volatile
        var sink: ((SessionEvent) -> Unit)? = null

        override fun onEvent(event: SessionEvent) {
            sink?.invoke(event)
        }
    }

    companion object {
        /** What a scanned code says, or an `InviteException` for a bad one. */
        fun describe(text: String): Invite = parseInvite(text)
    }
}
