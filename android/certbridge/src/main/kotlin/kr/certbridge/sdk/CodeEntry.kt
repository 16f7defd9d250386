package kr.certbridge.sdk

import kr.certbridge.ffi.CodeException
import kr.certbridge.ffi.Message
import kr.certbridge.ffi.TypedCode
import kr.certbridge.ffi.readCode

/**
 * The "enter the code" screen's number pad, as a value: the digits typed so
 * far, grouped as the PC shows them, and the catalog's error once the user
 * asks to connect with a code that cannot be one. Whether a code is well
 * formed is the core's rule ([readCode]); the grouping while typing is
 * this screen's.
 */
data class CodeEntry(val digits: String = "", val error: Message? = null) {
    /** One more digit from the pad (anything else, or a 13th digit, is ignored). */
    fun type(key: Char): CodeEntry =
        if (key in '0'..'9' && digits.length < MAX_DIGITS) CodeEntry(digits + key) else this

    /** Pasted or dictated text: its digits, as if typed one by one. */
    fun paste(text: String): CodeEntry = text.fold(this) { entry, c -> entry.type(c) }

    fun delete(): CodeEntry = CodeEntry(digits.dropLast(1))

    /**
     * The digits as the PC groups them: threes while typing (`728-16`), and
     * from the tenth digit on the last six split in two after a longer
     * channel (`1234-567-890`).
     */
    val grouped: String get() = group(digits)

    /** What a screen reader says, digit by digit: "7 2 8, 1 6". */
    val spoken: String get() = grouped.split('-').filter { it.isNotEmpty() }.joinToString(", ") { it.toList().joinToString(" ") }

    /** The code read by the core's rules, or this entry with the catalog's error. */
    fun read(): Result = try {
        Result.Code(readCode(digits))
    } catch (e: CodeException) {
        val failure = when (e) {
            is CodeException.Malformed -> e.failure
        }
        Result.Invalid(copy(error = failure.explanation))
    }

    sealed interface Result {
        data class Code(val code: TypedCode) : Result

        data class Invalid(val entry: CodeEntry) : Result
    }

    companion object {
        const val MAX_DIGITS = 12
        private const val SECRET = 6

        fun group(digits: String): String {
            if (digits.length <= 9) return digits.chunked(3).joinToString("-")
            val channel = digits.length - SECRET
            return listOf(digits.take(channel), digits.substring(channel, channel + 3), digits.substring(channel + 3)).joinToString("-")
        }
    }
}
