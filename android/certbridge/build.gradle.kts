// :certbridge — the library app makers embed: the generated UniFFI Kotlin,
// the Rust core as jniLibs for every ABI, a thin coroutine wrapper, the
// store and the pure-Kotlin controller and screen models the app uses.
//
// The Rust tasks declare what they read and write, so Gradle reruns them
// when (and only when) a Rust source, a manifest or the lock file changes.

import org.gradle.internal.os.OperatingSystem

plugins {
    id("com.android.library")
    id("org.jetbrains.kotlin.android")
}

val workspace: File = rootProject.projectDir.parentFile
val generatedKotlin = layout.buildDirectory.dir("generated/uniffi/kotlin")
val jniLibsOut = layout.buildDirectory.dir("generated/jniLibs")
val hostLibDir = layout.buildDirectory.dir("generated/hostLib")
val abis = listOf("arm64-v8a", "armeabi-v7a", "x86_64")
// Cargo's own target folder, wherever CARGO_TARGET_DIR puts it.
val cargoTarget: File = System.getenv("CARGO_TARGET_DIR")?.let(::File) ?: File(workspace, "target")
// The host's file name of the cdylib (Linux .so, macOS .dylib).
val hostLibName = when {
    OperatingSystem.current().isMacOsX -> "libcertbridge_ffi.dylib"
    OperatingSystem.current().isWindows -> "certbridge_ffi.dll"
    else -> "libcertbridge_ffi.so"
}

android {
    namespace = "kr.certbridge.sdk"
    compileSdk = 36
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
    testOptions {
        unitTests.all {
            // JVM unit tests load the host build of the library through JNA.
            it.systemProperty("jna.library.path", hostLibDir.get().asFile.path)
            System.getenv("CERTBRIDGE_BIN")?.let { bin -> it.environment("CERTBRIDGE_BIN", bin) }
            System.getenv("CERTBRIDGE_VECTOR")?.let { v -> it.environment("CERTBRIDGE_VECTOR", v) }
        }
    }
}

kotlin {
    compilerOptions { jvmTarget.set(org.jetbrains.kotlin.gradle.dsl.JvmTarget.JVM_17) }
}

dependencies {
    // UniFFI's Kotlin uses JNA; the AAR carries libjnidispatch.so for each
    // ABI. 5.17.0 and later are built with 16 KB-aligned segments.
    api("net.java.dev.jna:jna:5.17.0@aar")
    implementation("org.jetbrains.kotlinx:kotlinx-coroutines-android:1.10.2")
    testImplementation("junit:junit:4.13.2")
    // The JVM tests need JNA's desktop jar (the AAR has no host natives).
    testImplementation("net.java.dev.jna:jna:5.17.0")
}

// What the Rust build reads: a change to any of these rebuilds the .so.
fun rustInputs(task: Task) {
    task.inputs.files(fileTree(workspace) {
        include("core/src/**", "i18n/src/**", "i18n/locales/**", "bindings/src/**", "bindings/uniffi-bindgen/src/**")
        include("Cargo.toml", "Cargo.lock", "core/Cargo.toml", "i18n/Cargo.toml", "bindings/Cargo.toml", "bindings/uniffi.toml", "bindings/uniffi-bindgen/Cargo.toml")
    }).withPropertyName("rustSources").withPathSensitivity(PathSensitivity.RELATIVE)
}

// The Rust linker flag for 16 KB pages (NDK r27 and older default to 4 KB).
val pageSizeFlags = "-C link-arg=-Wl,-z,max-page-size=16384"

// cargo-ndk builds libcertbridge_ffi.so for every ABI into jniLibs.
val cargoNdk by tasks.registering(Exec::class) {
    rustInputs(this)
    outputs.dir(jniLibsOut)
    workingDir = workspace
    for (triple in listOf("AARCH64_LINUX_ANDROID", "ARMV7_LINUX_ANDROIDEABI", "X86_64_LINUX_ANDROID")) {
        environment("CARGO_TARGET_${triple}_RUSTFLAGS", pageSizeFlags)
    }
    val args = mutableListOf("cargo", "ndk", "--platform", "26", "-o", jniLibsOut.get().asFile.path)
    abis.forEach { args += listOf("-t", it) }
    args += listOf("build", "--locked", "--profile", "mobile", "-p", "certbridge-ffi")
    commandLine(args)
}

// The generated Kotlin is the same for every target, so it comes from a host
// build of the library, whose symbols (UniFFI's metadata) nothing has
// stripped; the workspace's uniffi-bindgen reads them. The same host build
// is what the JVM unit tests load.
val hostLibrary by tasks.registering(Exec::class) {
    rustInputs(this)
    outputs.file(hostLibDir.map { it.file(hostLibName) })
    workingDir = workspace
    commandLine("cargo", "build", "--locked", "--profile", "mobile", "-p", "certbridge-ffi", "-p", "certbridge-uniffi-bindgen")
    doLast {
        copy {
            from(File(cargoTarget, "mobile/$hostLibName"))
            into(hostLibDir)
        }
    }
}

val generateBindings by tasks.registering(Exec::class) {
    dependsOn(hostLibrary)
    inputs.files(hostLibrary).withPropertyName("hostLibrary")
    inputs.file(File(workspace, "bindings/uniffi.toml"))
    outputs.dir(generatedKotlin)
    workingDir = workspace
    commandLine(
        File(cargoTarget, "mobile/uniffi-bindgen").path,
        "generate", hostLibDir.get().file(hostLibName).asFile.path,
        "--config", File(workspace, "bindings/uniffi.toml").path,
        "--language", "kotlin", "--no-format", "--out-dir", generatedKotlin.get().asFile.path,
    )
}

tasks.named("preBuild") { dependsOn(generateBindings, cargoNdk) }
