package kr.certbridge.app

import android.Manifest
import android.content.Intent
import android.content.pm.PackageManager
import android.net.Uri
import android.provider.Settings
import androidx.activity.compose.rememberLauncherForActivityResult
import androidx.activity.result.contract.ActivityResultContracts
import androidx.camera.core.CameraSelector
import androidx.camera.core.ImageAnalysis
import androidx.camera.core.Preview
import androidx.camera.lifecycle.ProcessCameraProvider
import androidx.camera.view.PreviewView
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.safeDrawingPadding
import androidx.compose.material3.Button
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.DisposableEffect
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.LocalContext
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.unit.dp
import androidx.compose.ui.viewinterop.AndroidView
import androidx.core.content.ContextCompat
import androidx.lifecycle.compose.LocalLifecycleOwner
import com.google.mlkit.vision.barcode.BarcodeScannerOptions
import com.google.mlkit.vision.barcode.BarcodeScanning
import com.google.mlkit.vision.barcode.common.Barcode
import com.google.mlkit.vision.common.InputImage
import java.util.concurrent.Executors
import java.util.concurrent.atomic.AtomicBoolean
import kr.certbridge.ffi.Language
import kr.certbridge.ffi.Message
import kr.certbridge.ffi.render
import kr.certbridge.sdk.Screen

/**
 * Scans the PC's QR code with CameraX and ML Kit and reports the first
 * CertBridge code once. One analysis executor and one scanner per screen;
 * the camera is unbound the moment a code is read, and everything is
 * released when the screen goes away.
 */
@Composable
fun ScanScreen(screen: Screen, language: Language, onCode: (String) -> Unit, onAction: (kr.certbridge.sdk.Action) -> Unit) {
    val context = LocalContext.current
    val text = { id: String -> render(Message(id, emptyList<kr.certbridge.ffi.MessageArg>()), language) }
    var granted by remember {
        mutableStateOf(ContextCompat.checkSelfPermission(context, Manifest.permission.CAMERA) == PackageManager.PERMISSION_GRANTED)
    }
    val ask = rememberLauncherForActivityResult(ActivityResultContracts.RequestPermission()) { granted = it }
    LaunchedEffect(Unit) { if (!granted) ask.launch(Manifest.permission.CAMERA) }
    Column(Modifier.fillMaxSize().safeDrawingPadding()) {
        Text(screen.title, Modifier.padding(16.dp))
        if (!granted) {
            Text(text("phone-camera-denied"), Modifier.padding(16.dp))
            Button(onClick = {
                context.startActivity(Intent(Settings.ACTION_APPLICATION_DETAILS_SETTINGS, Uri.fromParts("package", context.packageName, null)))
            }, modifier = Modifier.fillMaxWidth().padding(16.dp)) { Text(text("phone-camera-settings")) }
        } else {
            screen.body.forEach { Text(it, Modifier.padding(horizontal = 16.dp)) }
            Camera(Modifier.weight(1f).fillMaxWidth().semantics { contentDescription = text("phone-camera-label") }, onCode)
        }
        // "코드 직접 입력" (the number pad instead of the camera) and cancel.
        screen.buttons.forEach { button -> OutlinedButton(onClick = { onAction(button.action) }, modifier = Modifier.fillMaxWidth().padding(16.dp)) { Text(button.label) } }
    }
}

@Composable
private fun Camera(modifier: Modifier, onCode: (String) -> Unit) {
    val context = LocalContext.current
    val owner = LocalLifecycleOwner.current
    val executor = remember { Executors.newSingleThreadExecutor() }
    val scanner = remember {
        BarcodeScanning.getClient(BarcodeScannerOptions.Builder().setBarcodeFormats(Barcode.FORMAT_QR_CODE).build())
    }
    val delivered = remember { AtomicBoolean(false) }
    val providerFuture = remember { ProcessCameraProvider.getInstance(context) }
    DisposableEffect(Unit) {
        onDispose {
            providerFuture.addListener({ providerFuture.get().unbindAll() }, ContextCompat.getMainExecutor(context))
            scanner.close()
            executor.shutdown()
        }
    }
    Box(modifier) {
        AndroidView(factory = { ctx ->
            val view = PreviewView(ctx)
            providerFuture.addListener({
                val provider = providerFuture.get()
                val preview = Preview.Builder().build().also { it.surfaceProvider = view.surfaceProvider }
                val analysis = ImageAnalysis.Builder().setBackpressureStrategy(ImageAnalysis.STRATEGY_KEEP_ONLY_LATEST).build()
                analysis.setAnalyzer(executor) { proxy ->
                    val media = proxy.image
                    if (media == null || delivered.get()) {
                        proxy.close()
                        return@setAnalyzer
                    }
                    scanner.process(InputImage.fromMediaImage(media, proxy.imageInfo.rotationDegrees))
                        .addOnSuccessListener { codes ->
                            val code = codes.firstNotNullOfOrNull { it.rawValue?.takeIf { v -> v.startsWith("CERTBRIDGE:/") } }
                            if (code != null && delivered.compareAndSet(false, true)) {
                                // Release the camera at once: the transfer screen follows.
                                provider.unbindAll()
                                onCode(code)
                            }
                        }
                        .addOnCompleteListener { proxy.close() }
                }
                provider.unbindAll()
                provider.bindToLifecycle(owner, CameraSelector.DEFAULT_BACK_CAMERA, preview, analysis)
            }, ContextCompat.getMainExecutor(ctx))
            view
        }, modifier = Modifier.fillMaxSize())
    }
}
