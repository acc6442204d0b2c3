// The CSV reader on the shapes the datasets have: quoted fields with commas, quotes and line
// breaks, CRLF endings, blank lines, a missing final newline; and a file that cannot be read.
#include "core/csv.hpp"

#include <gtest/gtest.h>

namespace vitalis {
namespace {

TEST(Csv, QuotedFieldsKeepCommasQuotesAndLineBreaks) {
  CsvTable table = parse_csv(
      "Medicine Name,Composition\r\n\"Augmentin 625 Duo Tablet\",\"Amoxycillin  (500mg) "
      "+  Clavulanic Acid (125mg)\"\r\n\r\n\"A, \"\"B\"\"\",\"two\r\nlines\"");
  ASSERT_EQ(table.header, (std::vector<std::string>{"Medicine Name", "Composition"}));
  ASSERT_EQ(table.rows.size(), 2u) << "the blank line is skipped";
  EXPECT_EQ(table.rows[0][1], "Amoxycillin  (500mg) +  Clavulanic Acid (125mg)");
  EXPECT_EQ(table.rows[1][0], "A, \"B\"");
  EXPECT_EQ(table.rows[1][1], "two\r\nlines") << "a quoted field keeps its line break";
}

TEST(Csv, EmptyFieldsAndNoFinalNewline) {
  CsvTable table = parse_csv("a,b,c\n1,,3");
  ASSERT_EQ(table.rows.size(), 1u);
  EXPECT_EQ(table.rows[0], (std::vector<std::string>{"1", "", "3"}));
}

TEST(Csv, MissingFileIsAnErrorNamingIt) {
  auto text = read_file("/nonexistent/vitalis/medicines.csv");
  ASSERT_FALSE(text.ok());
  EXPECT_NE(text.error().message.find("medicines.csv"), std::string::npos);
}

}  // namespace
}  // namespace vitalis
