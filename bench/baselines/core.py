#!/usr/bin/env python3
"""Baseline of `wirefeed-bench core`: the same core work with the usual Python stack.

For every raw item of the corpus (JSON lines of `wire.raw.v1` messages, as `wirefeed-bench
core` writes them), in order, inside the clock:

  1. decode the raw item (json) and parse its payload: RSS with feedparser, ninjs with json;
     HTML bodies to text (tags stripped, entities unescaped);
  2. exact re-sends: a hash of the normalized text, looked up in a dict;
  3. near-duplicates: a MinHash (datasketch, 96 permutations, as the enricher) of the 4-word
     shingles (as the enricher), queried in a datasketch MinHashLSH (Jaccard threshold 0.5),
     candidates verified on their estimated Jaccard, then inserted;
  4. places: one pyahocorasick automaton over every name of the gazetteer the enricher uses
     (countries, their demonyms, places), whole-word matches in headline and body, the
     gazetteer's ambiguous common words left out; the countries found are collected.

Written to be fair to Python: permutations are drawn once and shared by every MinHash, the
shingle hash is Python's built-in (C) string hash instead of datasketch's default SHA-1,
regular expressions are compiled once. It does less than the Rust side (no language
detection, versions, story clusters, roles or topics).

Prints one JSON object with the figures on standard output; progress goes to standard error.
"""

import argparse
import hashlib
import html
import json
import re
import resource
import sys
import time

import ahocorasick
import datasketch
import feedparser
import numpy as np

NUM_PERM = 96
SHINGLE_WORDS = 4
LSH_THRESHOLD = 0.5
TAG = re.compile(r"<[^>]+>")
WORD = re.compile(r"\w+")
SPACE = re.compile(r"\s+")


def shingle_hash(shingle):
    return hash(shingle) & 0xFFFFFFFF


def html_to_text(markup):
    return SPACE.sub(" ", html.unescape(TAG.sub(" ", markup))).strip()


def parse(raw):
    """(headline, body text) of a raw item's payload."""
    payload = raw["payload"]
    if raw["format"] == "ninjs":
        item = json.loads(payload)
        headlines = item.get("headlines") or [{}]
        headline = headlines[0].get("value", "")
        bodies = item.get("bodies") or [{}]
        body = html_to_text(bodies[0].get("value", ""))
        return headline, body
    feed = feedparser.parse(payload)
    if not feed.entries:
        return None
    entry = feed.entries[0]
    return entry.get("title", ""), html_to_text(entry.get("summary", ""))


def load_places(path):
    gazetteer = json.load(open(path, encoding="utf-8"))
    common = {w.lower() for w in gazetteer.get("ambiguity", {}).get("common_words", [])}
    automaton = ahocorasick.Automaton()
    names = 0
    for country in gazetteer["countries"]:
        for name in country.get("names", []) + country.get("demonyms", []):
            key = name.lower()
            if key not in common and key not in automaton:
                automaton.add_word(key, (len(key), country["cc"]))
                names += 1
    for place in gazetteer["places"]:
        for name in place.get("names", []):
            key = name.lower()
            if len(key) > 2 and key not in common and key not in automaton:
                automaton.add_word(key, (len(key), place["cc"]))
                names += 1
    automaton.make_automaton()
    return automaton, names


def countries(automaton, text):
    lower = text.lower()
    found = set()
    size = len(lower)
    for end, (length, cc) in automaton.iter(lower):
        start = end - length + 1
        if (start == 0 or not lower[start - 1].isalnum()) and (
            end + 1 == size or not lower[end + 1].isalnum()
        ):
            found.add(cc)
    return found


def main():
    arguments = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    arguments.add_argument("--corpus", required=True)
    arguments.add_argument("--gazetteer", required=True)
    options = arguments.parse_args()

    automaton, names = load_places(options.gazetteer)
    template = datasketch.MinHash(num_perm=NUM_PERM, seed=1)
    permutations, scheme = template.permutations, template.scheme
    lsh = datasketch.MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
    signatures = {}
    exact = {}
    latencies = []
    parsed = near_duplicates = resends = with_places = articles = 0
    total = 0.0
    clock = time.perf_counter
    cpu_started = time.thread_time()
    with open(options.corpus, encoding="utf-8") as corpus:
        for line in corpus:
            started = clock()
            raw = json.loads(line)
            result = parse(raw)
            if result is not None:
                parsed += 1
                headline, body = result
                text = headline + "\n" + body
                uri = raw["item_identity"]
                digest = hashlib.blake2b(
                    " ".join(WORD.findall(text.lower())).encode(), digest_size=16
                ).digest()
                if digest in exact:
                    resends += 1
                else:
                    exact[digest] = uri
                    words = WORD.findall(body.lower())
                    shingles = [
                        " ".join(words[i : i + SHINGLE_WORDS])
                        for i in range(max(1, len(words) - SHINGLE_WORDS + 1))
                    ]
                    minhash = datasketch.MinHash(
                        num_perm=NUM_PERM,
                        hashfunc=shingle_hash,
                        permutations=permutations,
                        scheme=scheme,
                    )
                    minhash.update_batch(shingles)
                    for candidate in lsh.query(minhash):
                        if signatures[candidate].jaccard(minhash) >= LSH_THRESHOLD:
                            near_duplicates += 1
                            break
                    if uri not in signatures:
                        lsh.insert(uri, minhash)
                        signatures[uri] = minhash
                if countries(automaton, text):
                    with_places += 1
            elapsed = clock() - started
            total += elapsed
            latencies.append(elapsed)
            articles += 1
            if articles % 10000 == 0:
                print(f"python baseline: {articles} articles", file=sys.stderr, flush=True)

    cpu = time.thread_time() - cpu_started
    latencies.sort()

    def quantile(q):
        if not latencies:
            return 0.0
        index = min(len(latencies) - 1, max(0, int(np.ceil(q * len(latencies))) - 1))
        return latencies[index] * 1e6

    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "articles": articles,
                "seconds": total,
                "articles_per_second": articles / total if total > 0 else 0.0,
                "cpu_seconds": cpu,
                "articles_per_cpu_second": articles / cpu if cpu > 0 else None,
                "p50_micros": quantile(0.5),
                "p99_micros": quantile(0.99),
                "peak_rss_bytes": peak_kib * 1024,
                "parsed": parsed,
                "near_duplicates": near_duplicates,
                "exact_resends": resends,
                "with_places": with_places,
                "gazetteer_names": names,
                "stack": "Python {}, feedparser {}, datasketch {}, pyahocorasick {}, numpy {}".format(
                    sys.version.split()[0],
                    feedparser.__version__,
                    datasketch.__version__,
                    getattr(ahocorasick, "__version__", "2.3.1"),
                    np.__version__,
                ),
            }
        )
    )


if __name__ == "__main__":
    main()
