// jemalloc's options for the pmkb binary, which jemalloc reads from this variable when the
// process starts (malloc_conf in jemalloc(3); MALLOC_CONF in the environment still overrides
// it). Compiled in only where pmkb is linked with jemalloc.
//
// thp:always: jemalloc asks for transparent huge pages for its memory. A build allocates a
// few hundred MB of short-lived model and page data, and the kernel faulting it in 4 KB at a
// time was about a fifth of a one-file rebuild of 10,000 postmortems (paired runs: 1.80 ->
// 1.47 s, peak RSS 209 -> 229 MiB). A cold build is unchanged (1.00). Where the kernel's
// transparent_hugepage setting is "never", it does nothing.
extern "C" {
// NOLINTNEXTLINE: the name and type are jemalloc's interface.
const char* malloc_conf = "thp:always";
}
