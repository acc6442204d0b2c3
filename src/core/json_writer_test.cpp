// The writer's output parses back (with boost::json) to exactly what was written.
#include "core/json_writer.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <limits>

namespace vitalis {
namespace {

namespace json = boost::json;

TEST(JsonWriterTest, NestedContainersParseBack) {
  json_writer::Writer writer;
  writer.begin_object().key("items").begin_array();
  for (int idx = 0; idx < 3; ++idx) {
    writer.begin_object().key("id").value(idx).key("name").value("n").key("none").null();
    writer.end_object();
  }
  writer.end_array().key("empty").begin_array().end_array();
  writer.key("obj").begin_object().end_object().key("yes").value(true).end_object();
  json::value parsed = json::parse(writer.view());
  const auto& items = parsed.at("items").as_array();
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[2].at("id").as_int64(), 2);
  EXPECT_TRUE(items[0].at("none").is_null());
  EXPECT_TRUE(parsed.at("empty").as_array().empty());
  EXPECT_TRUE(parsed.at("obj").as_object().empty());
  EXPECT_TRUE(parsed.at("yes").as_bool());
}

TEST(JsonWriterTest, EscapesEveryCharacterThatNeedsIt) {
  std::string nasty = "quote\" back\\ nl\n cr\r tab\t bell\x07 nul";
  nasty.push_back('\0');
  nasty += " \x1f end ü 💊 </script>";
  json_writer::Writer writer;
  writer.begin_array().value(nasty).end_array();
  EXPECT_EQ(std::string(writer.view()).find('\n'), std::string::npos);
  EXPECT_EQ(json::parse(writer.view()).as_array()[0].as_string(), nasty);
}

TEST(JsonWriterTest, NumbersReadBackExactly) {
  const double doubles[] = {0.0, -1.5, 120.0, 0.1, 5.55, 1e-7, 123456789.123, 7.0 / 3.0};
  json_writer::Writer writer;
  writer.begin_array();
  for (double number : doubles) writer.value(number);
  writer.value(std::numeric_limits<std::int64_t>::min()).value(std::int64_t{9007199254740993});
  writer.value(std::numeric_limits<double>::quiet_NaN());
  writer.end_array();
  json::value document = json::parse(writer.view());
  const json::array& parsed = document.as_array();
  for (std::size_t idx = 0; idx < std::size(doubles); ++idx) {
    EXPECT_EQ(parsed[idx].to_number<double>(), doubles[idx]) << writer.view();
  }
  EXPECT_EQ(parsed[8].as_int64(), std::numeric_limits<std::int64_t>::min());
  EXPECT_EQ(parsed[9].as_int64(), 9007199254740993);
  EXPECT_TRUE(parsed[10].is_null());  // not finite: JSON has no NaN
}

}  // namespace
}  // namespace vitalis
