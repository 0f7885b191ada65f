"""How fast entity suggestions are: one 10,000-word text against a generated vocabulary of
100,000 names (articles/vocabulary/suggest.py). Target: under 50 ms per text.

The vocabulary is generated in memory (people, organisations, places, topics, a tenth with
an alias) and the automaton built from it directly, as `suggest.build()` does from the
database; the text mixes German filler with names from the vocabulary, inflected and
plain, about one name in twenty words. Both come from one seeded generator.

Usage: python -m bench.suggest [--names N] [--words N] [--runs N]
       (`make bench-suggest`; `make bench` runs it first)
"""

import argparse
import random
import statistics
import time

import bench

SEED = 14
TARGET_MS = 50
SYLLABLES = ("ba", "ber", "burg", "dorf", "el", "en", "feld", "gen", "hau", "heim", "ing",
             "kir", "lan", "len", "mar", "mer", "ner", "ro", "sen", "stein", "tal", "wal",
             "wei", "witz", "zell", "ach", "brück", "hof", "lin", "ster")
FILLER_TEXT = (
    "die Stadt hat ihre Verwaltung digitalisiert und plant weitere Projekte im Rahmen der "
    "Förderung wollen die Kommunen gemeinsam mit den Bürgerinnen und Bürgern neue Angebote "
    "entwickeln der Stadtrat beschloss am Dienstag das Konzept Daten aus Sensoren helfen "
    "dem Bauhof bei der Planung"
)
FILLER = FILLER_TEXT.split()
ORGANISATION_FORMS = ("{} GmbH", "Stadtwerke {}", "{}verband", "Verein {} e.V.",
                      "{} Digital AG", "Institut für {}")
TOPIC_WORDS = ("Plattform", "Strategie", "Netz", "Daten", "Portal", "Zwilling", "Mobilität",
               "Beteiligung", "Sensorik", "Verwaltung")
INFLECTED = ("{}s", "des {}es", "{}")


def word(rng, syllables=(2, 4)):
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(*syllables))).capitalize()


def vocabulary(rng, size):
    """(kind, pk, slug, name, aliases, place_kind) like suggest.build() reads them."""
    from articles.models.tags import PlaceKind
    from articles.vocabulary.suggest import FIRST_NAMES

    first_names = sorted(name.capitalize() for name in FIRST_NAMES)
    shares = {"person": 0.45, "organisation": 0.25, "city": 0.2, "topic": 0.1}
    entries, names = [], set()
    for kind, share in shares.items():
        made = 0
        while made < size * share:
            if kind == "person":
                name = f"{rng.choice(first_names)} {word(rng)}"
            elif kind == "organisation":
                name = rng.choice(ORGANISATION_FORMS).format(word(rng))
            elif kind == "city":
                name = word(rng) if rng.random() < 0.9 else f"Kreis {word(rng)}"
            else:
                name = f"{word(rng, (2, 3))} {rng.choice(TOPIC_WORDS)}"
            if name in names:
                continue
            names.add(name)
            made += 1
            aliases = [word(rng, (1, 2)).upper()] if rng.random() < 0.1 else []
            place_kind = PlaceKind.DISTRICT if name.startswith("Kreis ") else ""
            entries.append((kind, len(entries) + 1, f"s{len(entries)}", name, aliases,
                            place_kind))
    return entries


def text(rng, entries, words):
    out = []
    while len(out) < words:
        out += rng.sample(FILLER, 19)
        name = rng.choice(entries)[3]
        out += rng.choice(INFLECTED).format(name).split()
        if rng.random() < 0.3:
            out[-1] += "."
    return " ".join(out[:words])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--names", type=int, default=100_000)
    parser.add_argument("--words", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    bench.configure()
    from articles.vocabulary.suggest import Matcher

    rng = random.Random(SEED)
    entries = vocabulary(rng, args.names)
    sample = text(rng, entries, args.words)
    started = time.perf_counter()
    matcher = Matcher(entries)
    built = time.perf_counter() - started
    wall, cpu, found = [], [], []
    for _ in range(args.runs):
        started, cpu_started = time.perf_counter(), time.process_time()
        found = matcher.find(sample)
        cpu.append((time.process_time() - cpu_started) * 1000)
        wall.append((time.perf_counter() - started) * 1000)
    print(f"Suggestions: {len(sample.split()):,} words against {len(entries):,} names, "
          f"{len(found)} suggestions")
    print(f"  automaton built in {built:.2f} s (once per vocabulary change)")
    for label, timings in (("CPU time", cpu), ("wall time", wall)):
        print(f"  {label} per text: median {statistics.median(timings):.1f} ms, "
              f"fastest {min(timings):.1f} ms, slowest {max(timings):.1f} ms "
              f"over {args.runs} runs")
    # CPU time is what a text costs one core; wall time adds whatever else the machine runs.
    verdict = "met" if statistics.median(cpu) < TARGET_MS else "MISSED"
    print(f"  target: under {TARGET_MS} ms CPU time per text: {verdict}")

if __name__ == "__main__":
    main()
