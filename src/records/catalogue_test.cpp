// The metric catalogue and the pure validation rules: every metric of issue 4, unit conversions
// (and their round trips), possible ranges, reference flags, blood-pressure pairs, times, BMI.
#include "records/catalogue.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "records/service.hpp"

namespace vitalis::records {
namespace {

TEST(Catalogue, HoldsEveryMetricOfTheIssueWithItsCanonicalUnit) {
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"8480-6", "mm[Hg]"}, {"8462-4", "mm[Hg]"}, {"8867-4", "/min"},   {"29463-7", "kg"},
      {"8302-2", "cm"},     {"39156-5", "kg/m2"}, {"8310-5", "Cel"},    {"59408-5", "%"},
      {"9279-1", "/min"},   {"2339-0", "mg/dL"},  {"1558-6", "mg/dL"},  {"4548-4", "%"},
      {"2093-3", "mg/dL"},  {"2085-9", "mg/dL"},  {"18262-6", "mg/dL"}, {"2571-8", "mg/dL"},
      {"718-7", "g/dL"},    {"2160-0", "mg/dL"}};
  for (const auto& [code, unit] : expected) {
    const Metric* metric = find_metric(code);
    ASSERT_NE(metric, nullptr) << code;
    EXPECT_EQ(metric->unit, unit) << code;
    ASSERT_FALSE(metric->units.empty());
    EXPECT_EQ(metric->units.front().unit, metric->unit) << "canonical unit first: " << code;
    EXPECT_DOUBLE_EQ(metric->units.front().factor, 1.0);
    EXPECT_LT(metric->possible_min, metric->possible_max) << code;
    EXPECT_EQ(find_metric(metric->name), metric) << "short name finds the metric: " << code;
  }
  EXPECT_EQ(metrics().size(), expected.size());
  std::set<std::string_view> names;
  for (const Metric& metric : metrics()) names.insert(metric.name);
  EXPECT_EQ(names.size(), metrics().size()) << "short names are unique";
  EXPECT_EQ(find_metric("1234-5"), nullptr);
  EXPECT_EQ(find_metric(""), nullptr);
}

double canonical(std::string_view code, double value, std::string_view unit) {
  auto measured = normalise(*find_metric(code), value, unit);
  EXPECT_TRUE(measured.ok()) << code << " " << value << " " << unit;
  return measured.ok() ? measured->value : -1;
}

TEST(Catalogue, ConvertsCommonUnitsToTheCanonicalOne) {
  EXPECT_NEAR(canonical("glucose", 5.5, "mmol/L"), 99.1, 1e-9);  // 5.5 * 18.016
  EXPECT_NEAR(canonical("fasting_glucose", 7.0, "mmol/L"), 126.1, 1e-9);
  EXPECT_NEAR(canonical("total_cholesterol", 5.2, "mmol/L"), 201.1, 1e-9);  // 5.2 * 38.67
  EXPECT_NEAR(canonical("hdl", 1.0, "mmol/L"), 38.7, 1e-9);
  EXPECT_NEAR(canonical("ldl", 2.6, "mmol/L"), 100.5, 1e-9);
  EXPECT_NEAR(canonical("triglycerides", 1.7, "mmol/L"), 150.6, 1e-9);  // 1.7 * 88.57
  EXPECT_NEAR(canonical("body_weight", 154, "[lb_av]"), 69.85, 1e-9);
  EXPECT_NEAR(canonical("body_weight", 154, "lb"), 69.85, 1e-9);
  EXPECT_NEAR(canonical("body_height", 70, "[in_i]"), 177.8, 1e-9);
  EXPECT_NEAR(canonical("body_temperature", 98.6, "[degF]"), 37.0, 1e-9);
  EXPECT_NEAR(canonical("body_temperature", 100, "[degF]"), 37.78, 1e-9);
  EXPECT_NEAR(canonical("hba1c", 48, "mmol/mol"), 6.5, 1e-9);
  EXPECT_NEAR(canonical("creatinine", 88.42, "umol/L"), 1.0, 1e-9);
  EXPECT_NEAR(canonical("hemoglobin", 135, "g/L"), 13.5, 1e-9);
  EXPECT_NEAR(canonical("systolic_bp", 16, "kPa"), 120, 1e-9);
  EXPECT_NEAR(canonical("spo2", 97, "%"), 97, 1e-9);
}

TEST(Catalogue, EveryConversionRoundTrips) {
  for (const Metric& metric : metrics()) {
    for (const UnitConversion& unit : metric.units) {
      for (double value : {metric.possible_min, metric.possible_max,
                           (metric.possible_min + metric.possible_max) / 3}) {
        double there = from_canonical(unit, value);
        EXPECT_NEAR(to_canonical(unit, there), value, 1e-9 * std::max(1.0, value))
            << metric.name << " " << unit.unit;
      }
    }
  }
}

TEST(Catalogue, RejectsUnknownUnitsAndImpossibleValuesNamingTheField) {
  auto unit = normalise(*find_metric("glucose"), 5, "mg/L");
  ASSERT_FALSE(unit.ok());
  EXPECT_EQ(unit.error().code, ErrorCode::kValidationFailed);
  EXPECT_EQ(unit.error().field, "unit");
  EXPECT_NE(unit.error().message.find("mmol/L"), std::string::npos) << "lists accepted units";
  EXPECT_EQ(normalise(*find_metric("body_weight"), 70, "Kg").error().field, "unit");

  for (double systolic : {20.0, 400.0}) {
    auto out = normalise(*find_metric("systolic_bp"), systolic, "mm[Hg]");
    ASSERT_FALSE(out.ok()) << systolic;
    EXPECT_EQ(out.error().field, "value");
  }
  EXPECT_EQ(normalise(*find_metric("spo2"), 101, "%").error().field, "value");
  EXPECT_TRUE(normalise(*find_metric("spo2"), 100, "%").ok());
  // The range is checked after conversion: 50 mmol/L glucose is 900.8 mg/dL (possible), 200 is not.
  EXPECT_TRUE(normalise(*find_metric("glucose"), 50, "mmol/L").ok());
  EXPECT_FALSE(normalise(*find_metric("glucose"), 200, "mmol/L").ok());
  EXPECT_EQ(normalise(*find_metric("heart_rate"), 500, "/min", "pulse").error().field, "pulse");
}

TEST(Catalogue, PlausibleRangesHoldEveryCriticalValueInsideThePossibleRange) {
  for (const Metric& metric : metrics()) {
    EXPECT_LE(metric.possible_min, metric.plausible_min) << metric.name;
    EXPECT_LT(metric.plausible_min, metric.plausible_max) << metric.name;
    EXPECT_LE(metric.plausible_max, metric.possible_max) << metric.name;
    // A truly critical value is answered at once, never questioned.
    for (double bound : {metric.reference.critical_low, metric.reference.critical_high}) {
      if (!std::isnan(bound)) {
        EXPECT_TRUE(plausible(metric, bound)) << metric.name << " " << bound;
      }
    }
  }
  EXPECT_TRUE(plausible(*find_metric("glucose"), 40));   // severe hypoglycaemia
  EXPECT_TRUE(plausible(*find_metric("glucose"), 650));  // hyperosmolar state
  EXPECT_TRUE(plausible(*find_metric("spo2"), 80));
  EXPECT_FALSE(plausible(*find_metric("glucose"), 2000));
  EXPECT_FALSE(plausible(*find_metric("heart_rate"), 300));
}

TEST(Catalogue, SuggestsWhatAnImplausibleValueMayHaveMeant) {
  const Metric& glucose = *find_metric("glucose");
  // An extra digit.
  EXPECT_EQ(likely_meant(glucose, 2000, "mg/dL"), std::vector<double>{200});
  // A value in mmol/L typed with mg/dL: ten times more, or the same number in mmol/L
  // (15 mmol/L = 270.24 mg/dL).
  auto low = likely_meant(glucose, 15, "mg/dL");
  EXPECT_NE(std::find(low.begin(), low.end(), 150), low.end());
  EXPECT_NE(std::find(low.begin(), low.end(), 270.24), low.end());
  // And the other way round: 110 typed with mmol/L meant 110 mg/dL = 6.11 mmol/L.
  auto high = likely_meant(glucose, 110, "mmol/L");
  ASSERT_FALSE(high.empty());
  EXPECT_DOUBLE_EQ(high.front(), 6.11) << "closest to the usual range first";
  EXPECT_LE(high.size(), 3u);
  // A misplaced decimal point on an impossible value is suggested with the range error.
  auto fever = normalise(*find_metric("body_temperature"), 375, "Cel");
  ASSERT_FALSE(fever.ok());
  ASSERT_FALSE(fever.error().suggestions.empty());
  EXPECT_EQ(fever.error().suggestions.front(), "37.5");
}

TEST(Catalogue, AnImplausibleValueAsksForConfirmationNamingTheField) {
  const Metric& glucose = *find_metric("glucose");
  auto measured = normalise(glucose, 2000, "mg/dL");
  ASSERT_TRUE(measured.ok()) << "2000 mg/dL is possible";
  auto checked = check_plausible(glucose, *measured, "value");
  ASSERT_FALSE(checked.ok());
  EXPECT_EQ(checked.error().code, ErrorCode::kConfirmationRequired);
  EXPECT_EQ(http_status(checked.error().code), 422);
  EXPECT_EQ(error_code_name(checked.error().code), "confirmation_required");
  EXPECT_EQ(checked.error().field, "value");
  EXPECT_EQ(checked.error().suggestions, std::vector<std::string>{"200"});
  EXPECT_NE(checked.error().message.find("2000 mg/dL"), std::string::npos);
  EXPECT_NE(checked.error().message.find("Did you mean 200 mg/dL?"), std::string::npos);
  EXPECT_TRUE(check_plausible(glucose, *normalise(glucose, 200, "mg/dL"), "value").ok());
}

TEST(Catalogue, FlagsAgainstReferenceRanges) {
  const Metric& systolic = *find_metric("systolic_bp");
  EXPECT_EQ(flag(systolic, 85), "low");
  EXPECT_EQ(flag(systolic, 118), "normal");
  EXPECT_EQ(flag(systolic, 135), "high");
  EXPECT_EQ(flag(systolic, 185), "critical");
  EXPECT_EQ(flag(systolic, 65), "critical");
  const Metric& spo2 = *find_metric("spo2");
  EXPECT_EQ(flag(spo2, 98), "normal");
  EXPECT_EQ(flag(spo2, 94), "low");
  EXPECT_EQ(flag(spo2, 91), "critical");
  EXPECT_EQ(flag(spo2, 100), "normal");
  const Metric& fasting = *find_metric("fasting_glucose");
  EXPECT_EQ(flag(fasting, 90), "normal");
  EXPECT_EQ(flag(fasting, 126), "high");
  EXPECT_EQ(flag(fasting, 450), "critical");
  EXPECT_EQ(flag(*find_metric("hdl"), 35), "low");
  EXPECT_EQ(flag(*find_metric("hdl"), 80), "normal");
  EXPECT_EQ(flag(*find_metric("body_weight"), 70), "") << "weight has no reference range";
}

TEST(Validation, BloodPressurePairs) {
  ObservationInput input;
  input.metric = "blood_pressure";
  input.systolic = 120;
  input.diastolic = 80;
  input.unit = "mm[Hg]";
  auto pair = validate_observation(input);
  ASSERT_TRUE(pair.ok()) << pair.error().message;
  ASSERT_EQ(pair->size(), 2u);
  EXPECT_EQ((*pair)[0].code, "8480-6");
  EXPECT_EQ((*pair)[1].code, "8462-4");

  input.diastolic = 130;
  EXPECT_EQ(validate_observation(input).error().field, "diastolic");
  input.diastolic = 80;
  input.systolic = 20;
  EXPECT_EQ(validate_observation(input).error().field, "systolic");
  input.systolic = 120;
  input.diastolic.reset();
  EXPECT_EQ(validate_observation(input).error().field, "diastolic");
  input.diastolic = 80;
  input.unit = "bar";
  EXPECT_EQ(validate_observation(input).error().field, "unit");
}

TEST(Validation, SingleValues) {
  ObservationInput input;
  EXPECT_EQ(validate_observation(input).error().field, "code");
  input.metric = "9999-9";
  EXPECT_EQ(validate_observation(input).error().field, "code");
  input.metric_field = "metric";
  EXPECT_EQ(validate_observation(input).error().field, "metric");
  input.metric = "heart_rate";
  EXPECT_EQ(validate_observation(input).error().field, "value");
  input.value = 72;
  EXPECT_EQ(validate_observation(input).error().field, "unit");
  input.unit = "/min";
  auto out = validate_observation(input);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->front().code, "8867-4");
  EXPECT_DOUBLE_EQ(out->front().value, 72);
}

TEST(Validation, EffectiveTimes) {
  EXPECT_EQ(*effective_time("2026-01-01T10:00:00+02:00"), "2026-01-01T08:00:00.000000Z");
  EXPECT_EQ(effective_time("yesterday").error().field, "effective_at");
  EXPECT_EQ(effective_time("2999-01-01T00:00:00Z").error().field, "effective_at");
  EXPECT_EQ(effective_time("1850-01-01T00:00:00Z").error().field, "effective_at");
  auto now = effective_time("");
  ASSERT_TRUE(now.ok());
  EXPECT_EQ(now->size(), std::string("2026-01-01T08:00:00.000000Z").size());
}

TEST(Validation, ImplausibleValuesAreKeptOnlyWhenConfirmed) {
  ObservationInput input;
  input.metric = "glucose";
  input.value = 2000;
  input.unit = "mg/dL";
  auto asked = validate_observation(input);
  ASSERT_FALSE(asked.ok());
  EXPECT_EQ(asked.error().code, ErrorCode::kConfirmationRequired);
  EXPECT_EQ(asked.error().field, "value");
  input.confirmed = true;
  auto kept = validate_observation(input);
  ASSERT_TRUE(kept.ok());
  EXPECT_DOUBLE_EQ(kept->front().value, 2000);

  ObservationInput pressure;
  pressure.metric = "blood_pressure";
  pressure.systolic = 280;
  pressure.diastolic = 90;
  pressure.unit = "mmHg";
  EXPECT_EQ(validate_observation(pressure).error().field, "systolic");
  pressure.systolic = 140;
  pressure.diastolic = 20;  // possible, not plausible
  auto diastolic = validate_observation(pressure);
  EXPECT_EQ(diastolic.error().code, ErrorCode::kConfirmationRequired);
  EXPECT_EQ(diastolic.error().field, "diastolic");
}

TEST(Validation, MessagesNameWhatPeopleSee) {
  auto when = effective_time("yesterday");
  EXPECT_EQ(when.error().field, "effective_at");
  EXPECT_EQ(when.error().message.rfind("When ", 0), 0u) << when.error().message;
  EXPECT_EQ(effective_time("2999-01-01T00:00:00Z").error().message, "When cannot be in the future");
  ObservationInput input;
  input.metric = "heart_rate";
  input.unit = "/min";
  auto missing = validate_observation(input);
  EXPECT_EQ(missing.error().field, "value");
  EXPECT_EQ(missing.error().message.rfind("Value is required", 0), 0u);
  input.value = 500;
  auto range = validate_observation(input);
  EXPECT_EQ(range.error().message, "Heart rate must be from 20 to 300 per minute");
  input.value = 72;
  input.unit = "beats";
  auto unit = validate_observation(input);
  EXPECT_EQ(unit.error().field, "unit");
  EXPECT_EQ(unit.error().message.rfind("Unit 'beats' is not used for heart rate", 0), 0u);
  for (const auto& error : {when.error(), missing.error(), range.error(), unit.error()}) {
    for (const char* internal : {"effective_at", "original_", "UCUM", "mm[Hg]"}) {
      EXPECT_EQ(error.message.find(internal), std::string::npos) << error.message;
    }
  }
}

TEST(Validation, BodyMassIndex) {
  EXPECT_DOUBLE_EQ(body_mass_index(70, 175), 22.9);
  EXPECT_DOUBLE_EQ(body_mass_index(100, 200), 25.0);
}

}  // namespace
}  // namespace vitalis::records
