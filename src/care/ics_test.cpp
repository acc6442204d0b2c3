// iCalendar entries: the fields a calendar needs, UTC times, escaping, and folding at 75 octets
// without splitting a UTF-8 character.
#include "care/ics.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace vitalis::care {
namespace {

TEST(IcsTest, OneEventInUtcWithEscapedText) {
  CalendarEvent event;
  event.uid = "appointment-7@vitalis.example";
  event.sequence = 2;
  event.starts_at = 1812358800;  // 2027-06-07T09:00:00Z
  event.ends_at = event.starts_at + 1800;
  event.stamp = 1812300000;
  event.summary = "Appointment with Dr Amara Okafor";
  event.location = "Clinic; Room 2, 1 High St";
  std::string text = calendar_entry(event);
  for (const char* expected :
       {"BEGIN:VCALENDAR\r\n", "VERSION:2.0\r\n", "METHOD:PUBLISH\r\n", "BEGIN:VEVENT\r\n",
        "UID:appointment-7@vitalis.example\r\n", "SEQUENCE:2\r\n", "DTSTART:20270607T090000Z\r\n",
        "DTEND:20270607T093000Z\r\n", "LOCATION:Clinic\\; Room 2\\, 1 High St\r\n",
        "STATUS:CONFIRMED\r\n", "END:VEVENT\r\nEND:VCALENDAR\r\n"}) {
    EXPECT_NE(text.find(expected), std::string::npos) << expected << "\n" << text;
  }
  event.cancelled = true;
  text = calendar_entry(event);
  EXPECT_NE(text.find("METHOD:CANCEL\r\n"), std::string::npos);
  EXPECT_NE(text.find("STATUS:CANCELLED\r\n"), std::string::npos);
}

TEST(IcsTest, LongLinesFoldAt75OctetsWithoutSplittingCharacters) {
  CalendarEvent event;
  event.uid = "u";
  event.location =
      "Clínica São João, Avenida da República 1000, Lisboa — entrada pela rua lateral, "
      "piso 2, sala 14 (à esquerda)";
  std::string text = calendar_entry(event);
  std::istringstream lines(text);
  std::string line, unfolded;
  while (std::getline(lines, line)) {
    ASSERT_FALSE(line.empty());
    ASSERT_EQ(line.back(), '\r');
    line.pop_back();
    EXPECT_LE(line.size(), 75u) << line;
    // A continuation never starts with a UTF-8 continuation byte.
    if (line.size() > 1 && line[0] == ' ') {
      EXPECT_NE(static_cast<unsigned char>(line[1]) & 0xC0, 0x80) << line;
    }
    unfolded += line[0] == ' ' ? line.substr(1) : "\n" + line;
  }
  EXPECT_NE(unfolded.find("\nLOCATION:Clínica São João\\, Avenida da República 1000\\, Lisboa — "
                          "entrada pela rua lateral\\, piso 2\\, sala 14 (à esquerda)"),
            std::string::npos)
      << unfolded;
}

}  // namespace
}  // namespace vitalis::care
