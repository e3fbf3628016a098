#include <sqlite3.h>

/// sqlite3_config is variadic, which Swift cannot call. Turns off SQLite's memory
/// statistics: with them on, every allocation SQLite makes takes a global mutex, which the
/// deploy writer paid for on every row. Must run before the first connection opens;
/// returns SQLITE_MISUSE after that, which the caller may ignore (statistics stay on).
static inline int csqlite_disable_memory_statistics(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
