@file:Suppress("unused", "UNUSED_PARAMETER")

package android.speech.tts

import android.content.Context
import android.os.Bundle
import java.util.Locale

open class TextToSpeech(context: Context, listener: OnInitListener) {
    fun interface OnInitListener {
        fun onInit(status: Int)
    }

    open fun setLanguage(loc: Locale): Int = throw UnsupportedOperationException("Android stub")
    open fun speak(text: CharSequence, queueMode: Int, params: Bundle?, utteranceId: String): Int = throw UnsupportedOperationException("Android stub")
    open fun shutdown(): Unit = throw UnsupportedOperationException("Android stub")

    companion object {
        const val SUCCESS = 0
        const val QUEUE_FLUSH = 0
    }
}
