#!/usr/bin/env python3
"""Generates the benchmark data (stdlib only, deterministic).

    python3 bench/gen_data.py [OUT_DIR]        (default: build/bench-data)

Writes:
  v2_list_10000.json   a v2 list envelope of 10,000 images (~4.5 MB): UUID or
                       custom IDs, filenames, meta objects, RFC 3339 upload
                       times, 2-3 variant URLs, some creators null, and a
                       continuation_token, shaped like the live API's answer
  image_get.json       one image envelope (what v1 get/upload answer)
  upload_1KB.png, upload_100KB.png, upload_10MB.png
                       a PNG signature + IHDR chunk, then random bytes
A file is rewritten only when its content would change, so build systems
that depend on it do not rebuild needlessly.
"""
import json
import os
import random
import struct
import sys
import zlib

SEED = 20240501
ACCOUNT_HASH = "ZWd9g1K7eljCn_KDTu_MWA"
VARIANT_SETS = [["public", "thumbnail"], ["public", "thumbnail", "hero"], ["public", "avatar", "blur"]]
WORDS = ["holiday", "beach", "product", "avatar", "banner", "team", "office", "cat", "sunset",
         "mountain", "catalog", "hero", "event", "portrait", "night", "city", "food", "garden"]
EXTS = ["jpg", "png", "webp", "jpeg", "gif"]


def uuid4(rng):
    b = bytearray(rng.getrandbits(8) for _ in range(16))
    b[6] = (b[6] & 0x0F) | 0x40
    b[8] = (b[8] & 0x3F) | 0x80
    h = b.hex()
    return f"{h[0:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


def image(rng, i):
    if rng.random() < 0.1:
        iid = f"products/{rng.choice(WORDS)}/{i:05d}"
    else:
        iid = uuid4(rng)
    meta = {}
    r = rng.random()
    if r < 0.75:
        meta["album"] = rng.choice(WORDS)
        meta["source"] = rng.choice(["web", "ios", "android", "import"])
        if r < 0.4:
            meta["tags"] = rng.sample(WORDS, 2)
        if r < 0.2:
            meta["dims"] = {"w": rng.randint(100, 6000), "h": rng.randint(100, 6000)}
    img = {
        "id": iid,
        "filename": f"{rng.choice(WORDS)}-{rng.choice(WORDS)}-{i:05d}.{rng.choice(EXTS)}",
        "creator": None if rng.random() < 0.3 else f"user-{rng.randint(1, 5000):05d}",
        "meta": meta,
        "requireSignedURLs": rng.random() < 0.2,
        "uploaded": "2024-%02d-%02dT%02d:%02d:%02d.%03dZ" % (
            rng.randint(1, 12), rng.randint(1, 28), rng.randint(0, 23), rng.randint(0, 59),
            rng.randint(0, 59), rng.randint(0, 999)),
        "variants": [f"https://imagedelivery.net/{ACCOUNT_HASH}/{iid}/{v}"
                     for v in rng.choice(VARIANT_SETS)],
    }
    return img


def envelope(result):
    return {"errors": [], "messages": [], "result": result, "success": True}


def png(rng, size):
    sig = b"\x89PNG\r\n\x1a\n"
    ihdr = struct.pack(">IIBBBBB", 4000, 3000, 8, 6, 0, 0, 0)
    chunk = struct.pack(">I", len(ihdr)) + b"IHDR" + ihdr + struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    head = sig + chunk
    return head + rng.randbytes(size - len(head))


def write(path, data):
    if isinstance(data, str):
        data = data.encode()
    try:
        with open(path, "rb") as f:
            if f.read() == data:
                return
    except OSError:
        pass
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join("build", "bench-data")
    os.makedirs(out, exist_ok=True)
    rng = random.Random(SEED)
    images = [image(rng, i) for i in range(10000)]
    page = {"images": images, "continuation_token": "".join(rng.choice("0123456789abcdef") for _ in range(32))}
    write(os.path.join(out, "v2_list_10000.json"), json.dumps(envelope(page), separators=(",", ":")))
    write(os.path.join(out, "image_get.json"), json.dumps(envelope(images[0]), separators=(",", ":")))
    for name, size in (("upload_1KB.png", 1024), ("upload_100KB.png", 100 * 1024),
                       ("upload_10MB.png", 10 * 1024 * 1024)):
        write(os.path.join(out, name), png(random.Random(SEED + size), size))


if __name__ == "__main__":
    main()
