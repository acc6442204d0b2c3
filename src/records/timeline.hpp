// The timeline: one latest-first stream over every kind of entry of a record, paged by an opaque
// keyset cursor (time, kind, id). Each of records' own kinds is a row of the sources table
// (timeline.cpp): its columns and table, time column, filter and how to render a row. Kinds that
// other modules keep (stored predictions) come as RecordParts (shared.hpp), wired by app.
// Immutable table: safe for concurrent use.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "db/database.hpp"
#include "records/clinical_model.hpp"
#include "records/shared.hpp"
#include "records/store_keyset.hpp"

namespace vitalis::records {

struct TimelineSource {
  std::string_view kind;         // "observation"
  std::string_view select;       // "SELECT <columns> FROM <table> "; the table has an index on
                                 // (patient_id, time_column, id)
  std::string_view time_column;  // RFC 3339 UTC text, fixed width
  std::string_view condition;    // extra SQL filter on the table's own columns; empty: none
  // Runs the source's keyset query (built from the fields above).
  std::vector<TimelineCandidate> (*page)(db::Lease& lease, const std::string& query,
                                         std::int64_t patient_id,
                                         const store::KeysetBounds& bounds);
};

std::span<const TimelineSource> timeline_sources();
const TimelineSource* find_timeline_source(std::string_view kind);

// One page over records' own kinds and `parts`, inside the caller's lease. The query is already
// validated (known kinds).
TimelinePage read_timeline(db::Lease& lease, std::int64_t patient_id, const TimelineQuery& query,
                           std::span<const RecordPart> parts = {});

}  // namespace vitalis::records
