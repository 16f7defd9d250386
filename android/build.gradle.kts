// AGP 8.11 builds against API 36 (Play's target for updates from
// August 2026) and runs on the wrapper's Gradle 8.14.
plugins {
    id("com.android.application") version "8.11.1" apply false
    id("com.android.library") version "8.11.1" apply false
    id("org.jetbrains.kotlin.android") version "2.2.0" apply false
    id("org.jetbrains.kotlin.plugin.compose") version "2.2.0" apply false
}
