// Log lines are valid JSON whatever the field values contain.
#include "core/log.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace vitalis::log {
namespace {

TEST(LogTest, FieldsRenderAsJsonOfTheirKind) {
  std::string line = "{\"msg\":\"x\"";
  for (const Field& field :
       {Field("text", "quote \" backslash \\ newline \n tab \t bell \x07"), Field("count", 42),
        Field("negative", -7L), Field("ratio", 0.25), Field("flag", true)}) {
    field.append_to(line);
  }
  line += "}";
  auto value = boost::json::parse(line);
  EXPECT_EQ(value.at("text"), "quote \" backslash \\ newline \n tab \t bell \x07");
  EXPECT_EQ(value.at("count"), 42);
  EXPECT_EQ(value.at("negative"), -7);
  EXPECT_EQ(value.at("ratio"), 0.25);
  EXPECT_EQ(value.at("flag"), true);
}

TEST(LogTest, LevelsFilter) {
  ASSERT_TRUE(set_level("warn"));
  EXPECT_FALSE(enabled(Level::kInfo));
  EXPECT_TRUE(enabled(Level::kError));
  EXPECT_FALSE(set_level("loud"));
  ASSERT_TRUE(set_level("info"));
  EXPECT_TRUE(enabled(Level::kInfo));
}

}  // namespace
}  // namespace vitalis::log
