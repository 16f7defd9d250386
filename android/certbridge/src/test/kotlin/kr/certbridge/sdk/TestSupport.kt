package kr.certbridge.sdk

import java.io.File
import java.nio.file.Files
import java.security.SecureRandom
import java.util.concurrent.LinkedBlockingQueue
import java.util.concurrent.TimeUnit
import javax.crypto.Cipher
import javax.crypto.spec.GCMParameterSpec
import javax.crypto.spec.SecretKeySpec
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import kr.certbridge.ffi.CertificateFiles
import org.junit.Assume

/** The shared test vector and the `certbridge` program, or a skipped test. */
object Fixture {
    val bin: String? = System.getenv("CERTBRIDGE_BIN")
    val vector: File? = System.getenv("CERTBRIDGE_VECTOR")?.let(::File)

    fun requireTransfers() {
        Assume.assumeTrue("CERTBRIDGE_BIN and CERTBRIDGE_VECTOR are not set", bin != null && vector != null)
    }

    fun requireVector(): File {
        Assume.assumeTrue("CERTBRIDGE_VECTOR is not set", vector != null)
        return vector!!
    }

    fun vectorPath(): String = requireVector().path

    fun files(): CertificateFiles {
        val dir = requireVector()
        return CertificateFiles(File(dir, "signCert.der").readBytes(), File(dir, "signPri.key").readBytes(), null, null)
    }

    fun password(): String =
        Regex("\"password\"\\s*:\\s*\"([^\"]+)\"").find(File(requireVector(), "expected.json").readText())!!.groupValues[1]

    fun tempDir(prefix: String): File = Files.createTempDirectory(prefix).toFile()
}

/** AES-GCM with a key in memory: the app's Keystore sealer, minus the Keystore. */
class MemorySealer(private val key: ByteArray = ByteArray(32).also { SecureRandom().nextBytes(it) }) : FileSealer {
    override fun seal(plain: ByteArray): ByteArray {
        val cipher = Cipher.getInstance("AES/GCM/NoPadding").apply { init(Cipher.ENCRYPT_MODE, SecretKeySpec(key, "AES")) }
        return cipher.iv + cipher.doFinal(plain)
    }

    override fun open(sealed: ByteArray): ByteArray {
        val cipher = Cipher.getInstance("AES/GCM/NoPadding")
        cipher.init(Cipher.DECRYPT_MODE, SecretKeySpec(key, "AES"), GCMParameterSpec(128, sealed, 0, 12))
        return cipher.doFinal(sealed, 12, sealed.size - 12)
    }
}

/** `certbridge send|receive --json` on 127.0.0.1 (or [listen]; `null` for none), named "Test PC". */
class Desktop(vararg args: String, listen: String? = "127.0.0.1") : AutoCloseable {
    private val proc = ProcessBuilder(listOf(Fixture.bin!!) + args + listOf("--json", "--name", "Test PC") + listOfNotNull(listen?.let { "--listen" }, listen))
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .apply { environment()["CERTBRIDGE_LANG"] = "en" }
        .start()
    private val lines = LinkedBlockingQueue<String>()
    val seen = mutableListOf<String>()

    init {
        Thread {
            try {
                proc.inputStream.bufferedReader().forEachLine { lines.put(it) }
            } catch (e: java.io.IOException) {
                // The desktop was stopped: nothing more to read.
            }
        }.apply { isDaemon = true }.start()
    }

    fun next(): String {
        val line = lines.poll(TIMEOUT_S, TimeUnit.SECONDS) ?: throw AssertionError("desktop: no event; saw $seen")
        seen += line
        return line
    }

    /** The next `event` line, failing on an `error` line unless `event` is "error". */
    fun expect(event: String): String {
        while (true) {
            val line = next()
            if (line.contains("\"event\":\"$event\"")) return line
            if (line.contains("\"event\":\"error\"")) throw AssertionError("desktop failed: $line")
        }
    }

    fun inviteText(): String = Regex("\"text\":\"([^\"]+)\"").find(expect("invite"))!!.groupValues[1]

    /** The typed code of the next `invite` event (`728-166-322`). */
    fun typedCode(): String = Regex("\"code\":\"([0-9-]+)\"").find(expect("invite"))!!.groupValues[1]

    fun type(line: String) {
        proc.outputStream.write((line + "\n").toByteArray())
        proc.outputStream.flush()
    }

    /** Waits for the exit; returns the status. */
    fun exit(): Int {
        check(proc.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) { "desktop did not exit" }
        return proc.exitValue()
    }

    /** Stops (SIGSTOP) or resumes (SIGCONT) the desktop, to hold a phase still. */
    fun signal(name: String) {
        check(ProcessBuilder("kill", "-$name", proc.pid().toString()).start().waitFor() == 0) { "kill -$name" }
    }

    override fun close() {
        proc.destroyForcibly()
        proc.waitFor(TIMEOUT_S, TimeUnit.SECONDS)
    }

    companion object {
        const val TIMEOUT_S = 30L
    }
}

/** `certbridge-relay` on a free port of 127.0.0.1 (CERTBRIDGE_RELAY_BIN), or a skipped test. */
class RelayServer : AutoCloseable {
    val port: Int = java.net.ServerSocket(0).use { it.localPort }
    val url = "ws://127.0.0.1:$port"
    private val proc: Process

    init {
        val bin = System.getenv("CERTBRIDGE_RELAY_BIN")
        Assume.assumeTrue("CERTBRIDGE_RELAY_BIN is not set", bin != null)
        proc = ProcessBuilder(bin, "--listen", "127.0.0.1:$port", "--log", "warn").redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD).start()
        val deadline = System.nanoTime() + Desktop.TIMEOUT_S * 1_000_000_000
        while (runCatching { java.net.Socket("127.0.0.1", port).close() }.isFailure) {
            check(System.nanoTime() < deadline && proc.isAlive) { "the relay did not start" }
            Thread.sleep(50)
        }
    }

    override fun close() {
        proc.destroyForcibly()
        proc.waitFor(Desktop.TIMEOUT_S, TimeUnit.SECONDS)
    }
}

/** A controller on its own scope and store, and ways to wait for its phases. */
class Harness(
    val root: File = Fixture.tempDir("cb-store"),
    sealer: FileSealer = MemorySealer(),
    codeRelay: String? = null,
    codeFinder: kr.certbridge.ffi.CodeFinder? = null,
) : AutoCloseable {
    val store = FolderCertificateStore(root, sealer)
    private val scope = CoroutineScope(SupervisorJob() + Dispatchers.Default)
    val controller = TransferController(store, { "Test phone" }, scope, codeRelay, codeFinder)

    /** Waits until the phase matches. */
    fun <T : Any> await(what: String, match: (Phase) -> T?): T = runBlocking {
        withTimeout(Desktop.TIMEOUT_S * 1000) {
            var found: T? = null
            controller.phase.first { p -> match(p)?.also { found = it } != null }
            found!!
        }
    }

    inline fun <reified S : TransferState> awaitState(): S =
        await(S::class.simpleName ?: "state") { p ->
            val state = (p as? Phase.Transfer)?.state
            if (state is TransferState.Failed && S::class != TransferState.Failed::class) {
                throw AssertionError("failed: ${state.failure} ${state.detail}")
            }
            state as? S
        }

    override fun close() {
        scope.coroutineContext[kotlinx.coroutines.Job]?.cancel()
        root.deleteRecursively()
    }
}
