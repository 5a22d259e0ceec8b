"""Names written by hand for wirefeed's gazetteer (Apache-2.0, original to wirefeed).

Everything here maps a name to an ISO 3166-1 alpha-2 country: English short names and
abbreviations GeoNames' country table lacks, historical state names (mapped to the successor the
tagger reports), regions inside a country that news copy names on their own, metonyms (the seat
of government standing for the country) and demonyms GeoNames-derived lists miss or get wrong.
"""

# English names and abbreviations beyond GeoNames' one name per country.
COUNTRY_ALIASES = {
    "US": ["US", "U.S.", "U.S.A.", "USA", "United States of America", "America"],
    "GB": ["Britain", "Great Britain", "U.K.", "UK", "United Kingdom of Great Britain and Northern Ireland"],
    "RU": ["Russian Federation"],
    "KR": ["Republic of Korea", "S. Korea"],
    "KP": ["Democratic People's Republic of Korea", "DPRK", "N. Korea"],
    "CN": ["People's Republic of China", "PRC", "Mainland China"],
    "TW": ["Republic of China"],
    "IR": ["Islamic Republic of Iran", "Persia"],
    "SY": ["Syrian Arab Republic"],
    "NL": ["Netherlands", "Holland"],
    "CZ": ["Czech Republic"],
    "MK": ["Macedonia"],
    "CI": ["Cote d'Ivoire", "Côte d'Ivoire"],
    "CD": ["DR Congo", "DRC", "Congo-Kinshasa"],
    "CG": ["Congo-Brazzaville", "Congo"],
    "PS": ["Palestine", "Palestinian Territories", "West Bank", "Gaza Strip"],
    "VA": ["Vatican", "Vatican City", "Holy See"],
    "AE": ["UAE", "U.A.E.", "Emirates"],
    "SA": ["Saudi", "Kingdom of Saudi Arabia"],
    "TL": ["East Timor", "Timor-Leste"],
    "CV": ["Cape Verde"],
    "SZ": ["Swaziland", "Eswatini"],
    "MM": ["Burma"],
    "BA": ["Bosnia", "Herzegovina"],
    "TT": ["Trinidad", "Tobago"],
    "AG": ["Antigua"],
    "PG": ["Papua"],
    "FM": ["Micronesia"],
    "LA": ["Lao PDR"],
    "VN": ["Viet Nam"],
    "BN": ["Brunei Darussalam"],
}

# Names of states that no longer exist, mapped to the successor this gazetteer reports for them.
# The evaluation maps the Reuters-21578 labels the same way (ussr -> RU, west-germany -> DE, ...).
HISTORICAL = {
    "RU": ["Soviet Union", "USSR", "U.S.S.R.", "Soviet", "Soviets"],
    "DE": ["West Germany", "East Germany", "West German", "East German", "West Germans", "East Germans", "FRG", "GDR"],
    "CZ": ["Czechoslovakia", "Czechoslovak"],
    "RS": ["Yugoslavia", "Yugoslav", "Yugoslavs"],
    "CD": ["Zaire", "Zairean", "Zairian"],
    "KH": ["Kampuchea", "Kampuchean"],
    "ZW": ["Rhodesia"],
    "LK": ["Ceylon"],
    "BJ": ["Dahomey"],
    "BF": ["Upper Volta"],
    "WS": ["Western Samoa"],
    "YE": ["North Yemen", "South Yemen", "Yemen Arab Republic"],
    "TH": ["Siam"],
}

# Regions within one country that stories name on their own.
REGIONS_OF_COUNTRY = {
    "GB": ["England", "Scotland", "Wales", "Northern Ireland", "Ulster"],
    "UA": ["Crimea", "Donbas", "Donbass", "Donetsk region", "Luhansk region", "Kharkiv region"],
    "RU": ["Siberia", "Chechnya", "Dagestan", "Kaliningrad region"],
    "CN": ["Tibet", "Xinjiang", "Inner Mongolia", "Guangdong", "Sichuan", "Hubei"],
    "IL": ["Negev", "Golan Heights"],
    "ES": ["Catalonia", "Andalusia", "Basque Country"],
    "FR": ["Corsica", "Brittany", "Normandy", "Provence"],
    "CA": ["Quebec", "Ontario", "Alberta", "British Columbia", "Manitoba", "Saskatchewan", "Nova Scotia", "Newfoundland"],
    "AU": ["New South Wales", "Queensland", "Tasmania", "Western Australia"],
    "IN": ["Kerala", "Punjab", "Kashmir", "Uttar Pradesh", "Maharashtra", "Tamil Nadu", "Gujarat", "Assam", "Bihar"],
    "SY": ["Idlib", "Idlib province"],
    "SD": ["Darfur"],
    "IQ": ["Kurdistan region"],
    "DE": ["Bavaria", "Saxony"],
    "IT": ["Sicily", "Sardinia", "Lombardy", "Tuscany"],
}

# The seat or institution standing for the state in copy.
METONYMS = {
    "RU": ["Kremlin"],
    "US": ["New England", "White House", "Pentagon", "Capitol Hill", "Foggy Bottom", "Federal Reserve", "Wall Street", "Oval Office"],
    "GB": ["Downing Street", "Whitehall", "Bank of England", "Buckingham Palace"],
    "FR": ["Elysee", "Élysée", "Elysee Palace", "Élysée Palace", "Quai d'Orsay"],
    "CN": ["Zhongnanhai"],
    "DE": ["Bundestag", "Bundesbank", "Chancellery"],
    "JP": ["Bank of Japan", "Diet"],
    "IL": ["Knesset"],
    "KR": ["Blue House"],
    "VA": ["Vatican"],
    "IN": ["Lok Sabha"],
}

# Demonyms that geotext's list lacks, and corrections to it (it maps thai to TW, swiss to SZ,
# tuvaluan to TW, mauritian to MR and english to the non-code UK).
DEMONYM_FIXES = {
    "thai": "TH", "swiss": "CH", "tuvaluan": "TV", "mauritian": "MU", "english": "GB",
    "dominican": "DO",
}
DEMONYMS_EXTRA = {
    "US": ["American", "Americans"],
    "GB": ["British", "Briton", "Britons", "Scottish", "Scot", "Scots"],
    "IQ": ["Iraqi", "Iraqis"],
    "IR": ["Iranian", "Iranians", "Persian"],
    "KP": ["North Korean", "North Koreans"],
    "KR": ["South Korean", "South Koreans"],
    "PS": ["Palestinian", "Palestinians"],
    "AF": ["Afghan", "Afghans"],
    "QA": ["Qatari"],
    "OM": ["Omani"],
    "UA": ["Ukrainian", "Ukrainians"],
    "BY": ["Belarusian", "Belarusians", "Belarussian"],
    "SD": ["Sudanese"],
    "SS": ["South Sudanese"],
    "ER": ["Eritrean"],
    "SO": ["Somali", "Somalis"],
    "LY": ["Libyan", "Libyans"],
    "NL": ["Dutch"],
    "NZ": ["New Zealander", "Kiwi"],
    "PH": ["Filipino", "Filipinos", "Philippine"],
    "DK": ["Danish", "Danes"],
    "SE": ["Swede", "Swedes"],
    "FI": ["Finn", "Finns"],
    "PL": ["Polish", "Poles"],
    "CZ": ["Czechs"],
    "HU": ["Hungarians"],
    "GR": ["Greeks"],
    "TR": ["Turks"],
    "CN": ["Sino"],
    "KW": ["Kuwaitis"],
    "SA": ["Saudis"],
    "YE": ["Yemenis"],
    "IL": ["Israelis"],
    "PK": ["Pakistanis"],
    "BD": ["Bangladeshis"],
    "VE": ["Venezuelans"],
    "BR": ["Brazilians"],
    "AR": ["Argentines"],
    "CO": ["Colombian", "Colombians"],
    "NG": ["Nigerians"],
    "ZA": ["South Africans"],
    "KE": ["Kenyans"],
    "MX": ["Mexicans"],
    "CA": ["Canadians"],
    "AU": ["Australians", "Aussie"],
    "JP": ["Japanese"],
    "VN": ["Vietnamese"],
    "IN": ["Indians"],
    "DE": ["Germans"],
    "FR": ["Frenchman"],
    "IT": ["Italians"],
    "ES": ["Spaniard", "Spaniards"],
    "PT": ["Portuguese"],
    "RU": ["Russians"],
    "SY": ["Syrians"],
    "EG": ["Egyptians"],
    "LB": ["Lebanese"],
    "JO": ["Jordanians"],
    "TW": ["Taiwanese"],
    "MM": ["Burmese", "Myanmar's"],
    "LK": ["Sri Lankans"],
    "EC": ["Ecuadorean"],
    "NO": ["Norwegians"],
    "BE": ["Belgians"],
    "AT": ["Austrians"],
    "CH": ["Swiss"],
    "IE": ["Irishman"],
    "CL": ["Chileans"],
    "PE": ["Peruvians"],
    "CU": ["Cubans"],
    "ID": ["Indonesians"],
    "MY": ["Malaysians"],
    "SG": ["Singaporeans"],
    "TH": ["Thais"],
    "NP": ["Nepali"],
    "RS": ["Serbian", "Serbians", "Serbs"],
    "HR": ["Croats"],
    "KZ": ["Kazakhstani"],
    "AZ": ["Azerbaijani", "Azerbaijanis"],
    "GE": ["Georgians"],
    "AM": ["Armenians"],
}

# Names that are also everyday English words. Lowercase never matches any name; these also need
# support when capitalised (a locative word before them, or another place in the same country,
# admin division or a neighbour), because capitals start sentences and titles.
COMMON_WORD_NAMES = [
    "Nice", "Reading", "Mobile", "Split", "Bath", "Orange", "Victoria", "Florence", "Marion",
    "Hamilton", "Trinidad", "Bristol", "Cork", "Chester", "Stanley", "Lincoln", "Jackson",
    "Austin", "Charlotte", "Orlando", "Tyler", "Eugene", "Regina", "Lawrence", "Logan", "Kent",
    "Douglas", "Aurora", "Lancaster", "Buffalo", "Clifton", "Santa Clara", "Troy", "Salem",
    "Sparta", "Dover", "Delta", "Golden", "Gary", "Bend", "Reno", "Tours", "Nancy",
    "Angers", "Metz", "Gent", "Kingston", "Preston", "Bolton", "Ashton", "Carlisle", "Winston",
    "Warren", "Beverly", "Mesa", "Plano", "Irving", "Garland", "Frederick",
    "Marietta", "Lowell", "Hampton", "Norman", "Vista", "Provo", "Billings", "Ogden", "Davis",
    "Pearl", "Pueblo", "Edinburg", "Diet", "Chancellery",
    "Pentagon", "Wall Street", "Federal Reserve", "Whitehall", "Soviet", "Kiwi", "Persian", "Scot",
    "Pole", "Poles", "Finn", "Dane", "Turk", "Lao", "Aussie", "Papua", "Sino", "Tobago",
    "Herzegovina", "Emirates", "Saudi", "America", "Jersey", "Van", "Canton",
]

# Country names that are also everyday words ("roast turkey", "fine china"): the words listed
# near them veto the place reading even when the name is capitalised (a headline, a sentence start).
CONTEXT_VETOES = {
    "Turkey": ["roast", "roasted", "thanksgiving", "stuffing", "carve", "carved", "carving",
               "gravy", "sandwich", "sandwiches", "cranberry", "feathers", "gobble", "drumstick",
               "oven", "brined", "leftover", "leftovers", "bird", "birds", "dinner", "vultures"],
    "China": ["plates", "plate", "porcelain", "crockery", "tableware", "teacup", "teacups",
              "dishes", "bone", "cabinet", "fine", "saucer", "saucers"],
    "Chile": ["pepper", "peppers", "con carne", "powder", "sauce"],
    "Guinea": ["pig", "pigs", "fowl"],
    "Jersey": ["shirt", "football", "wore", "wearing", "number", "cow", "cows"],
    "Japan": ["lacquer", "lacquered"],
}

# Names that are also people's names: "Michael Jordan", "Paris Hilton", "Chad Smith". A
# capitalised word right before (a first name) or right after (a surname) makes the mention a
# person, and so does a speech verb after it ("Jordan said") unless other places support the
# place reading. Once a name is a person in a story, its bare mentions there are that person too.
PERSON_NAMES = [
    "Jordan", "Chad", "Georgia", "Paris", "Victoria", "Florence", "Lincoln", "Jackson", "Austin",
    "Charlotte", "Houston", "Orlando", "Tyler", "Eugene", "Regina", "Lawrence", "Logan", "Kent",
    "Douglas", "Sydney", "Israel", "Hamilton", "Marion", "Stanley", "Chester", "Clifton", "Aurora",
    "Salem", "Troy", "Dallas", "Denver", "Phoenix", "Madison", "Warren", "Winston", "Beverly",
    "Sofia", "Adelaide", "Milan", "Santiago", "Valencia", "Bradford", "Preston", "Bolton",
    "Carlisle", "Ashton", "Nancy", "Kingston", "Washington", "Virginia", "Carolina", "Dakota",
    "Florida", "Indiana", "Montana", "Nevada", "Sudan", "Cleveland", "Hilton", "Lyon", "Havana",
    "Vienna", "Brooklyn", "Camden", "Chelsea", "Shelby", "Jena", "Darwin", "Nelson", "Wellington",
    "Marseille", "Bangor",
]

# Names that a speech verb after them does not turn into a person: capitals standing for their
# government ("Washington said").
SPEAKING_CAPITALS = ["Washington", "Paris", "Havana", "Vienna", "Sofia", "Santiago", "Kingston", "Wellington"]
# Names never matched: tokens that are city names somewhere but read as something else in
# English copy far more often than as that place.
NEVER_MATCH = [
    "Of", "May", "Police", "March", "Union", "Same", "Bar", "Colon", "Progress",
    "Mission", "Opportunity", "Independence", "Enterprise", "Commerce", "Industry", "Normal",
    "Price", "Deal", "Sale", "Battle", "Fair", "Wedding", "Parade", "Plenty", "Surprise",
    "Paradise", "Ocean", "Temple", "Rainbow", "Salt", "Ceres", "Plains", "Mango", "Ring",
    "Chase", "Ashes", "Obama", "Liberty", "Hope", "Eagle", "Concord", "Man", "Van", "Mary",
    "Pau", "Bury", "Wells", "Ely", "Mercedes", "Asia", "President", "Bank", "Sun", "Bay", "Ban",
    "Mao", "Kim", "Lee", "Mon", "Tan", "Yen", "Bo", "Ba", "Gold", "Drug", "Sues", "Delta",
    "Bally", "Gao", "Dual", "Lone", "Bona", "Fleet", "Lion", "Sama", "Lawson", "Ciba", "Bancroft",
    "Taft", "Adams", "George", "Commonwealth", "Metro", "Dudley", "Toyota", "Santos", "Green",
    "Whitney", "Buy", "Hamas",
]

# Region qualifiers in datelines ("SANTA CRUZ, Calif., Feb 26 -"): AP-style US state
# abbreviations and Canadian province abbreviations, to [country, admin1 code or ""]. Used only
# in datelines: in running text "Ill." or "Mass." mean something else.
DATELINE_QUALIFIERS = {
    **{abbr: ["US", code] for code, abbrs in {
        "AL": ["Ala."], "AZ": ["Ariz."], "AR": ["Ark."], "CA": ["Calif.", "Cal."],
        "CO": ["Colo."], "CT": ["Conn."], "DE": ["Del."], "DC": ["D.C."], "FL": ["Fla."],
        "GA": ["Ga."], "IL": ["Ill."], "IN": ["Ind."], "KS": ["Kan.", "Kans."], "KY": ["Ky."],
        "LA": ["La."], "ME": ["Me."], "MD": ["Md."], "MA": ["Mass."], "MI": ["Mich."],
        "MN": ["Minn."], "MS": ["Miss."], "MO": ["Mo."], "MT": ["Mont."], "NE": ["Neb.", "Nebr."],
        "NV": ["Nev."], "NH": ["N.H."], "NJ": ["N.J."], "NM": ["N.M."], "NY": ["N.Y."],
        "NC": ["N.C."], "ND": ["N.D."], "OH": ["O."], "OK": ["Okla."], "OR": ["Ore.", "Oreg."],
        "PA": ["Pa.", "Penn."], "RI": ["R.I."], "SC": ["S.C."], "SD": ["S.D."], "TN": ["Tenn."],
        "TX": ["Tex."], "VT": ["Vt."], "VA": ["Va."], "WA": ["Wash."], "WV": ["W.Va.", "W. Va."],
        "WI": ["Wis.", "Wisc."], "WY": ["Wyo."],
    }.items() for abbr in abbrs},
    **{abbr: ["CA", ""] for abbr in [
        "Ont.", "Que.", "Alta.", "B.C.", "Man.", "Sask.", "N.S.", "N.B.", "Nfld.", "P.E.I.",
    ]},
}
