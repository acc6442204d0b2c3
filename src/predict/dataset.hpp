// Reading the dataset CSV files (and batch-scoring inputs of the same layout) into feature space,
// and the one-hot encoding the boosters see.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/csv.hpp"
#include "core/error.hpp"
#include "predict/model.hpp"

namespace vitalis::predict {

// The CSV reader is shared with other modules (core/csv.hpp).
using vitalis::CsvTable;
using vitalis::parse_csv;
using vitalis::read_file;

// One dataset cell as a feature value: NaN for an empty cell, a missing code ("0", "?", "N/A"...)
// or a value outside the feature's valid range. Error when the cell is not a value of the feature.
Result<double> parse_cell(const FeatureSpec& spec, std::string_view cell);

// Every row of `table` in feature space. Extra columns are ignored; a feature column must exist.
// Errors name the row (1-based, header excluded) and column.
Result<std::vector<FeatureValues>> table_features(const ModelSpec& spec, const CsvTable& table);

struct LoadedData {
  LabelledData data;
  std::string hash;  // FNV-1a 64 of the file's bytes, hex: identifies the training data
  std::size_t rows = 0;
};
// Reads spec.data_file under `datasets_dir`; the label is target > 0.
Result<LoadedData> load_dataset(const ModelSpec& spec, const std::filesystem::path& datasets_dir);

std::string fnv1a64_hex(std::string_view bytes);

// Writes the encoded columns of one row (spec.encoded_width() floats): numeric and binary values
// as they are, categoricals one-hot; every column of a missing feature is NaN.
void encode_row(const ModelSpec& spec, const FeatureValues& row, float* out);
std::vector<float> encode_rows(const ModelSpec& spec, const std::vector<FeatureValues>& rows);
// Names of the encoded columns ("work_type=children").
std::vector<std::string> encoded_names(const ModelSpec& spec);

// "168 mg/dL", "male", "0.63": a feature value in plain language.
std::string format_value(const FeatureSpec& spec, double value);

}  // namespace vitalis::predict
