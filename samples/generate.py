#!/usr/bin/env python3
"""generate.py — writes the fictional sample case "Operation LANTERN".

The case is a drug-supply network in Greater Manchester in March 2024, as
an analyst would receive it: a nominal list, subscriber checks, DVLA-style
keeper checks, one operator's call records, ANPR reads, events and
intelligence reports (samples/case/*.csv). Every person, address, phone,
plate and event is invented; see samples/README.md.

It also rewrites the "Expected answers" section of samples/README.md (the
text between the two marker lines) with facts computed from the generated
data, so the tour and the tests can assert exact answers.

Invariants
- Deterministic: a private splitmix64 PRNG with a fixed seed, no `random`,
  no hash(), no clock, no locale, sorted or insertion-ordered containers
  only. Every run writes the same bytes.
- Standard library only; runs with /usr/bin/python3 (3.7 or later).
- Phone numbers lie in Ofcom's drama range 07700 900000-900999; every
  plate holds an I or a Q in its last three letters, which DVLA does not
  issue in current-format plates, so no plate is a real vehicle's.
- Background ANPR reads are never within ten minutes of another vehicle's
  read at the same camera; only the planted meetings and convoys are.

Usage: generate.py [--out DIR] [--readme FILE]
"""

import argparse
import calendar
import csv
import os
import sys
import time

SEED = 20240314
M64 = (1 << 64) - 1
DAY = 86400


# ---- PRNG ---------------------------------------------------------------

class Rng:
    """splitmix64: small, fast, and the same on every platform."""

    def __init__(self, seed, stream=""):
        s = seed & M64
        for ch in stream.encode("utf-8"):
            s = ((s ^ ch) * 0x100000001B3) & M64
        self.s = s

    def u64(self):
        self.s = (self.s + 0x9E3779B97F4A7C15) & M64
        z = self.s
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
        return z ^ (z >> 31)

    def below(self, n):
        return self.u64() % n

    def between(self, lo, hi):
        """Uniform integer in [lo, hi]."""
        return lo + self.below(hi - lo + 1)

    def unit(self):
        """Uniform in [0, 1): 53 bits, exact in binary floating point."""
        return (self.u64() >> 11) / 9007199254740992.0

    def chance(self, p):
        return self.unit() < p

    def choice(self, seq):
        return seq[self.below(len(seq))]

    def weighted(self, items, weights):
        total = sum(weights)
        pick = self.below(total)
        for item, w in zip(items, weights):
            if pick < w:
                return item
            pick -= w
        raise AssertionError("unreachable")

    def shuffle(self, lst):
        for i in range(len(lst) - 1, 0, -1):
            j = self.below(i + 1)
            lst[i], lst[j] = lst[j], lst[i]

    def sample(self, seq, k):
        pool = list(seq)
        self.shuffle(pool)
        return pool[:k]

    def count(self, rate):
        """A whole number of events with mean RATE."""
        n = int(rate)
        return n + (1 if self.chance(rate - n) else 0)


# ---- Time ---------------------------------------------------------------

def utc(y, m, d, hh=0, mm=0, ss=0):
    return calendar.timegm((y, m, d, hh, mm, ss))


T0 = utc(2024, 3, 1)
T_END = utc(2024, 4, 1)
BST_START = utc(2024, 3, 31, 1)   # UK clocks went forward at 01:00 UTC


def uk_local(t):
    return t + 3600 if t >= BST_START else t


def fmt_cdr_time(t):
    """Local UK wall-clock time, no offset, as the operator supplied it."""
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(uk_local(t)))


def fmt_iso_z(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def fmt_event_time(t):
    return time.strftime("%d/%m/%Y %H:%M", time.gmtime(uk_local(t)))


def fmt_day(t):
    return time.strftime("%Y-%m-%d", time.gmtime(t))


# Relative activity per hour of the (local) day.
HOUR_WEIGHT = [3, 2, 1, 1, 1, 1, 1, 2, 4, 6, 8, 9, 10, 10, 10, 11, 12, 13, 13, 12, 11, 9, 7, 5]


def time_in_day(rng, day_start, weights=HOUR_WEIGHT):
    hour = rng.weighted(list(range(24)), weights)
    return day_start + hour * 3600 + rng.below(3600)


# ---- Places -------------------------------------------------------------

# District → (town, area code). Areas group districts for lines and cells.
DISTRICTS = {
    "M8": ("Manchester", "MAN"), "M9": ("Manchester", "MAN"),
    "M11": ("Manchester", "MAN"), "M40": ("Manchester", "MAN"),
    "M24": ("Middleton", "MID"),
    "OL1": ("Oldham", "OLD"), "OL4": ("Oldham", "OLD"),
    "OL8": ("Oldham", "OLD"), "OL9": ("Oldham", "OLD"),
    "OL11": ("Rochdale", "ROC"), "OL12": ("Rochdale", "ROC"),
    "OL16": ("Rochdale", "ROC"),
}
AREA_DISTRICTS = {}
for _d, (_town, _area) in DISTRICTS.items():
    AREA_DISTRICTS.setdefault(_area, []).append(_d)

STREETS = [
    "Albion Terrace", "Ashmore Street", "Beckfield Road", "Brindle Way",
    "Cobden Street", "Dunmow Grove", "Eskdale Avenue", "Falconer Close",
    "Greenbank Terrace", "Hartfield Road", "Ivybridge Close", "Kestrel Walk",
    "Larkhill Close", "Marlow Drive", "Netherby Street", "Orchid Street",
    "Penrose Avenue", "Quarry Bank Road", "Redcar Street", "Sedgemoor Street",
    "Stanway Road", "Thornbury Road", "Upwood Grove", "Vale Terrace",
    "Wardle Grove", "Whitebeam Close", "Yarrow Street", "Bexley Square",
    "Coldhurst Walk", "Fernlea Grove", "Holmfirth Street", "Linnet Close",
]
# Letters a postcode's last two characters may use.
UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

# Cells of operator A's network: three per area.
CELLS = {
    "MAN": ["234-10-4021-10533", "234-10-4021-10871", "234-10-4021-11402"],
    "MID": ["234-10-4033-20117", "234-10-4033-20245"],
    "OLD": ["234-10-4107-31008", "234-10-4107-31290", "234-10-4107-31644"],
    "ROC": ["234-10-4155-40412", "234-10-4155-40730", "234-10-4155-41055"],
}

# ANPR cameras: id, name, latitude, longitude (as text, so nothing rounds).
CAMERAS = [
    ("GM-ANPR-0101", "A664 Rochdale Rd / Queens Rd, Collyhurst", "53.49851", "-2.22604"),
    ("GM-ANPR-0102", "A664 Rochdale Rd, Harpurhey", "53.51203", "-2.22187"),
    ("GM-ANPR-0103", "A664 Rochdale Rd / Victoria Ave, Blackley", "53.52347", "-2.21398"),
    ("GM-ANPR-0104", "M60 J19 Middleton", "53.53822", "-2.22215"),
    ("GM-ANPR-0105", "A576 Middleton Rd, Middleton", "53.54803", "-2.20102"),
    ("GM-ANPR-0106", "M62 J18 Simister", "53.55170", "-2.28368"),
    ("GM-ANPR-0107", "M62 Birch Services", "53.56951", "-2.22903"),
    ("GM-ANPR-0108", "M62 J20 Rochdale", "53.58702", "-2.16804"),
    ("GM-ANPR-0109", "A627(M) Rochdale", "53.60352", "-2.16102"),
    ("GM-ANPR-0110", "A58 Drake St, Rochdale", "53.61401", "-2.15803"),
    ("GM-ANPR-0111", "A62 Oldham Rd / Queens Rd, Miles Platting", "53.49102", "-2.21397"),
    ("GM-ANPR-0112", "A62 Oldham Rd, Newton Heath", "53.50198", "-2.18802"),
    ("GM-ANPR-0113", "M60 J22 Hollinwood", "53.52053", "-2.14601"),
    ("GM-ANPR-0114", "A62 Manchester St, Oldham", "53.53997", "-2.12304"),
    ("GM-ANPR-0115", "A669 Lees Rd, Oldham", "53.53752", "-2.09203"),
    ("GM-ANPR-0116", "A6010 Alan Turing Way, Eastlands", "53.48302", "-2.20104"),
    ("GM-ANPR-0117", "A627(M) Chadderton", "53.55004", "-2.14002"),
]
CAMERA = {c[0]: c for c in CAMERAS}

# Routes: cameras in driving order with the seconds from the previous one.
ROUTES = {
    "MAN-ROC": [("GM-ANPR-0101", 0), ("GM-ANPR-0102", 140), ("GM-ANPR-0103", 120),
                ("GM-ANPR-0104", 210), ("GM-ANPR-0106", 240), ("GM-ANPR-0107", 200),
                ("GM-ANPR-0108", 260), ("GM-ANPR-0109", 150), ("GM-ANPR-0110", 180)],
    "MAN-OLD": [("GM-ANPR-0111", 0), ("GM-ANPR-0112", 180), ("GM-ANPR-0113", 240),
                ("GM-ANPR-0114", 260), ("GM-ANPR-0115", 200)],
    "MAN-MID": [("GM-ANPR-0101", 0), ("GM-ANPR-0102", 140), ("GM-ANPR-0103", 120),
                ("GM-ANPR-0105", 300)],
    "EAS-OLD": [("GM-ANPR-0116", 0), ("GM-ANPR-0111", 200), ("GM-ANPR-0112", 180),
                ("GM-ANPR-0113", 240), ("GM-ANPR-0114", 260)],
    "OLD-ROC": [("GM-ANPR-0114", 0), ("GM-ANPR-0117", 260), ("GM-ANPR-0109", 330),
                ("GM-ANPR-0110", 180)],
    "MID-ROC": [("GM-ANPR-0105", 0), ("GM-ANPR-0104", 240), ("GM-ANPR-0106", 240),
                ("GM-ANPR-0107", 200), ("GM-ANPR-0108", 260)],
}
# Routes a vehicle based in each area drives (either direction).
AREA_ROUTES = {
    "MAN": ["MAN-ROC", "MAN-OLD", "MAN-MID", "EAS-OLD"],
    "MID": ["MAN-MID", "MID-ROC"],
    "OLD": ["MAN-OLD", "EAS-OLD", "OLD-ROC"],
    "ROC": ["MAN-ROC", "OLD-ROC", "MID-ROC"],
}


def route_legs(name, reverse):
    """Cameras of route NAME with seconds from the previous, in the
    direction driven."""
    legs = ROUTES[name]
    if not reverse:
        return list(legs)
    out = [(legs[-1][0], 0)]
    for i in range(len(legs) - 1, 0, -1):
        out.append((legs[i - 1][0], legs[i][1]))
    return out


# ---- Names --------------------------------------------------------------

MALE = [
    "Aaron", "Adam", "Aiden", "Alfie", "Ashley", "Bailey", "Ben", "Billy",
    "Bradley", "Brandon", "Callum", "Cameron", "Carl", "Charlie", "Craig",
    "Curtis", "Dale", "Danny", "Darren", "Dean", "Dylan", "Ellis", "Ethan",
    "Gary", "Harvey", "Jack", "Jake", "Jamal", "Jamie", "Jason", "Jay", "Joe",
    "Josh", "Kane", "Kyle", "Lee", "Leon", "Lewis", "Luke", "Marcus", "Mason",
    "Mohammed", "Nathan", "Owen", "Paul", "Rhys", "Ricky", "Robbie", "Ryan",
    "Scott", "Sean", "Shane", "Stuart", "Tariq", "Tom", "Wayne", "Zak", "Kofi",
    "Imran", "Bilal", "Tomasz", "Piotr", "Gavin", "Lloyd", "Darnell", "Steven",
]
FEMALE = [
    "Aimee", "Amber", "Amy", "Becky", "Bethany", "Chantelle", "Chelsea",
    "Chloe", "Courtney", "Danielle", "Demi", "Ellie", "Emma", "Faye", "Gemma",
    "Hayley", "Holly", "Jade", "Jasmine", "Jodie", "Kayleigh", "Kelly",
    "Kirsty", "Lauren", "Leah", "Lisa", "Louise", "Megan", "Mia", "Molly",
    "Natalie", "Nicole", "Paige", "Rachel", "Samantha", "Sian", "Stacey",
    "Tanya", "Tia", "Toni", "Vicky", "Zara", "Aaliyah", "Amina", "Nadia",
    "Agnieszka", "Roxanne", "Leanne", "Donna", "Tracey", "Joanne", "Sharon",
]
MIDDLE = {"M": ["James", "John", "Lee", "Paul", "Anthony", "Michael"],
          "F": ["Marie", "Louise", "Jane", "Ann", "Elizabeth"]}
SURNAMES = [
    "ASHWORTH", "BARLOW", "BOOTH", "BRIERLEY", "BUCKLEY", "BUTTERWORTH",
    "CLEGG", "CROSSLEY", "DUCKWORTH", "ENTWISTLE", "GREENHALGH", "HAMMOND",
    "HARGREAVES", "HEYWOOD", "HOWARTH", "LOMAX", "OGDEN", "PILLING",
    "STANDRING", "TAYLOR", "WHITEHEAD", "WILD", "WORRALL", "KENYON", "HOLT",
    "AINSWORTH", "HADFIELD", "CROPPER", "RIGBY", "TATTERSALL", "NUTTALL",
    "HORROCKS", "AHMED", "AKHTAR", "BEGUM", "HUSSAIN", "IQBAL", "KHAN",
    "MAHMOOD", "RASHID", "SHAH", "ALI", "MENSAH", "BOATENG", "ADEYEMI",
    "CAMPBELL", "REID", "GRANT", "CLARKE", "NOWAK", "KOWALSKI", "MURPHY",
    "BYRNE", "DOYLE", "GALLAGHER", "KAVANAGH", "McDONAGH", "QUINN",
    "DOHERTY", "FALLON", "MORAN", "PARTINGTON", "SHARPLES", "WALMSLEY",
]

# The named cast: tag → (surname, forenames, sex, dob, role, area).
CAST = {
    "HEAD": ("HALDANE", "Kieran James", "M", "14/02/1984", "head", "MAN"),
    "L_OC": ("O'CONNELL", "Shauna Marie", "F", "03/09/1990", "lieutenant", "OLD"),
    "L_PW": ("PRICE-WILLIAMS", "Jordan Lee", "M", "21/06/1992", "lieutenant", "ROC"),
    "L_BR": ("BRENNAN", "Liam Patrick", "M", "11/11/1989", "lieutenant", "MAN"),
    "L_ZF": ("FAIRCLOUGH", "Zoë Ann", "F", "30/04/1993", "lieutenant", "MAN"),
    "MOTHER": ("HALDANE", "Maureen", "F", "07/07/1961", "associate", "MAN"),
    "PARTNER": ("DELANEY", "Shannon Louise", "F", "19/01/1987", "associate", "MID"),
    "BR_SIS": ("BRENNAN", "Niamh Claire", "F", "02/05/1994", "associate", "MAN"),
    "TB": ("BRADSHAW", "Tyler James", "M", "12/08/2005", "runner", "ROC"),
    "TB_MUM": ("BRADSHAW", "Karen", "F", "25/10/1979", "associate", "ROC"),
    "VICTIM": ("OKAFOR", "Daniel Chidi", "M", "17/03/2006", "runner", "MAN"),
    "KAI": ("SCHOFIELD", "Kai", "M", "09/12/2008", "runner", "OLD"),
    "KAI_MUM": ("SCHOFIELD", "Leanne", "F", "22/06/1988", "associate", "OLD"),
    "TRAP1": ("MELLOR", "Reece", "M", "05/01/2004", "runner", "MAN"),
    "TRAP2": ("D'ARCY-LOWE", "Renée", "F", "28/02/2003", "runner", "MAN"),
    "KERSHAW": ("KERSHAW", "Bailey", "M", "14/07/2002", "runner", "OLD"),
    "WALSH_R": ("WALSH", "Connor", "M", "30/10/2004", "runner", "ROC"),
    "MOSS": ("MOSS", "Derek", "M", "19/04/1966", "user", "MAN"),
    "BRIDGE": ("HOLLINS", "Casey", "F", "08/08/1999", "user", "MAN"),
    "VOLKOV": ("ВОЛКОВ", "Дмитрий", "M", "23/01/1979", "user", "OLD"),
    "FERREIRA": ("FERREIRA", "José Miguel", "M", "11/05/1985", "user", "ROC"),
    "WALSH_U": ("WALSH", "Connor", "M", "02/03/1982", "user", "MAN"),
    "DUNNE": ("DUNNE", "Callum", "M", "16/09/1998", "associate", "MAN"),
    "RIVAL2": ("FITTON", "Jake", "M", "04/04/1999", "associate", "MAN"),
    "RIVAL3": ("SHARROCK", "Lewis", "M", "21/12/2000", "associate", "MAN"),
    "NIBHRIAIN": ("NÍ BHRIAIN", "Siobhán", "F", "13/05/1991", "associate", "MAN"),
}

# Runners of each lieutenant: the named ones and how many more to make.
LINES = {
    "L_BR": (["VICTIM", "TRAP1", "TRAP2"], 3, "MAN"),
    "L_ZF": ([], 2, "MAN"),
    "L_OC": (["KAI", "KERSHAW"], 5, "OLD"),
    "L_PW": (["TB", "WALSH_R"], 5, "ROC"),
}
USERS_TO_MAKE = {"MAN": 40, "OLD": 30, "ROC": 30}
ASSOCIATES_TO_MAKE = 59

# Fixed addresses of the story (street address, postcode).
FIXED_ADDRESSES = {
    "HEAD": ("18 Thornbury Road, Manchester", "M9 8PW"),
    "PARTNER": ("7 Larkhill Close, Middleton", "M24 6XA"),
    "L_BR": ("52 Netherby Street, Manchester", "M40 1LJ"),
    "MOSS": ("27 Albion Terrace, Manchester", "M40 7QZ"),   # the trap house
}
STABBING_PLACE = ("Junction of Redcar Street and Oldham Road, Manchester", "M40 2HB")
STOP_CHECK_PLACE = ("A62 Oldham Road near Queens Road, Manchester", "M40 5AJ")


# ---- People -------------------------------------------------------------

class Case:
    """Everything generated, built step by step by the make_* functions."""

    def __init__(self):
        self.persons = {}      # tag → person dict
        self.phones = {}       # tag → phone dict
        self.vehicles = {}     # tag → vehicle dict
        self.links = []        # true person-person links: (a, b, rel, note)
        self.calls = []        # (t, a_phone, b_phone, seconds, type)
        self.reads = []        # (t, vehicle tag, camera id, confidence)
        self.events = []       # event dicts
        self.intel = []        # report dicts
        self.used_addresses = set()
        self.used_names = set()


def random_dob(rng, y0, y1):
    t = utc(y0, 1, 1) + rng.below(utc(y1 + 1, 1, 1) - utc(y0, 1, 1))
    return time.strftime("%d/%m/%Y", time.gmtime(t))


def new_address(case, rng, area):
    while True:
        district = rng.choice(AREA_DISTRICTS[area])
        town = DISTRICTS[district][0]
        street = "%d %s, %s" % (rng.between(1, 140), rng.choice(STREETS), town)
        pc = "%s %d%s%s" % (district, rng.below(10), rng.choice(UNIT_LETTERS),
                            rng.choice(UNIT_LETTERS))
        if (street, pc) not in case.used_addresses:
            case.used_addresses.add((street, pc))
            return street, pc


def add_person(case, tag, surname, forenames, sex, dob, role, area, address=None):
    case.used_names.add((surname, forenames))
    street, pc = address if address else (None, None)
    case.persons[tag] = {
        "tag": tag, "surname": surname, "forenames": forenames, "sex": sex,
        "dob": dob, "role": role, "area": area, "address": street,
        "postcode": pc, "line": None,
    }
    return case.persons[tag]


def new_name(case, rng, sex, surname=None):
    while True:
        first = rng.choice(MALE if sex == "M" else FEMALE)
        fore = first + (" " + rng.choice(MIDDLE[sex]) if rng.chance(0.4) else "")
        sur = surname or rng.choice(SURNAMES)
        if (sur, fore) not in case.used_names and (sur, first) not in case.used_names:
            return sur, fore


def make_people(case):
    rng = Rng(SEED, "people")
    case.used_addresses.update(FIXED_ADDRESSES.values())
    for tag, (sur, fore, sex, dob, role, area) in CAST.items():
        add_person(case, tag, sur, fore, sex, dob, role, area, FIXED_ADDRESSES.get(tag))
    p = case.persons
    p["MOTHER"]["address"], p["MOTHER"]["postcode"] = FIXED_ADDRESSES["HEAD"]
    for lt, (named, extra, area) in LINES.items():
        for tag in named:
            p[tag]["line"] = lt
        for i in range(extra):
            sex = "M" if rng.chance(0.8) else "F"
            sur, fore = new_name(case, rng, sex)
            tag = "R_%s_%d" % (lt[2:], i + 1)
            add_person(case, tag, sur, fore, sex, random_dob(rng, 2000, 2007), "runner", area)
            p[tag]["line"] = lt
    for area, n in USERS_TO_MAKE.items():
        for i in range(n):
            sex = "M" if rng.chance(0.65) else "F"
            sur, fore = new_name(case, rng, sex)
            add_person(case, "U_%s_%d" % (area, i + 1), sur, fore, sex,
                       random_dob(rng, 1962, 2004), "user", area)
    # Family and friends of people in the network: relatives share the
    # surname (and often the address), partners and friends do not.
    hosts = [t for t in p if p[t]["role"] in ("runner", "user", "lieutenant")]
    for i in range(ASSOCIATES_TO_MAKE):
        host = p[rng.choice(hosts)]
        kind = rng.weighted(["parent", "sibling", "partner", "friend"], [3, 3, 2, 2])
        sex = "M" if rng.chance(0.5) else "F"
        family = kind in ("parent", "sibling") and host["surname"] != "ВОЛКОВ"
        sur, fore = new_name(case, rng, sex, host["surname"] if family else None)
        y0, y1 = {"parent": (1955, 1975), "sibling": (1985, 2006),
                  "partner": (1985, 2003), "friend": (1980, 2004)}[kind]
        tag = "A_%d" % (i + 1)
        add_person(case, tag, sur, fore, sex, random_dob(rng, y0, y1), "associate", host["area"])
        p[tag]["host"] = (host["tag"], kind)
    # Addresses: households first, then everyone else.
    for tag, q in p.items():
        host = q.get("host")
        if host and host[1] in ("parent", "sibling", "partner") and rng.chance(0.5):
            q["share_with"] = host[0]
    for tag, q in p.items():
        if q["address"] is None and "share_with" not in q:
            q["address"], q["postcode"] = new_address(case, rng, q["area"])
    for tag, q in p.items():
        if "share_with" in q:
            h = p[q["share_with"]]
            q["address"], q["postcode"] = h["address"], h["postcode"]
    # Nominal numbers, not in any order a reader could exploit.
    tags = list(p)
    rng.shuffle(tags)
    nominal = 100200
    for tag in tags:
        nominal += rng.between(3, 250)
        p[tag]["id"] = "N%06d" % nominal


def display_name(q):
    """Forenames and surname as a subscriber or keeper check prints them."""
    sur = q["surname"]
    if sur == sur.upper():
        sur = sur.title()    # O'CONNELL → O'Connell, PRICE-WILLIAMS → Price-Williams
    return q["forenames"].split(" ")[0] + " " + sur


def make_links(case):
    """The true acquaintance graph the intelligence reports describe."""
    rng = Rng(SEED, "links")
    p = case.persons
    L = case.links

    def link(a, b, rel, note=""):
        L.append((a, b, rel, note))

    for lt in ("L_OC", "L_PW", "L_BR", "L_ZF"):
        link("HEAD", lt, "knows", "supplier")
    link("L_OC", "L_PW", "knows", "")
    link("L_BR", "L_ZF", "knows", "")
    link("L_OC", "L_ZF", "knows", "")
    link("HEAD", "MOTHER", "family", "mother")
    link("HEAD", "PARTNER", "associate_of", "partner")
    link("L_BR", "BR_SIS", "family", "sister")
    link("TB", "TB_MUM", "family", "mother")
    link("KAI", "KAI_MUM", "family", "mother")
    link("L_ZF", "NIBHRIAIN", "associate_of", "partner")
    link("DUNNE", "RIVAL2", "associate_of", "rival group")
    link("DUNNE", "RIVAL3", "associate_of", "rival group")
    link("RIVAL2", "RIVAL3", "knows", "")
    link("BRIDGE", "DUNNE", "knows", "")
    link("BRIDGE", "VICTIM", "knows", "")
    link("TRAP1", "MOSS", "knows", "")
    link("TRAP2", "MOSS", "knows", "")
    runners = {}
    for tag, q in p.items():
        if q["role"] == "runner":
            link(q["line"], tag, "knows", "runner")
            runners.setdefault(q["line"], []).append(tag)
    for lt, rs in runners.items():
        for i in range(len(rs)):
            for j in range(i + 1, len(rs)):
                if rng.chance(0.35):
                    link(rs[i], rs[j], "knows", "")
    area_line = {"MAN": ["L_BR", "L_ZF"], "OLD": ["L_OC"], "ROC": ["L_PW"]}
    users = [t for t, q in p.items() if q["role"] == "user" and t != "BRIDGE"]
    for u in users:
        pool = [r for lt in area_line[p[u]["area"]] for r in runners[lt]]
        for r in rng.sample(pool, 1 + (1 if rng.chance(0.4) else 0)):
            if not (u == "MOSS" and r in ("TRAP1", "TRAP2")):
                link(r, u, "knows", "customer")
    for u in users:
        if rng.chance(0.5):
            others = [v for v in users if p[v]["area"] == p[u]["area"] and v != u]
            link(u, rng.choice(others), "knows", "")
    for tag, q in p.items():
        if "host" in q:
            host, kind = q["host"]
            rel = {"parent": "family", "sibling": "family",
                   "partner": "associate_of", "friend": "knows"}[kind]
            link(host, tag, rel, kind)
    # Remove accidental duplicates (the same pair drawn twice).
    seen, out = set(), []
    for a, b, rel, note in L:
        key = tuple(sorted((a, b)))
        if key not in seen:
            seen.add(key)
            out.append((a, b, rel, note))
    case.links = out


# ---- Phones -------------------------------------------------------------

def luhn_complete(digits14):
    total = 0
    for i, ch in enumerate(digits14):
        v = int(ch)
        if i % 2 == 1:
            v *= 2
            if v > 9:
                v -= 9
        total += v
    return digits14 + str((10 - total % 10) % 10)


TACS = ["35332611", "35920010", "86779104", "35614812", "49015420", "35780500", "35467811"]


def make_phones(case):
    rng = Rng(SEED, "phones")
    numbers = list(range(1000))
    rng.shuffle(numbers)
    numbers = iter(numbers)
    p = case.persons
    imeis = set()

    def imei():
        while True:
            v = luhn_complete(rng.choice(TACS) + "%06d" % rng.below(1000000))
            if v not in imeis:
                imeis.add(v)
                return v

    def phone(tag, owner, subscriber, account, target, start=T0, end=T_END, handset=None):
        case.phones[tag] = {
            "tag": tag, "num": next(numbers), "owner": owner, "subscriber": subscriber,
            # A contract always has a subscriber's name.
            "account": account if subscriber else "PAYG",
            "target": target, "start": start, "end": end,
            "imei": handset or imei(),
        }
        return case.phones[tag]

    phone("H1", "HEAD", "MOTHER", "Contract", True, end=utc(2024, 3, 15, 7, 50))
    phone("HB", "HEAD", None, "PAYG", True, start=utc(2024, 3, 16, 9, 0))
    for lt in ("L_OC", "L_PW", "L_ZF"):
        phone("P_" + lt, lt, lt, "Contract", True)
    phone("P_L_BR", "L_BR", "L_BR", "Contract", True, end=utc(2024, 3, 15, 6, 0))
    phone("D1", None, None, "PAYG", True, end=utc(2024, 3, 14, 11, 35))
    k_old = phone("P_KERSHAW", "KERSHAW", "KERSHAW", "PAYG", True,
                  end=utc(2024, 3, 15, 20, 0))
    phone("D2", None, None, "PAYG", True, start=utc(2024, 3, 16, 10, 0), handset=k_old["imei"])
    phone("P_KERSHAW2", "KERSHAW", None, "PAYG", True, start=utc(2024, 3, 16, 12, 0))
    for tag, q in p.items():
        if q["role"] == "runner" and tag != "KERSHAW":
            phone("P_" + tag, tag, tag if rng.chance(0.6) else None,
                  "Contract" if rng.chance(0.3) else "PAYG", True)
    for tag, q in p.items():
        if q["role"] == "user":
            phone("P_" + tag, tag, tag if rng.chance(0.8) else None,
                  "Contract" if rng.chance(0.5) else "PAYG", False)
            if rng.chance(0.15):
                phone("P2_" + tag, tag, None, "PAYG", False)
    for tag in ("MOTHER", "PARTNER", "BR_SIS", "TB_MUM", "KAI_MUM", "NIBHRIAIN",
                "DUNNE", "RIVAL2"):
        phone("P_" + tag, tag, tag, "Contract", False)
    for tag, q in p.items():
        if tag.startswith("A_") and rng.chance(0.45):
            phone("P_" + tag, tag, tag if rng.chance(0.7) else None,
                  "Contract" if rng.chance(0.5) else "PAYG", False)
    for ph in case.phones.values():
        owner = ph["owner"]
        area = p[owner]["area"] if owner else "MAN"
        cells = list(CELLS[area])
        if owner == "HEAD":
            cells = CELLS["MAN"][:2] + CELLS["MID"]
        elif owner and p[owner]["role"] == "runner":
            cells += [CELLS["MAN"][0]]
        elif owner is None:
            cells = CELLS["MAN"] + [CELLS["OLD"][0], CELLS["ROC"][0]]
        ph["cells"] = cells


def fmt_national(num):
    return "07700 900%03d" % num


def fmt_plus(num):
    return "+44 7700 900%03d" % num


def fmt_00(num):
    return "00447700900%03d" % num


def canon(num):
    return "447700900%03d" % num


# ---- Calls --------------------------------------------------------------

def make_calls(case):
    rng = Rng(SEED, "calls")
    P = case.phones
    p = case.persons
    missing = (utc(2024, 3, 9, 19, 0), utc(2024, 3, 11, 8, 30))

    def active(ph, t):
        if not (ph["start"] <= t < ph["end"]):
            return False
        return not (ph["owner"] == "KAI" and missing[0] <= t < missing[1])

    def add(t, a, b, seconds, kind):
        if active(P[a], t) and active(P[b], t):
            case.calls.append((t, a, b, seconds, kind))

    def duration(kind):
        if kind == "sms":
            return 0
        u = rng.unit()
        return 4 + int(900 * u * u * u)

    def stream(a, b, per_day, sms=0.3, a_share=0.5):
        """Calls between phones A and B at PER_DAY on average."""
        lo = max(P[a]["start"], P[b]["start"], T0)
        hi = min(P[a]["end"], P[b]["end"], T_END)
        day = lo - lo % DAY
        while day < hi:
            for _ in range(rng.count(per_day * (0.4 + 1.2 * rng.unit()))):
                kind = "sms" if rng.chance(sms) else "voice"
                t = time_in_day(rng, day)
                if rng.chance(a_share):
                    add(t, a, b, duration(kind), kind)
                else:
                    add(t, b, a, duration(kind), kind)
            day += DAY

    lts = ("L_OC", "L_PW", "L_BR", "L_ZF")
    for lt in lts:
        stream("H1", "P_" + lt, 2.5, sms=0.4)
        if lt != "L_BR":
            stream("HB", "P_" + lt, 3.0, sms=0.5, a_share=0.7)
    for a, b, rel, note in case.links:
        if a in lts and b in lts:
            stream("P_" + a, "P_" + b, 0.5)
    stream("H1", "P_MOTHER", 1.0)
    stream("H1", "P_PARTNER", 2.0)
    stream("P_L_BR", "P_BR_SIS", 0.8)
    stream("P_L_ZF", "P_NIBHRIAIN", 1.5)
    stream("P_TB", "P_TB_MUM", 0.8)
    stream("P_KAI", "P_KAI_MUM", 0.6)
    runner_phone = {}
    for tag, q in p.items():
        if q["role"] == "runner":
            ph = ["P_" + tag] if tag != "KERSHAW" else ["P_KERSHAW", "P_KERSHAW2"]
            runner_phone[tag] = ph
    for a, b, rel, note in case.links:
        ra, rb = p[a]["role"], p[b]["role"]
        if ra == "lieutenant" and rb == "runner":
            for ph in runner_phone[b]:
                stream("P_" + a, ph, 1.5)
        elif ra == "runner" and rb == "runner":
            for pa in runner_phone[a]:
                for pb in runner_phone[b]:
                    stream(pa, pb, 0.25)
        elif ra == "runner" and rb == "user":
            for pa in runner_phone[a]:
                stream(pa, "P_" + b, 0.05, sms=0.6)
        elif ra in ("runner", "lieutenant") and b.startswith("A_") and "P_" + b in P:
            for pa in runner_phone.get(a, ["P_" + a]):
                stream(pa, "P_" + b, 0.4)
    # The deal lines: users order by text, the line replies and sends
    # runners out. Orders per user follow a heavy-tailed weight.
    users = [t for t, q in p.items() if q["role"] == "user"]
    weight = {u: 1.0 / (0.03 + rng.unit()) for u in users}   # Pareto-like, no libm
    mean = sum(weight.values()) / len(weight)
    d2_users = [u for u in users if not rng.chance(0.15)]
    for line, line_users in (("D1", users), ("D2", d2_users)):
        for u in line_users:
            rate = 1.15 * weight[u] / mean
            phones = ["P_" + u] + (["P2_" + u] if "P2_" + u in P else [])
            for ph in phones:
                stream(ph, line, rate / len(phones), sms=0.85, a_share=0.58)
        for tag, phs in runner_phone.items():
            for ph in phs:
                stream(line, ph, 1.2, sms=0.3, a_share=0.8)
    # Planted: after the raid Brennan rings the head again and again.
    t = utc(2024, 3, 14, 11, 46, 10)
    for i in range(11):
        a, b = ("P_L_BR", "H1") if i % 3 != 2 else ("H1", "P_L_BR")
        case.calls.append((t, a, b, 20 + rng.below(140), "voice"))
        t += 240 + rng.below(300)
    # Planted: the head's last call on his old phone, the burner's slip.
    case.calls.append((utc(2024, 3, 15, 7, 41, 12), "H1", "P_L_OC", 95, "voice"))
    case.calls.append((utc(2024, 3, 20, 23, 14, 5), "HB", "P_PARTNER", 42, "voice"))
    case.calls.sort(key=lambda c: (c[0], P[c[1]]["num"], P[c[2]]["num"]))


# ---- Vehicles and ANPR ----------------------------------------------------

PLATE_LETTERS = "ABCDEFGHJKLMNOPRSTUVWXYZ"
MODELS = [
    ("Ford", "Fiesta"), ("Ford", "Focus"), ("Ford", "Transit Custom"),
    ("Vauxhall", "Corsa"), ("Vauxhall", "Astra"), ("Volkswagen", "Golf"),
    ("Volkswagen", "Polo"), ("BMW", "3 Series"), ("BMW", "1 Series"),
    ("Audi", "A3"), ("Mercedes-Benz", "A-Class"), ("Toyota", "Yaris"),
    ("Nissan", "Qashqai"), ("Nissan", "Juke"), ("Peugeot", "208"),
    ("Kia", "Sportage"), ("Seat", "Leon"), ("Skoda", "Octavia"),
    ("Honda", "Civic"), ("Hyundai", "i30"),
]
COLOURS = ["Black", "White", "Silver", "Grey", "Blue", "Red", "Green"]


def new_plate(rng, used):
    while True:
        tag = "M" + rng.choice("ABCDEFGHJKLMNOPRSTUVWXY")
        age = rng.choice([10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22,
                          60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72])
        rest = [rng.choice(PLATE_LETTERS) for _ in range(3)]
        rest[rng.below(3)] = rng.choice("IQ")   # never issued: fictional
        plate = "%s%02d %s" % (tag, age, "".join(rest))
        if plate not in used:
            used.add(plate)
            return plate


def make_vehicles(case):
    rng = Rng(SEED, "vehicles")
    used = set()
    p = case.persons

    def vehicle(tag, keeper, driver, make, model, colour):
        case.vehicles[tag] = {"tag": tag, "plate": new_plate(rng, used), "keeper": keeper,
                              "driver": driver, "make": make, "model": model,
                              "colour": colour, "area": p[driver]["area"]}

    vehicle("V_AUDI", "PARTNER", "HEAD", "Audi", "A6 Avant", "Black")
    vehicle("V_BMW", "L_PW", "L_PW", "BMW", "3 Series", "Grey")
    vehicle("V_CORSA", "TB_MUM", "TB", "Vauxhall", "Corsa", "White")
    vehicle("V_FOCUS", "BR_SIS", "L_BR", "Ford", "Focus ST", "Blue")
    vehicle("V_GOLF", "L_OC", "L_OC", "Volkswagen", "Golf", "Red")
    vehicle("V_MINI", "L_ZF", "L_ZF", "Mini", "Cooper", "Green")
    vehicle("V_LEON", "DUNNE", "DUNNE", "Seat", "Leon Cupra", "Black")
    owners = [t for t, q in p.items() if q["role"] in ("runner", "user", "associate")
              and t not in ("TB", "TB_MUM", "BR_SIS", "PARTNER", "DUNNE", "KAI")]
    rng.shuffle(owners)
    for i, tag in enumerate(owners[:73]):
        make, model = rng.choice(MODELS)
        vehicle("V_%d" % (i + 1), tag, tag, make, model, rng.choice(COLOURS))


def make_reads(case):
    rng = Rng(SEED, "anpr")
    at_camera = {}    # camera → list of (time, vehicle)

    def free(cam, t, veh):
        return all(abs(t - u) > 600 for u, v in at_camera.get(cam, []))

    def drive(route, reverse, start, first=0, last=None):
        """(time, camera) of each camera passed from START, each leg a
        little faster or slower than usual."""
        t, out = start, []
        for i, (cam, secs) in enumerate(route_legs(route, reverse)[first:last]):
            if i:
                t += secs + rng.between(-secs // 8, secs // 8)
            out.append((t, cam))
        return out

    def record(veh, passes, check):
        """Stores the reads of VEH; with CHECK (background traffic) refuses
        a trip that would come near another read, and drops a few reads
        as cameras do."""
        if check and not all(free(cam, t, veh) for t, cam in passes):
            return False
        for t, cam in passes:
            if check and rng.chance(0.04):
                continue
            at_camera.setdefault(cam, []).append((t, veh))
            case.reads.append((t, veh, cam, rng.between(82, 99)))
        return True

    def trip(veh, route, reverse, start, first=0, last=None, check=True):
        return record(veh, drive(route, reverse, start, first, last), check)

    # Planted: the convoy. Price-Williams leads, Bradshaw follows.
    convoy_days = [5, 8, 12, 19, 26]
    for d in convoy_days:
        start = utc(2024, 3, d, 10) + rng.below(4 * 3600)
        lead = drive("MAN-ROC", False, start)
        gap0 = rng.between(35, 80)
        follow = [(t + max(25, min(110, gap0 + rng.between(-15, 15))), cam) for t, cam in lead]
        record("V_BMW", lead, False)
        record("V_CORSA", follow, False)
        trip("V_BMW", "MAN-ROC", True, start + 2 * 3600 + rng.below(3600), check=False)
        trip("V_CORSA", "MAN-ROC", True, start + 5 * 3600 + rng.below(3600), check=False)
    # Planted: the head meets Brennan at Birch Services the day before the raid.
    trip("V_AUDI", "MAN-ROC", False, utc(2024, 3, 13, 14, 4, 11), last=6, check=False)
    trip("V_FOCUS", "MAN-ROC", True, utc(2024, 3, 13, 14, 13, 2), last=4, check=False)
    trip("V_AUDI", "MAN-ROC", True, utc(2024, 3, 13, 14, 58, 40), first=3, check=False)
    trip("V_FOCUS", "MAN-ROC", False, utc(2024, 3, 13, 15, 41, 5), first=5, check=False)
    # Planted: Dunne's car leaves the stabbing towards Oldham.
    trip("V_LEON", "MAN-OLD", False, utc(2024, 3, 22, 21, 52, 10), first=1, check=False)
    # Planted: the Audi on the A62 before the stop check of 27 March.
    trip("V_AUDI", "MAN-OLD", True, utc(2024, 3, 27, 15, 49, 0), first=2, check=False)
    # Background traffic: trips along each vehicle's usual routes.
    vehicles = list(case.vehicles)
    weights = {}
    for v in vehicles:
        u = rng.unit()
        weights[v] = 0.1 + 1.2 * u * u
    for day in range(31):
        for v in vehicles:
            if v == "V_LEON" and day == 21:
                continue    # keep the night of the stabbing clear
            for _ in range(rng.count(weights[v])):
                veh = case.vehicles[v]
                for _attempt in range(6):
                    route = rng.choice(AREA_ROUTES[veh["area"]])
                    n = len(ROUTES[route])
                    first = rng.below(n - 2)
                    last = rng.between(first + 2, n)
                    start = time_in_day(rng, T0 + day * DAY)
                    if trip(v, route, rng.chance(0.5), start, first, last):
                        break
    case.reads.sort(key=lambda r: (r[0], r[2], case.vehicles[r[1]]["plate"]))


# ---- Events -------------------------------------------------------------

def make_events(case):
    rng = Rng(SEED, "events")
    p = case.persons
    users = [t for t, q in p.items() if q["role"] == "user" and t not in ("MOSS", "BRIDGE")]
    oc_runner = [t for t, q in p.items() if q.get("line") == "L_OC" and t not in ("KAI",)][0]
    concern, possession, burglar = rng.sample(users, 3)
    ev = [
        ("asb", utc(2024, 3, 2, 22, 15), "MOSS", ["MOSS"]),
        ("stop_search", utc(2024, 3, 7, 13, 20), None, [oc_runner]),
        ("missing_person", utc(2024, 3, 9, 19, 0), "KAI_MUM", ["KAI", "KAI_MUM"]),
        ("missing_person_found", utc(2024, 3, 11, 8, 30), None, ["KAI"]),
        ("seizure", utc(2024, 3, 14, 11, 40), "MOSS", ["TRAP1", "TRAP2", "MOSS"]),
        ("arrest", utc(2024, 3, 15, 6, 5), "L_BR", ["L_BR"]),
        ("concern_for_welfare", utc(2024, 3, 18, 17, 30), concern, [concern]),
        ("arrest", utc(2024, 3, 20, 20, 10), None, [possession]),
        ("stabbing", utc(2024, 3, 22, 21, 40), "STAB", ["VICTIM", "DUNNE", "BRIDGE"]),
        ("stop_check", utc(2024, 3, 27, 16, 5), "STOP", ["HEAD", "PARTNER"]),
        ("burglary", utc(2024, 3, 29, 2, 30), None, [burglar]),
        ("arrest", utc(2024, 3, 31, 13, 0), "DUNNE", ["DUNNE"]),
    ]
    found_at = [t for t in users if p[t]["area"] == "ROC"][0]
    for i, (kind, t, place, who) in enumerate(ev):
        if place == "STAB":
            addr, pc = STABBING_PLACE
        elif place == "STOP":
            addr, pc = STOP_CHECK_PLACE
        elif kind == "missing_person_found":
            addr, pc = p[found_at]["address"], p[found_at]["postcode"]
        elif kind == "stop_search":
            addr, pc = "Union Street, Oldham", "OL1 1DE"
        else:
            q = p[place or who[0]]
            addr, pc = q["address"], q["postcode"]
        case.events.append({
            "id": "INC-%s-%04d" % (time.strftime("%y%m%d", time.gmtime(uk_local(t))),
                                   rng.between(100, 2400)),
            "type": kind, "time": t, "location": addr, "postcode": pc,
            "persons": who, "found_at": found_at if kind == "missing_person_found" else None,
        })


# ---- Intelligence reports -------------------------------------------------

# The chain from the head to the stabbing suspect is well sourced, so the
# path that survives a grading filter is the same on every run.
STORY_GRADES = {("HEAD", "L_BR"): "B24", ("BRIDGE", "VICTIM"): "C24",
                ("BRIDGE", "DUNNE"): "B34", ("L_BR", "VICTIM"): "B24"}

GRADE_SOURCE = ("ABCDE", [4, 30, 40, 14, 12])
GRADE_INTEL = ("12345", [8, 42, 32, 12, 6])
GRADE_HANDLING = ("12345", [55, 15, 3, 20, 7])


def make_intel(case):
    rng = Rng(SEED, "intel")
    p, P, V = case.persons, case.phones, case.vehicles
    reports = []

    def grade(fixed=None):
        if fixed:
            return fixed
        g = ""
        for letters, w in (GRADE_SOURCE, GRADE_INTEL, GRADE_HANDLING):
            g += rng.weighted(list(letters), w)
        return g

    def day(lo=utc(2023, 11, 1), hi=utc(2024, 3, 31)):
        return lo + rng.below(hi - lo)

    def name(tag):
        q = p[tag]
        return "%s %s" % (q["forenames"].split(" ")[0], q["surname"])

    def report(when, g, stype, subj, rtype, rel_subj, rel, text):
        reports.append({"date": when, "grading": grade(g), "subject_type": stype,
                        "subject": subj, "related_type": rtype, "related": rel_subj,
                        "relationship": rel, "text": text})

    def plate(v):
        pl = V[v]["plate"]
        return pl.replace(" ", "") if rng.chance(0.5) else pl.lower()

    texts = {
        "knows": ["Source states that {a} and {b} are associates and are regularly seen together.",
                  "{a} is known to {b}; both seen together in the {area} area.",
                  "Source reports {a} is in regular contact with {b}."],
        "runner": ["Source states that {b} runs drugs for {a} in the {area} area.",
                   "{b} is believed to be working as a runner for {a}."],
        "customer": ["Source states that {b} buys drugs from {a}.",
                     "{b} is a regular customer of {a}, who delivers to the {area} area."],
        "supplier": ["Source states that {a} supplies {b} with Class A drugs to sell on.",
                     "{a} is believed to be above {b} in the supply chain."],
    }
    area_name = {"MAN": "north Manchester", "MID": "Middleton", "OLD": "Oldham", "ROC": "Rochdale"}
    for a, b, rel, note in case.links:
        n = 2 if "HEAD" in (a, b) or note in ("supplier", "partner") else 1
        fixed = STORY_GRADES.get((a, b))
        for _ in range(n):
            if rel in ("family", "associate_of"):
                text = "{b} is the %s of {a}." % note if note not in ("friend",) else \
                    "{a} and {b} are close friends."
                if note == "rival group":
                    text = "{a} and {b} are members of a rival group operating in north Manchester."
            else:
                text = rng.choice(texts.get(note, texts["knows"]))
            text = text.format(a=name(a), b=name(b), area=area_name[p[b]["area"]])
            report(day(), fixed, "person", p[a]["id"], "person", p[b]["id"], rel, text)
    # The one false lead: an untested source ties Fairclough to Dunne.
    report(utc(2024, 3, 25, 10), "E41", "person", p["L_ZF"]["id"], "person",
           p["DUNNE"]["id"], "knows",
           "Untested source claims %s and %s know each other. Not corroborated."
           % (name("L_ZF"), name("DUNNE")))
    # Who uses which phone.
    for tag, ph in P.items():
        owner = ph["owner"]
        if tag == "HB":
            report(utc(2024, 3, 21, 9), "B24", "person", p["HEAD"]["id"], "phone",
                   fmt_plus(ph["num"]), "uses",
                   "Source states that since BRENNAN's arrest HALDANE has a new phone, "
                   "%s, and has stopped using his old number." % fmt_plus(ph["num"]))
        elif tag in ("D1", "D2"):
            holder = "TRAP1" if tag == "D1" else "KERSHAW"
            when = day(utc(2024, 2, 1), utc(2024, 3, 13)) if tag == "D1" else utc(2024, 3, 19, 14)
            report(when, "B23", "person", p[holder]["id"], "phone", fmt_plus(ph["num"]),
                   "uses", "%s is the deal line of the group; %s was seen answering it."
                   % (fmt_plus(ph["num"]), name(holder)))
        elif owner and (p[owner]["role"] != "user" or rng.chance(0.3)) \
                and p[owner]["role"] != "associate":
            g = "B24" if tag == "H1" else None
            text = "Source states %s uses mobile %s." % (name(owner), fmt_plus(ph["num"]))
            if tag == "H1":
                text += " The phone is registered to his mother."
            report(day(utc(2024, 1, 10), utc(2024, 3, 10)), g, "person", p[owner]["id"],
                   "phone", fmt_plus(ph["num"]), "uses", text)
    # Vehicles.
    report(utc(2024, 2, 20), "B24", "person", p["HEAD"]["id"], "vehicle", plate("V_AUDI"),
           "drives", "HALDANE drives a black Audi A6 registered to his partner DELANEY.")
    report(utc(2024, 2, 20), "C24", "person", p["HEAD"]["id"], "vehicle", plate("V_AUDI"),
           "owns", "Source believes the Audi was bought by HALDANE with cash.")
    report(utc(2024, 2, 27), "B21", "person", p["L_BR"]["id"], "vehicle", plate("V_FOCUS"),
           "drives", "BRENNAN uses his sister's blue Ford Focus.")
    report(utc(2024, 3, 6), "C21", "person", p["TB"]["id"], "vehicle", plate("V_CORSA"),
           "drives", "BRADSHAW drives a white Corsa registered to his mother and often "
           "follows PRICE-WILLIAMS's BMW.")
    report(utc(2024, 3, 4), "B21", "person", p["L_PW"]["id"], "vehicle", plate("V_BMW"),
           "drives", "PRICE-WILLIAMS drives a grey BMW 3 Series.")
    report(utc(2024, 3, 23, 11), "C34", "person", p["DUNNE"]["id"], "vehicle", plate("V_LEON"),
           "drives", "DUNNE drives a black Seat Leon and was seen in it on the night of the stabbing.")
    # Addresses.
    partner_addr = "%s, %s" % FIXED_ADDRESSES["PARTNER"]
    trap_addr = "%s, %s" % FIXED_ADDRESSES["MOSS"]
    report(utc(2024, 1, 22), "B24", "person", p["HEAD"]["id"], "location", partner_addr,
           "lives_at", "HALDANE stays most nights at his partner's address in Middleton, "
           "not at his mother's.")
    for tag in ("TRAP1", "TRAP2"):
        report(day(utc(2024, 2, 15), utc(2024, 3, 12)), None, "person", p[tag]["id"],
               "location", trap_addr, "lives_at",
               "%s is staying at %s, the home of a vulnerable drug user." % (name(tag), trap_addr))
    report(utc(2024, 2, 28), "B22", "person", p["MOSS"]["id"], "location", trap_addr,
           "lives_at", "MOSS's flat has been taken over by dealers (cuckooing).")
    # Events.
    ev = {e["type"]: e for e in case.events if e["type"] in ("seizure", "stabbing")}
    report(utc(2024, 3, 15, 14), "B24", "person", p["L_BR"]["id"], "event", ev["seizure"]["id"],
           "party_to", "Source states BRENNAN ran the address searched on 14 March.")
    report(utc(2024, 3, 16, 10), "C34", "person", p["HEAD"]["id"], "event", ev["seizure"]["id"],
           "party_to", "Source states the drugs seized on 14 March belonged to HALDANE.")
    report(utc(2024, 3, 23, 9), "B24", "person", p["DUNNE"]["id"], "event", ev["stabbing"]["id"],
           "party_to", "Source names DUNNE as the person who stabbed OKAFOR.")
    report(utc(2024, 3, 23, 15), "C23", "person", p["BRIDGE"]["id"], "event",
           ev["stabbing"]["id"], "party_to", "HOLLINS was present at the stabbing.")
    reports.sort(key=lambda r: (r["date"], r["subject"], r["related"]))
    serial = 0
    for r in reports:
        serial += rng.between(1, 9)
        r["id"] = "IR-%s-%05d" % (time.strftime("%y", time.gmtime(r["date"])), 1000 + serial)
    case.intel = reports


# ---- Output -------------------------------------------------------------

def write_csv(path, header, rows):
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def write_case(case, out):
    os.makedirs(out, exist_ok=True)
    p, P, V = case.persons, case.phones, case.vehicles
    write_csv(os.path.join(out, "persons.csv"),
              ["id", "surname", "forenames", "dob", "address", "postcode", "role"],
              [[q["id"], q["surname"], q["forenames"], q["dob"], q["address"], q["postcode"],
                q["role"]] for q in sorted(p.values(), key=lambda q: q["id"])])
    rows = []
    for ph in sorted(P.values(), key=lambda ph: ph["num"]):
        s = p[ph["subscriber"]] if ph["subscriber"] else None
        name = display_name(s) if s else ""
        if s and s["tag"] == "L_ZF":
            name = name.replace("Zoë", "Zoe")   # the operator's system drops the diaeresis
        if s and s["tag"] == "VOLKOV":
            name = "Dmitri Volkov"
        addr = "%s, %s" % (s["address"], s["postcode"]) if s else ""
        rows.append([fmt_national(ph["num"]), ph["imei"], name, addr, ph["account"]])
    write_csv(os.path.join(out, "phones.csv"),
              ["msisdn", "imei", "subscriber_name", "registered_address", "account_type"], rows)
    rows = []
    for v in sorted(V.values(), key=lambda v: v["plate"]):
        k = p[v["keeper"]]
        rows.append([v["plate"], v["make"], v["model"], v["colour"], display_name(k),
                     "%s, %s" % (k["address"], k["postcode"])])
    write_csv(os.path.join(out, "vehicles.csv"),
              ["plate", "make", "model", "colour", "keeper_name", "keeper_address"], rows)
    rows = []
    for t, a, b, secs, kind in case.calls:
        target = a if P[a]["target"] else b
        cells = P[target]["cells"]
        cell = cells[(t // 3600 + P[target]["num"]) % len(cells)]
        rows.append([fmt_00(P[a]["num"]), fmt_00(P[b]["num"]), fmt_cdr_time(t), secs, kind, cell])
    write_csv(os.path.join(out, "cdr_operator_a.csv"),
              ["a_party", "b_party", "start", "duration", "call_type", "cell_id"], rows)
    rows = []
    for t, v, cam, conf in case.reads:
        c = CAMERA[cam]
        rows.append([V[v]["plate"].replace(" ", ""), cam, c[1], fmt_iso_z(t), c[2], c[3],
                     "0.%02d" % conf])
    write_csv(os.path.join(out, "anpr_reads.csv"),
              ["plate", "camera_id", "camera_name", "timestamp", "lat", "lon", "confidence"], rows)
    write_csv(os.path.join(out, "intel_reports.csv"),
              ["report_id", "date", "grading", "subject_type", "subject", "related_type",
               "related_subject", "relationship", "text"],
              [[r["id"], fmt_day(r["date"]), r["grading"], r["subject_type"], r["subject"],
                r["related_type"], r["related"], r["relationship"], r["text"]]
               for r in case.intel])
    write_csv(os.path.join(out, "events.csv"),
              ["event_id", "type", "datetime", "location", "postcode", "persons"],
              [[e["id"], e["type"], fmt_event_time(e["time"]), e["location"], e["postcode"],
                ";".join(p[t]["id"] for t in e["persons"])] for e in case.events])


# ---- Expected answers -----------------------------------------------------

def who(case, tag):
    q = case.persons[tag]
    return "%s %s (%s)" % (q["forenames"], q["surname"], q["id"])


def bfs(adj, src, dst):
    """Hop count, number of distinct shortest paths and one of them."""
    dist, ways, prev, queue = {src: 0}, {src: 1}, {src: None}, [src]
    for u in queue:
        for w in adj.get(u, ()):
            if w not in dist:
                dist[w], ways[w], prev[w] = dist[u] + 1, ways[u], u
                queue.append(w)
            elif dist[w] == dist[u] + 1:
                ways[w] += ways[u]
    if dst not in dist:
        return None, 0, []
    path, u = [], dst
    while u is not None:
        path.append(u)
        u = prev[u]
    return dist[dst], ways[dst], path[::-1]


def intel_graph(case, keep):
    """Person-person adjacency from the reports KEEP accepts."""
    by_id = {q["id"]: t for t, q in case.persons.items()}
    adj = {}
    for r in case.intel:
        if r["subject_type"] == r["related_type"] == "person" and \
                r["relationship"] in ("knows", "associate_of", "family") and keep(r):
            a, b = by_id[r["subject"]], by_id[r["related"]]
            adj.setdefault(a, set()).add(b)
            adj.setdefault(b, set()).add(a)
    return {k: sorted(v, key=lambda t: case.persons[t]["id"]) for k, v in adj.items()}


def near_reads(case, window):
    """Pairs of vehicles read at the same camera within WINDOW seconds:
    {(plate, plate): {day: [(camera, t1, t2), …]}}."""
    V = case.vehicles
    by_cam = {}
    for t, v, cam, conf in case.reads:
        by_cam.setdefault(cam, []).append((t, v))
    out = {}
    for cam in sorted(by_cam):
        rs = sorted(by_cam[cam], key=lambda r: (r[0], V[r[1]]["plate"]))
        for i, (t1, v1) in enumerate(rs):
            for t2, v2 in rs[i + 1:]:
                if t2 - t1 > window:
                    break
                if v1 != v2:
                    a, b = sorted((V[v1]["plate"], V[v2]["plate"]))
                    out.setdefault((a, b), {}).setdefault(fmt_day(t1), []).append((cam, t1, t2))
    return out


def expected_answers(case):
    p, P, V = case.persons, case.phones, case.vehicles
    def num(tag):
        return fmt_national(P[tag]["num"])

    def numwho(tag):
        owner = P[tag]["owner"]
        return "%s (%s)" % (num(tag), who(case, owner) if owner else "deal line")

    def plate(tag):
        return V[tag]["plate"]

    lines = []
    add = lines.append

    add("### Counts")
    add("")
    add("| file | rows (without the header) |")
    add("|---|---|")
    for name, n in (("persons.csv", len(p)), ("phones.csv", len(P)),
                    ("vehicles.csv", len(V)), ("cdr_operator_a.csv", len(case.calls)),
                    ("anpr_reads.csv", len(case.reads)), ("events.csv", len(case.events)),
                    ("intel_reports.csv", len(case.intel))):
        add("| %s | %d |" % (name, n))
    roles = {}
    for q in p.values():
        roles[q["role"]] = roles.get(q["role"], 0) + 1
    add("")
    add("Persons by role: " + ", ".join("%s %d" % (r, roles[r]) for r in
                                       ("head", "lieutenant", "runner", "user", "associate")) + ".")
    nums = {c[1] for c in case.calls} | {c[2] for c in case.calls}
    add("Distinct numbers in the call records: %d, every one in phones.csv. "
        "Distinct plates read by ANPR: %d, every one in vehicles.csv."
        % (len(nums), len({r[1] for r in case.reads})))
    rels = {}
    for r in case.intel:
        rels[r["relationship"]] = rels.get(r["relationship"], 0) + 1
    add("Intelligence reports by relationship: " +
        ", ".join("%s %d" % (k, rels[k]) for k in sorted(rels)) + ".")
    srcs = {}
    for r in case.intel:
        srcs[r["grading"][0]] = srcs.get(r["grading"][0], 0) + 1
    add("By source evaluation: " + ", ".join("%s %d" % (k, srcs[k]) for k in sorted(srcs)) + ".")

    add("")
    add("### The cast")
    add("")
    add("| who | role | phones (used) | vehicle (driven) |")
    add("|---|---|---|---|")
    for tag in ("HEAD", "L_OC", "L_PW", "L_BR", "L_ZF", "TB", "KERSHAW", "VICTIM",
                "TRAP1", "TRAP2", "MOSS", "BRIDGE", "DUNNE", "PARTNER", "MOTHER"):
        phones = ", ".join(num(t) for t in P if P[t]["owner"] == tag) or "—"
        cars = ", ".join(plate(v) for v in V if V[v]["driver"] == tag) or "—"
        add("| %s | %s | %s | %s |" % (who(case, tag), p[tag]["role"], phones, cars))
    add("")
    add("- Deal lines (no subscriber): %s until the raid, %s from 2024-03-16."
        % (num("D1"), num("D2")))
    add("- %s is registered to %s but used by %s (report graded B24)."
        % (num("H1"), who(case, "MOTHER"), who(case, "HEAD")))
    add("- The Audi %s is kept by %s and driven by %s."
        % (plate("V_AUDI"), who(case, "PARTNER"), who(case, "HEAD")))
    add("- %s is recorded at %s, %s; intelligence (B24) puts him at %s, %s."
        % (who(case, "HEAD"), p["HEAD"]["address"], p["HEAD"]["postcode"],
           *FIXED_ADDRESSES["PARTNER"]))
    add("- IMEI %s carried %s (%s) until 2024-03-15 and the new deal line %s from 2024-03-16; "
        "it is the only IMEI shared by two numbers."
        % (P["D2"]["imei"], num("P_KERSHAW"), who(case, "KERSHAW"), num("D2")))
    same = {}
    for q in p.values():
        same.setdefault((q["surname"], q["forenames"]), []).append(q["id"])
    for (sur, fore), ids in sorted(same.items()):
        if len(ids) > 1:
            add("- Two different persons are named %s %s: %s (different dates of birth)."
                % (fore, sur, " and ".join(sorted(ids))))
    add("- Names that need care: %s; phones.csv spells %s as \"Zoe Fairclough\" and %s as "
        "\"Dmitri Volkov\"."
        % ("; ".join("%s %s" % (p[t]["forenames"], p[t]["surname"]) for t in
                     ("L_OC", "L_PW", "L_ZF", "TRAP2", "VOLKOV", "FERREIRA", "NIBHRIAIN")),
           who(case, "L_ZF"), who(case, "VOLKOV")))

    add("")
    add("### Calls")
    add("")
    calls = case.calls

    def of(tag):
        return [c for c in calls if tag in (c[1], c[2])]

    def contacts(tag):
        return {c[2] if c[1] == tag else c[1] for c in of(tag)}

    h1, hb = of("H1"), of("HB")
    add("- %s (the head's phone): %d calls and texts, the last at %s local time, to %s."
        % (num("H1"), len(h1), fmt_cdr_time(h1[-1][0]), numwho(h1[-1][2])))
    add("- %s (the burner, unregistered): first active %s local time, %d calls and texts."
        % (num("HB"), fmt_cdr_time(hb[0][0]), len(hb)))
    shared = sorted(contacts("H1") & contacts("HB"), key=lambda t: P[t]["num"])
    add("- Contacts the old phone and the burner share: %s. The burner has no other contact."
        % ", ".join(numwho(t) for t in shared))
    slip = [c for c in hb if P[c[2]]["owner"] not in ("L_OC", "L_PW", "L_ZF")
            and P[c[1]]["owner"] not in ("L_OC", "L_PW", "L_ZF")]
    add("- The burner's only call or text with anyone but a lieutenant: %s to %s at %s local "
        "time, %d seconds." % (num(slip[0][1]), numwho(slip[0][2]), fmt_cdr_time(slip[0][0]),
                               slip[0][3]))
    assert len(slip) == 1 and contacts("HB") <= contacts("H1")

    def top_cell(tag):
        counts = {}
        for t, a, b, secs, kind in of(tag):
            target = a if P[a]["target"] else b
            if target == tag:
                cells = P[tag]["cells"]
                c = cells[(t // 3600 + P[tag]["num"]) % len(cells)]
                counts[c] = counts.get(c, 0) + 1
        return sorted(counts)
    assert top_cell("H1") == top_cell("HB")
    add("- The old phone and the burner use the same cells and no other: %s."
        % ", ".join(top_cell("H1")))
    after = [c for c in calls if c[0] >= utc(2024, 3, 14, 11, 40) and c[0] < utc(2024, 3, 14, 13)
             and {c[1], c[2]} == {"H1", "P_L_BR"}]
    add("- Between the raid (11:40) and 13:00 on 2024-03-14, %s and %s called each other %d times."
        % (num("P_L_BR"), num("H1"), len(after)))
    last_br = of("P_L_BR")[-1][0]
    add("- %s is last used at %s local time, before his arrest at 06:05 on 2024-03-15."
        % (numwho("P_L_BR"), fmt_cdr_time(last_br)))
    d1_users = {t for t in contacts("D1") if P[t]["owner"] and p[P[t]["owner"]]["role"] == "user"}
    d2_users = {t for t in contacts("D2") if P[t]["owner"] and p[P[t]["owner"]]["role"] == "user"}
    add("- The deal line %s was last used at %s; %d user phones contacted it. %s first used at %s; "
        "%d user phones contacted it, %d of them also contacted %s."
        % (num("D1"), fmt_cdr_time(of("D1")[-1][0]), len(d1_users), num("D2"),
           fmt_cdr_time(of("D2")[0][0]), len(d2_users), len(d1_users & d2_users), num("D1")))
    degree = sorted(((len(contacts(t)), t) for t in P if of(t)), key=lambda x: (-x[0], P[x[1]]["num"]))
    add("- Most distinct contacts: " + ", ".join("%s %d" % (numwho(t), n) for n, t in degree[:5])
        + ".")
    pairs = {}
    for c in calls:
        key = tuple(sorted((c[1], c[2]), key=lambda t: P[t]["num"]))
        pairs[key] = pairs.get(key, 0) + 1
    (a, b), n = sorted(pairs.items(), key=lambda kv: (-kv[1], P[kv[0][0]]["num"]))[0]
    add("- The busiest pair: %s and %s, %d calls and texts." % (numwho(a), numwho(b), n))
    kai = [c for c in of("P_KAI") if utc(2024, 3, 9, 19) <= c[0] < utc(2024, 3, 11, 8, 30)]
    add("- %s has %d calls while he was reported missing "
        "(2024-03-09 19:00 to 2024-03-11 08:30)." % (numwho("P_KAI"), len(kai)))
    bst = [c for c in calls if c[0] >= BST_START]
    add("- Clocks went forward at 01:00 UTC on 2024-03-31: the %d calls after that carry BST "
        "times (UTC+1) in `start`; the first is at %s local, %s." %
        (len(bst), fmt_cdr_time(bst[0][0]), fmt_iso_z(bst[0][0])))
    april = [c for c in calls if fmt_cdr_time(c[0]).startswith("2024-04")]
    add("- %d calls made between 23:00 and midnight UTC on 2024-03-31 carry the local date "
        "2024-04-01 in `start`." % len(april))
    voice = sum(1 for c in calls if c[4] == "voice")
    add("- Voice %d, SMS %d." % (voice, len(calls) - voice))

    add("")
    add("### Vehicles and ANPR")
    add("")
    convoy = {}
    for pair, days in near_reads(case, 120).items():
        for d, hits in days.items():
            if len({h[0] for h in hits}) >= 3:
                convoy.setdefault(pair, {})[d] = len({h[0] for h in hits})
    for (a, b), days in sorted(convoy.items()):
        add("- Convoy (three or more cameras passed within two minutes of each other on one day): "
            "%s and %s on %s; no other pair of vehicles." % (a, b, ", ".join(
                "%s (%d cameras)" % (d, days[d]) for d in sorted(days))))
    assert len(convoy) == 1
    add("- Reads of two different vehicles at the same camera within ten minutes, "
        "other than those convoys:")
    for (a, b), days in sorted(near_reads(case, 600).items()):
        for d in sorted(days):
            if d in convoy.get((a, b), []):
                continue
            for cam, t1, t2 in days[d]:
                add("  - %s and %s at %s (%s), %s and %s." % (a, b, cam, CAMERA[cam][1],
                                                           fmt_iso_z(t1), fmt_iso_z(t2)))
    leon = [r for r in case.reads if r[1] == "V_LEON" and
            utc(2024, 3, 22, 21, 40) <= r[0] < utc(2024, 3, 22, 23)]
    add("- After the stabbing (21:40 on 2024-03-22) the Seat %s is read at: %s."
        % (plate("V_LEON"), ", ".join("%s %s" % (r[2], fmt_iso_z(r[0])) for r in leon)))
    audi = [r for r in case.reads if r[1] == "V_AUDI" and
            utc(2024, 3, 27, 15) <= r[0] < utc(2024, 3, 27, 16, 5)]
    add("- Before the stop check (16:05 on 2024-03-27) the Audi %s is read at: %s."
        % (plate("V_AUDI"), ", ".join("%s %s" % (r[2], fmt_iso_z(r[0])) for r in audi)))

    add("")
    add("### Intelligence links and paths")
    add("")
    add("Over person-person reports (knows, associate_of, family), in either direction:")
    add("")
    every = intel_graph(case, lambda r: True)
    no_e = intel_graph(case, lambda r: r["grading"][0] != "E")
    for label, g in (("every report", every), ("reports graded A-D only", no_e)):
        hops, ways, path = bfs(g, "HEAD", "DUNNE")
        add("- Shortest path from %s to %s using %s: %d hops, %d such path%s: %s."
            % (who(case, "HEAD"), who(case, "DUNNE"), label, hops, ways,
               "" if ways == 1 else "s", " – ".join(who(case, t) for t in path)))
    false = [r for r in case.intel if r["grading"] == "E41"
             and r["subject"] == p["L_ZF"]["id"] and r["related"] == p["DUNNE"]["id"]][0]
    add("- The 2-hop path rests on %s, graded E41 (untested source)." % false["id"])
    common = sorted(set(every["HEAD"]) & set(every["L_BR"]), key=lambda t: p[t]["id"])
    add("- Persons linked directly to both %s and %s: %s."
        % (who(case, "HEAD"), who(case, "L_BR"), ", ".join(who(case, t) for t in common) or "none"))
    deg = sorted(every.items(), key=lambda kv: (-len(kv[1]), p[kv[0]]["id"]))
    add("- Most linked persons: " + ", ".join("%s %d" % (who(case, t), len(n)) for t, n in deg[:5]) + ".")
    hb_rep = [r for r in case.intel if r["related"] == fmt_plus(P["HB"]["num"])][0]
    add("- %s links %s to the burner %s (%s, graded %s)."
        % (hb_rep["id"], who(case, "HEAD"), fmt_plus(P["HB"]["num"]), fmt_day(hb_rep["date"]),
           hb_rep["grading"]))

    add("")
    add("### Events")
    add("")
    add("| event | type | local time | persons |")
    add("|---|---|---|---|")
    for e in case.events:
        add("| %s | %s | %s | %s |" % (e["id"], e["type"], fmt_event_time(e["time"]),
                                       "; ".join(who(case, t) for t in e["persons"])))
    return "\n".join(lines) + "\n"


BEGIN = "<!-- BEGIN expected answers: written by generate.py, do not edit -->"
END = "<!-- END expected answers -->"


def write_readme(path, text):
    with open(path, encoding="utf-8") as f:
        old = f.read()
    if BEGIN not in old or END not in old:
        sys.exit("generate.py: %s lacks the expected-answers markers" % path)
    head, rest = old.split(BEGIN, 1)
    tail = rest.split(END, 1)[1]
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(head + BEGIN + "\n\n" + text + "\n" + END + tail)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description="Write the fictional sample case.")
    ap.add_argument("--out", default=os.path.join(here, "case"), help="directory for the CSV files")
    ap.add_argument("--readme", default=os.path.join(here, "README.md"),
                    help="README whose expected-answers section is rewritten")
    args = ap.parse_args()
    case = Case()
    make_people(case)
    make_links(case)
    make_phones(case)
    make_calls(case)
    make_vehicles(case)
    make_reads(case)
    make_events(case)
    make_intel(case)
    write_case(case, args.out)
    write_readme(args.readme, expected_answers(case))


if __name__ == "__main__":
    main()
