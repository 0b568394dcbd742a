// jemalloc's options for the pmkb binary, which jemalloc reads from this variable when the
// process starts (malloc_conf in jemalloc(3); MALLOC_CONF in the environment still overrides
// it). Compiled in only where pmkb is linked with jemalloc.
//
// percpu_arena:percpu: one arena per CPU, the arena of the CPU a thread runs on, instead of
// four per CPU handed to threads in turn. A build starts a pool of threads for each stage, and
// with the default each new pool's memory came from other arenas than the memory the last
// one freed, so the kernel kept faulting in fresh pages (about 15 us each on a virtual
// machine). Cold build of 10,000 postmortems, paired runs: 162,000 -> 104,000 page faults,
// 0.91 of the CPU time and of the wall time.
extern "C" {
// NOLINTNEXTLINE: the name and type are jemalloc's interface.
const char* malloc_conf = "percpu_arena:percpu";
}
