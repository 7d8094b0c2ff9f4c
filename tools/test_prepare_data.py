"""The text corpora are reproducible: building one twice gives the same bytes, and the same
bytes as the committed file (so web/assets/data/NOTICE.md tells the truth about its source).
Needs Debian's fortunes-es, which .ci/run installs. The tune and molecule builders are tested
on small examples and on the committed files; the tests that rebuild those files need the
PyPI wheels in prepare_data.WHEELS (`python3 -m pip download --no-deps music21==10.5.1
molsets==0.3.1 -d /tmp/wheels`) and are skipped without them."""
import os
import random
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
import prepare_data  # noqa: E402


class CorpusBuilder(unittest.TestCase):
    def check(self, name, build):
        first, second = build(), build()
        self.assertEqual(first, second, f"{name}: two builds differ")
        with open(os.path.join(prepare_data.OUT, f"{name}.txt"), encoding="utf-8") as f:
            self.assertEqual(first, f.read(), f"{name}.txt is not what the builder makes")

    def test_frases_is_deterministic_and_committed(self):
        self.check("frases", prepare_data.frases)

    def test_refranes_is_unchanged(self):
        self.check("refranes", prepare_data.refranes)

    def test_frases_lines_are_clean_entries(self):
        lines = prepare_data.frases().splitlines()
        self.assertGreater(len(lines), 10000)
        self.assertTrue(all(line and line == " ".join(line.split()) for line in lines))



def committed(name):
    with open(os.path.join(prepare_data.OUT, name), encoding="utf-8") as f:
        return f.read()


def gpt_split(text):
    """(training head, held-out tail) as the GPT cuts a text (iagen-core's TextCorpus::new)."""
    split = len(text) - prepare_data.tail_length(len(text))
    return text[:split], text[split:]


def wheel_path(name, version):
    path = os.path.join(prepare_data.WHEELS, f"{name}-{version}-py3-none-any.whl")
    return path if os.path.exists(path) else None


ABC = """% A book of tunes
% typed by someone

X:1
T:The First Tune
T:Another Name
C:Trad.
M: 6/8
L:1/8
Q:3/8=120
I: :: ::
%% G A B c d e
N:a note
R: Jig
Z:Someone * 2009
K:G % the key
%Q:100
dBG  GAB|c2A   A2c :|
P:B
T:Second part
w:some words
gfe dcB|M:3/4
[K:D] A6 |]

free text between tunes

X:2
T:Two Voices
M:C
L:1/8
K:C
V:1
CDEF GABc|
V:2
C,D,E,F, G,A,B,C|

X:3
T:The First Tune Again
M:6/8
L:1/8
R:jig
K:G
dBG GAB | c2A A2c :|
P:B
gfe dcB | M:3/4
[K:D] A6 |]
"""


def tune(body, header="M:4/4\nL:1/8\nK:D"):
    return f"{header}\n{body}"


class TuneBuilder(unittest.TestCase):
    def test_only_the_folk_books_never_essen_folksong(self):
        names = ["music21/corpus/essenFolksong/han1.abc", "music21/corpus/essenFolksong/readme.txt",
                 "music21/corpus/oneills1850/0001-0050.abc", "music21/corpus/bach/bwv1.6.mxl",
                 "music21/corpus/ryansMammoth/AcaciaReel.abc", "music21/corpus/miscFolk/x.abc",
                 "music21/corpus/airdsAirs/book1.abc", "music21/corpus/airdsAirs/notes.txt",
                 "music21/corpus/oneills1850/essenFolksong/trick.abc",
                 "music21/corpus/nottingham-dataset/jigs.abc"]
        self.assertEqual(prepare_data.folk_abc_names(names), [
            "music21/corpus/oneills1850/0001-0050.abc", "music21/corpus/airdsAirs/book1.abc",
            "music21/corpus/ryansMammoth/AcaciaReel.abc", "music21/corpus/miscFolk/x.abc"])
        self.assertNotIn("essenFolksong", prepare_data.FOLK_FOLDERS)

    def test_cleaning_keeps_the_shape_and_drops_titles_notes_comments(self):
        tunes = list(prepare_data.abc_tunes(ABC))
        self.assertEqual([t[0] for t in tunes], ["X:1", "X:2", "X:3"])  # free text skipped
        self.assertEqual(prepare_data.clean_tune(tunes[0][1:]),
                         "M:6/8\nL:1/8\nR:jig\nK:G\ndBG GAB|c2A A2c :|\ngfe dcB|M:3/4\n[K:D] A6 |]")

    def test_tunes_with_several_voices_are_dropped(self):
        self.assertIsNone(prepare_data.clean_tune(list(prepare_data.abc_tunes(ABC))[1][1:]))
        self.assertIsNone(prepare_data.clean_tune(["M:C", "K:C", "CDEF [V:2] GABc|"]))
        self.assertIsNone(prepare_data.clean_tune(["T:No key", "M:C", "CDEF|"]))

    def test_duplicates_are_dropped(self):
        # Tune 3 is tune 1 with other titles, spacing and lower-case R:; a tune with the same
        # notes in other lengths, and another transcription of O'Neill's number 7, go too.
        same_notes = "X:4\nM:6/8\nL:1/8\nK:G\nd>BG G2A/B/|c2A A2c :|\ngfedcB|A6|]\n"
        oneill = ["X:7\nB:O'Neill's 7\nM:C\nK:D\nDEFG|\n", "X:7\nB: \"O'Neill's 7\"\nM:C\nK:D\nFGAB|\n"]
        tunes = prepare_data.folk_tunes([ABC, same_notes] + oneill)
        self.assertEqual(len(tunes), 2)
        self.assertEqual(tunes[1], "M:C\nK:D\nDEFG|")

    def test_held_out_tunes_are_exactly_the_gpt_tail(self):
        rng = random.Random(1)
        notes = "ABCDEFGabcdefg"
        tunes = [tune(" ".join("".join(rng.choice(notes) for _ in range(4)) + "|"
                               for _ in range(rng.randrange(8, 60)))) for _ in range(400)]
        train, held = prepare_data.split_tunes(tunes)
        text = "\n\n".join(train + held) + "\n"
        head, tail = gpt_split(text)
        self.assertEqual(head, "\n\n".join(train) + "\n\n")
        self.assertEqual(tail, "\n\n".join(held) + "\n")
        self.assertEqual(sorted(train + held), sorted(tunes))
        self.assertTrue(30 < len(held) < 50, len(held))  # a tenth of the characters

    def test_a_body_never_straddles_the_split(self):
        rng = random.Random(2)
        bar = lambda: "".join(rng.choice("ABCDEFG") for _ in range(8))
        bodies = ["|".join(bar() for _ in range(rng.randrange(4, 30))) for _ in range(200)]
        tunes = [tune(b, h) for b in bodies for h in ("M:6/8\nK:G", "M:6/8\nR:jig\nK:G")]
        train, held = prepare_data.split_tunes(tunes)
        body = prepare_data.tune_body
        self.assertFalse({body(t) for t in train} & {body(t) for t in held})
        self.assertEqual(gpt_split("\n\n".join(train + held) + "\n")[1], "\n\n".join(held) + "\n")

    def test_the_committed_tunes_split_between_tunes_with_no_tune_on_both_sides(self):
        head, tail = gpt_split(committed("musica.txt"))
        self.assertTrue(head.endswith("\n\n") and not tail.startswith("\n"))
        train, held = head[:-2].split("\n\n"), tail[:-1].split("\n\n")
        self.assertGreater(len(train), 3000)
        self.assertGreater(len(held), 300)
        body, notes = prepare_data.tune_body, prepare_data.note_skeleton
        self.assertFalse({body(t) for t in train} & {body(t) for t in held})
        self.assertFalse({notes(t) for t in train} & {notes(t) for t in held})
        for t in train + held:
            lines = t.split("\n")
            self.assertTrue(lines[0].startswith(("M:", "L:", "R:", "K:")), t)
            dropped = [line for line in lines if line.startswith(("X:", "T:", "N:", "Z:", "V:", "%"))]
            self.assertFalse(dropped, t)

    @unittest.skipUnless(wheel_path(*prepare_data.MUSIC21), "needs the music21 wheel")
    def test_musica_is_what_the_wheel_gives(self):
        path = wheel_path(*prepare_data.MUSIC21)
        text = prepare_data.musica(path)
        self.assertEqual(text, committed("musica.txt"), "musica.txt is not what the builder makes")
        self.assertEqual(gpt_split(text)[1], "\n\n".join(prepare_data.musica_parts(path)[1]) + "\n")


class MoleculeBuilder(unittest.TestCase):
    SMILES = ["C" * n + "O" * (i % 3) + "N" * (i // 3 + 1) for n in range(1, 60) for i in range(40)]

    def test_the_subset_depends_only_on_its_seed(self):
        first = prepare_data.molecule_subset(self.SMILES, 500, seed=0)
        self.assertEqual(first, prepare_data.molecule_subset(self.SMILES, 500, seed=0))
        self.assertNotEqual(first, prepare_data.molecule_subset(self.SMILES, 500, seed=1))
        self.assertEqual(len(set(first)), 500)
        self.assertEqual(first, [m for m in self.SMILES if m in set(first)])  # in file order

    def test_held_out_molecules_are_exactly_the_gpt_tail(self):
        train = prepare_data.molecule_subset(self.SMILES, 1000, seed=0)
        candidates = self.SMILES[::-1] + self.SMILES[:100]  # repeats, and the training ones
        held = prepare_data.held_out_molecules(train, candidates, seen=self.SMILES[:5])
        text = "\n".join(train + held) + "\n"
        self.assertEqual(gpt_split(text), ("\n".join(train) + "\n", "\n".join(held) + "\n"))
        self.assertEqual(len(held), len(set(held)))
        self.assertFalse(set(held) & (set(train) | set(self.SMILES[:5])))

    def test_the_committed_molecules_split_between_lines_with_none_on_both_sides(self):
        head, tail = gpt_split(committed("moleculas.txt"))
        self.assertTrue(head.endswith("\n") and not tail.startswith("\n"))
        train, held = head.split(), tail.split()
        self.assertEqual(len(train), prepare_data.MOLECULES)
        self.assertGreater(len(held), 10000)
        self.assertEqual(len(set(train + held)), len(train) + len(held))

    @unittest.skipUnless(wheel_path(*prepare_data.MOSES), "needs the molsets wheel")
    def test_moleculas_is_what_the_wheel_gives(self):
        text = prepare_data.moleculas(wheel_path(*prepare_data.MOSES))
        self.assertEqual(text, committed("moleculas.txt"), "moleculas.txt is not what the builder makes")


class PixelBuilder(unittest.TestCase):
    def test_a_digit_is_its_class_then_14_by_14_levels_in_raster_order(self):
        # A 7 whose top-left 2 x 2 block is white (255), the block right of it mid grey (128),
        # everything else black: levels "#", "+" (128/255 * 3 = 1.5 rounds to 2), " ".
        pixels = bytearray(784)
        for y, x in [(0, 0), (0, 1), (1, 0), (1, 1)]:
            pixels[y * 28 + x] = 255
        for y, x in [(0, 2), (0, 3), (1, 2), (1, 3)]:
            pixels[y * 28 + x] = 128
        line = prepare_data.pixel_line(bytes([7]) + bytes(pixels))
        self.assertEqual(len(line), 1 + 196)
        self.assertEqual(line[:4], "7#+ ")
        self.assertEqual(set(line[4:]), {" "})
        self.assertEqual(prepare_data.pixel_line(bytes([7]) + bytes(pixels), named=False)[0], "?")

    def test_the_committed_pixels_are_mnist_with_some_training_digits_unnamed(self):
        with open(os.path.join(prepare_data.OUT, "pixeles.txt"), encoding="utf-8") as f:
            text = f.read()
        self.assertEqual(text, prepare_data.pixeles())
        lines = text.splitlines()
        with open(os.path.join(prepare_data.OUT, "mnist.bin"), "rb") as f:
            labels = f.read()[::785]
        self.assertEqual(len(lines), len(labels))
        # The GPT holds out exactly the last tenth of the digits, every one named.
        tail = prepare_data.tail_length(len(text))
        self.assertEqual(tail, len(lines) // 10 * 198)
        held = lines[-len(lines) // 10:]
        self.assertEqual([l[0] for l in held], [str(b) for b in labels[-len(lines) // 10:]])
        unnamed = sum(l[0] == "?" for l in lines[:-len(lines) // 10])
        self.assertAlmostEqual(unnamed / (len(lines) * 0.9), prepare_data.UNCONDITIONED_SHARE, delta=0.01)
        for line, label in zip(lines, labels):
            self.assertIn(line[0], (str(label), "?"))


class GptSplit(unittest.TestCase):
    def test_tail_length_is_the_rust_split(self):
        # iagen-core's text_data tests: a tenth of 650 characters holds a 64-character window,
        # of 649 it does not; "abcdefghij" with 0.2 held out keeps "ij".
        self.assertEqual(prepare_data.tail_length(650), 65)
        self.assertEqual(prepare_data.tail_length(649), 64)
        self.assertEqual(prepare_data.tail_length(10, 0.2), 2)
        self.assertEqual(prepare_data.tail_length(2 ** 24 + 3), 1677722)  # f32(len) rounds up

    def test_exact_tail_fills_the_target(self):
        rng = random.Random(3)
        costs = [rng.randrange(20, 400) for _ in range(3000)]
        for target in (0, 57, 12345, 60000):
            chosen = prepare_data.exact_tail(costs, target)
            self.assertEqual(sum(costs[i] for i in chosen), target)
            self.assertEqual(chosen, sorted(set(chosen)))
        self.assertEqual(prepare_data.exact_tail([5, 7, 5, 3, 2], 10), [0, 2])  # the earliest fit
        self.assertEqual(prepare_data.exact_tail([5, 7, 3], 10), [1, 2])  # 5 leads nowhere
        with self.assertRaises(ValueError):
            prepare_data.exact_tail([4, 6], 5)


if __name__ == "__main__":
    unittest.main()
