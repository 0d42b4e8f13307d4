/*
 * lsan.c — LeakSanitizer suppressions for the sanitizer build of skein.
 *
 * Graphviz, fontconfig, pango and cairo allocate caches that live as long
 * as the process and are never freed; under -fsanitize=address every
 * chart export would otherwise end in a leak report and a failed exit
 * status. Only leaks inside those libraries are suppressed: one in skein's
 * own code is still reported. Compiled only when AddressSanitizer is on.
 */
#if defined(__SANITIZE_ADDRESS__)
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:libgvc.so\nleak:libcgraph.so\nleak:libcdt.so\nleak:libgvplugin\n"
           "leak:libfontconfig.so\nleak:libpango\nleak:libcairo.so\nleak:libglib\n"
           "leak:libgobject\nleak:libharfbuzz\nleak:libfreetype\nleak:libpixman\n"
           "leak:libexpat\n";
}
#else
/* ISO C wants a translation unit to declare something. */
typedef int sk_lsan_unused;
#endif
