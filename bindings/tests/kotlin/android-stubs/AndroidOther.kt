// Stubs of the Android platform classes the app's non-Compose files use.
// See README.md. Each body throws: these are for compiling only.
@file:Suppress("unused", "UNUSED_PARAMETER")

package android.app

open class Application : android.content.Context()
