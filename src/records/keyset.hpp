// A keyset window over one kind of entry, latest first: what the timeline asks each store for.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace vitalis::records::store {

// Entries of one patient with from <= time <= upper and (time < upper or (time = tie_at and
// id < tie_id)): the first bound makes it an index range on (patient_id, time, id), the second
// the exact keyset. tie_at empty: no ties.
struct KeysetBounds {
  std::string from, upper, tie_at;
  std::int64_t tie_id = 0;
  int limit = 50;
};

// The window query over `select` ("SELECT <columns> FROM <table> "), newest first, with an
// optional extra filter on the table's own columns. Built once per timeline source.
std::string keyset_query(std::string_view select, std::string_view time_column,
                         std::string_view condition);

}  // namespace vitalis::records::store
