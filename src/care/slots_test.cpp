// Free slots across daylight-saving changes, exceptions and busy times; dates, zones, distance.
#include "care/slots.hpp"

#include <date/date.h>
#include <gtest/gtest.h>

namespace vitalis::care::slots {
namespace {

using namespace date::literals;

// UTC Unix seconds of a civil date and time.
std::int64_t utc(date::year_month_day day, int hour, int minute = 0) {
  return (date::sys_days{day}.time_since_epoch() + std::chrono::hours(hour) +
          std::chrono::minutes(minute)) /
         std::chrono::seconds(1);
}

// A Sunday session 00:00–04:00 local, 30-minute slots, in `zone`.
ClinicAvailability sunday_night(const std::string& zone) {
  return ClinicAvailability{7, zone, {WeeklyHours{7, 0, 240, 30, 0}}, {}};
}

std::vector<std::int64_t> starts(const std::vector<Slot>& slots) {
  std::vector<std::int64_t> out;
  for (const auto& slot : slots) out.push_back(slot.starts_at);
  return out;
}

TEST(SlotsTest, LondonSpringForwardSkipsTheMissingHour) {
  // 2027-03-28: at 01:00 GMT the clocks go to 02:00 BST; 01:00 and 01:30 local do not exist.
  auto day = 2027_y / 3 / 28;
  auto slots = free_slots({sunday_night("Europe/London")}, {}, utc(day, -2), utc(day, 6), 0);
  EXPECT_EQ(starts(slots),
            (std::vector<std::int64_t>{utc(day, 0), utc(day, 0, 30), utc(day, 1), utc(day, 1, 30),
                                       utc(day, 2), utc(day, 2, 30)}));
  for (const auto& slot : slots) EXPECT_EQ(slot.ends_at - slot.starts_at, 1800);
}

TEST(SlotsTest, LondonFallBackOffersTheRepeatedHourOnce) {
  // 2027-10-31: at 02:00 BST the clocks go back to 01:00 GMT; 01:00–02:00 local happens twice.
  auto day = 2027_y / 10 / 31;
  auto slots = free_slots({sunday_night("Europe/London")}, {}, utc(day, -3), utc(day, 6), 0);
  // Local 00:00, 00:30 (BST), 01:00, 01:30 (first, BST), then 02:00 … 03:30 GMT.
  EXPECT_EQ(starts(slots), (std::vector<std::int64_t>{utc(day, -1), utc(day, -1, 30), utc(day, 0),
                                                      utc(day, 0, 30), utc(day, 2), utc(day, 2, 30),
                                                      utc(day, 3), utc(day, 3, 30)}));
}

TEST(SlotsTest, NewYorkSpringForwardAndFallBack) {
  // 2027-03-14: 02:00 EST becomes 03:00 EDT, so 02:00 and 02:30 local do not exist.
  auto spring = 2027_y / 3 / 14;
  auto slots =
      free_slots({sunday_night("America/New_York")}, {}, utc(spring, 0), utc(spring, 12), 0);
  EXPECT_EQ(starts(slots),
            (std::vector<std::int64_t>{utc(spring, 5), utc(spring, 5, 30), utc(spring, 6),
                                       utc(spring, 6, 30), utc(spring, 7), utc(spring, 7, 30)}));
  // 2027-11-07: 02:00 EDT becomes 01:00 EST, so 01:00 and 01:30 local happen twice: once here.
  auto fall = 2027_y / 11 / 7;
  slots = free_slots({sunday_night("America/New_York")}, {}, utc(fall, 0), utc(fall, 12), 0);
  EXPECT_EQ(starts(slots), (std::vector<std::int64_t>{
                               utc(fall, 4), utc(fall, 4, 30), utc(fall, 5), utc(fall, 5, 30),
                               utc(fall, 7), utc(fall, 7, 30), utc(fall, 8), utc(fall, 8, 30)}));
}

TEST(SlotsTest, AWeekOfWeekdayHoursInSummerTime) {
  // Mondays 09:00–12:30 London, 20-minute slots with a 10-minute buffer: 09:00 … 12:00.
  ClinicAvailability clinic{3, "Europe/London", {WeeklyHours{1, 540, 750, 20, 10}}, {}};
  auto monday = 2027_y / 6 / 7;
  auto slots = free_slots({clinic}, {}, utc(monday, 0), utc(monday, 0) + 7 * 86400, 0);
  ASSERT_EQ(slots.size(), 7u);  // 09:00 09:30 10:00 10:30 11:00 11:30 12:00 (12:00+20 <= 12:30)
  EXPECT_EQ(slots.front().starts_at, utc(monday, 8));  // 09:00 BST
  EXPECT_EQ(slots.back().starts_at, utc(monday, 11));
  EXPECT_EQ(slots.front().clinic_id, 3);
}

TEST(SlotsTest, LeaveClosuresExtraSessionsBusyTimesAndNow) {
  ClinicAvailability clinic{3, "Europe/Paris", {WeeklyHours{2, 540, 600, 30, 0}}, {}};
  auto tuesday = 2027_y / 6 / 8, next = 2027_y / 6 / 15, third = 2027_y / 6 / 22;
  std::int64_t from = utc(tuesday, 0), to = utc(third, 23);
  EXPECT_EQ(free_slots({clinic}, {}, from, to, 0).size(), 6u);
  clinic.exceptions.push_back({0, "leave", 1, 0, "2027-06-08", "2027-06-08", 0, 0, 0, 0, ""});
  clinic.exceptions.push_back({0, "closed", 0, 3, "2027-06-22", "2027-06-22", 0, 0, 0, 0, ""});
  clinic.exceptions.push_back({0, "extra", 1, 3, "2027-06-16", "2027-06-16", 840, 900, 60, 0, ""});
  auto slots = free_slots({clinic}, {}, from, to, 0);
  // Only 15 June's two slots (09:00, 09:30 CEST) and the extra hour on 16 June (14:00 CEST).
  EXPECT_EQ(starts(slots),
            (std::vector<std::int64_t>{utc(next, 7), utc(next, 7, 30), utc(2027_y / 6 / 16, 12)}));
  // A 45-minute appointment from 09:15 covers both 15 June slots, whatever the grid.
  slots = free_slots({clinic}, {Busy{utc(next, 7, 15), utc(next, 8)}}, from, to, 0);
  EXPECT_EQ(starts(slots), (std::vector<std::int64_t>{utc(2027_y / 6 / 16, 12)}));
  // Nothing before `not_before`.
  EXPECT_TRUE(free_slots({clinic}, {}, from, to, utc(2027_y / 6 / 17, 0)).empty());
}

TEST(SlotsTest, DatesZonesAndDistance) {
  EXPECT_TRUE(known_time_zone("Europe/London"));
  EXPECT_TRUE(known_time_zone("America/New_York"));
  EXPECT_FALSE(known_time_zone("Europe/Atlantis"));
  EXPECT_FALSE(known_time_zone(""));
  EXPECT_EQ(parse_day("1970-01-02"), 1);
  EXPECT_FALSE(parse_day("2027-02-29"));
  EXPECT_FALSE(parse_day("2027-2-28"));
  EXPECT_FALSE(parse_day("-027-02-28"));  // a sign read as a year before year 1
  EXPECT_FALSE(parse_day(" 027-02-28"));
  EXPECT_EQ(format_day(*parse_day("2028-02-29")), "2028-02-29");
  // 23:30 UTC on 27 March is already 28 March in Europe/Berlin.
  EXPECT_EQ(format_day(local_day("Europe/Berlin", utc(2027_y / 3 / 27, 23, 30))), "2027-03-28");
  // London to Manchester is about 262 km as the crow flies.
  double km = distance_km(51.5074, -0.1278, 53.4808, -2.2426);
  EXPECT_NEAR(km, 262, 3);
  EXPECT_NEAR(distance_km(1, 2, 1, 2), 0, 1e-9);
  // Emails give the local wall time with its zone; an unknown zone reads as UTC.
  EXPECT_EQ(local_time_text("Europe/London", utc(2027_y / 6 / 7, 9, 0)),
            "Mon 07 Jun 2027, 10:00 (Europe/London)");
  EXPECT_EQ(local_time_text("Mars/Olympus", utc(2027_y / 6 / 7, 9, 0)),
            "Mon 07 Jun 2027, 09:00 (UTC)");
}

}  // namespace
}  // namespace vitalis::care::slots
