@file:Suppress("unused", "UNUSED_PARAMETER")

package android.provider

import android.content.ContentResolver

object Settings {
    object Global {
        const val DEVICE_NAME = "device_name"
        fun getString(resolver: ContentResolver, name: String): String? = throw UnsupportedOperationException("Android stub")
    }
}
