package kr.certbridge.app

import android.content.Context
import android.provider.Settings

/**
 * The name the PC shows for this phone: the one the user chose in the app,
 * else the name the user gave the phone in the system settings ("홍길동의
 * Galaxy S24"), never the model code (`Build.MODEL`, e.g. SM-S928N).
 */
class DeviceName(private val context: Context, private val fallback: String) {
    private val prefs = context.getSharedPreferences("certbridge", Context.MODE_PRIVATE)

    fun current(): String = prefs.getString(KEY, null)?.takeIf { it.isNotBlank() } ?: system() ?: fallback

    fun set(name: String) {
        prefs.edit().putString(KEY, name.trim()).apply()
    }

    private fun system(): String? =
        Settings.Global.getString(context.contentResolver, Settings.Global.DEVICE_NAME)?.takeIf { it.isNotBlank() }

    private companion object {
        const val KEY = "device_name"
    }
}
