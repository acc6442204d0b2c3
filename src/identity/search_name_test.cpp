// Name folding for patient search.
#include "identity/search_name.hpp"

#include <gtest/gtest.h>

namespace vitalis::identity {
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

}  // namespace
}  // namespace vitalis::identity
