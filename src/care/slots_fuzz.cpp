// libFuzzer target: care's pure scheduling code (slots.cpp, tokens.cpp): free slots from weekly
// hours and exceptions in zones with unusual clock changes, local dates and times, and booking
// tokens as typed. No database (docs/RELIABILITY.md, Fuzzing). The input's first bytes choose a
// zone, a range and up to eight sessions and exceptions within the bounds the service accepts;
// the rest is text for the day parser, the zone lookup and the token reader. Checks: slots are
// sorted, inside the range, never before `not_before`, as long as their session says, never
// overlapping a busy interval; a day parses back to itself; a normalised token normalises to
// itself.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "care/slots.hpp"
#include "care/tokens.hpp"

namespace {

constexpr const char* kZones[] = {
    "Europe/London",   "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu",
    "Pacific/Chatham", "America/Santiago", "Africa/Casablanca",   "UTC"};

class Bytes {
 public:
  Bytes(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  unsigned next() { return at_ < size_ ? data_[at_++] : 0; }
  int in(int low, int high) {  // inclusive
    unsigned value = next() | next() << 8;
    return low + static_cast<int>(value % static_cast<unsigned>(high - low + 1));
  }
  std::string_view rest() const {
    return {reinterpret_cast<const char*>(data_) + at_, size_ - at_};
  }

 private:
  const std::uint8_t* data_;
  std::size_t size_, at_ = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace vitalis::care;
  Bytes bytes(data, size);
  slots::ClinicAvailability clinic;
  clinic.clinic_id = 1;
  clinic.time_zone = kZones[bytes.next() % (sizeof(kZones) / sizeof(kZones[0]))];
  int sessions = bytes.in(0, 8);
  for (int index = 0; index < sessions; ++index) {
    WeeklyHours hours;
    hours.weekday = bytes.in(1, 7);
    hours.start_minute = bytes.in(0, 1439);
    hours.end_minute = bytes.in(hours.start_minute + 1, 1440);
    hours.slot_minutes = bytes.in(5, 480);
    hours.buffer_minutes = bytes.in(0, 240);
    clinic.weekly.push_back(hours);
  }
  // A range of up to 31 days somewhere in 1970-2100 (2,000 days apart at most from a base).
  std::int64_t from = static_cast<std::int64_t>(bytes.in(0, 47000)) * 86400 + bytes.in(0, 86399);
  std::int64_t to = from + static_cast<std::int64_t>(bytes.in(1, 31 * 24)) * 3600;
  int exceptions = bytes.in(0, 4);
  for (int index = 0; index < exceptions; ++index) {
    AvailabilityException exception;
    const char* kinds[] = {"leave", "extra", "closed"};
    exception.kind = kinds[bytes.in(0, 2)];
    std::int64_t first = from / 86400 + bytes.in(-2, 33);
    exception.first_day = slots::format_day(first);
    exception.last_day = slots::format_day(first + bytes.in(0, 5));
    exception.start_minute = bytes.in(0, 1439);
    exception.end_minute = bytes.in(exception.start_minute + 1, 1440);
    exception.slot_minutes = bytes.in(5, 480);
    exception.buffer_minutes = bytes.in(0, 240);
    clinic.exceptions.push_back(exception);
  }
  std::vector<slots::Busy> busy;
  for (int index = bytes.in(0, 3); index > 0; --index) {
    std::int64_t start = from + bytes.in(0, 31 * 24) * 3600;
    busy.push_back({start, start + bytes.in(1, 600) * 60});
  }
  std::int64_t not_before = from + bytes.in(0, 48) * 3600;

  auto found = slots::free_slots({clinic}, busy, from, to, not_before);
  for (std::size_t index = 0; index < found.size(); ++index) {
    const Slot& slot = found[index];
    if (slot.starts_at < from || slot.starts_at >= to || slot.starts_at < not_before) {
      __builtin_trap();
    }
    if (slot.ends_at - slot.starts_at < 5 * 60 || slot.ends_at - slot.starts_at > 480 * 60) {
      __builtin_trap();
    }
    if (index > 0 && found[index - 1].starts_at > slot.starts_at) __builtin_trap();
    for (const auto& interval : busy) {
      if (interval.starts_at < slot.ends_at && interval.ends_at > slot.starts_at) __builtin_trap();
    }
  }

  std::string_view text = bytes.rest();
  if (auto day = slots::parse_day(text)) {
    if (slots::format_day(*day) != text) __builtin_trap();
  }
  (void)slots::known_time_zone(text);
  (void)slots::local_time_text(text, from);
  (void)slots::local_day(text, to);
  if (auto token = normalise_token(text); token.ok()) {
    auto again = normalise_token(*token);
    if (!again.ok() || *again != *token) __builtin_trap();
  }
  return 0;
}
