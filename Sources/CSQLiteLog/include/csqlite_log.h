// A SQLite VFS that gathers the write-ahead log's frames in memory and writes each
// commit's frames with one system call (see sqlite_log.c for why and when it is safe).
#ifndef CSQLITE_LOG_H
#define CSQLITE_LOG_H

#include <stdint.h>

/// The VFS name to pass to sqlite3_open_v2.
#define CSQLITE_COALESCING_VFS "reactions-coalescing-log"

/// Registers the VFS (not as the default) over the default one. Idempotent; returns an
/// SQLite result code.
int csqlite_register_coalescing_vfs(void);

/// This thread's totals: log writes SQLite asked for, and the system calls that carried
/// them. Their ratio is what the VFS saves; the tests read it.
void csqlite_coalescing_totals(int64_t *requested, int64_t *issued);

#endif
