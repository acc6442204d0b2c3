// The kinds of entry on the timeline and its opaque cursor, without the database: the request
// readers (body.hpp) and their fuzz target use them alone. timeline.cpp's table of sources has
// one row per kind of kOwnTimelineKinds, in the same order (clinical_test checks).
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "records/clinical_model.hpp"
#include "records/shared.hpp"

namespace vitalis::records {

// Records' own kinds. Among entries of the same time they sort in descending name order.
inline constexpr std::string_view kOwnTimelineKinds[] = {"observation", "encounter", "diagnosis",
                                                         "prescription", "symptom"};

// A kind of records' own or of one of `parts`.
bool is_timeline_kind(std::string_view kind, std::span<const RecordPart> parts = {});
// Every kind, records' own first (the order error messages list them in).
std::vector<std::string_view> timeline_kinds(std::span<const RecordPart> parts = {});

// Base64url of "time|kind|id"; decode gives 422 naming `cursor` for anything else (a kind
// neither records' own nor of `parts` included).
std::string encode_cursor(const TimelineCursor& cursor);
Result<TimelineCursor> decode_cursor(std::string_view text, std::span<const RecordPart> parts = {});

}  // namespace vitalis::records
