// Stubs of the Android platform classes the app's non-Compose files use.
// See README.md. Each body throws: these are for compiling only.
@file:Suppress("unused", "UNUSED_PARAMETER")

package android.content

import java.io.File

private fun stub(): Nothing = throw UnsupportedOperationException("Android stub")

abstract class Context {
    open val applicationContext: Context get() = stub()
    open val contentResolver: ContentResolver get() = stub()
    open val noBackupFilesDir: File get() = stub()
    open val filesDir: File get() = stub()
    open fun getSharedPreferences(name: String, mode: Int): SharedPreferences = stub()
    open fun getSystemService(name: String): Any? = stub()

    companion object {
        const val MODE_PRIVATE = 0
        const val WIFI_SERVICE = "wifi"
    }
}

abstract class ContentResolver

interface SharedPreferences {
    fun getString(key: String, defValue: String?): String?
    fun edit(): Editor

    interface Editor {
        fun putString(key: String, value: String?): Editor
        fun apply()
    }
}
