@file:Suppress("unused", "UNUSED_PARAMETER")

package android.security.keystore

import java.security.spec.AlgorithmParameterSpec

class KeyGenParameterSpec private constructor() : AlgorithmParameterSpec {
    class Builder(keystoreAlias: String, purposes: Int) {
        fun setBlockModes(vararg blockModes: String): Builder = throw UnsupportedOperationException("Android stub")
        fun setEncryptionPaddings(vararg paddings: String): Builder = throw UnsupportedOperationException("Android stub")
        fun setKeySize(keySize: Int): Builder = throw UnsupportedOperationException("Android stub")
        fun build(): KeyGenParameterSpec = throw UnsupportedOperationException("Android stub")
    }
}

object KeyProperties {
    const val KEY_ALGORITHM_AES = "AES"
    const val PURPOSE_ENCRYPT = 1
    const val PURPOSE_DECRYPT = 2
    const val BLOCK_MODE_GCM = "GCM"
    const val ENCRYPTION_PADDING_NONE = "NoPadding"
}
