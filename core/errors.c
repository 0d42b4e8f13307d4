/*
 * errors.c — names of the status codes. Messages with context live in the
 * handles (store, transaction); this file only names the codes.
 */
#include "store.h"

const char *sk_strerror(int code)
{
    switch (code) {
    case SK_OK: return "success";
    case SK_DONE: return "no more items";
    case SK_ENOTFOUND: return "not found";
    case SK_EEXISTS: return "already exists";
    case SK_EMAPFULL: return "case map is full";
    case SK_EPARSE: return "parse error";
    case SK_EINVAL: return "invalid argument or value";
    case SK_EIO: return "input/output error";
    case SK_ENOMEM: return "out of memory";
    case SK_EVERSION: return "case written by a newer version of skein";
    case SK_ENOTCASE: return "not a skein case";
    case SK_EBUSY: return "case is being written by another process";
    case SK_ELIMIT: return "limit reached";
    case SK_EPOISONED: return "transaction failed earlier and must be aborted";
    case SK_EREADONLY: return "case is read-only";
    case SK_ECANCELLED: return "cancelled";
    case SK_EDISKFULL: return "no space left on device";
    case SK_EACCESS: return "permission denied";
    case SK_EAMBIGUOUS: return "ambiguous reference";
    case SK_ECORRUPT: return "case data is corrupt";
    }
    return "unknown error";
}
