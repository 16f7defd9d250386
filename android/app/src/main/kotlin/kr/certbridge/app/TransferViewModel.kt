package kr.certbridge.app

import android.app.Application
import android.os.Build
import androidx.lifecycle.AndroidViewModel
import androidx.lifecycle.viewModelScope
import java.io.File
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.Job
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import kr.certbridge.ffi.CertificateFiles
import kr.certbridge.ffi.FailureKind
import kr.certbridge.ffi.InviteException
import kr.certbridge.ffi.StoredCertificate
import kr.certbridge.ffi.listCertificates
import kr.certbridge.sdk.CertBridgeTransfer
import kr.certbridge.sdk.FolderCertificateStore
import kr.certbridge.sdk.TransferState

/** The app's state: stored certificates and the transfer in progress. */
class TransferViewModel(app: Application) : AndroidViewModel(app) {
    val store = FolderCertificateStore(File(app.filesDir, "certificates"), KeystoreSealer())

    private val _certificates = MutableStateFlow<List<StoredCertificate>>(emptyList())
    val certificates: StateFlow<List<StoredCertificate>> = _certificates

    private val _state = MutableStateFlow<TransferState?>(null)
    val state: StateFlow<TransferState?> = _state

    var deviceName: String = Build.MODEL
    private var transfer: CertBridgeTransfer? = null
    private var job: Job? = null

    init {
        refresh()
    }

    fun refresh() {
        viewModelScope.launch(Dispatchers.IO) {
            _certificates.value = listCertificates(store)
        }
    }

    /** Starts a transfer for a scanned code; `toSend` for phone → PC. */
    fun start(code: String, toSend: CertificateFiles?) {
        if (job?.isActive == true) return
        store.outgoing = listOfNotNull(toSend)
        val created = try {
            CertBridgeTransfer(code, deviceName, store)
        } catch (e: InviteException) {
            val kind = if (e is InviteException.Expired) FailureKind.EXPIRED else FailureKind.INVALID_INVITE
            _state.value = TransferState.Failed(kind, e.reason)
            return
        }
        transfer = created
        job = viewModelScope.launch {
            withContext(Dispatchers.IO) {
                created.states.collect { _state.value = it }
            }
            refresh()
        }
    }

    fun consent(yes: Boolean) = transfer?.setConsent(yes)

    fun cancel() {
        transfer?.cancel()
        job?.cancel()
    }

    fun reset() {
        _state.value = null
        transfer = null
    }
}
