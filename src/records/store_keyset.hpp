// The stores' keyset paging part: a window over one kind of entry, latest first, which the
// timeline asks each store for (keyset_query is defined in clinical_store.cpp).
#pragma once

#include <soci/soci.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "records/shared.hpp"

namespace vitalis::records::store {

// A timeline window (shared.hpp): the first bound makes it an index range on
// (patient_id, time, id), the second the exact keyset.
using KeysetBounds = TimelineWindow;

// The window query over `select` ("SELECT <columns> FROM <table> "), newest first, with an
// optional extra filter on the table's own columns. Built once per timeline source.
std::string keyset_query(std::string_view select, std::string_view time_column,
                         std::string_view condition);

// Binds the parameters of a keyset_query; the values live as long as this object.
class KeysetUses {
 public:
  KeysetUses(std::int64_t patient_id, const KeysetBounds& bounds)
      : patient_(patient_id), tie_id_(bounds.tie_id), limit_(bounds.limit), bounds_(bounds) {}
  void operator()(soci::statement& statement) {
    statement.exchange(soci::use(patient_));
    statement.exchange(soci::use(bounds_.from));
    statement.exchange(soci::use(bounds_.upper));
    statement.exchange(soci::use(bounds_.upper));
    statement.exchange(soci::use(bounds_.tie_at));
    statement.exchange(soci::use(tie_id_));
    statement.exchange(soci::use(limit_));
  }

 private:
  long long patient_, tie_id_;
  int limit_;
  const KeysetBounds& bounds_;
};

}  // namespace vitalis::records::store
