// :certbridge — the library app makers embed: the generated UniFFI Kotlin,
// the Rust core as jniLibs for every ABI, and a thin coroutine wrapper.

plugins {
    id("com.android.library")
    id("org.jetbrains.kotlin.android")
}

val workspace = rootProject.projectDir.parentFile
val generatedKotlin = layout.buildDirectory.dir("generated/uniffi/kotlin")
val jniLibsOut = layout.buildDirectory.dir("generated/jniLibs")
val abis = listOf("arm64-v8a", "armeabi-v7a", "x86_64")

android {
    namespace = "kr.certbridge.sdk"
    compileSdk = 35
    defaultConfig {
        minSdk = 26
        consumerProguardFiles("consumer-rules.pro")
        ndk { abiFilters += abis }
    }
    sourceSets["main"].kotlin.srcDir(generatedKotlin)
    sourceSets["main"].jniLibs.srcDir(jniLibsOut)
    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }
    kotlinOptions { jvmTarget = "17" }
}

dependencies {
    // UniFFI's Kotlin uses JNA; the AAR flavour carries the Android .so.
    api("net.java.dev.jna:jna:5.15.0@aar")
    implementation("org.jetbrains.kotlinx:kotlinx-coroutines-android:1.9.0")
    testImplementation("junit:junit:4.13.2")
}

// cargo-ndk builds libcertbridge_ffi.so for every ABI into jniLibs.
val cargoNdk by tasks.registering(Exec::class) {
    workingDir = workspace
    val args = mutableListOf("cargo", "ndk", "--platform", "26", "-o", jniLibsOut.get().asFile.path)
    abis.forEach { args += listOf("-t", it) }
    args += listOf("build", "--profile", "mobile", "-p", "certbridge-ffi")
    commandLine(args)
    outputs.dir(jniLibsOut)
}

// The generated Kotlin is the same for every target, so it comes from a host
// build of the library, whose symbols (UniFFI's metadata) nothing has
// stripped; the workspace's uniffi-bindgen reads them.
val hostLibrary by tasks.registering(Exec::class) {
    workingDir = workspace
    commandLine("cargo", "build", "--profile", "mobile", "-p", "certbridge-ffi", "-p", "certbridge-uniffi-bindgen")
}

val generateBindings by tasks.registering(Exec::class) {
    dependsOn(cargoNdk, hostLibrary)
    workingDir = workspace
    val lib = File(workspace, "target/mobile/libcertbridge_ffi.so").path
    commandLine(
        "target/mobile/uniffi-bindgen",
        "generate", lib, "--language", "kotlin", "--no-format", "--out-dir", generatedKotlin.get().asFile.path,
    )
    outputs.dir(generatedKotlin)
}

tasks.named("preBuild") { dependsOn(generateBindings) }
