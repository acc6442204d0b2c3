// The web app's copy of the metric catalogue (web/src/metrics.json: labels, form units, reference
// ranges for chart bands) must say what the server's catalogue says, or a chart would shade the
// wrong normal range and a form would offer a unit the server refuses.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include "records/catalogue.hpp"

namespace vitalis::records {
namespace {

boost::json::object web_catalogue() {
  std::ifstream in(VITALIS_WEB_METRICS);
  std::stringstream text;
  text << in.rdbuf();
  return boost::json::parse(text.str()).as_object();
}

// The bound as the web writes it: absent where the server has none.
void expect_bound(const boost::json::object& reference, const char* name, double server,
                  std::string_view metric) {
  const auto* web = reference.if_contains(name);
  if (std::isnan(server)) {
    EXPECT_EQ(web, nullptr) << metric << " " << name << ": the server has no such bound";
  } else {
    ASSERT_NE(web, nullptr) << metric << " " << name << " missing in metrics.json";
    EXPECT_DOUBLE_EQ(web->to_number<double>(), server) << metric << " " << name;
  }
}

TEST(CatalogueMirror, WebMetricsMatchTheServerCatalogue) {
  auto web = web_catalogue();
  std::set<std::string> seen;
  for (const auto& item : web.at("metrics").as_array()) {
    const auto& entry = item.as_object();
    std::string name(entry.at("name").as_string());
    if (!entry.contains("code")) continue;  // a pair (blood pressure) of two coded parts
    const Metric* metric = find_metric(entry.at("code").as_string());
    ASSERT_NE(metric, nullptr) << name << ": unknown LOINC code";
    EXPECT_EQ(metric->name, name);
    EXPECT_EQ(metric->display, entry.at("label").as_string()) << name;
    const auto& units = entry.at("units").as_array();
    ASSERT_FALSE(units.empty()) << name;
    EXPECT_EQ(metric->unit, units.front().as_string()) << name << ": canonical unit first";
    for (const auto& unit : units) {
      EXPECT_NE(find_unit(*metric, unit.as_string()), nullptr)
          << name << " offers " << unit.as_string() << ", which the server refuses";
    }
    boost::json::object none;
    const auto* reference = entry.if_contains("reference");
    const auto& bounds = reference ? reference->as_object() : none;
    expect_bound(bounds, "low", metric->reference.low, name);
    expect_bound(bounds, "high", metric->reference.high, name);
    seen.insert(name);
  }
  for (const auto& metric : metrics()) {
    EXPECT_TRUE(seen.contains(std::string(metric.name)))
        << metric.name << " missing in metrics.json";
  }
}

}  // namespace
}  // namespace vitalis::records
