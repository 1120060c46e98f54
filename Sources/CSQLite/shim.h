#ifndef CSQLITE_SHIM_H
#define CSQLITE_SHIM_H
#include <sqlite3.h>

// SQLITE_TRANSIENT is a macro casting -1 to a function pointer, which Swift cannot import.
static inline sqlite3_destructor_type csqlite_transient(void) { return (sqlite3_destructor_type)-1; }

// sqlite3_config is variadic, which Swift cannot call. Memory statistics take a global mutex on
// every allocation; the registry reads none of them. Only effective before SQLite initialises.
static inline int csqlite_disable_memory_statistics(void) { return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); }

// sqlite3_db_config is variadic as well. Some builds of SQLite (Apple's) start connections in
// defensive mode, which refuses PRAGMA writable_schema, PRAGMA schema_version=N and writes to FTS5's
// own tables; the registry turns it off only around its own such writes. `on` < 0 only asks.
// Returns whether defensive mode is on afterwards.
static inline int csqlite_defensive(sqlite3 *db, int on) {
    int current = 0;
    sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, on, &current);
    return current;
}
#endif
