"""Read the per-language files in languages/ (see languages/README.md) and inflect adjectives.

Python standard library only; written for wirefeed (Apache-2.0).
"""

import os
import unicodedata

LANGUAGES = ["de", "fr", "es", "it", "pt", "nl", "ar"]

# The Arabic letters (hamza to yeh) and the short-vowel marks: a name made only of these is
# Arabic script without Persian, Urdu or other extra letters.
ARABIC_LETTERS = {chr(c) for c in range(0x0621, 0x064B)}
ARABIC_MARKS = {chr(c) for c in range(0x064B, 0x0653)} | {"\u0640", "\u0670"}


def is_arabic(name):
    letters = [ch for ch in name if ch != " "]
    return len(letters) >= 3 and all(ch in ARABIC_LETTERS or ch in ARABIC_MARKS for ch in letters)


def _split(field):
    return [part.strip() for part in field.split(";") if part.strip()]


def read_language(path):
    """{'locatives': [...], 'common_words': [...], 'countries': {CC: (names, adjectives, forms)}}"""
    sections = {"locatives": [], "about_words": [], "articles": [], "common_words": [], "countries": {}}
    current = None
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if line.startswith("[") and line.endswith("]"):
                current = line[1:-1]
                continue
            if current == "countries":
                fields = [f.strip() for f in line.split("|")] + ["", "", ""]
                code = fields[0].upper()
                names, adjectives, forms = sections["countries"].setdefault(code, ([], [], []))
                names += _split(fields[1])
                adjectives += _split(fields[2])
                forms += _split(fields[3])
            elif current in ("locatives", "about_words", "articles", "common_words"):
                sections[current] += _split(line)
    return sections


def _strip_accent(word):
    return "".join(ch for ch in unicodedata.normalize("NFD", word) if not unicodedata.combining(ch))


def inflect(language, adjective):
    """The adjective's forms in `language` (base form first); multi-word adjectives as given."""
    a = adjective
    if " " in a:
        return [a]
    if language == "de":
        return [a + ending for ending in ("", "e", "em", "en", "er", "es")]
    if language == "nl":
        return [a, a[:-3] + "ese" if a.endswith("ees") else a + "e"]
    if language == "fr":
        if a.endswith("en"):
            return [a, a + "ne", a + "s", a + "nes"]
        if a.endswith("e"):
            return [a, a + "s"]
        if a.endswith(("s", "x")):
            return [a, a + "e", a + "es"]
        return [a, a + "e", a + "s", a + "es"]
    if language in ("es", "pt"):
        if a.endswith("o"):
            return [a, a[:-1] + "a", a + "s", a[:-1] + "as"]
        if a.endswith(("és", "ês")):  # francés -> francesa, franceses; inglês -> inglesa
            stem = a[:-2] + "e"
            return [a, stem + "sa", stem + "ses", stem + "sas"]
        if a.endswith(("án", "ão")) and language == "es":
            stem = a[:-2] + "a"
            return [a, stem + "na", stem + "nes", stem + "nas"]
        if a.endswith(("í", "ú")):
            return [a, a + "es", a + "s"]
        if a.endswith(("e", "a", "i")):
            return [a, a + "s"]
        return [a, a + "es"]
    if language == "it":
        if a.endswith("o"):
            return [a, a[:-1] + "a", a[:-1] + "i", a[:-1] + "e"]
        if a.endswith("e"):
            return [a, a[:-1] + "i"]
        if a.endswith("a"):  # belga, saudita: the other forms are listed by hand
            return [a]
        return [a]
    if language == "ar":
        return [a, a + "ة", a + "ون", a + "ين"]
    return [a]


# German writes a part of a country as one word with a compass point (`Nordsyrien`,
# `südsyrische`), and so does the adjective.
GERMAN_COMPASS_POINTS = ["Nord", "Süd", "Ost", "West", "Nordost", "Nordwest", "Südost", "Südwest", "Zentral"]
# Compounds that name somewhere else: Nordamerika and Südamerika are continents, Nordirland is
# in the United Kingdom.
GERMAN_NO_COMPASS = {"Amerika", "amerikanisch", "US-amerikanisch", "Irland", "irisch"}


def german_compass_compounds(names, adjectives, taken):
    """`Nordsyrien`, `Südsyrien`, ... and `nordsyrisch`, ...: one-word names and adjectives only,
    none already a name or form of some country (`Südsudan`) in `taken`."""
    out_names, out_adjectives = [], []
    for name in names:
        if " " in name or name.isupper() or name in GERMAN_NO_COMPASS:
            continue
        if any(name.startswith(point) for point in GERMAN_COMPASS_POINTS):
            continue
        out_names += [point + name.lower() for point in GERMAN_COMPASS_POINTS
                      if point + name.lower() not in taken]
    for adjective in adjectives:
        if " " in adjective or adjective in GERMAN_NO_COMPASS:
            continue
        if any(adjective.startswith(point.lower()) for point in GERMAN_COMPASS_POINTS):
            continue
        out_adjectives += [point.lower() + adjective for point in GERMAN_COMPASS_POINTS
                           if point.lower() + adjective not in taken]
    return out_names, out_adjectives


def load_all(directory):
    """Every language's sections, with each country's names and all adjective forms."""
    out = {}
    for language in LANGUAGES:
        data = read_language(os.path.join(directory, f"{language}.txt"))
        countries = {}
        taken = {word for entry in data["countries"].values() for field in entry for word in field}
        taken |= {inflected for _, adjectives, _ in data["countries"].values()
                  for adjective in adjectives for inflected in inflect(language, adjective)}
        for code, (names, adjectives, forms) in data["countries"].items():
            if language == "de":
                compass_names, compass_adjectives = german_compass_compounds(names, adjectives, taken)
                names = names + compass_names
                adjectives = adjectives + compass_adjectives
            demonyms = []
            for adjective in adjectives:
                demonyms += inflect(language, adjective)
            demonyms += forms
            countries[code] = (names, demonyms)
        out[language] = {
            "locatives": data["locatives"],
            "about_words": data["about_words"],
            "articles": data["articles"],
            "common_words": data["common_words"],
            "countries": countries,
        }
    return out


if __name__ == "__main__":
    here = os.path.dirname(os.path.abspath(__file__))
    everything = load_all(os.path.join(here, "languages"))
    for language, data in everything.items():
        print(language, len(data["countries"]), "countries", data["countries"].get("SY"))
    assert _strip_accent("Genève") == "Geneve"
