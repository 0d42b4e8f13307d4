/*
 * limits_import.h — every limit of the import module, declared once.
 *
 * Each limit turns input that would otherwise exhaust memory or time into a
 * clear "… too large" / "too many …" error with its place in the file, and
 * each has a test. Raise a limit here, never inline.
 */
#ifndef SK_LIMITS_IMPORT_H
#define SK_LIMITS_IMPORT_H

/* Largest field of a CSV row or value of an XML/XRY record, in bytes after
 * decoding to UTF-8 ("field too large"). */
#define SK_IMPORT_FIELD_MAX (1u << 20)
/* Largest record (all fields of one row together), in bytes. */
#define SK_IMPORT_RECORD_MAX (4u << 20)
/* Most fields in one row ("too many columns"). */
#define SK_IMPORT_COLUMNS_MAX 4096
/* Largest specification file, in bytes. */
#define SK_IMPORT_SPEC_MAX (256u << 10)
/* Most entity rules, link rules, properties of one rule and row rules in a
 * specification. */
#define SK_IMPORT_RULES_MAX 64
#define SK_IMPORT_PROPS_MAX 64
/* Most columns one key, label or template may join. */
#define SK_IMPORT_KEYCOLS_MAX 8
/* Longest key, label or template result, in bytes. */
#define SK_IMPORT_TEXT_MAX 4096
/* Deepest XML nesting in a UFDR report. */
#define SK_IMPORT_XML_DEPTH_MAX 256
/* Most files in one import. */
#define SK_IMPORT_FILES_MAX 1024
/* Rows between two progress callbacks. */
#define SK_IMPORT_PROGRESS_ROWS 16384
/* Bytes the per-import key cache (raw key → entity, and the set of
 * entities written) may hold; it is emptied rather than grown past this,
 * so its memory is bounded by this and not by the file. About 80 bytes per
 * raw key: room for some 3M keys. */
#define SK_IMPORT_CACHE_BYTES ((size_t)256 << 20)
/* Matrix: most labels of a square adjacency matrix. */
#define SK_IMPORT_MATRIX_MAX 100000
/* Map room an import reserves per byte of input before it starts: a new
 * case takes about 2 bytes per byte of CSV, an import into a case holding
 * a graph about 2.5 (bench, 1M persons); the map is address space only. */
#define SK_IMPORT_MAP_PER_BYTE 4
/* Records read and mapped ahead of the writes: a batch holds at most
 * SK_IMPORT_BATCH_ROWS records, and is closed early once its memory passes
 * SK_IMPORT_BATCH_BYTES (one record may go over); SK_IMPORT_BATCHES
 * batches exist per file, so memory is bounded by these, not by the file. */
#define SK_IMPORT_BATCH_ROWS 512
#define SK_IMPORT_BATCH_BYTES ((size_t)1 << 20)
#define SK_IMPORT_BATCHES 4
/* Bytes read from a file at a time. */
#define SK_IMPORT_CHUNK (256u << 10)

#endif /* SK_LIMITS_IMPORT_H */
