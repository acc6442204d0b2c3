// Inputs as people give them: validation in people's words, and the questions that do not apply
// to a person (settled by definition from the feature specs, not imputed).
#include "predict/inputs.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "predict/specs.hpp"

namespace vitalis::predict {
namespace {

namespace json = boost::json;

Result<ParsedInputs> parse(const char* model, const char* text) {
  return parse_inputs(*find_model_spec(model), json::parse(text).as_object());
}

void expect_invalid(const Result<ParsedInputs>& result, const std::string& field,
                    const std::string& words = "") {
  ASSERT_FALSE(result.ok()) << field;
  EXPECT_EQ(result.error().code, ErrorCode::kValidationFailed);
  EXPECT_EQ(result.error().field, field) << result.error().message;
  EXPECT_NE(result.error().message.find(words), std::string::npos) << result.error().message;
}

TEST(ParseInputsTest, RejectsWhatItCannotUseNamingTheFieldInPeoplesWords) {
  expect_invalid(parse("diabetes", R"({"glucose": 1000})"), "glucose",
                 "Glucose 2 hours after a glucose drink (OGTT) must be from 40 to 400 mg/dL");
  expect_invalid(parse("diabetes", R"({"glucose": "47,5"})"), "glucose",
                 "Glucose 2 hours after a glucose drink (OGTT) must be a number in mg/dL");
  expect_invalid(parse("diabetes", R"({"bmi": "abc"})"), "bmi", "Body mass index (BMI) must be");
  expect_invalid(parse("diabetes", R"({"sugar": 100})"), "sugar", "unknown input 'sugar'");
  expect_invalid(parse("diabetes", R"({"pregnancies": 1.5})"), "pregnancies",
                 "Number of pregnancies must be a whole number");
  expect_invalid(parse("diabetes", R"({"glucose": {"value": 7, "unit": "g/L"}})"), "glucose");
  expect_invalid(parse("diabetes", R"({})"), "inputs");
  expect_invalid(parse("diabetes", R"({"glucose": null})"), "inputs");
  expect_invalid(parse("stroke", R"({"work_type": "astronaut"})"), "work_type", "Work must be");
  expect_invalid(parse("stroke", R"({"hypertension": 2})"), "hypertension");
}

TEST(ParseInputsTest, AcceptsUnitsBooleansLevelsAndContext) {
  auto values = parse("diabetes", R"({"glucose": {"value": 7.0, "unit": "mmol/L"}, "bmi": null,
                                      "age": 40, "sex": "male"})");
  ASSERT_TRUE(values.ok()) << values.error().message;
  EXPECT_NEAR(values->values[1], 126.1, 0.1);
  EXPECT_TRUE(is_missing(values->values[5]));
  EXPECT_EQ(values->values[7], 40);
  ASSERT_EQ(values->context.size(), 1u);  // sex: not a model input, decides what applies
  EXPECT_EQ(values->context[0], 1);
  auto heart = parse("heart", R"({"sex": "male", "exercise_angina": true,
                                  "chest_pain_type": "asymptomatic",
                                  "cholesterol": {"value": 5.2, "unit": "mmol/L"}})");
  ASSERT_TRUE(heart.ok());
  EXPECT_EQ(heart->values[1], 1);
  EXPECT_EQ(heart->values[2], 3);
  EXPECT_NEAR(heart->values[4], 201, 1);
  EXPECT_EQ(heart->values[8], 1);
}

TEST(ApplicabilityTest, AMansPregnanciesAreZeroByDefinitionNotImputed) {
  const ModelSpec& spec = *find_model_spec("diabetes");
  auto man = parse("diabetes", R"({"glucose": 120, "sex": "male"})");
  ASSERT_TRUE(man.ok());
  auto fixed = settle_by_definition(spec, man->values, man->context);
  ASSERT_TRUE(fixed.ok());
  ASSERT_EQ(fixed->size(), 1u);
  EXPECT_EQ((*fixed)[0].feature, "pregnancies");
  EXPECT_EQ(man->values[0], 0);
  EXPECT_NE((*fixed)[0].reason.find("men"), std::string::npos);
  // A woman, or someone whose sex is not given, is asked (and imputed when left out).
  for (const char* text : {R"({"glucose": 120, "sex": "female"})", R"({"glucose": 120})"}) {
    auto other = parse("diabetes", text);
    ASSERT_TRUE(other.ok());
    auto none = settle_by_definition(spec, other->values, other->context);
    ASSERT_TRUE(none.ok());
    EXPECT_TRUE(none->empty()) << text;
    EXPECT_TRUE(is_missing(other->values[0])) << text;
  }
  // A value the person gives wins.
  auto given = parse("diabetes", R"({"pregnancies": 2, "sex": "male"})");
  ASSERT_TRUE(given.ok());
  ASSERT_TRUE(settle_by_definition(spec, given->values, given->context)->empty());
  EXPECT_EQ(given->values[0], 2);
}

TEST(ApplicabilityTest, AChildsWorkIsNotAnAdultsAndTheReverse) {
  const ModelSpec& spec = *find_model_spec("stroke");
  const auto work = static_cast<std::size_t>(spec.feature_index("work_type"));
  const auto married = static_cast<std::size_t>(spec.feature_index("ever_married"));
  auto child = parse("stroke", R"({"age": 8})");
  ASSERT_TRUE(child.ok());
  auto fixed = settle_by_definition(spec, child->values, child->context);
  ASSERT_TRUE(fixed.ok());
  EXPECT_EQ(spec.features[work].levels[static_cast<std::size_t>(child->values[work])].name,
            "children");
  EXPECT_EQ(child->values[married], 0);
  EXPECT_EQ(fixed->size(), 2u);
  // An adult who says "child" is refused in words; the level is not possible for them.
  auto adult = parse("stroke", R"({"age": 40, "work_type": "children"})");
  ASSERT_TRUE(adult.ok());
  auto refused = settle_by_definition(spec, adult->values, adult->context);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().field, "work_type");
  EXPECT_NE(refused.error().message.find("under 18"), std::string::npos);
  FeatureValues forty = adult->values;
  forty[work] = kMissing;
  EXPECT_FALSE(level_possible(spec, work, 3, forty, {}));
  EXPECT_TRUE(level_possible(spec, work, 0, forty, {}));
  // Age unknown: nothing is settled and every level stays possible.
  auto unknown = parse("stroke", R"({"bmi": 25})");
  ASSERT_TRUE(unknown.ok());
  EXPECT_TRUE(settle_by_definition(spec, unknown->values, unknown->context)->empty());
  EXPECT_TRUE(level_possible(spec, work, 3, unknown->values, {}));
}

TEST(ApplicabilityTest, ClinicianInputsAreMarkedInTheSpecs) {
  const ModelSpec& heart = *find_model_spec("heart");
  std::vector<std::string> clinician;
  for (const auto& feature : heart.features) {
    if (feature.audience == Audience::kClinician) clinician.push_back(feature.name);
  }
  EXPECT_EQ(clinician, (std::vector<std::string>{"resting_ecg", "max_heart_rate", "exercise_angina",
                                                 "st_depression", "st_slope", "major_vessels",
                                                 "thalassemia"}));
}

}  // namespace
}  // namespace vitalis::predict
