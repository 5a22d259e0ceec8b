"""UN M49 geoscheme (public-domain UN Statistics Division data), written by hand.

Each country gets its M49 region and the most specific M49 grouping below it: the
intermediate region where M49 defines one (Eastern Africa, Caribbean, South America, ...),
otherwise the sub-region (Western Asia, Northern Europe, ...). Taiwan (TW) and Kosovo (XK) are
not listed by M49; they are placed where the rest of their neighbourhood is. Antarctica has no
M49 region and gets "Antarctica".
"""

SUBREGIONS = {
    ("Africa", "Northern Africa"): "DZ EG LY MA SD TN EH",
    ("Africa", "Eastern Africa"): "IO BI KM DJ ER ET TF KE MG MW MU YT MZ RE RW SC SO SS UG TZ ZM ZW",
    ("Africa", "Middle Africa"): "AO CM CF TD CG CD GQ GA ST",
    ("Africa", "Southern Africa"): "BW SZ LS NA ZA",
    ("Africa", "Western Africa"): "BJ BF CV CI GM GH GN GW LR ML MR NE NG SH SN SL TG",
    ("Americas", "Caribbean"): "AI AG AW BS BB BQ VG KY CU CW DM DO GD GP HT JM MQ MS PR BL KN LC MF VC SX TT TC VI AN",
    ("Americas", "Central America"): "BZ CR SV GT HN MX NI PA",
    ("Americas", "South America"): "AR BO BV BR CL CO EC FK GF GY PY PE GS SR UY VE",
    ("Americas", "Northern America"): "BM CA GL PM US",
    ("Asia", "Central Asia"): "KZ KG TJ TM UZ",
    ("Asia", "Eastern Asia"): "CN HK MO KP JP MN KR TW",
    ("Asia", "South-eastern Asia"): "BN KH ID LA MY MM PH SG TH TL VN",
    ("Asia", "Southern Asia"): "AF BD BT IN IR MV NP PK LK",
    ("Asia", "Western Asia"): "AM AZ BH CY GE IQ IL JO KW LB OM QA SA PS SY TR AE YE",
    ("Europe", "Eastern Europe"): "BY BG CZ HU PL MD RO RU SK UA",
    ("Europe", "Northern Europe"): "AX DK EE FO FI GG IS IE IM JE LV LT NO SJ SE GB",
    ("Europe", "Southern Europe"): "AL AD BA HR GI GR VA IT MT ME MK PT SM RS SI ES XK CS",
    ("Europe", "Western Europe"): "AT BE FR DE LI LU MC NL CH",
    ("Oceania", "Australia and New Zealand"): "AU CX CC HM NZ NF",
    ("Oceania", "Melanesia"): "FJ NC PG SB VU",
    ("Oceania", "Micronesia"): "GU KI MH FM NR MP PW UM",
    ("Oceania", "Polynesia"): "AS CK PF NU PN WS TK TO TV WF",
    ("Antarctica", "Antarctica"): "AQ",
}


def m49_by_country():
    """ISO 3166-1 alpha-2 -> (region, subregion)."""
    table = {}
    for (region, subregion), codes in SUBREGIONS.items():
        for code in codes.split():
            if code in table:
                raise ValueError(f"{code} is listed twice in the M49 table")
            table[code] = (region, subregion)
    return table
