#!/usr/bin/env python3
"""Copy the subset of IPTC Media Topics that wire-tagging uses (python3 standard library only).

Usage: python3 scripts/gazetteer/iptc_subset.py [MEDIATOPIC_FLAT_JSONL] [OUTPUT_JSON]
  defaults: ../shared/data/iptc-vocabularies/mediatopic_flat.jsonl and
  config/topics/iptc/mediatopics.json

IPTC Media Topics (2019-04-06 release), CC BY 4.0, (c) IPTC: see config/topics/iptc/ATTRIBUTION.md.
Kept: every concept that is not retired, with its English label, parent, level and the Subject
Codes it matches (exactMatch, closeMatch). For the 17 top-level and the second-level concepts,
also the match terms: the words of the English label, the labels of the concept's descendants,
and (top level only) a short hand-written list of everyday news words, each with a weight.
"""

import json
import os
import re
import sys

# Hand-written everyday words for the top-level topics (wirefeed, Apache-2.0).
TOP_LEVEL_TERMS = {
    "01000000": ["film", "museum", "festival", "concert", "album", "novel", "theatre", "exhibition", "broadcaster", "newspaper"],
    "02000000": ["police", "court", "arrested", "trial", "judge", "prosecutor", "lawsuit", "sentenced", "convicted", "crime"],
    "03000000": ["earthquake", "flood", "crash", "explosion", "fire", "killed", "injured", "rescue", "hurricane", "wildfire"],
    "04000000": ["shares", "profit", "revenue", "market", "bank", "inflation", "economy", "company", "trade", "dlrs", "prices", "earnings"],
    "05000000": ["school", "university", "students", "teachers", "education"],
    "06000000": ["climate", "emissions", "pollution", "environment", "wildlife", "biodiversity", "carbon"],
    "07000000": ["hospital", "disease", "vaccine", "health", "patients", "virus", "pandemic", "doctors"],
    "08000000": ["anniversary", "celebrity", "animal", "oddity"],
    "09000000": ["strike", "workers", "union", "unemployment", "wages", "jobs"],
    "10000000": ["holiday", "tourism", "restaurant", "fashion", "hobby", "leisure"],
    "11000000": ["election", "government", "minister", "parliament", "president", "diplomacy", "talks", "vote", "party", "summit", "sanctions"],
    "12000000": ["church", "religion", "pope", "mosque", "religious", "faith"],
    "13000000": ["research", "scientists", "technology", "space", "software", "artificial intelligence"],
    "14000000": ["migrants", "refugees", "poverty", "discrimination", "welfare", "family"],
    "15000000": ["match", "league", "championship", "tournament", "olympic", "football", "tennis", "goal", "coach"],
    "16000000": ["war", "military", "troops", "ceasefire", "rebels", "air strikes", "fighting", "attack", "militants", "peace"],
    "17000000": ["weather", "forecast", "rain", "storm", "temperatures", "snow"],
}

# Label words that say nothing on their own.
STOP = {"and", "or", "of", "the", "in", "a", "an", "other", "general", "issue", "issues", "news", "for", "to", "on", "with", "by", "non"}


def label_terms(label):
    """`crime, law and justice` -> ['crime, law and justice', 'crime', 'law', 'justice']."""
    label = label.strip().lower()
    parts = [p.strip() for p in re.split(r",| and | or |/", label) if p.strip()]
    terms = [label] + [p for p in parts if p not in STOP and len(p) > 2]
    return list(dict.fromkeys(t for t in terms if "(" not in t))


def main():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    source = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "..", "shared", "data", "iptc-vocabularies", "mediatopic_flat.jsonl")
    output = sys.argv[2] if len(sys.argv) > 2 else os.path.join(root, "config", "topics", "iptc", "mediatopics.json")
    with open(source, encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    live = {r["qcode"]: r for r in rows if not r.get("retired")}

    def descendants(qcode, seen=None):
        seen = seen if seen is not None else set()
        for child in live.get(qcode, {}).get("narrower", []):
            if child in live and child not in seen:
                seen.add(child)
                descendants(child, seen)
        return seen

    concepts = []
    for qcode, r in sorted(live.items()):
        code = qcode.split(":", 1)[1]
        parent = next((p for p in r.get("parents", []) if p in live), None)
        concept = {
            "code": code,
            "label": r["label_en"],
            "level": r["level"],
            "parent": parent.split(":", 1)[1] if parent else None,
            "subjectcodes_exact": r.get("subjectcode_exact", []),
            "subjectcodes_close": r.get("subjectcode_close", []),
        }
        if r["level"] <= 2:
            terms = {t: 2.0 if " " in t else 1.0 for t in label_terms(r["label_en"])}
            for d in sorted(descendants(qcode)):
                for t in label_terms(live[d]["label_en"])[:1]:
                    terms.setdefault(t, 2.0 if " " in t else 1.0)
            for t in TOP_LEVEL_TERMS.get(code, []):
                terms.setdefault(t, 1.0)
            concept["terms"] = terms
        concepts.append(concept)
    os.makedirs(os.path.dirname(output), exist_ok=True)
    with open(output, "w", encoding="utf-8") as f:
        f.write('{"about":"IPTC Media Topics 2019-04-06 (CC BY 4.0, IPTC), subset made by scripts/gazetteer/iptc_subset.py",\n"concepts":[\n')
        f.write(",\n".join(json.dumps(c, ensure_ascii=False, separators=(",", ":")) for c in concepts))
        f.write("\n]}\n")
    print(f"wrote {output}: {len(concepts)} concepts, {sum(1 for c in concepts if 'terms' in c)} with terms")


if __name__ == "__main__":
    main()
