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

The same is made per language in `terms_by_language` (de, fr, es, it, pt, nl, ar): from the
vocabulary's labels in that language (pt from pt-PT and pt-BR; IPTC has no Italian or Dutch
labels, so those come from the hand-written lists in iptc_languages.py), split on that
language's conjunctions and stop words, plus the everyday news words of that language for the
top-level topics. Arabic terms come in the forms news copy writes them: with and without the
article ال and the attached و, ب, ل. A term ending in `*` matches any word it begins
(`wahl*`: Wahl, Wahlen, Wahlkampf). A multi-word term of another language made only of English
words is left out, so that no other language's term can take a match away from an English one.
"""

import bisect
import json
import os
import re
import sys
import unicodedata

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from iptc_languages import HAND_LABELS, TOP_LEVEL_TERMS_BY_LANGUAGE  # noqa: E402

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

# The languages with their own terms, and the vocabulary's label keys for each.
LABEL_KEYS = {"de": ["de"], "fr": ["fr"], "es": ["es"], "it": [], "pt": ["pt-PT", "pt-BR"], "nl": [], "ar": ["ar"]}

# Per language: the words that join a label's parts, and label words that say nothing alone.
CONJUNCTIONS = {
    "de": ["und", "oder", "sowie"],
    "fr": ["et", "ou"],
    "es": ["y", "e", "o", "u"],
    "it": ["e", "ed", "o"],
    "pt": ["e", "ou"],
    "nl": ["en", "of"],
    "ar": [],
}
STOP_BY_LANGUAGE = {
    "de": {"allgemein", "sonstiges", "andere", "anderes", "der", "die", "das", "des", "im", "in", "von", "für", "mit"},
    "fr": {"de", "du", "des", "la", "le", "les", "l'", "d'", "en", "autre", "autres", "général", "générale", "divers"},
    "es": {"de", "del", "la", "el", "los", "las", "en", "otro", "otros", "otras", "general", "varios"},
    "it": {"di", "del", "della", "dei", "delle", "il", "lo", "la", "i", "gli", "le", "in", "altro", "altri", "generale"},
    "pt": {"de", "da", "do", "das", "dos", "a", "o", "as", "os", "em", "outro", "outros", "geral"},
    "nl": {"de", "het", "een", "van", "in", "overig", "overige", "algemeen"},
    "ar": {"عام", "عامة", "اخرى", "أخرى", "آخر", "اخر", "غير", "في", "من"},
}

# Arabic: attached prefixes a noun takes in news copy; words a phrase's article never goes on.
ARABIC_ARTICLE = "ال"
ARABIC_BARE_WORDS = {"ما", "بعد", "قبل", "غير", "في", "من", "على", "الى", "إلى", "عن", "و"}


def label_terms(label):
    """`crime, law and justice` -> ['crime, law and justice', 'crime', 'law', 'justice']."""
    label = label.strip().lower()
    parts = [p.strip() for p in re.split(r",| and | or |/", label) if p.strip()]
    terms = [label] + [p for p in parts if p not in STOP and len(p) > 2]
    return list(dict.fromkeys(t for t in terms if "(" not in t))


def label_terms_in(language, label):
    """A label of another language split as `label_terms` splits English ones: the whole label
    (parenthesised remarks dropped), then its parts between commas, slashes and conjunctions.
    `Kultur, Kunst, Unterhaltung und Medien` -> [..., 'kultur', 'kunst', 'unterhaltung', 'medien'];
    `فنون، ثقافة وترفيه` -> [..., 'فنون', 'ثقافة', 'ترفيه']."""
    label = re.sub(r"\s*\([^)]*\)", "", label).strip().lower()
    label = re.sub(r"\s+", " ", label)
    if not label:
        return []
    joins = "|".join(f" {re.escape(c)} " for c in CONJUNCTIONS[language])
    pattern = r",|،|/" + (f"|{joins}" if joins else "")
    if language == "ar":
        pattern += r"| و(?=[^ ]{3,})"
    parts = [p.strip() for p in re.split(pattern, label) if p.strip()]
    stop = STOP_BY_LANGUAGE[language]
    terms = [label] + [p for p in parts if p not in stop and len(p) > 2]
    return list(dict.fromkeys(terms))


def arabic_forms(term, all_forms=True):
    """The forms Arabic copy writes a term in. A word: with and without the article, after و, ب
    and ل (`انتخابات` -> انتخابات, الانتخابات, والانتخابات, بالانتخابات, للانتخابات,
    وانتخابات, بانتخابات, لانتخابات). A phrase: as written, in its construct form with the
    article on the last word (`عملية سلام` -> عملية السلام) and fully definite (`نزاع مسلح` ->
    النزاع المسلح), each also after و, ب and ل (`لكرة القدم`). `all_forms=False` leaves out the
    forms with attached prefixes."""
    if term.endswith("*") or "،" in term or "," in term:
        return [term]
    words = term.split()

    def bare(word):
        return word[2:] if word.startswith(ARABIC_ARTICLE) and len(word) > 4 else word

    def definite(word):
        return word if word in ARABIC_BARE_WORDS else ARABIC_ARTICLE + bare(word)

    def prefixed(word):
        if word.startswith(ARABIC_ARTICLE):
            noun = word[2:]
            return ["و" + word, "ب" + word, ("ل" if noun.startswith("ل") else "لل") + noun]
        return ["و" + word, "ب" + word, "ل" + word]

    if len(words) == 1:
        variants = [words, [bare(words[0])], [definite(words[0])]]
    else:
        variants = [words, words[:-1] + [definite(words[-1])], [definite(w) for w in words]]
    forms = []
    for variant in variants:
        forms.append(" ".join(variant))
        if all_forms:
            forms += [" ".join([first] + variant[1:]) for first in prefixed(variant[0])]
    return list(dict.fromkeys(forms))


ARABIC_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ؤ": "و", "ئ": "ي", "ـ": None})


def fold(term):
    """A term as the matcher compares it: Latin accents and `ß` and Arabic letter forms folded,
    short vowels dropped, lowercase (what wire-tagging's fold does to terms and text)."""
    decomposed = unicodedata.normalize("NFD", term.replace("ß", "ss").replace("ẞ", "ss"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).translate(ARABIC_FOLD).lower()


def keep_shadowed_terms(concepts):
    """Each term of a language also gets, with its weight, every longer pattern of another
    language that it begins: one a prefix term begins, or one that continues a whole-word term
    past its end (`markt` + ` und börse`). Written when all languages shared one automaton, where
    such a pattern hid the term; wire-tagging now gives each language its own automaton, and the
    patterns stay as further spellings of the term in its language (without them one Spanish
    story of the languages dev split loses a Media Topic; the test split is the same)."""
    patterns = set()
    for c in concepts:
        for t in c.get("terms", {}):
            patterns.add(t)
        for terms in c.get("terms_by_language", {}).values():
            patterns.update(terms)
    ordered = sorted((fold(p.rstrip("*")), p) for p in patterns)
    keys = [k for k, _ in ordered]
    added = 0
    for c in concepts:
        for terms in c.get("terms_by_language", {}).values():
            for term, weight in list(terms.items()):
                stem = fold(term.rstrip("*"))
                prefix = term.endswith("*")
                at = bisect.bisect_right(keys, stem)
                while at < len(keys) and keys[at].startswith(stem):
                    key, longer = ordered[at]
                    at += 1
                    if key == stem or longer in terms:
                        continue
                    if prefix or not key[len(stem)].isalnum():
                        terms[longer] = weight
                        added += 1
    return added


# Terms of other languages left out because every word of them is an English word.
DROPPED = []


def english_words(rows):
    """Every word of the vocabulary's English labels and of the hand-written English terms."""
    words = set()
    for r in rows:
        words.update(re.findall(r"[a-z']+", r["label_en"].lower()))
    for terms in TOP_LEVEL_TERMS.values():
        words.update(w for t in terms for w in t.split())
    return words


def language_terms(language, r, descendant_rows, code, english, english_terms):
    """The {term: weight} of one concept in one language, made as the English terms are."""
    def labels(row):
        found = [row["labels"][k] for k in LABEL_KEYS[language] if row["labels"].get(k)]
        hand = HAND_LABELS.get(language, {}).get(row["qcode"].split(":", 1)[1])
        return found + ([hand] if hand else [])

    terms = {}

    def add(term, weight, all_forms=True):
        forms = arabic_forms(term, all_forms) if language == "ar" else [term]
        for form in forms:
            words = form.split()
            if len(words) > 1 and form not in english_terms and all(w in english for w in words):
                DROPPED.append((language, form))
                continue
            terms.setdefault(form, weight)

    for label in labels(r):
        for t in label_terms_in(language, label):
            add(t, 2.0 if " " in t else 1.0)
    for d in descendant_rows:
        for label in labels(d):
            for t in label_terms_in(language, label)[:1]:
                add(t, 2.0 if " " in t else 1.0, all_forms=False)
    for t in TOP_LEVEL_TERMS_BY_LANGUAGE[language].get(code, []):
        add(t.lower(), 1.0)
    return terms


def main():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    source = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "..", "shared", "data", "iptc-vocabularies", "mediatopic_flat.jsonl")
    output = sys.argv[2] if len(sys.argv) > 2 else os.path.join(root, "config", "topics", "iptc", "mediatopics.json")
    with open(source, encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    live = {r["qcode"]: r for r in rows if not r.get("retired")}
    english = english_words(live.values())

    def descendants(qcode, seen=None):
        seen = seen if seen is not None else set()
        for child in live.get(qcode, {}).get("narrower", []):
            if child in live and child not in seen:
                seen.add(child)
                descendants(child, seen)
        return seen

    def terms_of(qcode):
        terms = {t: 2.0 if " " in t else 1.0 for t in label_terms(live[qcode]["label_en"])}
        for d in sorted(descendants(qcode)):
            for t in label_terms(live[d]["label_en"])[:1]:
                terms.setdefault(t, 2.0 if " " in t else 1.0)
        for t in TOP_LEVEL_TERMS.get(qcode.split(":", 1)[1], []):
            terms.setdefault(t, 1.0)
        return terms

    english_terms = {q: terms_of(q) for q, r in live.items() if r["level"] <= 2}
    all_english_terms = {t for terms in english_terms.values() for t in terms}
    concepts = []
    counts = {language: 0 for language in LABEL_KEYS}
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
            concept["terms"] = english_terms[qcode]
            descendant_rows = [live[d] for d in sorted(descendants(qcode))]
            by_language = {}
            for language in sorted(LABEL_KEYS):
                found = language_terms(language, r, descendant_rows, code, english, all_english_terms)
                if found:
                    by_language[language] = found
            concept["terms_by_language"] = by_language
        concepts.append(concept)
    shadowed = keep_shadowed_terms(concepts)
    for c in concepts:
        for language, terms in c.get("terms_by_language", {}).items():
            counts[language] += len(terms)
    os.makedirs(os.path.dirname(output), exist_ok=True)
    with open(output, "w", encoding="utf-8") as f:
        f.write('{"about":"IPTC Media Topics 2019-04-06 (CC BY 4.0, IPTC), subset made by scripts/gazetteer/iptc_subset.py",\n"concepts":[\n')
        f.write(",\n".join(json.dumps(c, ensure_ascii=False, separators=(",", ":")) for c in concepts))
        f.write("\n]}\n")
    english_count = sum(len(c.get("terms", {})) for c in concepts)
    per_language = ", ".join(f"{language} {n}" for language, n in sorted(counts.items()))
    print(f"wrote {output}: {len(concepts)} concepts, {sum(1 for c in concepts if 'terms' in c)} with terms")
    print(f"concept terms: en {english_count}, {per_language}")
    print(f"longer patterns of other languages added where they would hide a term: {shadowed}")
    print(f"left out, made of English words only: {', '.join(sorted(set(f'{l}:{t}' for l, t in DROPPED)))}")


if __name__ == "__main__":
    main()
