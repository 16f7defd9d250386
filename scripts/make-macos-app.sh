#!/usr/bin/env bash
# Assembles CertBridge.app and CertBridge-<version>.dmg on macOS from a
# built certbridge binary (universal in the release workflow):
#
#     scripts/make-macos-app.sh BINARY OUT_DIR
#
# The app holds the same files as the Linux package: the program, the icon
# (made from desktop-sender/assets/certbridge.png with sips and iconutil)
# and the bundled font's licence. Finder starts the program without
# arguments or a terminal, which opens the window. Needs macOS (sips,
# iconutil, codesign, hdiutil).
set -euo pipefail
cd "$(dirname "$0")/.."
bin="$1"
out="$2"
version="$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)"
app="$out/CertBridge.app"
rm -rf "$app" "$out/dmg"
mkdir -p "$app/Contents/MacOS" "$app/Contents/Resources"

cp "$bin" "$app/Contents/MacOS/certbridge"
chmod 755 "$app/Contents/MacOS/certbridge"
cp desktop-sender/assets/fonts/OFL.txt "$app/Contents/Resources/OFL-CertBridgeHangul.txt"

iconset="$out/certbridge.iconset"
rm -rf "$iconset"
mkdir -p "$iconset"
for size in 16 32 128 256; do
    sips -z "$size" "$size" desktop-sender/assets/certbridge.png --out "$iconset/icon_${size}x${size}.png" >/dev/null
    double=$((size * 2))
    sips -z "$double" "$double" desktop-sender/assets/certbridge.png --out "$iconset/icon_${size}x${size}@2x.png" >/dev/null
done
iconutil -c icns "$iconset" -o "$app/Contents/Resources/certbridge.icns"
rm -rf "$iconset"

cat > "$app/Contents/Info.plist" <<PLIST
<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
    <key>CFBundleName</key><string>CertBridge</string>
    <key>CFBundleDisplayName</key><string>CertBridge</string>
    <key>CFBundleIdentifier</key><string>io.github.certbridge.CertBridge</string>
    <key>CFBundleExecutable</key><string>certbridge</string>
    <key>CFBundleIconFile</key><string>certbridge</string>
    <key>CFBundlePackageType</key><string>APPL</string>
    <key>CFBundleShortVersionString</key><string>${version}</string>
    <key>CFBundleVersion</key><string>${version}</string>
    <key>CFBundleDevelopmentRegion</key><string>ko</string>
    <key>CFBundleLocalizations</key><array><string>ko</string><string>en</string></array>
    <key>LSApplicationCategoryType</key><string>public.app-category.utilities</string>
    <key>LSMinimumSystemVersion</key><string>11.0</string>
    <key>NSHighResolutionCapable</key><true/>
    <key>NSLocalNetworkUsageDescription</key><string>공동인증서를 같은 Wi-Fi의 휴대폰과 주고받습니다. (Certificates move directly to and from your phone on the same Wi-Fi.)</string>
</dict>
</plist>
PLIST

# Ad-hoc signature: arm64 code must be signed to run at all.
codesign --force --deep --sign - "$app"

mkdir -p "$out/dmg"
cp -R "$app" "$out/dmg/"
ln -s /Applications "$out/dmg/Applications"
hdiutil create -volname CertBridge -srcfolder "$out/dmg" -ov -format UDZO "$out/CertBridge-$version.dmg"
rm -rf "$out/dmg"
echo "$out/CertBridge-$version.dmg"
