package kr.certbridge.app

import android.content.Context
import android.speech.tts.TextToSpeech
import java.util.Locale

/**
 * Reads the verification number aloud. One engine for the app's life, owned
 * by the ViewModel (not by a screen, which is rebuilt on every change).
 * Android 11+ only lets the app see the TTS service because the manifest
 * declares it in `<queries>`.
 */
class Speaker(context: Context) {
    @Volatile
    private var ready = false
    private val engine = TextToSpeech(context.applicationContext) { status -> ready = status == TextToSpeech.SUCCESS }

    /** Speaks `text` in `locale`; false when no engine is available. */
    fun speak(text: String, locale: Locale): Boolean {
        if (!ready) return false
        engine.setLanguage(locale)
        return engine.speak(text, TextToSpeech.QUEUE_FLUSH, null, "certbridge-number") == TextToSpeech.SUCCESS
    }

    fun shutdown() = engine.shutdown()
}
