package kr.certbridge.app

import android.os.Bundle
import androidx.activity.ComponentActivity
import androidx.activity.compose.BackHandler
import androidx.activity.compose.setContent
import androidx.activity.enableEdgeToEdge
import androidx.activity.viewModels
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Surface
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import kr.certbridge.sdk.Phase
import kr.certbridge.sdk.ScreenModel

/**
 * One activity; what it shows is a function of the controller's phase.
 * Edge to edge (the default from Android 15): every screen pads itself by
 * the system bars and the cutout (`safeDrawingPadding`).
 */
class MainActivity : ComponentActivity() {
    private val vm: TransferViewModel by viewModels()

    override fun onCreate(savedInstanceState: Bundle?) {
        enableEdgeToEdge()
        super.onCreate(savedInstanceState)
        setContent {
            MaterialTheme {
                Surface {
                    val phase by vm.controller.phase.collectAsState()
                    val certificates by vm.certificates.collectAsState()
                    val stale by vm.stale.collectAsState()
                    BackHandler(enabled = phase !is Phase.Home) { vm.act(kr.certbridge.sdk.Action.CANCEL) }
                    when (val current = phase) {
                        is Phase.Home -> HomeScreen(vm, certificates, stale)
                        is Phase.Scanning -> ScanScreen(
                            screen = ScreenModel.of(current, vm.language),
                            language = vm.language,
                            onCode = vm.controller::scanned,
                            onAction = vm::act,
                        )
                        is Phase.Choosing -> ChooseScreen(vm, current)
                        is Phase.EnteringCode -> CodeEntryScreen(vm, current)
                        else -> ScreenView(ScreenModel.of(current, vm.language), vm::act)
                    }
                }
            }
        }
    }
}
