// Stubs of AndroidX Lifecycle's ViewModel API. See README.md.
@file:Suppress("unused", "UNUSED_PARAMETER")

package androidx.lifecycle

import android.app.Application
import kotlinx.coroutines.CoroutineScope

abstract class ViewModel {
    protected open fun onCleared() {}
}

open class AndroidViewModel(application: Application) : ViewModel()

val ViewModel.viewModelScope: CoroutineScope
    get() = throw UnsupportedOperationException("AndroidX stub")
