#!/usr/bin/env bash
# Makes the Korean fallback font the desktop window ships
# (desktop-sender/assets/fonts/CertBridgeHangul.ttf): NanumGothic
# (SIL Open Font License 1.1, Debian's fonts-nanum) cut down with fonttools'
# pyftsubset to what the window can show: Latin, general punctuation and
# the symbols the catalog uses, Hangul compatibility jamo and all 11,172
# Hangul syllables (any holder's name), no Hanja, no hinting. Under the OFL
# a subset is a Modified Version, and "Nanum" and "NanumGothic" are
# Reserved Font Names, so it gets a name of its own ("CertBridge Hangul").
# Its licence is desktop-sender/assets/fonts/OFL.txt.
#
# Needs: apt-get install fonts-nanum; pip install fonttools.
set -euo pipefail
cd "$(dirname "$0")/.."
src="${1:-/usr/share/fonts/truetype/nanum/NanumGothic.ttf}"
out=desktop-sender/assets/fonts/CertBridgeHangul.ttf
unicodes="U+0020-007E,U+00A0-00FF,U+2010-2027,U+2030-203A,U+2190-2199,U+2460-2473,U+25A0-25CF,U+2713-2718,U+3000-3011,U+3131-318E,U+AC00-D7A3,U+FF01-FF5E"
python3 -m fontTools.subset "$src" --unicodes="$unicodes" --no-hinting \
    --layout-features='*' --name-IDs='*' --output-file="$out.tmp"
python3 - "$out.tmp" <<'PY'
import sys
from fontTools.ttLib import TTFont
path = sys.argv[1]
font = TTFont(path)
for record in font["name"].names:
    if record.nameID in (1, 4, 16):
        record.string = "CertBridge Hangul"
    elif record.nameID == 6:
        record.string = "CertBridgeHangul"
    elif record.nameID == 3:
        record.string = "CertBridge Hangul (a subset of NanumGothic)"
font.save(path)
PY
mv "$out.tmp" "$out"
ls -l "$out"
