package kr.certbridge.app

import android.speech.tts.TextToSpeech
import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.Spacer
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.height
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material3.Button
import androidx.compose.material3.Card
import androidx.compose.material3.CircularProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.DisposableEffect
import androidx.compose.runtime.remember
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.LocalContext
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.heading
import androidx.compose.ui.semantics.liveRegion
import androidx.compose.ui.semantics.LiveRegionMode
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.text.font.FontFamily
import androidx.compose.ui.unit.dp
import androidx.compose.ui.unit.sp
import kr.certbridge.ffi.CertificateFiles
import kr.certbridge.ffi.CertificateInfo
import kr.certbridge.ffi.CertificateStatus
import kr.certbridge.ffi.FailureKind
import kr.certbridge.ffi.StoredCertificate
import kr.certbridge.ffi.TransferPath
import kr.certbridge.sdk.TransferState

@Composable
fun HomeScreen(
    certificates: List<StoredCertificate>,
    onImport: () -> Unit,
    onSend: (CertificateFiles) -> Unit,
    onSettings: () -> Unit,
) {
    Column(Modifier.fillMaxSize().padding(16.dp), verticalArrangement = Arrangement.spacedBy(12.dp)) {
        Text(
            stringResource(R.string.home_title),
            style = MaterialTheme.typography.headlineMedium,
            modifier = Modifier.semantics { heading() },
        )
        if (certificates.isEmpty()) Text(stringResource(R.string.home_empty))
        LazyColumn(Modifier.weight(1f), verticalArrangement = Arrangement.spacedBy(8.dp)) {
            items(certificates, key = { it.info.serialHex }) { (info, files) ->
                CertificateRow(info, onSend = { onSend(files) })
            }
        }
        Button(onClick = onImport, modifier = Modifier.fillMaxWidth()) { Text(stringResource(R.string.import_from_pc)) }
        OutlinedButton(onClick = onSettings, modifier = Modifier.fillMaxWidth()) { Text(stringResource(R.string.settings)) }
    }
}

@Composable
private fun CertificateRow(info: CertificateInfo, onSend: () -> Unit) {
    val left = if (info.status == CertificateStatus.EXPIRED) {
        stringResource(R.string.expired)
    } else {
        stringResource(R.string.days_left, info.daysLeft.toInt())
    }
    val send = stringResource(R.string.send_to_pc)
    Card(Modifier.fillMaxWidth().semantics(mergeDescendants = true) {}) {
        Column(Modifier.padding(12.dp)) {
            Text(info.subjectCn, style = MaterialTheme.typography.titleMedium)
            Text("${info.usageLabelKo} · ${info.ca}")
            Text(left)
            OutlinedButton(onClick = onSend, modifier = Modifier.semantics { contentDescription = "$send: ${info.subjectCn}" }) {
                Text(send)
            }
        }
    }
}

@Composable
fun TransferScreen(state: TransferState, onConsent: (Boolean) -> Unit, onCancel: () -> Unit, onClose: () -> Unit) {
    Column(
        Modifier.fillMaxSize().padding(24.dp).semantics { liveRegion = LiveRegionMode.Polite },
        verticalArrangement = Arrangement.spacedBy(16.dp),
    ) {
        when (state) {
            is TransferState.Connecting, is TransferState.Connected -> {
                CircularProgressIndicator()
                Text(stringResource(R.string.connecting))
            }
            is TransferState.ShowNumber -> NumberBlock(state.number, state.path)
            is TransferState.AskConsent -> {
                state.number?.let { NumberBlock(it, state.path) }
                Text(stringResource(R.string.consent_title, state.desktopName), style = MaterialTheme.typography.titleLarge)
                Text(stringResource(R.string.consent_body, state.desktopName, pathLabel(state.path)))
                state.certificates.forEach { Text("• $it") }
                Row(horizontalArrangement = Arrangement.spacedBy(12.dp)) {
                    Button(onClick = { onConsent(true) }) { Text(stringResource(R.string.consent_send)) }
                    OutlinedButton(onClick = { onConsent(false) }) { Text(stringResource(R.string.consent_decline)) }
                }
            }
            is TransferState.Moving -> {
                CircularProgressIndicator()
                Text(stringResource(R.string.moving, state.certificates))
            }
            is TransferState.Finished -> {
                Text(
                    if (state.sent) stringResource(R.string.done_sent, state.desktopName) else stringResource(R.string.done_received),
                    style = MaterialTheme.typography.headlineSmall,
                )
                Button(onClick = onClose) { Text(stringResource(R.string.close)) }
            }
            is TransferState.Failed -> {
                Text(stringResource(R.string.failed), style = MaterialTheme.typography.headlineSmall)
                Text(failureText(state.kind) ?: state.message)
                Button(onClick = onClose) { Text(stringResource(R.string.close)) }
            }
        }
        if (!state.isFinal) {
            Spacer(Modifier.height(8.dp))
            OutlinedButton(onClick = onCancel) { Text(stringResource(R.string.cancel)) }
        }
    }
}

@Composable
private fun NumberBlock(number: String, path: TransferPath) {
    val shown = TransferState.ShowNumber(number, "", path)
    val spoken = stringResource(R.string.number_spoken, shown.spoken)
    val context = LocalContext.current
    val tts = remember { TextToSpeech(context) {} }
    DisposableEffect(Unit) { onDispose { tts.shutdown() } }
    Text(stringResource(R.string.number_title), style = MaterialTheme.typography.titleLarge)
    Text(
        shown.grouped,
        fontSize = 48.sp,
        fontFamily = FontFamily.Monospace,
        modifier = Modifier.semantics { contentDescription = spoken },
    )
    OutlinedButton(onClick = { tts.speak(shown.spoken, TextToSpeech.QUEUE_FLUSH, null, "number") }) {
        Text(stringResource(R.string.read_aloud))
    }
    Text(pathLabel(path))
}

@Composable
private fun pathLabel(path: TransferPath) =
    stringResource(if (path == TransferPath.RELAY) R.string.via_relay else R.string.via_lan)

@Composable
private fun failureText(kind: FailureKind): String? = when (kind) {
    FailureKind.EXPIRED -> stringResource(R.string.error_expired)
    FailureKind.UNREACHABLE -> stringResource(R.string.error_unreachable)
    FailureKind.CODE_MISMATCH -> stringResource(R.string.error_code_mismatch)
    FailureKind.DISCONNECTED -> stringResource(R.string.error_disconnected)
    FailureKind.REFUSED -> stringResource(R.string.error_refused)
    else -> null
}

@Composable
fun SettingsScreen(vm: TransferViewModel, onBack: () -> Unit) {
    Column(Modifier.fillMaxSize().padding(16.dp), verticalArrangement = Arrangement.spacedBy(12.dp)) {
        Text(stringResource(R.string.settings), style = MaterialTheme.typography.headlineMedium, modifier = Modifier.semantics { heading() })
        Text(stringResource(R.string.settings_device_name))
        Text(vm.deviceName, modifier = Modifier.clickable { })
        Button(onClick = onBack) { Text(stringResource(R.string.close)) }
    }
}
