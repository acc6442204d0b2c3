// Dataset cells to feature values, one-hot encoding (CSV reading is core/csv.hpp).
#include "predict/dataset.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

namespace vitalis::predict {

namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool parse_number(std::string_view text, double& value) {
  if (text.empty()) return false;
  if (text.front() == '+') text.remove_prefix(1);
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && end == text.data() + text.size() && std::isfinite(value);
}

// "'text'" (built by appending: GCC 12 warns falsely on "'" + std::string).
std::string quoted(std::string_view text) {
  std::string out = "'";
  out.append(text);
  out.push_back('\'');
  return out;
}

}  // namespace

Result<double> parse_cell(const FeatureSpec& spec, std::string_view cell) {
  cell = trim(cell);
  if (cell.empty()) return kMissing;
  for (const auto& code : spec.missing_codes) {
    if (cell == code) return kMissing;
  }
  double number = 0;
  bool is_number = parse_number(cell, number);
  if (spec.kind == FeatureKind::kNumeric) {
    if (!is_number) {
      return Error::validation(spec.column, quoted(cell) + " is not a number");
    }
    // A missing code written as a float ("0.0" for "0").
    for (const auto& code : spec.missing_codes) {
      double missing_number = 0;
      if (parse_number(code, missing_number) && missing_number == number) return kMissing;
    }
    if (number < spec.min || number > spec.max) return kMissing;
    return number;
  }
  for (std::size_t level_idx = 0; level_idx < spec.levels.size(); ++level_idx) {
    const Level& level = spec.levels[level_idx];
    if ((!level.csv.empty() && cell == level.csv) ||
        (is_number && !is_missing(level.code) && number == level.code)) {
      return static_cast<double>(level_idx);
    }
  }
  return Error::validation(spec.column, quoted(cell) + " is not a known value");
}

Result<std::vector<FeatureValues>> table_features(const ModelSpec& spec, const CsvTable& table) {
  std::vector<int> column_of;
  for (const auto& feature : spec.features) {
    auto found = std::find(table.header.begin(), table.header.end(), feature.column);
    if (found == table.header.end()) {
      return Error::validation(feature.column, "column '" + feature.column + "' is missing");
    }
    column_of.push_back(static_cast<int>(found - table.header.begin()));
  }
  std::vector<FeatureValues> rows;
  rows.reserve(table.rows.size());
  for (std::size_t row_idx = 0; row_idx < table.rows.size(); ++row_idx) {
    const auto& cells = table.rows[row_idx];
    FeatureValues values(spec.features.size(), kMissing);
    for (std::size_t feature_idx = 0; feature_idx < spec.features.size(); ++feature_idx) {
      auto column = static_cast<std::size_t>(column_of[feature_idx]);
      if (column >= cells.size()) continue;  // a short row: the rest is missing
      auto value = parse_cell(spec.features[feature_idx], cells[column]);
      if (!value.ok()) {
        return Error::validation(spec.features[feature_idx].column,
                                 "row " + std::to_string(row_idx + 1) + ", column " +
                                     spec.features[feature_idx].column + ": " +
                                     value.error().message);
      }
      values[feature_idx] = *value;
    }
    rows.push_back(std::move(values));
  }
  return rows;
}

std::string fnv1a64_hex(std::string_view bytes) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (unsigned char ch : bytes) {
    hash ^= ch;
    hash *= 0x100000001b3ULL;
  }
  char out[17];
  std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(hash));
  return out;
}

Result<LoadedData> load_dataset(const ModelSpec& spec, const std::filesystem::path& datasets_dir) {
  auto text = read_file(datasets_dir / spec.data_file);
  if (!text.ok()) return text.error();
  CsvTable table = parse_csv(*text);
  auto target = std::find(table.header.begin(), table.header.end(), spec.target_column);
  if (target == table.header.end()) {
    return Error::validation(spec.target_column, "target column missing in " + spec.data_file);
  }
  auto target_idx = static_cast<std::size_t>(target - table.header.begin());
  auto rows = table_features(spec, table);
  if (!rows.ok()) return rows.error();
  LoadedData loaded;
  loaded.hash = fnv1a64_hex(*text);
  loaded.rows = table.rows.size();
  for (std::size_t row_idx = 0; row_idx < table.rows.size(); ++row_idx) {
    double outcome = 0;
    const auto& cells = table.rows[row_idx];
    if (target_idx >= cells.size() || !parse_number(trim(cells[target_idx]), outcome)) {
      return Error::validation(spec.target_column,
                               "row " + std::to_string(row_idx + 1) + ": target is not a number");
    }
    loaded.data.rows.push_back(std::move((*rows)[row_idx]));
    loaded.data.labels.push_back(outcome > 0 ? 1 : 0);
  }
  return loaded;
}

void encode_row(const ModelSpec& spec, const FeatureValues& row, float* out) {
  std::size_t column = 0;
  for (std::size_t feature_idx = 0; feature_idx < spec.features.size(); ++feature_idx) {
    const FeatureSpec& feature = spec.features[feature_idx];
    double value = row[feature_idx];
    if (feature.kind != FeatureKind::kCategorical) {
      out[column++] = is_missing(value) ? std::nanf("") : static_cast<float>(value);
      continue;
    }
    for (std::size_t level_idx = 0; level_idx < feature.levels.size(); ++level_idx) {
      out[column++] = is_missing(value)                              ? std::nanf("")
                      : static_cast<std::size_t>(value) == level_idx ? 1.0f
                                                                     : 0.0f;
    }
  }
}

std::vector<float> encode_rows(const ModelSpec& spec, const std::vector<FeatureValues>& rows) {
  std::size_t width = spec.encoded_width();
  std::vector<float> out(rows.size() * width);
  for (std::size_t row_idx = 0; row_idx < rows.size(); ++row_idx) {
    encode_row(spec, rows[row_idx], out.data() + row_idx * width);
  }
  return out;
}

std::vector<std::string> encoded_names(const ModelSpec& spec) {
  std::vector<std::string> names;
  for (const auto& feature : spec.features) {
    if (feature.kind != FeatureKind::kCategorical) {
      names.push_back(feature.name);
      continue;
    }
    for (const auto& level : feature.levels) names.push_back(feature.name + "=" + level.name);
  }
  return names;
}

std::string format_value(const FeatureSpec& spec, double value) {
  if (is_missing(value)) return "unknown";
  if (spec.kind != FeatureKind::kNumeric) {
    auto idx = static_cast<std::size_t>(std::clamp(value, 0.0, spec.max));
    return spec.levels[idx].label;
  }
  char text[32];
  double magnitude = std::fabs(value);
  if (spec.integer || magnitude >= 100 || value == std::floor(value)) {
    std::snprintf(text, sizeof text, "%.0f", value);
  } else if (magnitude >= 10) {
    std::snprintf(text, sizeof text, "%.1f", value);
  } else {
    std::snprintf(text, sizeof text, "%.2f", value);
  }
  std::string out = text;
  if (!spec.unit.empty()) out += " " + spec.unit;
  return out;
}

}  // namespace vitalis::predict
