#!/usr/bin/env python3
"""How well CertBridge's invite QR codes survive a camera.

Renders invites to PNG through the core's own code (`qr-robustness render`,
tests/src/bin/qr-robustness.rs: `HostInvite::generate`, `Invite::to_qr`,
`InviteQr::to_png`), degrades each image the ways a phone's camera does,
and reads every image with three independent decoders: zbarimg (ZBar),
OpenCV (its QRCodeDetectorAruco, and its classic QRCodeDetector reported
beside it), and rqrr (`qr-robustness decode`). A read counts
only when the decoder returns the invite's exact text.

Prints, for each decoder, the share of codes read per condition and module
size (pixels per module in the final image), and the smallest module size
from which it reads at least 99% of the codes of each condition. With
--require-clean PX,…, exits 1 unless zbarimg, OpenCV (Aruco) and rqrr read
every clean code at those module sizes (the test suite's check, tests/tests/qr_robustness.rs).

Needs numpy and opencv-python-headless (scripts/setup-test-tools.sh puts
them in $CERTBRIDGE_CACHE/py-bench) and zbarimg (Debian zbar-tools).
"""

import argparse
import concurrent.futures
import json
import math
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ElementTree

import cv2
import numpy as np

# OpenCV has two detectors: the classic QRCodeDetector misses about 2% of
# clean invite codes (it finds no code at all, at any size; see the report),
# QRCodeDetectorAruco reads them. The suite reports both; "opencv-aruco" is
# the one counted among the three decoders every clean code must pass.
DECODERS = ("zbarimg", "opencv-aruco", "opencv-classic", "rqrr")
REQUIRED = ("zbarimg", "opencv-aruco", "rqrr")
ZBAR_NS = "{http://zbar.sourceforge.net/2008/barcode}"


# --- Degradations -----------------------------------------------------------
# Each takes a grayscale uint8 image (white quiet zone included), its module
# size in pixels and a random.Random, and returns a grayscale uint8 image. Strengths are in
# pixels of the final image, as a camera's are, so small modules suffer more.


def clean(img, px, rng):
    return img


def blur(img, px, rng):
    """Out of focus: Gaussian blur, sigma 1 to 2 pixels."""
    return cv2.GaussianBlur(img, (0, 0), rng.uniform(1.0, 2.0))


def noise(img, px, rng):
    """Sensor noise in poor light: Gaussian, sigma 15 to 30 of 255."""
    gen = np.random.default_rng(rng.getrandbits(32))
    noisy = img.astype(np.float32) + gen.normal(0, rng.uniform(15, 30), img.shape)
    return np.clip(noisy, 0, 255).astype(np.uint8)


def jpeg(img, px, rng):
    """A heavily compressed picture: JPEG at quality 10 to 25."""
    quality = rng.randint(10, 25)
    ok, data = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok, "JPEG encoding failed"
    return cv2.imdecode(data, cv2.IMREAD_GRAYSCALE)


def rotation(img, px, rng):
    """The phone held at an angle: 5 to 40 degrees either way."""
    angle = rng.uniform(5, 40) * rng.choice((-1, 1))
    h, w = img.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    cos, sin = abs(m[0, 0]), abs(m[0, 1])
    nw, nh = int(h * sin + w * cos) + 2, int(h * cos + w * sin) + 2
    m[0, 2] += nw / 2 - w / 2
    m[1, 2] += nh / 2 - h / 2
    return cv2.warpAffine(img, m, (nw, nh), flags=cv2.INTER_LINEAR, borderValue=255)


def perspective(img, px, rng):
    """The phone tilted: each corner moved inward by up to 15% of the side."""
    h, w = img.shape
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    inward = np.float32([[1, 1], [-1, 1], [-1, -1], [1, -1]])
    dst = src + inward * np.float32([[rng.uniform(0, 0.15) * w, rng.uniform(0, 0.15) * h] for _ in range(4)])
    m = cv2.getPerspectiveTransform(src, dst)
    return cv2.warpPerspective(img, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)


def low_contrast(img, px, rng):
    """A dim screen in a bright room: dark 90-120, light 35-50 above it, slight noise."""
    dark = rng.uniform(90, 120)
    light = dark + rng.uniform(35, 50)
    gen = np.random.default_rng(rng.getrandbits(32))
    out = img.astype(np.float32) / 255 * (light - dark) + dark + gen.normal(0, 2, img.shape)
    return np.clip(out, 0, 255).astype(np.uint8)


def moire(img, px, rng):
    """A phone photographing a screen.

    The code is shown on an LCD at 3 to 6 screen pixels per module (so the
    ratio of screen to camera pitch varies from photo to photo); each screen
    pixel is drawn as 6x6 subpixels: R, G and B stripes over a dark row (the
    black matrix between pixel rows). The camera's lens blurs that by half a
    camera pixel, then the sensor samples it at an angle of 1-4 degrees and
    at its own, coarser pitch (the final module size), without an optical
    low-pass filter, which aliases the subpixel grid into moire bands; then
    vignetting, auto-exposure, sensor noise and the phone's JPEG (quality 85).
    """
    modules = img[px // 2 :: px, px // 2 :: px]  # one pixel per module
    screen_px, sub_px = rng.randint(3, 6), 6
    screen = np.kron(modules, np.ones((screen_px, screen_px), np.uint8)).astype(np.float32) / 255
    rows = np.repeat(screen, sub_px, axis=0)
    sub = np.zeros((sub_px * screen.shape[0], sub_px * screen.shape[1], 3), np.float32)
    stripe = sub_px // 3
    for channel in range(3):  # R, G, B stripes (OpenCV orders BGR)
        for k in range(stripe):
            sub[:, channel * stripe + k :: sub_px, 2 - channel] = rows
    sub[sub_px - 1 :: sub_px, :, :] *= 0.2  # the black matrix

    scale = px / (sub_px * screen_px)  # camera pixels per subpixel
    sub = cv2.GaussianBlur(sub, (0, 0), 0.5 / scale)
    angle = rng.uniform(1, 4) * rng.choice((-1, 1))
    side = sub.shape[0]
    out_side = int(math.ceil(side * scale * 1.15)) + 2
    m = cv2.getRotationMatrix2D((side / 2, side / 2), angle, scale)
    m[0, 2] += out_side / 2 - side / 2
    m[1, 2] += out_side / 2 - side / 2
    photo = cv2.warpAffine(sub, m, (out_side, out_side), flags=cv2.INTER_LINEAR, borderValue=(0.15, 0.15, 0.15))
    yy, xx = np.mgrid[0:out_side, 0:out_side].astype(np.float32) / out_side - 0.5
    photo *= (1 - 0.5 * (xx**2 + yy**2))[..., None]  # vignetting
    # Auto-exposure puts the screen's white at 170-230 of 255.
    photo *= rng.uniform(170, 230) / max(1e-3, float(np.percentile(photo.mean(axis=2), 99.5)))
    gen = np.random.default_rng(rng.getrandbits(32))
    photo += gen.normal(0, 5, photo.shape)
    gray = cv2.cvtColor(np.clip(photo, 0, 255).astype(np.uint8), cv2.COLOR_BGR2GRAY)
    ok, data = cv2.imencode(".jpg", gray, [cv2.IMWRITE_JPEG_QUALITY, 85])
    assert ok, "JPEG encoding failed"
    return cv2.imdecode(data, cv2.IMREAD_GRAYSCALE)


CONDITIONS = {
    "clean": clean,
    "blur": blur,
    "noise": noise,
    "jpeg": jpeg,
    "rotation": rotation,
    "perspective": perspective,
    "low-contrast": low_contrast,
    "moire": moire,
}

# --- Decoders ---------------------------------------------------------------


def run_zbarimg(files):
    """zbarimg on batches of files (XML output names each file)."""
    found = {}
    for start in range(0, len(files), 200):
        batch = files[start : start + 200]
        out = subprocess.run(
            ["zbarimg", "--xml", "--nodbus", "-q", "-Sdisable", "-Sqrcode.enable", *batch],
            capture_output=True,
            check=False,
        )
        if out.returncode not in (0, 4):  # 4: no code in some image
            raise SystemExit(f"zbarimg failed ({out.returncode}): {out.stderr.decode(errors='replace')}")
        root = ElementTree.fromstring(out.stdout.decode("utf-8", errors="replace"))
        for source in root.iter(f"{ZBAR_NS}source"):
            data = source.find(f".//{ZBAR_NS}data")
            if data is not None and data.text is not None:
                found[source.get("href")] = data.text
    return {f: found.get(f) for f in files}


def run_opencv(files, detector):
    out = {}
    for f in files:
        img = cv2.imread(f, cv2.IMREAD_GRAYSCALE)
        try:
            text, _, _ = detector.detectAndDecode(img)
        except cv2.error:
            text = ""
        out[f] = text or None
    return out


def run_rqrr(binary, files):
    proc = subprocess.run(
        [binary, "decode"], input="\n".join(files) + "\n", capture_output=True, text=True, check=True
    )
    out = {}
    for line in proc.stdout.splitlines():
        v = json.loads(line)
        out[v["file"]] = v["text"]
    return out


# --- The run ----------------------------------------------------------------


def smallest_reliable(rates, sizes, threshold=0.99):
    """The smallest module size from which every larger one reads >= threshold."""
    best = None
    for px in sorted(sizes, reverse=True):
        if rates.get(px, 0) >= threshold:
            best = px
        else:
            break
    return best


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bin", required=True, help="the qr-robustness binary")
    ap.add_argument("--samples", type=int, default=25, help="invites per variant (4 variants)")
    ap.add_argument("--module-px", default="1,2,3,4,5,6,8")
    ap.add_argument("--conditions", default=",".join(CONDITIONS))
    ap.add_argument("--seed", type=int, default=14)
    ap.add_argument("--json", help="write every count to this file")
    ap.add_argument("--require-clean", default="", help="module sizes at which every clean code must be read by all")
    ap.add_argument("--keep", help="keep the images in this folder")
    ap.add_argument("--decoders", default=",".join(DECODERS), help="which of them to run")
    args = ap.parse_args()

    if shutil.which("zbarimg") is None:
        raise SystemExit("zbarimg is not installed (Debian zbar-tools; scripts/setup-test-tools.sh)")
    decoders = args.decoders.split(",")
    for d in decoders:
        if d not in DECODERS:
            raise SystemExit(f"unknown decoder {d}; known: {', '.join(DECODERS)}")
    sizes = [int(x) for x in args.module_px.split(",")]
    conditions = args.conditions.split(",")
    for c in conditions:
        if c not in CONDITIONS:
            raise SystemExit(f"unknown condition {c}; known: {', '.join(CONDITIONS)}")
    rng = random.Random(args.seed)
    work = args.keep or tempfile.mkdtemp(prefix="certbridge-qr-")
    os.makedirs(work, exist_ok=True)
    started = time.monotonic()

    rendered = subprocess.run(
        [args.bin, "render", os.path.join(work, "clean"), str(args.samples), ",".join(map(str, sizes))],
        capture_output=True,
        text=True,
        check=True,
    )
    codes = [json.loads(line) for line in rendered.stdout.splitlines()]
    versions = {}
    for c in codes:
        versions[c["variant"]] = (c["version"], c["modules"])

    images = []  # (file, code, condition)
    for cond in conditions:
        os.makedirs(os.path.join(work, cond), exist_ok=True)
        for code in codes:
            if cond == "clean":
                images.append((code["file"], code, cond))
                continue
            img = cv2.imread(code["file"], cv2.IMREAD_GRAYSCALE)
            out = os.path.join(work, cond, os.path.basename(code["file"]))
            cv2.imwrite(out, CONDITIONS[cond](img, code["module_px"], rng))
            images.append((out, code, cond))
    prepared = time.monotonic()

    files = [f for f, _, _ in images]
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        runners = {
            "zbarimg": lambda: run_zbarimg(files),
            "rqrr": lambda: run_rqrr(args.bin, files),
            "opencv-aruco": lambda: run_opencv(files, cv2.QRCodeDetectorAruco()),
            "opencv-classic": lambda: run_opencv(files, cv2.QRCodeDetector()),
        }
        jobs = {d: pool.submit(runners[d]) for d in decoders}
        results = {d: job.result() for d, job in jobs.items()}
    decoded = time.monotonic()

    # counts[decoder][condition][px] = [read, total]
    counts = {d: {c: {px: [0, 0] for px in sizes} for c in conditions} for d in decoders}
    failures = []
    for f, code, cond in images:
        for d in decoders:
            cell = counts[d][cond][code["module_px"]]
            cell[1] += 1
            if results[d].get(f) == code["text"]:
                cell[0] += 1
            elif cond == "clean" and d in REQUIRED:
                failures.append((d, code["module_px"], os.path.basename(f)))

    per_cell = len(codes) // len(sizes)
    print(f"QR robustness: {per_cell} codes per cell ({args.samples} per variant), "
          f"{len(images)} images, {len(decoders)} decoders; seed {args.seed}")
    for variant, (version, modules) in versions.items():
        print(f"  {variant}: QR version {version} ({modules}x{modules} modules)")
    print(f"  render+degrade {prepared - started:.1f}s, decode {decoded - prepared:.1f}s")
    for d in decoders:
        print(f"\n{d}: % of codes read, by module size (px per module)")
        print("  " + "condition".ljust(14) + "".join(f"{px:>7}" for px in sizes) + "   >=99% from")
        for c in conditions:
            rates = {px: counts[d][c][px][0] / max(1, counts[d][c][px][1]) for px in sizes}
            best = smallest_reliable(rates, sizes)
            print("  " + c.ljust(14) + "".join(f"{100 * rates[px]:7.1f}" for px in sizes)
                  + f"   {best if best is not None else '-':>6}")
    print("\nsmallest module size read >= 99% (px per module; '-' = none tested):")
    print("  " + "condition".ljust(14) + "".join(d.rjust(16) for d in decoders))
    for c in conditions:
        row = []
        for d in decoders:
            rates = {px: counts[d][c][px][0] / max(1, counts[d][c][px][1]) for px in sizes}
            best = smallest_reliable(rates, sizes)
            row.append("-" if best is None else str(best))
        print("  " + c.ljust(14) + "".join(r.rjust(16) for r in row))

    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"sizes": sizes, "conditions": conditions, "counts": counts, "versions": versions,
                       "samples_per_variant": args.samples, "seed": args.seed}, fh, indent=1)
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)

    required = {int(x) for x in args.require_clean.split(",") if x}
    missing = [d for d in REQUIRED if d not in decoders]
    if required and missing:
        raise SystemExit(f"--require-clean needs the decoders {', '.join(missing)}")
    missed = [f for f in failures if f[1] in required]
    if missed:
        for d, px, name in missed:
            print(f"FAILED: {d} did not read the clean code {name} ({px} px per module)", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
