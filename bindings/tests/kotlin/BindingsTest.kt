// The generated Kotlin bindings and the Android wrapper's pure-Kotlin code
// (FolderCertificateStore, TransferState), run on the JVM against the
// `certbridge` desktop program on 127.0.0.1: a real export and import.
//
// Run by tests/tests/bindings.rs with CERTBRIDGE_BIN and CERTBRIDGE_VECTOR
// set and jna.library.path pointing at the cdylib.

import java.io.File
import java.nio.file.Files
import java.util.concurrent.LinkedBlockingQueue
import java.util.concurrent.TimeUnit
import kr.certbridge.ffi.*
import kr.certbridge.sdk.FolderCertificateStore
import kr.certbridge.sdk.TransferState

val BIN = System.getenv("CERTBRIDGE_BIN") ?: error("CERTBRIDGE_BIN is not set")
val VECTOR = File(System.getenv("CERTBRIDGE_VECTOR") ?: error("CERTBRIDGE_VECTOR is not set"))
val PASSWORD: String = Regex("\"password\"\\s*:\\s*\"([^\"]+)\"").find(File(VECTOR, "expected.json").readText())!!.groupValues[1]
const val TIMEOUT_S = 30L

fun check(ok: Boolean, what: () -> String) {
    if (!ok) throw AssertionError(what())
}

fun vectorFiles() = CertificateFiles(
    signCert = File(VECTOR, "signCert.der").readBytes(),
    signKey = File(VECTOR, "signPri.key").readBytes(),
    kmCert = null,
    kmKey = null,
)

/** Collects events and folds them into the app's screen state. */
class Recorder : SessionListener {
    val events = LinkedBlockingQueue<SessionEvent>()
    var state: TransferState = TransferState.Connecting

    override fun onEvent(event: SessionEvent) {
        events.put(event)
    }

    inline fun <reified T : SessionEvent> expect(): T {
        while (true) {
            val event = events.poll(TIMEOUT_S, TimeUnit.SECONDS) ?: throw AssertionError("no ${T::class.simpleName} event")
            state = TransferState.reduce(state, event)
            if (event is T) return event
            if (event is SessionEvent.Failed) throw AssertionError("session failed: ${event.failure.kind} ${event.detail}")
        }
    }
}

/** `certbridge send|receive --json` on 127.0.0.1. */
class Desktop(vararg args: String) {
    private val proc = ProcessBuilder(listOf(BIN) + args + listOf("--json", "--listen", "127.0.0.1", "--name", "Test PC"))
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start()
    private val lines = LinkedBlockingQueue<String>()

    init {
        Thread { proc.inputStream.bufferedReader().forEachLine { lines.put(it) } }.apply { isDaemon = true }.start()
    }

    fun expect(event: String): String {
        while (true) {
            val line = lines.poll(TIMEOUT_S, TimeUnit.SECONDS) ?: throw AssertionError("desktop: no $event event")
            if (line.contains("\"event\":\"$event\"")) return line
            check(!line.contains("\"event\":\"error\"")) { "desktop failed: $line" }
        }
    }

    fun inviteText(): String = Regex("\"text\":\"([^\"]+)\"").find(expect("invite"))!!.groupValues[1]

    fun type(line: String) {
        proc.outputStream.write((line + "\n").toByteArray())
        proc.outputStream.flush()
    }

    fun finish(): Int {
        proc.outputStream.close()
        check(proc.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) { "desktop did not exit" }
        return proc.exitValue()
    }

    fun kill() = proc.destroyForcibly()
}

fun parseInviteAndErrors() {
    val desktop = Desktop("send", VECTOR.path, "--allow-expired")
    try {
        val invite = parseInvite(desktop.inviteText())
        check(invite.mode == TransferMode.DESKTOP_SENDS) { "mode ${invite.mode}" }
        // The name travels in the handshake, not in the code.
        check(invite.desktopName == null) { "name ${invite.desktopName}" }
        check(invite.hasLan && !invite.hasRelay) { "paths $invite" }
    } finally {
        desktop.kill()
    }
    try {
        parseInvite("CERTBRIDGE:/0123")
        throw AssertionError("a damaged code was accepted")
    } catch (e: InviteException.Invalid) {
        check(e.reason.isNotEmpty() && e.failure.kind == FailureKind.INVALID_INVITE) { "no message" }
    }
}

fun inspectAndPassword() {
    val info = inspectCertificate(vectorFiles())
    check(info.serialHex == "459C75") { "serial ${info.serialHex}" }
    check(info.status == CertificateStatus.EXPIRED) { "status ${info.status}" }
    check(info.usageLabelKo.contains("은행")) { "usage ${info.usageLabelKo}" }
    check(checkPassword(vectorFiles(), PASSWORD)) { "the right password was refused" }
    check(!checkPassword(vectorFiles(), "틀린 암호")) { "a wrong password was accepted" }
}

fun exportPcToPhone() {
    val root = Files.createTempDirectory("kt-store").toFile()
    val store = FolderCertificateStore(File(root, "certs"))
    val desktop = Desktop("send", VECTOR.path, "--allow-expired")
    try {
        val recorder = Recorder()
        val session = ScanSession(desktop.inviteText(), "Kotlin phone", store, recorder)
        session.start()
        val number = recorder.expect<SessionEvent.VerificationNumber>().number
        val shown = recorder.state as TransferState.ShowNumber
        check(shown.peer == "Test PC" && shown.number.length == 6) { "screen $shown" }
        desktop.expect("enter_code")
        desktop.type(number)
        val done = recorder.expect<SessionEvent.Finished>()
        check(!done.sent && done.items.map { it.status } == listOf(ItemStatus.INSTALLED)) { "finished $done" }
        check(recorder.state is TransferState.Finished) { "state ${recorder.state}" }
        check(desktop.finish() == 0) { "desktop exit" }
        session.destroy()
    } finally {
        desktop.kill()
    }
    val saved = store.list()
    check(saved.size == 1) { "saved ${saved.size}" }
    check(saved[0].signCert.contentEquals(File(VECTOR, "signCert.der").readBytes())) { "signCert differs" }
    check(saved[0].signKey.contentEquals(File(VECTOR, "signPri.key").readBytes())) { "signPri differs" }
    val listed = listCertificates(store)
    check(listed.map { it.info.serialHex } == listOf("459C75")) { "list" }
    check(listed[0].files.signCert.contentEquals(File(VECTOR, "signCert.der").readBytes())) { "listed files" }
    root.deleteRecursively()
}

fun importPhoneToPc() {
    val root = Files.createTempDirectory("kt-import").toFile()
    val installRoot = File(root, "NPKI")
    val store = FolderCertificateStore(File(root, "certs")).apply { outgoing = listOf(vectorFiles()) }
    val desktop = Desktop("receive", "--install-root", installRoot.path)
    try {
        val recorder = Recorder()
        val session = ScanSession(desktop.inviteText(), "Kotlin phone", store, recorder)
        check(session.invite()?.mode == TransferMode.DESKTOP_RECEIVES) { "mode" }
        session.start()
        // Consent first: the number is shown once the user agreed.
        val consent = recorder.expect<SessionEvent.ConsentRequired>()
        check(consent.desktopName == "Test PC" && consent.path == TransferPath.LAN && consent.certificates.size == 1) { "consent $consent" }
        session.setConsent(true)
        val number = recorder.expect<SessionEvent.VerificationNumber>().number
        desktop.expect("enter_code")
        desktop.type(number)
        val done = recorder.expect<SessionEvent.Finished>()
        check(done.sent) { "finished $done" }
        check(desktop.finish() == 0) { "desktop exit" }
    } finally {
        desktop.kill()
    }
    val installed = File(installRoot, "yessign/USER").listFiles()!!.single()
    for (name in listOf("signCert.der", "signPri.key")) {
        check(File(installed, name).readBytes().contentEquals(File(VECTOR, name).readBytes())) { "$name differs" }
    }
    root.deleteRecursively()
}

fun main() {
    val tests = listOf(
        "parse_invite and typed errors" to ::parseInviteAndErrors,
        "inspect_certificate and check_password" to ::inspectAndPassword,
        "export PC to phone" to ::exportPcToPhone,
        "import phone to PC" to ::importPhoneToPc,
    )
    var failed = 0
    for ((name, test) in tests) {
        try {
            test()
            println("PASS kotlin: $name")
        } catch (e: Throwable) {
            failed++
            println("FAIL kotlin: $name: $e")
            e.printStackTrace()
        }
    }
    println("kotlin: ${tests.size - failed} passed, $failed failed")
    kotlin.system.exitProcess(if (failed == 0) 0 else 1)
}
