/*
 * afile.c — output files written all-or-nothing: the data goes to a
 * temporary file in the target's directory (so rename is atomic on the
 * same file system) and replaces the target only when everything was
 * written and flushed. A failed export leaves any earlier file untouched.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "export_int.h"

int afile_open(sk_afile *a, const char *path, char *err, size_t errlen)
{
    *a = (sk_afile){0};
    size_t n = strlen(path);
    a->path = malloc(n + 1);
    a->tmp = malloc(n + 16);
    if (!a->path || !a->tmp) {
        afile_abort(a);
        snprintf(err, errlen, "out of memory");
        return SK_ENOMEM;
    }
    memcpy(a->path, path, n + 1);
    snprintf(a->tmp, n + 16, "%s.tmp-XXXXXX", path);
    int fd = mkstemp(a->tmp);
    if (fd < 0) {
        snprintf(err, errlen, "cannot write \"%s\": %s", path, strerror(errno));
        a->tmp[0] = '\0'; /* nothing was created: remove nothing */
        afile_abort(a);
        return SK_EIO;
    }
    /* mkstemp makes the file 0600, which is kept: exports hold
     * intelligence material and are for the analyst who made them. */
    a->f = fdopen(fd, "wb");
    if (!a->f) {
        snprintf(err, errlen, "cannot write \"%s\": %s", path, strerror(errno));
        close(fd);
        afile_abort(a);
        return SK_EIO;
    }
    return SK_OK;
}

int afile_commit(sk_afile *a, char *err, size_t errlen)
{
    int e = 0;
    if (ferror(a->f))
        e = errno ? errno : EIO;
    if (fflush(a->f) != 0 && !e)
        e = errno;
    if (fsync(fileno(a->f)) != 0 && !e && errno != EINVAL)
        e = errno;
    if (fclose(a->f) != 0 && !e)
        e = errno;
    a->f = NULL;
    if (!e && rename(a->tmp, a->path) != 0)
        e = errno;
    if (e) {
        snprintf(err, errlen, "cannot write \"%s\": %s", a->path, strerror(e));
        afile_abort(a);
        return SK_EIO;
    }
    free(a->tmp);
    free(a->path);
    *a = (sk_afile){0};
    return SK_OK;
}

void afile_abort(sk_afile *a)
{
    if (a->f)
        fclose(a->f);
    if (a->tmp && a->tmp[0])
        unlink(a->tmp);
    free(a->tmp);
    free(a->path);
    *a = (sk_afile){0};
}

static int afile_write(void *ctx, const char *buf, size_t len)
{
    sk_afile *a = ctx;
    return fwrite(buf, 1, len, a->f) == len ? SK_OK : SK_EIO;
}

sk_sink afile_sink(sk_afile *a)
{
    return (sk_sink){afile_write, a};
}
