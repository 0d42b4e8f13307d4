/*
 * grading_builtin.c — the built-in grading scales, written in the same text
 * format a user's own scale file uses (docs/gradings.md), and
 * sk_scale_builtin, which parses them on request.
 *
 * Keeping them as text rather than tables proves the format can express
 * every scale skein ships, and lets a user copy one as a starting point.
 * The reliabilities are skein's choice, not part of any standard: the best
 * code of a component is 1.0, each step down takes 0.2, "cannot be judged"
 * is 0.5 (no evidence either way) and "unreliable" or "suspected false" is
 * 0.2. The unit tests parse every definition here.
 */
#include <assert.h>
#include <stddef.h>
#include <string.h>

#include "store.h"
#include "text_int.h"

/* UK National Intelligence Model 5x5x5 (ACPO/Centrex guidance on the
 * Management of Police Information, 2006). */
static const char scale_5x5x5[] =
    "# UK National Intelligence Model 5x5x5 intelligence report grading.\n"
    "scale 5x5x5\n"
    "title \"UK National Intelligence Model 5x5x5\"\n"
    "written \"{source}{intelligence}{handling}\"\n"
    "\n"
    "component source \"Source evaluation\"\n"
    "code A 1.0 \"Always reliable\"\n"
    "code B 0.8 \"Mostly reliable\"\n"
    "code C 0.6 \"Sometimes reliable\"\n"
    "code D 0.2 \"Unreliable\"\n"
    "code E 0.5 \"Untested source\"\n"
    "\n"
    "component intelligence \"Intelligence assessment\"\n"
    "code 1 1.0 \"Known to be true without reservation\"\n"
    "code 2 0.8 \"Known personally to the source but not to the officer\"\n"
    "code 3 0.6 \"Not personally known to the source but corroborated\"\n"
    "code 4 0.5 \"Cannot be judged\"\n"
    "code 5 0.2 \"Suspected to be false or malicious\"\n"
    "\n"
    "handling handling \"Handling code\"\n"
    "code 1 1 \"May be disseminated to other law enforcement and prosecuting agencies, "
    "including law enforcement agencies in the EEA and EU compatible (no special conditions)\"\n"
    "code 2 2 \"May be disseminated to UK non-prosecuting parties "
    "(authorisation and records needed)\"\n"
    "code 3 3 \"May be disseminated to non-EEA law enforcement agencies "
    "(special conditions apply)\"\n"
    "code 4 4 no-dissemination \"May be disseminated within the originating agency only\"\n"
    "code 5 5 no-dissemination \"No further dissemination: refer to the originator; "
    "special handling requirements imposed by the officer who authorised collection\"\n";

/* UK College of Policing APP (Intelligence management) 3x5x2, which
 * replaced 5x5x5 in England and Wales. */
static const char scale_3x5x2[] =
    "# UK College of Policing APP 3x5x2 intelligence grading.\n"
    "scale 3x5x2\n"
    "title \"UK College of Policing APP 3x5x2\"\n"
    "written \"{source}{intelligence} {handling}\"\n"
    "\n"
    "component source \"Source evaluation\"\n"
    "code 1 1.0 \"Reliable: no doubt about the source's authenticity, trustworthiness, "
    "integrity or competence, or a history of complete reliability\"\n"
    "code 2 0.5 \"Untested: the reliability of the source cannot be judged\"\n"
    "code 3 0.2 \"Not reliable: doubt about the source's authenticity, trustworthiness, "
    "integrity or competence, or a history of invalid information\"\n"
    "\n"
    "component intelligence \"Intelligence assessment\"\n"
    "code A 1.0 \"Known directly to the source\"\n"
    "code B 0.8 \"Known indirectly to the source but corroborated\"\n"
    "code C 0.6 \"Known indirectly to the source\"\n"
    "code D 0.5 \"Not known\"\n"
    "code E 0.2 \"Suspected to be false\"\n"
    "\n"
    "handling handling \"Handling code\"\n"
    "code P 1 \"Lawful sharing permitted\"\n"
    "code C 2 no-dissemination \"Lawful sharing permitted subject to conditions: "
    "specific handling instructions apply; no further dissemination without the "
    "originator's authority\"\n";

/* NATO Admiralty system (STANAG 2511, AJP-2.1): no handling component. */
static const char scale_admiralty[] =
    "# NATO / Admiralty source reliability and information credibility.\n"
    "scale admiralty\n"
    "title \"NATO Admiralty system\"\n"
    "written \"{reliability}{credibility}\"\n"
    "\n"
    "component reliability \"Source reliability\"\n"
    "code A 1.0 \"Completely reliable\"\n"
    "code B 0.8 \"Usually reliable\"\n"
    "code C 0.6 \"Fairly reliable\"\n"
    "code D 0.4 \"Not usually reliable\"\n"
    "code E 0.2 \"Unreliable\"\n"
    "code F 0.5 \"Reliability cannot be judged\"\n"
    "\n"
    "component credibility \"Information credibility\"\n"
    "code 1 1.0 \"Confirmed by other sources\"\n"
    "code 2 0.8 \"Probably true\"\n"
    "code 3 0.6 \"Possibly true\"\n"
    "code 4 0.4 \"Doubtful\"\n"
    "code 5 0.2 \"Improbable\"\n"
    "code 6 0.5 \"Truth cannot be judged\"\n";

static const struct builtin {
    const char *name;
    const char *text;
    size_t len;
} builtins[] = {
    { "5x5x5", scale_5x5x5, sizeof scale_5x5x5 - 1 },
    { "3x5x2", scale_3x5x2, sizeof scale_3x5x2 - 1 },
    { "admiralty", scale_admiralty, sizeof scale_admiralty - 1 },
};

sk_scale *sk_scale_builtin(const char *name)
{
    assert(name != NULL);
    size_t n = strlen(name);
    for (size_t i = 0; i < sizeof builtins / sizeof builtins[0]; i++) {
        if (strlen(builtins[i].name) != n || !sk_ascii_caseeq(builtins[i].name, name, n))
            continue;
        sk_scale *s = NULL;
        char err[128];
        int rc = sk_scale_parse(builtins[i].text, builtins[i].len, &s, err, sizeof err);
        /* Only running out of memory can fail here: the tests parse every
         * built-in definition. */
        assert(rc == SK_OK || rc == SK_ENOMEM);
        (void)rc;
        return s;
    }
    return NULL;
}
