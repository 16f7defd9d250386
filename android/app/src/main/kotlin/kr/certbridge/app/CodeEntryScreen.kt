package kr.certbridge.app

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.safeDrawingPadding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Modifier
import androidx.compose.ui.semantics.LiveRegionMode
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.heading
import androidx.compose.ui.semantics.liveRegion
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.text.font.FontFamily
import androidx.compose.ui.unit.dp
import androidx.compose.ui.unit.sp
import kr.certbridge.ffi.Message
import kr.certbridge.ffi.render
import kr.certbridge.sdk.Action
import kr.certbridge.sdk.Phase
import kr.certbridge.sdk.ScreenModel

/**
 * "코드 직접 입력": the alternative to the camera. A number pad of its own (no
 * system keyboard, so no suggestions or clipboard history keep the code);
 * the digits grouped 3-3-3 as the PC shows them; the catalog's error when
 * the code cannot be one. Everything it shows comes from
 * [ScreenModel.codeEntry]; the keys call the controller.
 */
@Composable
fun CodeEntryScreen(vm: TransferViewModel, phase: Phase.EnteringCode) {
    val screen = ScreenModel.codeEntry(phase.entry, vm.language)
    val text = { id: String -> render(Message(id, emptyList()), vm.language) }
    Column(
        Modifier.fillMaxSize().safeDrawingPadding().verticalScroll(rememberScrollState()).padding(24.dp),
        verticalArrangement = Arrangement.spacedBy(12.dp),
    ) {
        Text(screen.title, style = MaterialTheme.typography.headlineSmall, modifier = Modifier.semantics { heading() })
        Text(
            screen.number.orEmpty().ifEmpty { " " },
            fontSize = 40.sp,
            fontFamily = FontFamily.Monospace,
            modifier = Modifier.semantics {
                liveRegion = LiveRegionMode.Polite
                contentDescription = screen.announcement
            },
        )
        screen.body.forEach { Text(it) }
        val rows = listOf(listOf('1', '2', '3'), listOf('4', '5', '6'), listOf('7', '8', '9'))
        rows.forEach { keys ->
            Row(horizontalArrangement = Arrangement.spacedBy(8.dp), modifier = Modifier.fillMaxWidth()) {
                keys.forEach { key ->
                    OutlinedButton(onClick = { vm.controller.typeDigit(key) }, modifier = Modifier.weight(1f)) { Text(key.toString(), fontSize = 24.sp) }
                }
            }
        }
        Row(horizontalArrangement = Arrangement.spacedBy(8.dp), modifier = Modifier.fillMaxWidth()) {
            OutlinedButton(
                onClick = vm.controller::deleteDigit,
                modifier = Modifier.weight(1f).semantics { contentDescription = text("phone-code-delete") },
            ) { Text("⌫", fontSize = 24.sp) }
            OutlinedButton(onClick = { vm.controller.typeDigit('0') }, modifier = Modifier.weight(1f)) { Text("0", fontSize = 24.sp) }
        }
        ScreenButtons(screen.buttons, vm::act)
    }
}

