// Name folding for search (accent-insensitive words).
#include "core/search_text.hpp"

#include <gtest/gtest.h>

namespace vitalis {
namespace {

TEST(SearchNameTest, FoldsCaseAndLatinAccents) {
  EXPECT_EQ(fold_name("José García"), "jose garcia");
  EXPECT_EQ(fold_name("MÜLLER"), "muller");
  EXPECT_EQ(fold_name("Zoë Åsa Ørsted"), "zoe asa orsted");
  EXPECT_EQ(fold_name("Straße"), "strasse");
  EXPECT_EQ(fold_name("Łukasz Żółć"), "lukasz zolc");
  EXPECT_EQ(fold_name("Ærø Œuvre"), "aero oeuvre");
  EXPECT_EQ(fold_name("Ştefan Ţăran"), "stefan taran");  // U+015E, U+0162: Extended-A
}

TEST(SearchNameTest, DecomposedAccentsFoldLikeComposedOnes) {
  EXPECT_EQ(fold_name("Jose\xCC\x81"), "jose");  // e + U+0301 combining acute
}

TEST(SearchNameTest, SeparatesWordsAndDropsApostrophes) {
  EXPECT_EQ(fold_name("  Jean-Pierre   O'Brien "), "jean pierre obrien");
  EXPECT_EQ(fold_name("D\xE2\x80\x99"
                      "Angelo"),
            "dangelo");  // U+2019 apostrophe
  EXPECT_EQ(fold_name("Dr. Ana, PhD"), "dr ana phd");
  EXPECT_EQ(fold_name(""), "");
  EXPECT_EQ(fold_name("--"), "");
}

TEST(SearchNameTest, KeepsOtherScriptsLowerCased) {
  EXPECT_EQ(fold_name("ΑΘΗΝΑ"), "αθηνα");
  EXPECT_EQ(fold_name("Иван Ёлкин"), "иван ёлкин");
  EXPECT_EQ(fold_name("李小龙"), "李小龙");
}

TEST(SearchNameTest, InvalidUtf8SeparatesWords) {
  EXPECT_EQ(fold_name("ana\xFF"
                      "silva"),
            "ana silva");
  EXPECT_EQ(fold_name("ana\xC3"), "ana");  // truncated sequence
}

TEST(SearchNameTest, WordsAreDistinctAndOrdered) {
  EXPECT_EQ(name_words("maria jose maria"), (std::vector<std::string>{"maria", "jose"}));
  EXPECT_TRUE(name_words("").empty());
}

// The doctor directory matches like patient search: accents and case do not matter, and every
// word of the query must occur (as part of a word) in the doctor's name, specialty or clinic.
TEST(SearchNameTest, DirectoryMatchIgnoresAccentsAndNeedsEveryWord) {
  std::string doctor = fold_name("Dr José Müller Cardiology Clínica São João");
  EXPECT_TRUE(contains_words(doctor, fold_name("jose")));
  EXPECT_TRUE(contains_words(doctor, fold_name("JOSÉ")));
  EXPECT_TRUE(contains_words(doctor, fold_name("muller card")));
  EXPECT_TRUE(contains_words(doctor, fold_name("sao joao")));
  EXPECT_FALSE(contains_words(doctor, fold_name("jose neurology")));
  EXPECT_TRUE(contains_words(doctor, fold_name("")));
}

}  // namespace
}  // namespace vitalis
