/*
 * test_export_plugins.c — a Graphviz without its plugin configuration:
 * GVBINDIR points at an empty directory before the first chart of this
 * process, as if `dot -c` had never run. The chart must fail with
 * SK_ENOTFOUND and a message naming config6a and the fix, write nothing,
 * and leave the data exports (which need no Graphviz) working.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "test_export_fixture.h"

static char g_dir[64];

static void test_missing_config(void **state)
{
    (void)state;
    fx *f = fx_new();
    sk_result *r = fx_network(f);
    sk_export_opts o;
    sk_export_opts_init(&o);
    sk_export_report rep;
    char path[128];
    snprintf(path, sizeof path, "%s/chart.svg", g_dir);
    assert_int_equal(sk_export_write(r, path, &o, &rep), SK_ENOTFOUND);
    assert_non_null(strstr(rep.message, "config6a"));
    assert_non_null(strstr(rep.message, "dot -c"));
    assert_non_null(strstr(rep.message, g_dir));
    assert_false(fx_exists(path));
    snprintf(path, sizeof path, "%s/data.graphml", g_dir);
    assert_int_equal(sk_export_write(r, path, &o, &rep), SK_OK);
    free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_missing_config),
    };
    fx_tmpdir(g_dir, sizeof g_dir);
    /* Graphviz reads GVBINDIR once, when the first context is made. */
    setenv("GVBINDIR", g_dir, 1);
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    fx_rmtree(g_dir);
    return rc;
}
