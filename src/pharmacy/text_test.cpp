// The catalogue's text rules alone: cleaning the scraped dataset, query words, edit distance,
// dates and the demo price.
#include "pharmacy/text.hpp"

#include <gtest/gtest.h>

namespace vitalis::pharmacy::text {
namespace {

using Lines = std::vector<std::string>;

TEST(TextTest, CleansEntitiesAndSpaces) {
  EXPECT_EQ(clean("  Skin conditions with inflammation &amp; itching "),
            "Skin conditions with inflammation & itching");
  EXPECT_EQ(clean("Dr Reddy&#39;s  Laboratories\tLtd"), "Dr Reddy's Laboratories Ltd");
  EXPECT_EQ(clean("caf&#233; &#xE9; &lt;b&gt;"), "caf\xC3\xA9 \xC3\xA9 <b>");
  // Not an entity we know: left as written.
  EXPECT_EQ(clean("A & B &unknown; &#99999999;"), "A & B &unknown; &#99999999;");
}

TEST(TextTest, SplitsUsesRunTogetherAndListed) {
  EXPECT_EQ(split_uses("Treatment of Sneezing and runny nose due to allergiesTreatment of Allergic "
                       "conditions"),
            (Lines{"Treatment of Sneezing and runny nose due to allergies",
                   "Treatment of Allergic conditions"}));
  EXPECT_EQ(split_uses("Treatment of Gastroesophageal reflux disease (Acid reflux)Treatment of "
                       "Peptic ulcer disease"),
            (Lines{"Treatment of Gastroesophageal reflux disease (Acid reflux)",
                   "Treatment of Peptic ulcer disease"}));
  EXPECT_EQ(split_uses(" Hormone replacement therapy Female infertility"),
            (Lines{"Hormone replacement therapy", "Female infertility"}));
  EXPECT_EQ(split_uses(" Pain relief"), (Lines{"Pain relief"}));
  EXPECT_EQ(split_uses("Treatment of Skin conditions with inflammation &amp; itching"),
            (Lines{"Treatment of Skin conditions with inflammation & itching"}));
  EXPECT_TRUE(split_uses("   ").empty());
}

TEST(TextTest, SplitsSideEffectsAtCapitalisedWords) {
  EXPECT_EQ(split_side_effects("Rectal bleeding Taste change Headache Nosebleeds"),
            (Lines{"Rectal bleeding", "Taste change", "Headache", "Nosebleeds"}));
  // Explanations in lower case and abbreviations stay with their effect.
  EXPECT_EQ(split_side_effects("Hypoglycemia low blood glucose level Increased SGPT Rash"),
            (Lines{"Hypoglycemia low blood glucose level", "Increased SGPT", "Rash"}));
  EXPECT_EQ(split_side_effects("Nausea Nausea"), (Lines{"Nausea"}));
}

TEST(TextTest, QueryWordsAreFoldedBoundedAndDistinct) {
  EXPECT_EQ(query_words("  Paracétamol 500mg, PARACETAMOL"), (Lines{"paracetamol", "500mg"}));
  EXPECT_EQ(query_words("a b c d e f g h i j").size(), 8u);
  EXPECT_EQ(query_words(std::string(100, 'x')).front().size(), 40u);
  EXPECT_TRUE(query_words(" ,.; ").empty());
}

TEST(TextTest, EditDistanceCountsASwapAsOneAndStopsPastItsLimit) {
  EXPECT_EQ(edit_distance("paracetamol", "paracetamol", 2), 0);
  EXPECT_EQ(edit_distance("paracetmol", "paracetamol", 2), 1);   // a letter missing
  EXPECT_EQ(edit_distance("paracetalom", "paracetamol", 2), 2);  // two letters changed
  EXPECT_EQ(edit_distance("ibuporfen", "ibuprofen", 2), 1);      // a swap
  EXPECT_EQ(edit_distance("aspirin", "amoxicillin", 2), 3);      // past the limit
  EXPECT_EQ(edit_distance("", "abc", 5), 3);
  EXPECT_EQ(typo_allowance("flu"), 0);
  EXPECT_EQ(typo_allowance("asprin"), 1);
  EXPECT_EQ(typo_allowance("paracetmol"), 2);
}

TEST(TextTest, CalendarDays) {
  EXPECT_TRUE(is_calendar_day("2028-02-29"));
  EXPECT_FALSE(is_calendar_day("2027-02-29"));
  EXPECT_FALSE(is_calendar_day("2027-13-01"));
  EXPECT_FALSE(is_calendar_day("2027-1-01"));
  EXPECT_FALSE(is_calendar_day("1999-12-31"));
  EXPECT_FALSE(is_calendar_day("+027-01-01"));
  EXPECT_EQ(day_after("2028-02-28", 1), "2028-02-29");
  EXPECT_EQ(day_after("2027-12-31", 1), "2028-01-01");
  EXPECT_EQ(day_after("2027-06-07", 60), "2027-08-06");
  EXPECT_EQ(day_after("2027-03-01", -1), "2027-02-28");
}

TEST(TextTest, DemoPricesAreStableWholeNumbersInRange) {
  EXPECT_EQ(demo_price_minor("crocin 500 tablet|gsk"), demo_price_minor("crocin 500 tablet|gsk"));
  int below_15 = 0;
  for (int i = 0; i < 1000; ++i) {
    auto price = demo_price_minor("item " + std::to_string(i));
    EXPECT_GE(price, 50);
    EXPECT_LE(price, 6000);
    EXPECT_EQ(price % 5, 0);
    below_15 += price < 1500 ? 1 : 0;
  }
  EXPECT_GT(below_15, 400);
}

}  // namespace
}  // namespace vitalis::pharmacy::text
