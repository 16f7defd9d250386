package kr.certbridge.app

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.safeDrawingPadding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.selection.toggleable
import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.AlertDialog
import androidx.compose.material3.Button
import androidx.compose.material3.Card
import androidx.compose.material3.Checkbox
import androidx.compose.material3.CircularProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.DisposableEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.rememberCoroutineScope
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.LocalView
import androidx.compose.ui.semantics.LiveRegionMode
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.heading
import androidx.compose.ui.semantics.liveRegion
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.text.font.FontFamily
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.ui.text.input.PasswordVisualTransformation
import androidx.compose.ui.unit.dp
import androidx.compose.ui.unit.sp
import kotlinx.coroutines.launch
import kr.certbridge.ffi.Message
import kr.certbridge.ffi.StoredCertificate
import kr.certbridge.ffi.render
import kr.certbridge.sdk.Action
import kr.certbridge.sdk.Phase
import kr.certbridge.sdk.Screen
import kr.certbridge.sdk.ScreenModel
import kr.certbridge.sdk.StaleCertificate

/** Lays out a [Screen] from the screen model: scrolls at any text size, pads by the system bars. */
@Composable
fun ScreenView(screen: Screen, onAction: (Action) -> Unit) {
    val view = LocalView.current
    DisposableEffect(screen.keepAwake) {
        // The number is read off this screen and typed on the PC: the display must not lock meanwhile.
        view.keepScreenOn = screen.keepAwake
        onDispose { view.keepScreenOn = false }
    }
    Column(
        Modifier.fillMaxSize().safeDrawingPadding().verticalScroll(rememberScrollState()).padding(24.dp),
        verticalArrangement = Arrangement.spacedBy(16.dp),
    ) {
        Text(
            screen.title,
            style = MaterialTheme.typography.headlineSmall,
            modifier = Modifier.semantics {
                heading()
                liveRegion = LiveRegionMode.Polite
                contentDescription = screen.announcement
            },
        )
        if (screen.busy) CircularProgressIndicator()
        screen.number?.let { Text(it, fontSize = 48.sp, fontFamily = FontFamily.Monospace) }
        screen.body.forEach { Text(it) }
        ScreenButtons(screen.buttons, onAction)
    }
}

/** A screen model's buttons: the primary one filled, each calling [onAction]. */
@Composable
fun ScreenButtons(buttons: List<kr.certbridge.sdk.Button>, onAction: (Action) -> Unit) {
    buttons.forEach { button ->
        if (button.primary) {
            Button(onClick = { onAction(button.action) }, modifier = Modifier.fillMaxWidth()) { Text(button.label) }
        } else {
            OutlinedButton(onClick = { onAction(button.action) }, modifier = Modifier.fillMaxWidth()) { Text(button.label) }
        }
    }
}

@Composable
fun HomeScreen(vm: TransferViewModel, certificates: List<StoredCertificate>, stale: List<StaleCertificate>) {
    val screen = ScreenModel.of(Phase.Home, vm.language)
    val rows = ScreenModel.rows(certificates, stale, vm.language)
    var details by remember { mutableStateOf<StoredCertificate?>(null) }
    Column(
        Modifier.fillMaxSize().safeDrawingPadding().verticalScroll(rememberScrollState()).padding(16.dp),
        verticalArrangement = Arrangement.spacedBy(12.dp),
    ) {
        Text(screen.title, style = MaterialTheme.typography.headlineMedium, modifier = Modifier.semantics { heading() })
        if (rows.isEmpty()) Text(t(vm, "phone-home-empty"))
        rows.forEach { row ->
            Card(Modifier.fillMaxWidth().semantics(mergeDescendants = true) { contentDescription = row.announcement }) {
                Column(Modifier.padding(12.dp)) {
                    Text(row.title, style = MaterialTheme.typography.titleMedium)
                    row.lines.forEach { Text(it) }
                    Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                        if (row.stale) {
                            OutlinedButton(onClick = { stale.firstOrNull { it.id == row.id }?.let(vm::deleteStale) }) {
                                Text(t(vm, "phone-delete-button"))
                            }
                        } else {
                            val certificate = certificates.first { kr.certbridge.sdk.FolderCertificateStore.idOf(it.info) == row.id }
                            OutlinedButton(onClick = { vm.controller.scan(listOf(certificate)) }) { Text(t(vm, "phone-send-button")) }
                            TextButton(onClick = { details = certificate }) { Text(t(vm, "phone-details-title")) }
                        }
                    }
                }
            }
        }
        screen.buttons.forEach { Button(onClick = { vm.act(it.action) }, modifier = Modifier.fillMaxWidth()) { Text(it.label) } }
        Text(t(vm, "phone-purpose-title"), style = MaterialTheme.typography.titleMedium, modifier = Modifier.semantics { heading() })
        screen.body.forEach { Text(it) }
    }
    details?.let { DetailsDialog(vm, it, onDismiss = { details = null }) }
}

@Composable
private fun DetailsDialog(vm: TransferViewModel, certificate: StoredCertificate, onDismiss: () -> Unit) {
    var password by remember { mutableStateOf("") }
    var verdict by remember { mutableStateOf<String?>(null) }
    var confirmDelete by remember { mutableStateOf(false) }
    val scope = rememberCoroutineScope()
    val info = certificate.info
    AlertDialog(
        onDismissRequest = onDismiss,
        title = { Text(info.holder) },
        text = {
            Column(Modifier.verticalScroll(rememberScrollState()), verticalArrangement = Arrangement.spacedBy(8.dp)) {
                Text("${t(vm, "field-usage")}: ${ScreenModel.usage(info, vm.language)}")
                Text("${t(vm, "field-issuer")}: ${info.issuerCn} (${info.ca})")
                Text("${t(vm, "field-valid")}: ${info.notBefore.take(10)} ~ ${info.notAfter.take(10)}")
                Text("${t(vm, "field-serial")}: ${info.serialHex}")
                OutlinedTextField(
                    value = password,
                    onValueChange = { password = it; verdict = null },
                    visualTransformation = PasswordVisualTransformation(),
                    keyboardOptions = KeyboardOptions(keyboardType = KeyboardType.Password),
                    label = { Text(t(vm, "password-prompt")) },
                )
                TextButton(onClick = {
                    scope.launch {
                        verdict = when (vm.checkPassword(certificate, password)) {
                            true -> t(vm, "password-right")
                            false -> t(vm, "phone-password-wrong")
                            null -> t(vm, "reject-invalid")
                        }
                    }
                }) { Text(t(vm, "phone-password-button")) }
                verdict?.let { Text(it, modifier = Modifier.semantics { liveRegion = LiveRegionMode.Polite }) }
                if (confirmDelete) Text(t(vm, "phone-delete-question", "name" to info.holder))
            }
        },
        confirmButton = {
            if (confirmDelete) {
                Button(onClick = { vm.delete(certificate); onDismiss() }) { Text(t(vm, "phone-delete-confirm")) }
            } else {
                TextButton(onClick = { confirmDelete = true }) { Text(t(vm, "phone-delete-button")) }
            }
        },
        dismissButton = { TextButton(onClick = onDismiss) { Text(t(vm, "phone-close")) } },
    )
}

@Composable
fun ChooseScreen(vm: TransferViewModel, phase: Phase.Choosing) {
    val screen = ScreenModel.of(phase, vm.language)
    var chosen by remember(phase) { mutableStateOf(phase.candidates.toSet()) }
    Column(
        Modifier.fillMaxSize().safeDrawingPadding().verticalScroll(rememberScrollState()).padding(24.dp),
        verticalArrangement = Arrangement.spacedBy(12.dp),
    ) {
        Text(screen.title, style = MaterialTheme.typography.headlineSmall, modifier = Modifier.semantics { heading() })
        phase.candidates.forEach { c ->
            val on = c in chosen
            Row(Modifier.fillMaxWidth().toggleable(value = on, onValueChange = { chosen = if (it) chosen + c else chosen - c })) {
                Checkbox(checked = on, onCheckedChange = null)
                Text("${c.info.holder} · ${ScreenModel.usage(c.info, vm.language)} · ${c.info.ca}")
            }
        }
        if (phase.candidates.isEmpty()) screen.body.forEach { Text(it) }
        screen.buttons.forEach { button ->
            val onClick = { if (button.action == Action.CHOOSE_SEND) vm.sendChosen(chosen.toList()) else vm.act(button.action) }
            Button(onClick = onClick, enabled = button.action != Action.CHOOSE_SEND || chosen.isNotEmpty(), modifier = Modifier.fillMaxWidth()) {
                Text(if (button.action == Action.CHOOSE_SEND) t(vm, "phone-choose-send", "count" to chosen.size) else button.label)
            }
        }
    }
}

private fun t(vm: TransferViewModel, id: String, vararg args: Pair<String, Any>): String =
    render(
        Message(id, args.map { (name, value) ->
            kr.certbridge.ffi.MessageArg(name, if (value is Int) kr.certbridge.ffi.ArgValue.Number(value.toLong()) else kr.certbridge.ffi.ArgValue.Text(value.toString()))
        }),
        vm.language,
    )
