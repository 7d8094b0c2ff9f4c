"""The text corpora are reproducible: building one twice gives the same bytes, and the same
bytes as the committed file (so web/assets/data/NOTICE.md tells the truth about its source).
Needs Debian's fortunes-es, which .ci/run installs."""
import os
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


if __name__ == "__main__":
    unittest.main()
