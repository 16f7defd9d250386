//! The generated UniFFI bindings, run for real from Python, from Kotlin on
//! the JVM and from Swift (in a Debian trixie tree), each doing a real
//! export and import against the `certbridge` desktop program on 127.0.0.1.
//! The scenarios live beside the bindings (`bindings/tests/<language>/`);
//! this file generates the bindings and runs them.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

mod toolchains;

use std::path::{Path, PathBuf};
use std::process::Command;

use certbridge_e2e::{certbridge, test_vector, which, workspace_root};
use toolchains::{Kotlin, SwiftTree, VECTOR, generate, have, show};

#[test]
fn python_bindings_export_and_import() {
    let Some(vector) = test_vector(VECTOR) else { return };
    if !have("python3", which("python3").is_some()) {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    generate("python", tmp.path());
    let output = Command::new("python3")
        .arg(workspace_root().join("bindings/tests/python/test_bindings.py"))
        .env("PYTHONPATH", tmp.path())
        .env("CERTBRIDGE_BIN", certbridge())
        .env("CERTBRIDGE_VECTOR", &vector)
        .output()
        .unwrap();
    let text = show("python", &output);
    assert!(output.status.success(), "the Python tests failed");
    assert!(text.contains("Ran 5 tests") && text.contains("OK"), "not every Python test ran");
}

#[test]
fn kotlin_bindings_export_and_import() {
    let Some(vector) = test_vector(VECTOR) else { return };
    let Some(kotlin) = Kotlin::find() else { return };
    let tmp = tempfile::tempdir().unwrap();
    generate("kotlin", tmp.path());
    let sdk = workspace_root().join("android/certbridge/src/main/kotlin/kr/certbridge/sdk");
    let jar = tmp.path().join("tests.jar");
    let sources = [
        tmp.path().join("kr/certbridge/ffi/certbridge_ffi.kt"),
        sdk.join("FolderCertificateStore.kt"),
        sdk.join("TransferState.kt"),
        workspace_root().join("bindings/tests/kotlin/BindingsTest.kt"),
    ];
    // The generated code has warnings of its own (unused parameters): this
    // compile checks the tests, the app's own code is checked with -Werror
    // in phone_apps.rs.
    let compiled = Command::new(kotlin.kotlinc())
        .arg("-nowarn")
        .arg("-classpath")
        .arg(toolchains::JNA)
        .arg("-d")
        .arg(&jar)
        .args(&sources)
        .output()
        .unwrap();
    show("kotlinc", &compiled);
    assert!(compiled.status.success(), "kotlinc failed");
    let classpath = toolchains::join(&[jar, PathBuf::from(toolchains::JNA), kotlin.lib("kotlin-stdlib.jar")]);
    let output = Command::new("java")
        .arg(format!("-Djna.library.path={}", tmp.path().display()))
        .args(["-cp", &classpath, "BindingsTestKt"])
        .env("CERTBRIDGE_BIN", certbridge())
        .env("CERTBRIDGE_VECTOR", &vector)
        .output()
        .unwrap();
    let text = show("kotlin", &output);
    assert!(output.status.success(), "the Kotlin tests failed");
    assert!(text.contains("kotlin: 4 passed, 0 failed"), "not every Kotlin test ran");
}

#[test]
fn swift_bindings_export_and_import() {
    let Some(vector) = test_vector(VECTOR) else { return };
    let Some(tree) = SwiftTree::find() else { return };
    let (work, inside) = tree.workdir();
    generate("swift", work.path());
    let copy = |from: &Path, name: &str| std::fs::copy(from, work.path().join(name)).unwrap();
    copy(&certbridge(), "certbridge");
    let package = workspace_root().join("ios/CertBridge/Sources/CertBridge");
    let mut sources = vec!["certbridge_ffi.swift".to_owned()];
    for entry in std::fs::read_dir(&package).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        copy(&package.join(&name), &name);
        sources.push(name);
    }
    for name in ["Desktop.swift", "main.swift"] {
        copy(&workspace_root().join("bindings/tests/swift").join(name), name);
        sources.push(name.into());
    }
    std::fs::create_dir(work.path().join("vector")).unwrap();
    for entry in std::fs::read_dir(&vector).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), work.path().join("vector").join(entry.file_name())).unwrap();
    }
    let dir = inside.display();
    let script = format!(
        "cd {dir} && /usr/libexec/swift/bin/swiftc -swift-version 6 -module-name App \
         -Xcc -fmodule-map-file={dir}/certbridge_ffiFFI.modulemap -I {dir} -L {dir} -lcertbridge_ffi \
         {} -o t \
         && CERTBRIDGE_BIN={dir}/certbridge CERTBRIDGE_VECTOR={dir}/vector LD_LIBRARY_PATH={dir} ./t",
        sources.join(" ")
    );
    let Some(output) = tree.run(&script) else { return };
    let text = show("swift", &output);
    assert!(output.status.success(), "the Swift tests failed");
    assert!(text.contains("swift: 4 passed, 0 failed"), "not every Swift test ran");
}
