/*
 * chart_style.c — the built-in look of charts: one row per entity type
 * (shape, fill colour, the key field shown under the label) and the nouns
 * used when parallel links are folded ("12 calls"). The tables are data:
 * a caller wanting another look passes its own sk_chart_style.
 *
 * Colours are ColorBrewer's Paired/Pastel sets, chosen to stay apart when
 * printed in grey and to keep black text legible on every fill.
 */
#include <string.h>

#include "export_int.h"

static const sk_type_style k_types[] = {
    {"person|people|suspect|victim|witness|nominal", "ellipse", "#a6cee3",
     "dob|date_of_birth|birth_date|born", "b. ", false},
    {"vehicle|car|van|motorcycle|lorry", "box", "#fdbf6f",
     "plate|vrm|registration|reg", NULL, true},
    {"phone|mobile|handset|msisdn|imei|sim", "hexagon", "#cab2d6",
     "number|msisdn|phone", NULL, true},
    {"location|address|place|premises|site", "house", "#b2df8a",
     "address|postcode", NULL, false},
    {"event|incident|crime|offence|meeting", "octagon", "#fb9a99",
     "date|time|when|occurred", NULL, false},
    {"organisation|organization|company|business|group|gang", "box3d", "#ffff99",
     "company_number|registration_number", "no. ", false},
    {"account|bank_account|card|wallet", "cylinder", "#e5d8bd",
     "iban|account_number|number|sort_code", NULL, true},
    {"email|email_address", "parallelogram", "#ccebc5",
     "address|email", NULL, true},
    {"document|passport|licence|license|id_document", "note", "#f0f0f0",
     "number|document_number", "no. ", true},
    {"weapon|firearm|knife", "septagon", "#fccde5",
     "serial|serial_number", "serial ", false},
    {"object|item|property", "box", "#d9d9d9", "serial|serial_number", NULL, false},
};

static const sk_link_style k_links[] = {
    {"called", "call", "calls"},
    {"call", "call", "calls"},
    {"messaged", "message", "messages"},
    {"texted", "text", "texts"},
    {"sms", "text", "texts"},
    {"emailed", "email", "emails"},
    {"paid", "payment", "payments"},
    {"transferred", "transfer", "transfers"},
    {"seen_at", "sighting", "sightings"},
    {"visited", "visit", "visits"},
    {"met", "meeting", "meetings"},
};

static const sk_chart_style k_default = {
    .types = k_types,
    .ntypes = sizeof k_types / sizeof k_types[0],
    .other = {"other", "box", "#ffffff", NULL, NULL, true},
    .links = k_links,
    .nlinks = sizeof k_links / sizeof k_links[0],
    .reliable = 0.8,
    .doubtful = 0.4,
    .fontname = "Helvetica",
    .banner_fill = "#b30000",
    .banner_text = "#ffffff",
};

const sk_chart_style *sk_chart_style_default(void)
{
    return &k_default;
}

const sk_type_style *sk_chart_style_type(const sk_chart_style *s, const char *type)
{
    for (size_t i = 0; type && i < s->ntypes; i++)
        if (text_in_list(s->types[i].types, type))
            return &s->types[i];
    return &s->other;
}
