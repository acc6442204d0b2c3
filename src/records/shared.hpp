// What the records module offers modules that work inside a patient's record without owning it:
// facts read inside the caller's own transaction (predict's prefill), and parts of the record
// another module keeps in its own tables (predict's stored predictions), which records shows in
// the timeline and the export beside its own entries. Records never names those modules: app
// wires them (ClinicalService::add_record_part). Plain functions and values; the functions run in
// the caller's lease (one task at a time).
#pragma once

#include <boost/json/array.hpp>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "db/database.hpp"
#include "records/clinical_model.hpp"
#include "records/model.hpp"

namespace vitalis::records {

// What a caller wants of the record besides the clinical profile (always read).
struct FactsWanted {
  std::vector<std::string> loinc_codes;  // the latest final reading of each
  bool diagnoses = false;                // every diagnosis, whatever its status
};

struct RecordFacts {
  std::optional<ClinicalProfile> profile;  // empty: no such patient
  std::vector<Observation> latest;         // at most one per wanted code: its latest final reading
  std::vector<Diagnosis> diagnoses;
};

// Reads inside the caller's lease and transaction, so that a caller's write that depends on the
// facts (a stored prediction) sees one snapshot with them: the profile, the latest readings of
// every wanted code in one query, the diagnoses in one more. Not audited: the caller audits the
// read as part of its own action.
RecordFacts read_record_facts(db::Lease& lease, std::int64_t patient_id, const FactsWanted& wanted);

// Where a source's part of a timeline page lies, for one patient, latest first: entries with
// from <= time <= upper and (time < upper or (time = tie_at and id < tie_id)), at most `limit`.
// tie_at empty: no ties.
struct TimelineWindow {
  std::string from, upper, tie_at;
  std::int64_t tie_id = 0;
  int limit = 50;
};

// A row a timeline source found, rendered only if it makes the page.
struct TimelineCandidate {
  std::string occurred_at;
  std::int64_t id = 0;
  std::function<TimelineItem()> render;
};

// Entries of a patient's record that another module keeps. Each function runs inside the
// lease and read transaction of the timeline or export that asks (one snapshot with records'
// own entries).
struct RecordPart {
  std::string kind;        // the timeline's kind of entry ("prediction"); sorts among records'
  std::string export_key;  // the export's key for all of them ("predictions")
  // The entries in the window, latest first by (time, id).
  std::function<std::vector<TimelineCandidate>(db::Lease&, std::int64_t patient_id,
                                               const TimelineWindow&)>
      timeline;
  // Every entry, oldest first, each as the JSON the timeline shows.
  std::function<boost::json::array(db::Lease&, std::int64_t patient_id)> export_all;
};

}  // namespace vitalis::records
