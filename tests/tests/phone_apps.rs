//! The phone apps, as far as this machine can take them without an Android
//! SDK or Xcode:
//!
//! * the `:certbridge` library's pure Kotlin (store, controller, screen
//!   models, the coroutine wrapper `CertBridge.kt` with the coroutines jar
//!   from kotlinc's `lib/`) compiled with `-Werror` and run as JUnit tests,
//!   the controller driving real transfers against `certbridge`;
//! * the app's non-Compose Kotlin compiled against the Android stubs in
//!   `bindings/tests/kotlin/android-stubs/`;
//! * the Swift package (`AppModel`, screen models, store) compiled in
//!   Swift 6 language mode with no warning allowed, and run on Linux
//!   against `certbridge`;
//! * the metadata both stores review: manifest, backup rules, `strings.xml`
//!   (compiled by Debian's `aapt`), Gradle wrapper and task inputs, ProGuard
//!   rules; Info.plist, its Korean and English strings, the privacy manifest.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

mod toolchains;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use certbridge_e2e::{certbridge, relay_bin, test_vector, which, workspace_root};
use toolchains::{JNA, JUNIT, Kotlin, SwiftTree, VECTOR, generate, have, kotlin_files, show};

fn android() -> PathBuf {
    workspace_root().join("android")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The generated Kotlin bindings compiled on their own (their warnings are
/// UniFFI's), so that everything of ours compiles with `-Werror` against
/// them. Returns the folder with the cdylib and the jar.
fn kotlin_bindings(kotlin: &Kotlin, tmp: &Path) -> PathBuf {
    generate("kotlin", tmp);
    let jar = tmp.join("ffi.jar");
    let compiled = Command::new(kotlin.kotlinc())
        .args(["-nowarn", "-classpath", JNA, "-d"])
        .arg(&jar)
        .arg(tmp.join("kr/certbridge/ffi/certbridge_ffi.kt"))
        .output()
        .unwrap();
    show("kotlinc (bindings)", &compiled);
    assert!(compiled.status.success(), "the generated bindings do not compile");
    jar
}

#[test]
fn kotlin_store_controller_and_screen_models() {
    let Some(vector) = test_vector(VECTOR) else { return };
    let Some(kotlin) = Kotlin::find() else { return };
    if !have("JUnit 4 (junit4)", JUNIT.iter().all(|j| Path::new(j).exists())) {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let ffi = kotlin_bindings(&kotlin, tmp.path());
    let coroutines = kotlin.lib("kotlinx-coroutines-core-jvm.jar");
    let mut sources = kotlin_files(&android().join("certbridge/src/main/kotlin/kr/certbridge/sdk"));
    assert!(sources.iter().any(|s| s.ends_with("CertBridge.kt")), "CertBridge.kt is compiled too");
    sources.extend(kotlin_files(&android().join("certbridge/src/test/kotlin/kr/certbridge/sdk")));
    let jar = tmp.path().join("sdk.jar");
    let mut classpath = vec![ffi.clone(), PathBuf::from(JNA), coroutines.clone()];
    classpath.extend(JUNIT.iter().map(PathBuf::from));
    let compiled = kotlin.compile(&classpath, &jar, &sources);
    show("kotlinc (sdk and tests)", &compiled);
    assert!(compiled.status.success(), "the :certbridge library or its tests do not compile with -Werror");

    classpath.extend([jar, kotlin.lib("kotlin-stdlib.jar")]);
    let output = Command::new("java")
        .arg(format!("-Djna.library.path={}", tmp.path().display()))
        .arg("-cp")
        .arg(toolchains::join(&classpath))
        .args(["org.junit.runner.JUnitCore", "kr.certbridge.sdk.ScreenModelTest", "kr.certbridge.sdk.StoreTest", "kr.certbridge.sdk.ControllerTest", "kr.certbridge.sdk.CodeTest"])
        .env("CERTBRIDGE_BIN", certbridge())
        .env("CERTBRIDGE_RELAY_BIN", relay_bin())
        .env("CERTBRIDGE_VECTOR", &vector)
        .output()
        .unwrap();
    let text = show("junit", &output);
    assert!(output.status.success(), "the Kotlin tests failed");
    assert!(text.contains("OK (24 tests)"), "not every Kotlin test ran");
}

#[test]
fn kotlin_app_compiles_against_android_stubs() {
    let Some(kotlin) = Kotlin::find() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let ffi = kotlin_bindings(&kotlin, tmp.path());
    let app = android().join("app/src/main/kotlin/kr/certbridge/app");
    // Compose screens need the Compose compiler and AndroidX: the Android
    // workflow builds them. Everything else of the app is compiled here.
    let compose = ["MainActivity.kt", "Screens.kt", "ScanScreen.kt", "CodeEntryScreen.kt"];
    let plain: Vec<PathBuf> = kotlin_files(&app).into_iter().filter(|f| !compose.iter().any(|c| f.ends_with(c))).collect();
    for needed in ["KeystoreSealer.kt", "TransferViewModel.kt", "DeviceName.kt", "Speaker.kt", "LanSearch.kt"] {
        assert!(plain.iter().any(|f| f.ends_with(needed)), "{needed} is not compiled");
    }
    for file in &plain {
        assert!(!read(file).contains("androidx.compose"), "{} uses Compose; list it with the Compose files", file.display());
    }
    let mut sources = plain;
    sources.extend(kotlin_files(&android().join("certbridge/src/main/kotlin/kr/certbridge/sdk")));
    sources.extend(kotlin_files(&workspace_root().join("bindings/tests/kotlin/android-stubs")));
    let classpath = [ffi, PathBuf::from(JNA), kotlin.lib("kotlinx-coroutines-core-jvm.jar")];
    let compiled = kotlin.compile(&classpath, &tmp.path().join("app.jar"), &sources);
    show("kotlinc (app)", &compiled);
    assert!(compiled.status.success(), "the app's Kotlin does not compile against the Android stubs");
}

/// `<string name="…">…</string>` of a strings.xml: name → its format
/// arguments (`%1$s`, `%d`, …), in order.
fn strings_xml(path: &Path) -> BTreeMap<String, Vec<String>> {
    let text = read(path);
    let mut out = BTreeMap::new();
    for part in text.split("<string name=\"").skip(1) {
        let (name, rest) = part.split_once('"').unwrap();
        let value = rest.split_once('>').unwrap().1.split("</string>").next().unwrap();
        let args: Vec<String> = value.match_indices('%').map(|(i, _)| value[i..].chars().take(4).collect()).collect();
        assert!(out.insert(name.to_owned(), args).is_none(), "{name} twice in {}", path.display());
    }
    out
}

#[test]
fn android_metadata_passes_review() {
    let res = android().join("app/src/main/res");
    let manifest = read(&android().join("app/src/main/AndroidManifest.xml"));
    let gradle = read(&android().join("app/build.gradle.kts"));
    let library = read(&android().join("certbridge/build.gradle.kts"));
    for (file, text) in [("app", &gradle), ("certbridge", &library)] {
        assert!(text.contains("compileSdk = 36"), "{file}: compileSdk must be 36");
    }
    assert!(gradle.contains("targetSdk = 36"), "Play requires targetSdk 36 for updates");

    // Permissions: exactly what scanning and connecting need.
    let permissions: Vec<&str> = manifest.split("<uses-permission android:name=\"").skip(1).map(|p| p.split('"').next().unwrap()).collect();
    assert_eq!(permissions, ["android.permission.CAMERA", "android.permission.INTERNET", "android.permission.CHANGE_WIFI_MULTICAST_STATE"]);
    assert!(manifest.contains(r#"<action android:name="android.intent.action.TTS_SERVICE" />"#), "no <queries> for the TTS service");

    // Backups and device-to-device transfer never take the store.
    assert!(manifest.contains(r#"android:allowBackup="false""#));
    assert!(manifest.contains(r#"android:dataExtractionRules="@xml/data_extraction_rules""#));
    assert!(manifest.contains(r#"android:fullBackupContent="@xml/backup_rules""#));
    let rules = read(&res.join("xml/data_extraction_rules.xml"));
    let old_rules = read(&res.join("xml/backup_rules.xml"));
    for section in ["<cloud-backup>", "<device-transfer>"] {
        let body = rules.split(section).nth(1).unwrap_or_else(|| panic!("no {section}")).split("</").next().unwrap();
        for domain in ["root", "file", "database", "sharedpref", "external"] {
            assert!(body.contains(&format!(r#"<exclude domain="{domain}" path="." />"#)), "{section} keeps {domain}");
        }
    }
    for domain in ["root", "file", "database", "sharedpref", "external"] {
        assert!(old_rules.contains(&format!(r#"<exclude domain="{domain}" path="." />"#)), "backup_rules keeps {domain}");
    }
    assert!(read(&android().join("app/src/main/kotlin/kr/certbridge/app/TransferViewModel.kt")).contains("noBackupFilesDir"));

    // Strings: only what Android reads, the same keys and arguments in both languages.
    let en = strings_xml(&res.join("values/strings.xml"));
    let ko = strings_xml(&res.join("values-ko/strings.xml"));
    assert_eq!(en, ko, "values and values-ko differ in keys or format arguments");
    assert!(en.contains_key("app_name"));
    assert!(en.len() <= 3, "strings.xml holds only what the OS reads; the app's texts are in the catalog: {en:?}");

    // Debian's aapt compiles the resources against the framework's.
    let framework = Path::new("/usr/share/android-framework-res/framework-res.apk");
    if !have("aapt and android-framework-res", which("aapt").is_some() && framework.exists()) {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let lint_manifest = tmp.path().join("AndroidManifest.xml");
    std::fs::write(&lint_manifest, r#"<manifest xmlns:android="http://schemas.android.com/apk/res/android" package="kr.certbridge.lint" />"#).unwrap();
    let output = Command::new("aapt")
        .args(["package", "-f", "-M"])
        .arg(&lint_manifest)
        .arg("-S")
        .arg(&res)
        .arg("-I")
        .arg(framework)
        .arg("-F")
        .arg(tmp.path().join("res.apk"))
        .output()
        .unwrap();
    let text = show("aapt", &output);
    assert!(output.status.success(), "aapt refused the resources");
    assert!(!text.contains("warning"), "aapt warned");
}

#[test]
fn android_build_is_reproducible_and_keeps_jna() {
    let wrapper = read(&android().join("gradle/wrapper/gradle-wrapper.properties"));
    assert!(wrapper.contains("distributionUrl=https\\://services.gradle.org/distributions/gradle-8.14.3-bin.zip"), "{wrapper}");
    let jar = std::fs::read(android().join("gradle/wrapper/gradle-wrapper.jar")).unwrap();
    assert!(jar.starts_with(b"PK"), "gradle-wrapper.jar is not a jar");
    assert!(read(&android().join("gradlew")).contains(r#"-jar "$APP_HOME/gradle/wrapper/gradle-wrapper.jar""#));

    let library = read(&android().join("certbridge/build.gradle.kts"));
    // Rust changes rebuild the .so and the bindings: the tasks declare what they read.
    for input in ["core/src/**", "bindings/src/**", "i18n/locales/**", "Cargo.lock"] {
        assert!(library.contains(input), "the Rust tasks do not declare {input} as an input");
    }
    assert!(library.contains("outputs.dir(jniLibsOut)") && library.contains("outputs.dir(generatedKotlin)"));
    // The host library is found under CARGO_TARGET_DIR and by its macOS name.
    assert!(library.contains("CARGO_TARGET_DIR") && library.contains("libcertbridge_ffi.dylib"));
    // 16 KB pages: the linker flag for every Android target, and a JNA that is aligned.
    assert!(library.contains("max-page-size=16384"));
    let jna = library.split("net.java.dev.jna:jna:").nth(1).unwrap().split(['@', '"']).next().unwrap();
    let version: Vec<u32> = jna.split('.').map(|n| n.parse().unwrap()).collect();
    assert!(version >= vec![5, 17, 0], "JNA {jna} ships a libjnidispatch.so that is not 16 KB aligned");

    let rules = read(&android().join("certbridge/consumer-rules.pro"));
    for rule in ["-keep class com.sun.jna.** { *; }", "-keepclassmembers class * extends com.sun.jna.** { public *; }", "-keep class kr.certbridge.ffi.** { *; }"] {
        assert!(rules.contains(rule), "consumer-rules.pro lacks {rule}");
    }
}

/// A plist as JSON, read by Python's `plistlib` (which refuses a malformed one).
fn plist(path: &Path) -> serde_json::Value {
    let script = "import json, plistlib, sys; print(json.dumps(plistlib.load(open(sys.argv[1], 'rb'))))";
    let output = Command::new("python3").args(["-c", script]).arg(path).output().unwrap();
    assert!(output.status.success(), "{}: {}", path.display(), String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap()
}

/// `"key" = "value";` lines of a `.strings` file.
fn dot_strings(path: &Path) -> BTreeMap<String, String> {
    read(path)
        .lines()
        .filter(|l| l.starts_with('"'))
        .map(|l| {
            let parts: Vec<&str> = l.split('"').collect();
            assert!(parts.len() == 5 && parts[2].trim() == "=" && parts[4].trim() == ";", "{}: {l}", path.display());
            (parts[1].to_owned(), parts[3].to_owned())
        })
        .collect()
}

#[test]
fn ios_metadata_passes_review() {
    if !have("python3", which("python3").is_some()) {
        return;
    }
    let app = workspace_root().join("ios/App/CertBridgeApp");
    let info = plist(&app.join("Info.plist"));
    let usage = ["NSCameraUsageDescription", "NSLocalNetworkUsageDescription"];
    for key in usage {
        assert!(info[key].as_str().is_some_and(|s| !s.is_empty()), "Info.plist lacks {key}");
    }
    assert_eq!(info["CFBundleDevelopmentRegion"], "ko");
    // Typed codes find the PC by Bonjour (BonjourCodeFinder.swift): iOS
    // refuses to browse a service type Info.plist does not declare.
    assert_eq!(info["NSBonjourServices"], serde_json::json!(["_certbridge._tcp"]));
    assert!(read(&app.join("BonjourCodeFinder.swift")).contains(r#""_certbridge._tcp""#));
    assert_eq!(info["CFBundleLocalizations"], serde_json::json!(["ko", "en"]));

    let ko = dot_strings(&app.join("ko.lproj/InfoPlist.strings"));
    let en = dot_strings(&app.join("en.lproj/InfoPlist.strings"));
    assert_eq!(ko.keys().collect::<Vec<_>>(), en.keys().collect::<Vec<_>>(), "InfoPlist.strings keys differ");
    let hangul = |s: &str| s.chars().any(|c| ('가'..='힣').contains(&c));
    for key in usage {
        assert!(hangul(&ko[key]) && !hangul(&en[key]), "{key}: {} / {}", ko[key], en[key]);
        // The development region's words are Info.plist's own.
        assert_eq!(info[key].as_str().unwrap(), ko[key], "{key} differs between Info.plist and ko.lproj");
        assert!(!ko[key].contains("하세요") && !ko[key].contains("공인인증서"), "{key}: house style");
    }
    // The XcodeGen spec writes the same Info.plist: keep them in step.
    let spec = read(&workspace_root().join("ios/App/project.yml"));
    for key in usage {
        assert!(spec.contains(&format!("{key}: {}", ko[key])), "project.yml's {key} differs from Info.plist");
    }
    assert!(spec.contains("SWIFT_VERSION: \"6.0\"") && spec.contains("SWIFT_TREAT_WARNINGS_AS_ERRORS: YES"));

    let privacy = plist(&app.join("PrivacyInfo.xcprivacy"));
    assert_eq!(privacy["NSPrivacyTracking"], false);
    assert_eq!(privacy["NSPrivacyCollectedDataTypes"], serde_json::json!([]));
    let apis = privacy["NSPrivacyAccessedAPITypes"].as_array().unwrap();
    assert!(!apis.is_empty());
    for api in apis {
        assert!(api["NSPrivacyAccessedAPITypeReasons"].as_array().is_some_and(|r| !r.is_empty()), "{api}");
    }
    // The app's own texts come from the catalog, not from Localizable.strings.
    for lang in ["ko", "en"] {
        assert!(!app.join(format!("{lang}.lproj/Localizable.strings")).exists());
    }
    let keychain = read(&app.join("KeychainSealer.swift"));
    assert!(keychain.contains("kSecAttrAccessibleAfterFirstUnlockThisDeviceOnly"), "the sealing key must stay on this device");
}

#[test]
fn swift_app_model_and_screen_models() {
    let Some(vector) = test_vector(VECTOR) else { return };
    let Some(tree) = SwiftTree::find() else { return };
    let (work, inside) = tree.workdir();
    generate("swift", work.path());
    std::fs::copy(certbridge(), work.path().join("certbridge")).unwrap();
    // The generated code is compiled as a module of its own, so that the
    // package's code compiles in Swift 6 mode with warnings as errors.
    let mut ours = Vec::new();
    for dir in ["ios/CertBridge/Sources/CertBridge", "bindings/tests/swift/app"] {
        for entry in std::fs::read_dir(workspace_root().join(dir)).unwrap() {
            let entry = entry.unwrap();
            std::fs::copy(entry.path(), work.path().join(entry.file_name())).unwrap();
            ours.push(entry.file_name().into_string().unwrap());
        }
    }
    std::fs::copy(workspace_root().join("bindings/tests/swift/Desktop.swift"), work.path().join("Desktop.swift")).unwrap();
    ours.push("Desktop.swift".into());
    ours.sort();
    std::fs::create_dir(work.path().join("vector")).unwrap();
    for entry in std::fs::read_dir(&vector).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), work.path().join("vector").join(entry.file_name())).unwrap();
    }
    let dir = inside.display();
    let swiftc = "/usr/libexec/swift/bin/swiftc";
    let script = format!(
        "set -e; cd {dir}; \
         {swiftc} -swift-version 6 -emit-library -emit-module -module-name CertBridgeFFI -parse-as-library \
           -Xcc -fmodule-map-file={dir}/certbridge_ffiFFI.modulemap -I {dir} -L {dir} -lcertbridge_ffi \
           certbridge_ffi.swift -o libCertBridgeFFI.so -suppress-warnings; \
         sed -i '1i import CertBridgeFFI' {files}; \
         {swiftc} -swift-version 6 -warnings-as-errors -module-name AppTests -I {dir} -L {dir} -lCertBridgeFFI -lcertbridge_ffi \
           -Xcc -fmodule-map-file={dir}/certbridge_ffiFFI.modulemap {files} -o t; \
         CERTBRIDGE_BIN={dir}/certbridge CERTBRIDGE_VECTOR={dir}/vector LD_LIBRARY_PATH={dir} timeout 120 stdbuf -oL ./t",
        files = ours.join(" ")
    );
    let Some(output) = tree.run(&script) else { return };
    let text = show("swift", &output);
    assert!(output.status.success(), "the Swift app tests failed (or a warning was raised)");
    assert!(text.contains("swift-app: 17 passed, 0 failed"), "not every Swift app test ran");
}
