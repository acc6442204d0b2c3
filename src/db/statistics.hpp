// The query planner's statistics after a bulk load. Safe from any thread (it takes its own lease).
#pragma once

#include "core/error.hpp"
#include "db/database.hpp"

namespace vitalis::db {

// PostgreSQL plans with the statistics autovacuum gathers a while after a bulk load; until then
// plans can be wrong (a fresh demo clinic's timeline took 3x as long). Gathers them now for the
// whole database (ANALYZE). SQLite: nothing to do.
Status update_planner_statistics(Pool& pool);

}  // namespace vitalis::db
