// The timeline's kinds and its cursor (timeline_cursor.hpp).
#include "records/timeline_cursor.hpp"

#include <algorithm>
#include <charconv>
#include <iterator>

#include "core/base64.hpp"
#include "core/time.hpp"

namespace vitalis::records {

bool is_timeline_kind(std::string_view kind, std::span<const RecordPart> parts) {
  return std::find(std::begin(kOwnTimelineKinds), std::end(kOwnTimelineKinds), kind) !=
             std::end(kOwnTimelineKinds) ||
         std::any_of(parts.begin(), parts.end(),
                     [kind](const RecordPart& part) { return part.kind == kind; });
}

std::vector<std::string_view> timeline_kinds(std::span<const RecordPart> parts) {
  std::vector<std::string_view> out;
  out.assign(std::begin(kOwnTimelineKinds), std::end(kOwnTimelineKinds));
  for (const auto& part : parts) out.push_back(part.kind);
  return out;
}

std::string encode_cursor(const TimelineCursor& cursor) {
  return base64url_encode(cursor.at + "|" + cursor.kind + "|" + std::to_string(cursor.id));
}

Result<TimelineCursor> decode_cursor(std::string_view text, std::span<const RecordPart> parts) {
  auto invalid = Error::validation("cursor", "cursor is not one this server issued");
  auto raw = base64url_decode(text);
  if (!raw) return invalid;
  auto first = raw->find('|');
  auto second = first == std::string::npos ? first : raw->find('|', first + 1);
  if (second == std::string::npos) return invalid;
  TimelineCursor cursor{raw->substr(0, first), raw->substr(first + 1, second - first - 1), 0};
  std::string_view id(*raw);
  id.remove_prefix(second + 1);
  auto [end, ec] = std::from_chars(id.data(), id.data() + id.size(), cursor.id);
  if (ec != std::errc() || end != id.data() + id.size() || cursor.id <= 0) return invalid;
  auto at = parse_rfc3339(cursor.at);
  if (!at || format_rfc3339(*at) != cursor.at) return invalid;
  if (!is_timeline_kind(cursor.kind, parts)) return invalid;
  return cursor;
}

}  // namespace vitalis::records
