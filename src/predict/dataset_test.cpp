// CSV parsing and the datasets' missing-value conventions.
#include "predict/dataset.hpp"

#include <gtest/gtest.h>

#include "predict/specs.hpp"

namespace vitalis::predict {
namespace {

const FeatureSpec& feature(std::string_view model, std::string_view name) {
  const ModelSpec* spec = find_model_spec(model);
  return spec->features[static_cast<std::size_t>(spec->feature_index(name))];
}

TEST(DatasetTest, ParsesQuotesCrlfAndAMissingFinalNewline) {
  CsvTable table = parse_csv("a,b,c\r\n1,\"x, \"\"y\"\"\",3\r\n4,,6");
  ASSERT_EQ(table.header, (std::vector<std::string>{"a", "b", "c"}));
  ASSERT_EQ(table.rows.size(), 2u);
  EXPECT_EQ(table.rows[0][1], "x, \"y\"");
  EXPECT_EQ(table.rows[1], (std::vector<std::string>{"4", "", "6"}));
}

TEST(DatasetTest, MissingCodesOfEachDataset) {
  EXPECT_TRUE(is_missing(*parse_cell(feature("diabetes", "glucose"), "0")));
  EXPECT_TRUE(is_missing(*parse_cell(feature("diabetes", "insulin"), "0.0")));
  EXPECT_EQ(*parse_cell(feature("diabetes", "pregnancies"), "0"), 0);  // a real zero
  EXPECT_TRUE(is_missing(*parse_cell(feature("heart", "cholesterol"), "?")));
  EXPECT_TRUE(is_missing(*parse_cell(feature("heart", "cholesterol"), "0")));
  EXPECT_EQ(*parse_cell(feature("heart", "chest_pain_type"), "4.0"), 3);  // level index
  EXPECT_TRUE(is_missing(*parse_cell(feature("stroke", "bmi"), "N/A")));
  EXPECT_TRUE(is_missing(*parse_cell(feature("stroke", "smoking_status"), "Unknown")));
  EXPECT_EQ(*parse_cell(feature("stroke", "smoking_status"), "formerly smoked"), 1);
  EXPECT_TRUE(is_missing(*parse_cell(feature("stroke", "age"), "500")));  // out of range
  EXPECT_FALSE(parse_cell(feature("stroke", "work_type"), "Astronaut").ok());
  EXPECT_FALSE(parse_cell(feature("stroke", "age"), "old").ok());
}

TEST(DatasetTest, TableFeaturesIgnoresExtraColumnsAndNamesBadCells) {
  const ModelSpec& spec = *find_model_spec("diabetes");
  auto rows = table_features(
      spec, parse_csv("id,Pregnancies,Glucose,BloodPressure,SkinThickness,Insulin,BMI,"
                      "DiabetesPedigreeFunction,Age,Outcome\n7,1,120,0,20,0,30.5,0.3,40,1\n"));
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0][1], 120);
  EXPECT_TRUE(is_missing((*rows)[0][2]));
  auto bad = table_features(spec, parse_csv("Pregnancies,Glucose\n1,2\n"));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "BloodPressure");
}

TEST(DatasetTest, OneHotEncodingAndMissingColumns) {
  const ModelSpec& spec = *find_model_spec("stroke");
  FeatureValues row(spec.features.size(), kMissing);
  row[static_cast<std::size_t>(spec.feature_index("work_type"))] = 3;  // children
  std::vector<float> encoded(spec.encoded_width());
  encode_row(spec, row, encoded.data());
  auto names = encoded_names(spec);
  ASSERT_EQ(names.size(), encoded.size());
  for (std::size_t col = 0; col < names.size(); ++col) {
    if (names[col].starts_with("work_type=")) {
      EXPECT_EQ(encoded[col], names[col] == "work_type=children" ? 1.0f : 0.0f) << names[col];
    } else {
      EXPECT_TRUE(std::isnan(encoded[col])) << names[col];
    }
  }
}

TEST(DatasetTest, FormatsValuesWithUnits) {
  EXPECT_EQ(format_value(feature("diabetes", "glucose"), 168), "168 mg/dL");
  EXPECT_EQ(format_value(feature("diabetes", "bmi"), 31.26), "31.3 kg/m²");
  EXPECT_EQ(format_value(feature("heart", "sex"), 1), "male");
  EXPECT_EQ(format_value(feature("stroke", "age"), 55), "55 years");  // not "55.0 years"
  EXPECT_EQ(format_value(feature("heart", "st_depression"), 2), "2 mm");
}

}  // namespace
}  // namespace vitalis::predict
