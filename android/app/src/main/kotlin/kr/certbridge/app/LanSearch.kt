package kr.certbridge.app

import android.content.Context
import android.net.wifi.WifiManager

/**
 * Lets the library's mDNS browser hear the PC while a transfer runs: Android
 * drops multicast packets addressed to other hosts unless an app holds a
 * Wi-Fi multicast lock (permission `CHANGE_WIFI_MULTICAST_STATE`, granted at
 * install). A typed code finds its PC this way on the LAN; the lock is
 * released as soon as the transfer ends, since it costs battery.
 */
class LanSearch(context: Context) {
    private val lock: WifiManager.MulticastLock? =
        (context.applicationContext.getSystemService(Context.WIFI_SERVICE) as? WifiManager)
            ?.createMulticastLock("certbridge-code")
            ?.apply { setReferenceCounted(false) }

    fun hold(running: Boolean) {
        val held = lock ?: return
        if (running && !held.isHeld) held.acquire()
        if (!running && held.isHeld) held.release()
    }
}
