/*
 * polegen_entity.c — what each generated entity looks like: its key,
 * label and fields, built from (seed, type, index) alone.
 *
 * Invariant: keys are bijections of the index (an affine map modulo the
 * size of the key space, with a multiplier coprime to it), so they are
 * unique within a type without any lookup table, and they do not depend on
 * the seed — the same person index always has the same nominal number.
 * Everything else (names, makes, addresses) is drawn from a per-entity PRNG
 * stream and does depend on the seed.
 */
#include "polegen_int.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ---- Type tables ----------------------------------------------------- */

static const char *const etype_names[] = {
#define SK_PG_X(tag, name) [tag] = name,
    SK_PG_ETYPES(SK_PG_X)
#undef SK_PG_X
};

static const struct {
    const char *name;
    bool directed;
} ltype_info[] = {
#define SK_PG_X(tag, name, src, dst, directed, timed) [tag] = {name, directed},
    SK_PG_LTYPES(SK_PG_X)
#undef SK_PG_X
};

const char *sk_pg_etype_name(sk_pg_etype t)
{
    assert(t < SK_PG_N_ETYPES);
    return etype_names[t];
}

const char *sk_pg_ltype_name(sk_pg_ltype t)
{
    assert(t < SK_PG_N_LTYPES);
    return ltype_info[t].name;
}

bool sk_pg_ltype_directed(sk_pg_ltype t)
{
    assert(t < SK_PG_N_LTYPES);
    return ltype_info[t].directed;
}

static const char *const person_fields[] = {"forenames", "surname", "dob"};
static const char *const phone_fields[] = {"imei", "network"};
static const char *const vehicle_fields[] = {"make", "model", "colour", "year"};
static const char *const location_fields[] = {"address", "postcode", "lat", "lon"};
static const char *const event_fields[] = {"category", "time"};

static const struct {
    const char *const *names;
    size_t n;
} field_table[] = {
    [SK_PG_PERSON] = {person_fields, COUNT(person_fields)},
    [SK_PG_PHONE] = {phone_fields, COUNT(phone_fields)},
    [SK_PG_VEHICLE] = {vehicle_fields, COUNT(vehicle_fields)},
    [SK_PG_LOCATION] = {location_fields, COUNT(location_fields)},
    [SK_PG_EVENT] = {event_fields, COUNT(event_fields)},
};

size_t sk_pg_field_names(sk_pg_etype t, const char *const **names)
{
    assert(t < SK_PG_N_ETYPES);
    *names = field_table[t].names;
    return field_table[t].n;
}

/* ---- Word lists ------------------------------------------------------- */

static const char *const forenames[] = {
    "Aaron", "Abdul", "Adam", "Aidan", "Aisha", "Alex", "Alfie", "Amir", "Amy",
    "Andrew", "Anna", "Ashley", "Ben", "Beth", "Bradley", "Callum", "Carl",
    "Charlotte", "Chloe", "Chris", "Connor", "Craig", "Daniel", "Danielle",
    "Darren", "David", "Dean", "Declan", "Ellie", "Emma", "Faisal", "Gary",
    "Gemma", "Grace", "Hannah", "Harry", "Imran", "Jack", "Jade", "Jake",
    "James", "Jamie", "Jason", "Jennifer", "Jodie", "Joel", "John", "Jordan",
    "Josh", "Kayleigh", "Kelly", "Kevin", "Kieran", "Kyle", "Laura", "Lee",
    "Leon", "Lewis", "Liam", "Lisa", "Luke", "Mark", "Martin", "Megan",
    "Michael", "Mohammed", "Natalie", "Nathan", "Nicola", "Oliver", "Paul",
    "Peter", "Rachel", "Reece", "Rebecca", "Rhys", "Richard", "Robert", "Ryan",
    "Sam", "Sarah", "Scott", "Sean", "Shane", "Sophie", "Stacey", "Stephen",
    "Steven", "Tariq", "Thomas", "Tom", "Tyler", "Usman", "Vicky", "Wayne",
    "Zara",
};

static const char *const surnames[] = {
    "Ahmed", "Ali", "Allen", "Armstrong", "Atkinson", "Bailey", "Baker", "Barker",
    "Barnes", "Bell", "Bennett", "Brennan", "Brooks", "Brown", "Butler", "Campbell",
    "Carter", "Chapman", "Clarke", "Collins", "Cooper", "Cox", "Davies", "Dawson",
    "Dixon", "Doyle", "Edwards", "Ellis", "Evans", "Fletcher", "Foster", "Fox",
    "Gibson", "Graham", "Gray", "Green", "Griffiths", "Hall", "Harris", "Harrison",
    "Hart", "Hill", "Holmes", "Hughes", "Hunt", "Hussain", "Jackson", "James",
    "Johnson", "Jones", "Kaur", "Kelly", "Khan", "King", "Knight", "Lee", "Lewis",
    "Lloyd", "Marshall", "Martin", "Mason", "Matthews", "Mills", "Mitchell",
    "Moore", "Morgan", "Morris", "Murphy", "Murray", "Nowak", "O'Brien",
    "Owen", "Palmer", "Parker", "Patel", "Pearson", "Phillips", "Powell", "Price",
    "Quinn", "Reid", "Richards", "Roberts", "Robinson", "Rogers", "Rose", "Russell",
    "Saunders", "Scott", "Shaw", "Simpson", "Singh", "Smith", "Stevens", "Stewart",
    "Taylor", "Thomas", "Thompson", "Turner", "Walker", "Walsh", "Ward", "Watson",
    "White", "Wilkinson", "Williams", "Wilson", "Wood", "Wright", "Young",
};

static const char *const streets[] = {
    "Albert", "Albion", "Alexandra", "Ash", "Beech", "Birch", "Bridge", "Brook",
    "Canal", "Castle", "Cedar", "Chapel", "Church", "Cobden", "Crown", "Dale",
    "Elm", "Factory", "Garden", "George", "Grange", "Greenway", "Hall", "Hawthorn",
    "High", "Hill", "Holly", "Kestrel", "King", "Lark", "Laurel", "Lime", "Lord",
    "Maple", "Market", "Mill", "Moor", "Nelson", "New", "North", "Oak", "Orchard",
    "Park", "Peel", "Pine", "Princess", "Queen", "Railway", "Rowan", "School",
    "Spring", "Station", "Union", "Vernon", "Victoria", "Vine", "Water", "Well",
    "West", "Willow", "Windsor", "York",
};

static const char *const street_kinds[] = {
    "Street", "Road", "Lane", "Avenue", "Close", "Grove", "Terrace", "Way",
    "Drive", "Court",
};

/* Postcode areas in use in the UK; districts and units are synthetic. */
static const char *const postcode_areas[] = {
    "B", "BB", "BD", "BL", "BN", "BS", "CF", "CH", "CV", "DE", "DN", "E", "G",
    "HD", "HU", "HX", "L", "LE", "LS", "M", "N", "NE", "NG", "NW", "OL", "PR",
    "S", "SE", "SK", "SR", "ST", "SW", "TS", "W", "WA", "WF", "WN", "WV",
};

/* Letters of a postcode's unit (the last two characters). */
static const char unit_letters[] = "ABDEFGHJLNPQRSTUWXYZ";

/* Letters of a current-format number plate (I and Q are not issued). */
static const char plate_letters[] = "ABCDEFGHJKLMNOPRSTUVWXYZ";

/* Age identifiers of current-format plates, March and September series. */
static const int plate_ages[] = {
    2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24,
    52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74,
};

static const struct {
    const char *make, *model;
} vehicle_models[] = {
    {"Ford", "Fiesta"},       {"Ford", "Focus"},        {"Ford", "Transit"},
    {"Vauxhall", "Corsa"},    {"Vauxhall", "Astra"},    {"Volkswagen", "Golf"},
    {"Volkswagen", "Polo"},   {"BMW", "3 Series"},      {"BMW", "1 Series"},
    {"Audi", "A3"},           {"Audi", "A6"},           {"Mercedes-Benz", "C-Class"},
    {"Mercedes-Benz", "Sprinter"}, {"Toyota", "Yaris"}, {"Toyota", "Prius"},
    {"Nissan", "Qashqai"},    {"Nissan", "Juke"},       {"Peugeot", "208"},
    {"Kia", "Sportage"},      {"Hyundai", "Tucson"},    {"Range Rover", "Evoque"},
    {"Seat", "Leon"},         {"Skoda", "Octavia"},     {"Honda", "Civic"},
};

static const char *const colours[] = {
    "Black", "White", "Silver", "Grey", "Blue", "Red", "Green", "Orange", "Yellow",
};

static const char *const networks[] = {
    "Northwind Mobile", "Skylark Telecom", "Veritel", "Harbour Mobile",
};

/* Type allocation codes the generated IMEIs start with. */
static const char *const imei_tacs[] = {
    "35332611", "35920010", "86779104", "35614812", "49015420", "35780500",
};

static const char *const event_categories[] = {
    "burglary", "robbery", "assault", "drugs supply", "possession of weapon",
    "stop and search", "vehicle crime", "criminal damage", "public order",
};

/* ---- Keys ------------------------------------------------------------- */

/* Affine bijections of [0, M): x -> (x * A + B) mod M with gcd(A, M) = 1. */
#define PHONE_SPACE UINT64_C(1000000000)   /* nine digits after +447 */
#define PHONE_MUL UINT64_C(387420489)     /* 3^18 */
#define PLATE_MUL UINT64_C(244140625)     /* 5^12; plate space is 2^16 3^5 23 */
#define POSTCODE_MUL UINT64_C(40353607)   /* 7^9; postcode space is 2,3,5,11,19 */
#define OFFSET UINT64_C(123456789)

/* Writes V as exactly WIDTH decimal digits (zero-padded) at P and returns
 * the end. Keys are formatted by hand: two per link, ten million links for
 * a million persons, and snprintf would be most of the generator's time. */
static char *put_digits(char *p, uint64_t v, int width)
{
    for (int i = width - 1; i >= 0; i--) {
        p[i] = (char)('0' + v % 10);
        v /= 10;
    }
    return p + width;
}

/* Writes V (below 100) in decimal without padding at P; returns the end. */
static char *put_uint(char *p, unsigned v)
{
    return put_digits(p, v, v >= 10 ? 2 : 1);
}

/* A prefix letter and eight digits: nominal and event numbers. */
static void key_serial(char prefix, uint64_t index, char *buf)
{
    buf[0] = prefix;
    *put_digits(buf + 1, index + 1, 8) = '\0';
}

static void key_phone(uint64_t index, char *buf)
{
    uint64_t x = (index * PHONE_MUL + OFFSET) % PHONE_SPACE;
    memcpy(buf, "+447", 4);
    *put_digits(buf + 4, x, 9) = '\0';
}

/* A current-format plate: memory tag, age identifier, three letters. */
static void key_plate(uint64_t index, char *buf)
{
    const uint64_t nl = sizeof(plate_letters) - 1, na = COUNT(plate_ages);
    const uint64_t space = nl * nl * na * nl * nl * nl;
    uint64_t x = (index * PLATE_MUL + OFFSET) % space;
    for (int i = 7; i >= 5; i--) {
        buf[i] = plate_letters[x % nl];
        x /= nl;
    }
    put_digits(buf + 2, (uint64_t)plate_ages[x % na], 2);
    x /= na;
    buf[1] = plate_letters[x % nl];
    x /= nl;
    buf[0] = plate_letters[x % nl];
    buf[4] = ' ';
    buf[8] = '\0';
}

/* A postcode unique for INDEX: area, district 1-99, sector 0-9, unit. */
static void postcode(uint64_t index, char *buf)
{
    const uint64_t na = COUNT(postcode_areas), nu = sizeof(unit_letters) - 1;
    const uint64_t space = na * 99 * 10 * nu * nu;
    uint64_t x = (index * POSTCODE_MUL + OFFSET) % space;
    char u1 = unit_letters[x % nu];
    x /= nu;
    char u0 = unit_letters[x % nu];
    x /= nu;
    unsigned sector = (unsigned)(x % 10);
    x /= 10;
    unsigned district = (unsigned)(x % 99) + 1;
    x /= 99;
    const char *area = postcode_areas[x % na];
    size_t n = strlen(area);
    memcpy(buf, area, n);
    char *p = put_uint(buf + n, district);
    *p++ = ' ';
    p = put_uint(p, sector);
    *p++ = u0;
    *p++ = u1;
    *p = '\0';
}

/* A street address: house number and street drawn from R. */
static void address(pg_rng *r, char *buf)
{
    /* One draw per statement: the order in which a call's arguments are
     * evaluated is unspecified, and gcc and clang differ. */
    unsigned number = (unsigned)pg_below(r, 180) + 1;
    const char *street = streets[pg_below(r, COUNT(streets))];
    const char *kind = street_kinds[pg_below(r, COUNT(street_kinds))];
    snprintf(buf, 64, "%u %s %s", number, street, kind);
}

void pg_key(sk_pg_etype t, uint64_t index, char *buf)
{
    switch (t) {
    case SK_PG_PERSON:
        key_serial('N', index, buf);
        break;
    case SK_PG_PHONE:
        key_phone(index, buf);
        break;
    case SK_PG_VEHICLE:
        key_plate(index, buf);
        break;
    case SK_PG_LOCATION:
        postcode(index, buf);
        break;
    case SK_PG_EVENT:
        key_serial('E', index, buf);
        break;
    default:
        assert(!"unknown entity type");
    }
}

/* ---- Entities --------------------------------------------------------- */

/* Appends field NAME of KIND to OUT; its text is then written to the
 * returned buffer by the caller. */
static char *field(pg_ebuf *b, sk_pg_entity *out, const char *name, sk_pg_fkind kind)
{
    size_t k = out->nfields++;
    assert(k < SK_PG_MAX_FIELDS);
    b->fields[k] = (sk_pg_field){.name = name, .kind = kind, .text = b->text[k]};
    return b->text[k];
}

/* Copies SRC into a 64-byte field text, cut if it must be. */
static void copy_text(char *dst, const char *src)
{
    size_t n = strlen(src);
    if (n > 63)
        n = 63;
    memmove(dst, src, n);
    dst[n] = '\0';
}

static sk_pg_field *last(pg_ebuf *b, const sk_pg_entity *out)
{
    return &b->fields[out->nfields - 1];
}

static void make_person(pg_rng *r, pg_ebuf *b, sk_pg_entity *out)
{
    const char *fore = forenames[pg_below(r, COUNT(forenames))];
    const char *sur = surnames[pg_below(r, COUNT(surnames))];
    snprintf(b->label, sizeof(b->label), "%s %s", fore, sur);
    copy_text(field(b, out, "forenames", SK_PG_F_STR), fore);
    copy_text(field(b, out, "surname", SK_PG_F_STR), sur);
    /* Born between 1950-01-01 and 2007-12-31. */
    int64_t first = pg_days_from_civil(1950, 1, 1), end = pg_days_from_civil(2008, 1, 1);
    int64_t day = first + (int64_t)pg_below(r, (uint64_t)(end - first));
    int y, m, d;
    pg_civil_from_days(day, &y, &m, &d);
    snprintf(field(b, out, "dob", SK_PG_F_DATE), 64, "%04d-%02d-%02d", y, m, d);
    last(b, out)->i = day * 86400;
}

/* An IMEI: a TAC, a six-digit serial and the Luhn check digit. */
static void make_imei(pg_rng *r, char *buf)
{
    char d[16];
    const char *tac = imei_tacs[pg_below(r, COUNT(imei_tacs))];
    unsigned serial = (unsigned)pg_below(r, 1000000);
    snprintf(d, sizeof(d), "%s%06u", tac, serial);
    unsigned sum = 0;
    for (int i = 0; i < 14; i++) {
        unsigned v = (unsigned)(d[i] - '0');
        if (i % 2 == 1) {
            v *= 2;
            if (v > 9)
                v -= 9;
        }
        sum += v;
    }
    d[14] = (char)('0' + (10 - sum % 10) % 10);
    d[15] = '\0';
    memcpy(buf, d, 16);
}

static void make_phone(pg_rng *r, pg_ebuf *b, sk_pg_entity *out)
{
    snprintf(b->label, sizeof(b->label), "%s", b->key);
    make_imei(r, field(b, out, "imei", SK_PG_F_STR));
    copy_text(field(b, out, "network", SK_PG_F_STR), networks[pg_below(r, COUNT(networks))]);
}

static void make_vehicle(pg_rng *r, pg_ebuf *b, sk_pg_entity *out)
{
    size_t k = pg_below(r, COUNT(vehicle_models));
    const char *colour = colours[pg_below(r, COUNT(colours))];
    snprintf(b->label, sizeof(b->label), "%s %s %s %s", b->key, colour,
             vehicle_models[k].make, vehicle_models[k].model);
    copy_text(field(b, out, "make", SK_PG_F_STR), vehicle_models[k].make);
    copy_text(field(b, out, "model", SK_PG_F_STR), vehicle_models[k].model);
    copy_text(field(b, out, "colour", SK_PG_F_STR), colour);
    int64_t year = 2002 + (int64_t)pg_below(r, 22);
    snprintf(field(b, out, "year", SK_PG_F_INT), 64, "%d", (int)year);
    last(b, out)->i = year;
}

/* Writes a coordinate given in 1e-5 degrees as text and as a real. */
static void coord(pg_ebuf *b, sk_pg_entity *out, const char *name, int64_t e5)
{
    char *t = field(b, out, name, SK_PG_F_REAL);
    int64_t a = e5 < 0 ? -e5 : e5;
    snprintf(t, 64, "%s%lld.%05lld", e5 < 0 ? "-" : "", (long long)(a / 100000),
             (long long)(a % 100000));
    last(b, out)->r = (double)e5 / 100000.0;
}

static void make_location(pg_rng *r, pg_ebuf *b, sk_pg_entity *out)
{
    char *addr = field(b, out, "address", SK_PG_F_STR);
    address(r, addr);
    copy_text(field(b, out, "postcode", SK_PG_F_STR), b->key);
    snprintf(b->label, sizeof(b->label), "%s, %s", addr, b->key);
    /* Somewhere in a box over England: 50.6..54.9 N, 3.4 W..0.4 E. */
    coord(b, out, "lat", 5060000 + (int64_t)pg_below(r, 430000));
    coord(b, out, "lon", -340000 + (int64_t)pg_below(r, 380000));
}

static void make_event(uint64_t seed, pg_rng *r, pg_ebuf *b, sk_pg_entity *out)
{
    const char *cat = event_categories[pg_below(r, COUNT(event_categories))];
    int64_t t = pg_event_time(seed, out->index);
    char when[24];
    sk_pg_format_time(t, when);
    snprintf(b->label, sizeof(b->label), "%s %.10s", cat, when);
    copy_text(field(b, out, "category", SK_PG_F_STR), cat);
    copy_text(field(b, out, "time", SK_PG_F_TIME), when);
    last(b, out)->i = t;
}

int64_t pg_event_time(uint64_t seed, uint64_t index)
{
    pg_rng r;
    pg_rng_seed(&r, seed, UINT64_C(0xe7e7) << 40, index);
    return pg_time_in_month(&r);
}

void pg_entity_make(uint64_t seed, sk_pg_etype t, uint64_t index, pg_ebuf *b,
                    sk_pg_entity *out)
{
    pg_rng r;
    pg_rng_seed(&r, seed, (uint64_t)t + 1, index);
    *out = (sk_pg_entity){.type = t, .index = index, .key = b->key, .label = b->label,
                          .fields = b->fields};
    pg_key(t, index, b->key);
    switch (t) {
    case SK_PG_PERSON:
        make_person(&r, b, out);
        break;
    case SK_PG_PHONE:
        make_phone(&r, b, out);
        break;
    case SK_PG_VEHICLE:
        make_vehicle(&r, b, out);
        break;
    case SK_PG_LOCATION:
        make_location(&r, b, out);
        break;
    case SK_PG_EVENT:
        make_event(seed, &r, b, out);
        break;
    default:
        assert(!"unknown entity type");
    }
}
