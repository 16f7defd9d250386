package kr.certbridge.app

import android.app.Application
import androidx.lifecycle.AndroidViewModel
import androidx.lifecycle.viewModelScope
import java.io.File
import java.util.Locale
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import kr.certbridge.ffi.CertificateException
import kr.certbridge.ffi.Language
import kr.certbridge.ffi.Message
import kr.certbridge.ffi.StoredCertificate
import kr.certbridge.ffi.checkPassword
import kr.certbridge.ffi.languageForTag
import kr.certbridge.ffi.listCertificates
import kr.certbridge.ffi.render
import kr.certbridge.sdk.Action
import kr.certbridge.sdk.FolderCertificateStore
import kr.certbridge.sdk.Phase
import kr.certbridge.sdk.ScreenModel
import kr.certbridge.sdk.StaleCertificate
import kr.certbridge.sdk.TransferController
import kr.certbridge.sdk.TransferState

/**
 * The Android shell over [TransferController]: it owns the store, the
 * speaker and the coroutine scope, and maps buttons to controller calls.
 * Every decision is the controller's; every sentence the catalog's.
 */
class TransferViewModel(app: Application) : AndroidViewModel(app) {
    val language: Language = languageForTag(Locale.getDefault().toLanguageTag())

    // noBackupFilesDir: never in a cloud backup; data_extraction_rules.xml
    // keeps it out of device-to-device transfer too.
    private val store = FolderCertificateStore(File(app.noBackupFilesDir, "certificates"), KeystoreSealer())
    val deviceName = DeviceName(app, render(Message("phone-default-device-name", emptyList()), language))
    // Typed codes: the PC is found on the LAN by the library's mDNS browser
    // (with the multicast lock below) and, when the app names one, at a
    // relay's channel. CertBridge runs no public relay: set CODE_RELAY to
    // yours (wss://…) to find PCs on other networks.
    val controller = TransferController(store, deviceName::current, viewModelScope, codeRelay = CODE_RELAY)
    private val speaker = Speaker(app)
    private val lan = LanSearch(app)

    private val certificatesFlow = MutableStateFlow<List<StoredCertificate>>(emptyList())
    val certificates: StateFlow<List<StoredCertificate>> = certificatesFlow
    private val staleFlow = MutableStateFlow<List<StaleCertificate>>(emptyList())
    val stale: StateFlow<List<StaleCertificate>> = staleFlow

    init {
        viewModelScope.launch {
            controller.phase.collect {
                if (it is Phase.Home) refresh()
                lan.hold(it is Phase.Transfer && !it.state.isFinal)
            }
        }
    }

    fun refresh() {
        viewModelScope.launch(Dispatchers.IO) {
            certificatesFlow.value = listCertificates(store)
            staleFlow.value = store.stale()
        }
    }

    /** A button of the current screen. */
    fun act(action: Action) {
        when (action) {
            Action.SCAN, Action.SCAN_AGAIN -> {
                controller.close()
                controller.scan()
            }
            Action.CLOSE -> controller.close()
            Action.CANCEL -> controller.cancel()
            Action.SEND -> controller.consent(true)
            Action.DONT_SEND -> controller.consent(false)
            Action.RECEIVE_INSTEAD -> controller.receiveInstead()
            Action.CHOOSE_SEND -> (controller.phase.value as? Phase.Choosing)?.let { controller.send(it.candidates) }
            Action.READ_ALOUD -> readAloud()
            Action.ENTER_CODE -> controller.enterCode()
            Action.CONNECT_CODE -> controller.submitCode()
            Action.USE_CAMERA -> controller.useCamera()
        }
    }

    fun sendChosen(chosen: List<StoredCertificate>) = controller.send(chosen)

    private fun readAloud() {
        val state = (controller.phase.value as? Phase.Transfer)?.state as? TransferState.ShowNumber ?: return
        val locale = if (language == Language.KOREAN) Locale.KOREAN else Locale.ENGLISH
        speaker.speak(ScreenModel.spokenNumber(state.number, language), locale)
    }

    /** True when `password` opens the certificate's key. */
    suspend fun checkPassword(certificate: StoredCertificate, password: String): Boolean? = withContext(Dispatchers.Default) {
        try {
            checkPassword(certificate.files, password)
        } catch (e: CertificateException) {
            null
        }
    }

    fun delete(certificate: StoredCertificate) {
        viewModelScope.launch(Dispatchers.IO) {
            store.delete(certificate.info)
            refresh()
        }
    }

    fun deleteStale(stale: StaleCertificate) {
        viewModelScope.launch(Dispatchers.IO) {
            store.delete(stale.id)
            refresh()
        }
    }

    override fun onCleared() {
        lan.hold(false)
        speaker.shutdown()
    }

    companion object {
        /** The relay at which typed codes are looked up besides the LAN; `null` for the LAN only. */
        val CODE_RELAY: String? = null
    }
}
