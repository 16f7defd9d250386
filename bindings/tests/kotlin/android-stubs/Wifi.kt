// Stubs of android.net.wifi for the JVM compile check (see README.md).
@file:Suppress("unused", "UNUSED_PARAMETER")

package android.net.wifi

private fun stub(): Nothing = throw UnsupportedOperationException("Android stub")

abstract class WifiManager {
    open fun createMulticastLock(tag: String): MulticastLock = stub()

    abstract class MulticastLock {
        open fun acquire(): Unit = stub()
        open fun release(): Unit = stub()
        open fun setReferenceCounted(refCounted: Boolean): Unit = stub()
        open val isHeld: Boolean get() = stub()
    }
}
