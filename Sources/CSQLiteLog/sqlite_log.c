// SQLite writes each frame of the write-ahead log with two system calls (its 24-byte
// header, then the page), so the deploy writer's commit of 28 deploys made about 50
// pwrite calls, a fifth of the writer's CPU: the kernel's cost per call (locks, page-cache
// lookups, timestamps) is several times the cost of copying 4 KiB. This VFS keeps the
// frames of a log file in a buffer while they arrive in order and writes them with one
// call when SQLite next does anything else with the file: syncs it at commit, reads it,
// truncates it, asks its size, or writes out of order.
//
// Safe only where every commit syncs the log (PRAGMA synchronous = FULL or EXTRA, in WAL
// mode): SQLite then syncs the frames before it publishes them in the shared WAL index,
// so no other connection can be told about a frame still in this buffer. With NORMAL it
// publishes without a sync, so connections that use NORMAL must not open this VFS.
// Nothing is acknowledged before the sync, so a crash loses only what a crash before
// the pwrite calls would have lost. Files other than the log are SQLite's own, untouched.
#include "csqlite_log.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

// The unix VFS writes at most 128 KiB - 1 per call (it masks longer lengths, and reports
// the rest as a full disk), so a buffer holds 29 frames of 4 KiB pages; a larger commit
// is written in parts.
enum { BUFFER_BYTES = 120 * 1024 };

typedef struct {
    sqlite3_file base;      // our methods
    sqlite3_file *real;     // the default VFS's file, stored right after this struct
    unsigned char *buffer;  // pending bytes, contiguous from `start`
    sqlite3_int64 start;
    int length;
} LogFile;

static sqlite3_vfs coalescing;
static sqlite3_vfs *underlying;
// Per thread: a connection writes on the thread that steps it, so a test can count its
// own commits while others run.
static _Thread_local int64_t requested, issued;

static int flush(LogFile *f) {
    if (f->length == 0) return SQLITE_OK;
    int length = f->length;
    f->length = 0;
    issued += 1;
    return f->real->pMethods->xWrite(f->real, f->buffer, length, f->start);
}

static int logClose(sqlite3_file *file) {
    LogFile *f = (LogFile *)file;
    int rc = flush(f);
    int closed = f->real->pMethods->xClose(f->real);
    free(f->buffer);
    f->buffer = NULL;
    return rc != SQLITE_OK ? rc : closed;
}

static int logRead(sqlite3_file *file, void *out, int amount, sqlite3_int64 offset) {
    LogFile *f = (LogFile *)file;
    int rc = flush(f);
    return rc != SQLITE_OK ? rc : f->real->pMethods->xRead(f->real, out, amount, offset);
}

static int logWrite(sqlite3_file *file, const void *data, int amount, sqlite3_int64 offset) {
    LogFile *f = (LogFile *)file;
    requested += 1;
    if (f->length > 0 && offset == f->start + f->length && f->length + amount <= BUFFER_BYTES) {
        memcpy(f->buffer + f->length, data, (size_t)amount);
        f->length += amount;
        return SQLITE_OK;
    }
    int rc = flush(f);
    if (rc != SQLITE_OK) return rc;
    if (amount > BUFFER_BYTES / 2) {
        issued += 1;
        return f->real->pMethods->xWrite(f->real, data, amount, offset);
    }
    if (f->buffer == NULL && (f->buffer = malloc(BUFFER_BYTES)) == NULL) return SQLITE_IOERR_NOMEM;
    memcpy(f->buffer, data, (size_t)amount);
    f->start = offset;
    f->length = amount;
    return SQLITE_OK;
}

static int logTruncate(sqlite3_file *file, sqlite3_int64 size) {
    LogFile *f = (LogFile *)file;
    int rc = flush(f);
    return rc != SQLITE_OK ? rc : f->real->pMethods->xTruncate(f->real, size);
}

static int logSync(sqlite3_file *file, int flags) {
    LogFile *f = (LogFile *)file;
    int rc = flush(f);
    return rc != SQLITE_OK ? rc : f->real->pMethods->xSync(f->real, flags);
}

static int logFileSize(sqlite3_file *file, sqlite3_int64 *size) {
    LogFile *f = (LogFile *)file;
    int rc = flush(f);
    return rc != SQLITE_OK ? rc : f->real->pMethods->xFileSize(f->real, size);
}

static int logLock(sqlite3_file *file, int lock) {
    LogFile *f = (LogFile *)file;
    return f->real->pMethods->xLock(f->real, lock);
}

static int logUnlock(sqlite3_file *file, int lock) {
    LogFile *f = (LogFile *)file;
    return f->real->pMethods->xUnlock(f->real, lock);
}

static int logCheckReservedLock(sqlite3_file *file, int *out) {
    LogFile *f = (LogFile *)file;
    return f->real->pMethods->xCheckReservedLock(f->real, out);
}

static int logFileControl(sqlite3_file *file, int op, void *argument) {
    LogFile *f = (LogFile *)file;
    int rc = flush(f);
    return rc != SQLITE_OK ? rc : f->real->pMethods->xFileControl(f->real, op, argument);
}

static int logSectorSize(sqlite3_file *file) {
    LogFile *f = (LogFile *)file;
    return f->real->pMethods->xSectorSize(f->real);
}

static int logDeviceCharacteristics(sqlite3_file *file) {
    LogFile *f = (LogFile *)file;
    return f->real->pMethods->xDeviceCharacteristics(f->real);
}

// Version 1: SQLite maps shared memory and pages of the database file, never of its log.
static const sqlite3_io_methods logMethods = {
    1, logClose, logRead, logWrite, logTruncate, logSync, logFileSize, logLock, logUnlock,
    logCheckReservedLock, logFileControl, logSectorSize, logDeviceCharacteristics,
    NULL, NULL, NULL, NULL, NULL, NULL,
};

static int openFile(sqlite3_vfs *vfs, const char *name, sqlite3_file *file, int flags, int *outFlags) {
    (void)vfs;
    // Every other file is the default VFS's own, opened in place: no wrapper, no cost.
    if (!(flags & SQLITE_OPEN_WAL)) return underlying->xOpen(underlying, name, file, flags, outFlags);
    LogFile *f = (LogFile *)file;
    memset(f, 0, sizeof *f);
    f->real = (sqlite3_file *)&f[1];
    int rc = underlying->xOpen(underlying, name, f->real, flags, outFlags);
    if (rc != SQLITE_OK) {
        if (f->real->pMethods) f->real->pMethods->xClose(f->real);
        f->base.pMethods = NULL;
        return rc;
    }
    f->base.pMethods = &logMethods;
    return SQLITE_OK;
}

int csqlite_register_coalescing_vfs(void) {
    if (sqlite3_vfs_find(CSQLITE_COALESCING_VFS)) return SQLITE_OK;
    underlying = sqlite3_vfs_find(NULL);
    if (!underlying) return SQLITE_ERROR;
    // The default VFS's methods for everything but opening files (they ignore which VFS
    // they are called through, or read only what this copy keeps, like mxPathname).
    coalescing = *underlying;
    coalescing.zName = CSQLITE_COALESCING_VFS;
    coalescing.pNext = NULL;
    coalescing.szOsFile = (int)sizeof(LogFile) + underlying->szOsFile;
    coalescing.xOpen = openFile;
    return sqlite3_vfs_register(&coalescing, 0);
}

void csqlite_coalescing_totals(int64_t *outRequested, int64_t *outIssued) {
    *outRequested = requested;
    *outIssued = issued;
}
