package kr.certbridge.app

import android.os.Bundle
import androidx.activity.ComponentActivity
import androidx.activity.compose.setContent
import androidx.activity.viewModels
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Surface
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import kr.certbridge.ffi.CertificateFiles

/** Home → scan → number → (consent) → progress → done, for both directions. */
class MainActivity : ComponentActivity() {
    private val vm: TransferViewModel by viewModels()

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        setContent {
            MaterialTheme {
                Surface {
                    var screen by remember { mutableStateOf("home") }
                    var toSend by remember { mutableStateOf<CertificateFiles?>(null) }
                    val certificates by vm.certificates.collectAsState()
                    val state by vm.state.collectAsState()
                    val current = state
                    when {
                        current != null -> TransferScreen(
                            state = current,
                            onConsent = vm::consent,
                            onCancel = vm::cancel,
                            onClose = {
                                vm.reset()
                                screen = "home"
                            },
                        )
                        screen == "scan" -> ScanScreen(onCode = { vm.start(it, toSend) })
                        screen == "settings" -> SettingsScreen(vm, onBack = { screen = "home" })
                        else -> HomeScreen(
                            certificates = certificates,
                            onImport = {
                                toSend = null
                                screen = "scan"
                            },
                            onSend = {
                                toSend = it
                                screen = "scan"
                            },
                            onSettings = { screen = "settings" },
                        )
                    }
                }
            }
        }
    }
}
