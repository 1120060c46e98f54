#ifndef CSQLITE_SHIM_H
#define CSQLITE_SHIM_H
#include <sqlite3.h>

// SQLITE_TRANSIENT is a macro casting -1 to a function pointer, which Swift cannot import.
static inline sqlite3_destructor_type csqlite_transient(void) { return (sqlite3_destructor_type)-1; }

// sqlite3_config is variadic, which Swift cannot call. Memory statistics take a global mutex on
// every allocation; the registry reads none of them. Only effective before SQLite initialises.
static inline int csqlite_disable_memory_statistics(void) { return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); }
// Turns them back on for a process that limits SQLite's heap (registry sql): SQLite enforces
// sqlite3_hard_heap_limit64 only while it counts its memory.
static inline int csqlite_enable_memory_statistics(void) { return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 1); }

// sqlite3_db_config is variadic as well. Some builds of SQLite (Apple's) start connections in
// defensive mode, which refuses PRAGMA writable_schema, PRAGMA schema_version=N and writes to FTS5's
// own tables; the registry turns it off only around its own such writes. `on` < 0 only asks.
// Returns whether defensive mode is on afterwards.
static inline int csqlite_defensive(sqlite3 *db, int on) {
    int current = 0;
    sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, on, &current);
    return current;
}

#ifdef __linux__
#include <stdint.h>
// The project's one C module also carries this: Linux's sync_file_range is declared by <fcntl.h>
// only under _GNU_SOURCE, which Swift's Glibc module does not set. Starts writing a file's dirty
// pages without waiting for them (SYNC_FILE_RANGE_WRITE, 2) and so without taking the report of a
// failed write, which stays for the owner's own fsync.
extern int sync_file_range(int fd, int64_t offset, int64_t nbytes, unsigned int flags);
static inline int csqlite_start_writeback(int fd) { return sync_file_range(fd, 0, 0, 2); }
#endif
#endif
