package kr.certbridge.sdk

import java.util.concurrent.atomic.AtomicBoolean
import kotlinx.coroutines.channels.awaitClose
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.callbackFlow
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.flow.runningFold
import kotlinx.coroutines.flow.transformWhile
import kr.certbridge.ffi.CertificateStore
import kr.certbridge.ffi.CodeFinder
import kr.certbridge.ffi.Invite
import kr.certbridge.ffi.ScanSession
import kr.certbridge.ffi.SessionEvent
import kr.certbridge.ffi.SessionListener
import kr.certbridge.ffi.parseInvite

/**
 * A transfer for one scanned or typed code, as coroutines: [events] is a cold [Flow]
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
class CertBridgeTransfer private constructor(
    private val listener: FlowListener,
    open: (SessionListener) -> ScanSession,
) {
    private val session = open(listener)

    /** A transfer for a scanned code; throws `InviteException` for a damaged or expired one. */
    constructor(inviteText: String, deviceName: String, store: CertificateStore) :
        this(FlowListener(), { ScanSession(inviteText, deviceName, store, it) })

    /** What the scanned code says; `null` for a typed code (the PC says it once connected). */
    val invite: Invite? get() = session.invite()

    /** Phone → PC: delete this phone's copy of each certificate the PC confirmed. Before collecting. */
    fun setMoveSent(move: Boolean) = session.setMoveSent(move)

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

        /**
         * A transfer for a typed code (`728-166-322`); throws `CodeException`
         * for one of the wrong length. The PC is looked for on the LAN (by
         * [finder], or the library's mDNS browser when it is `null`) and at
         * [relayUrl]'s channel. [store] must be able to send and receive:
         * the PC says which once connected.
         */
        fun forCode(code: String, deviceName: String, store: CertificateStore, relayUrl: String? = null, finder: CodeFinder? = null) =
            CertBridgeTransfer(FlowListener()) { ScanSession.forCode(code, deviceName, relayUrl, finder, store, it) }
    }
}
