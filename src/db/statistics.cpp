// The query planner's statistics after a bulk load (statistics.hpp).
#include "db/statistics.hpp"

#include <soci/soci.h>

namespace vitalis::db {

Status update_planner_statistics(Pool& pool) {
  if (pool.dialect() != Dialect::kPostgresql) return Ok{};
  return with_connection(pool, [](Lease& lease) -> Status {
    *lease << "ANALYZE";
    return Ok{};
  });
}

}  // namespace vitalis::db
