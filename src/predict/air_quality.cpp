// Loading the PM2.5 attributable-mortality indicator and per-area trend and rank.
#include "predict/air_quality.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>

#include "predict/dataset.hpp"

namespace vitalis::predict {

namespace {

constexpr const char* kFile =
    "uk_pm25_mortality/indicator_3-9-1_pm25_attributable_mortality_fraction_england_LA.csv";

// Two-sided 97.5 % quantile of Student's t for `df` degrees of freedom (df >= 1).
double t_quantile(int df) {
  static constexpr double kTable[] = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365,
                                      2.306,  2.262, 2.228, 2.201, 2.179, 2.160, 2.145};
  if (df < 1) return NAN;
  if (df <= 14) return kTable[df - 1];
  return 1.96 + 2.5 / df;  // close enough beyond the table
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return out;
}

}  // namespace

Result<std::unique_ptr<AirQuality>> AirQuality::load(const std::filesystem::path& datasets_dir) {
  auto text = read_file(datasets_dir / kFile);
  if (!text.ok()) return text.error();
  CsvTable table = parse_csv(*text);
  auto column = [&table](std::string_view name) -> int {
    auto found = std::find(table.header.begin(), table.header.end(), name);
    return found == table.header.end() ? -1 : static_cast<int>(found - table.header.begin());
  };
  const int year_col = column("Year"), series_col = column("Series"),
            name_col = column("Local authority"), code_col = column("GeoCode"),
            value_col = column("Value");
  if (year_col < 0 || series_col < 0 || name_col < 0 || code_col < 0 || value_col < 0) {
    return Error::validation("data", std::string(kFile) + " does not have the expected columns");
  }
  std::map<std::string, AreaBurden> by_code;
  for (const auto& row : table.rows) {
    if (row.size() <= static_cast<std::size_t>(value_col)) continue;
    const std::string& name = row[static_cast<std::size_t>(name_col)];
    const std::string& value_text = row[static_cast<std::size_t>(value_col)];
    if (name.empty() || value_text.empty()) continue;  // England/region rows, missing values
    AreaYear point;
    double value = 0;
    const std::string& year_text = row[static_cast<std::size_t>(year_col)];
    if (std::from_chars(year_text.data(), year_text.data() + year_text.size(), point.year).ec !=
            std::errc() ||
        std::from_chars(value_text.data(), value_text.data() + value_text.size(), value).ec !=
            std::errc()) {
      continue;
    }
    point.percent = value;
    AreaBurden& area = by_code[row[static_cast<std::size_t>(code_col)]];
    area.code = row[static_cast<std::size_t>(code_col)];
    area.name = name;
    bool is_new = row[static_cast<std::size_t>(series_col)].find("new method") != std::string::npos;
    (is_new ? area.new_method : area.old_method).push_back(point);
  }
  auto out = std::make_unique<AirQuality>();
  for (auto& [code, area] : by_code) {
    auto by_year = [](const AreaYear& a, const AreaYear& b) { return a.year < b.year; };
    std::sort(area.old_method.begin(), area.old_method.end(), by_year);
    std::sort(area.new_method.begin(), area.new_method.end(), by_year);
    // Ordinary least squares on the comparable (old-method) years.
    const auto& series = area.old_method;
    area.trend_years = static_cast<int>(series.size());
    area.trend_per_year = area.trend_low = area.trend_high = NAN;
    if (series.size() >= 3) {
      double n = static_cast<double>(series.size()), mean_x = 0, mean_y = 0;
      for (const auto& p : series) {
        mean_x += p.year;
        mean_y += p.percent;
      }
      mean_x /= n;
      mean_y /= n;
      double sxx = 0, sxy = 0;
      for (const auto& p : series) {
        sxx += (p.year - mean_x) * (p.year - mean_x);
        sxy += (p.year - mean_x) * (p.percent - mean_y);
      }
      double slope = sxy / sxx;
      double residual = 0;
      for (const auto& p : series) {
        double fit = mean_y + slope * (p.year - mean_x);
        residual += (p.percent - fit) * (p.percent - fit);
      }
      double se = std::sqrt(residual / (n - 2) / sxx);
      double t = t_quantile(static_cast<int>(n) - 2);
      area.trend_per_year = slope;
      area.trend_low = slope - t * se;
      area.trend_high = slope + t * se;
    }
    if (!area.new_method.empty()) {
      out->latest_year_ = std::max(out->latest_year_, area.new_method.back().year);
    }
    out->areas_.push_back(std::move(area));
  }
  // Rank by the latest new-method year (1 = highest burden); ties share the better rank.
  std::vector<std::pair<double, std::size_t>> latest;
  for (std::size_t idx = 0; idx < out->areas_.size(); ++idx) {
    const auto& series = out->areas_[idx].new_method;
    if (!series.empty() && series.back().year == out->latest_year_) {
      latest.emplace_back(series.back().percent, idx);
    }
  }
  std::sort(latest.begin(), latest.end(),
            [](const auto& a, const auto& b) { return a.first > b.first; });
  for (std::size_t pos = 0; pos < latest.size(); ++pos) {
    int rank = static_cast<int>(pos) + 1;
    if (pos > 0 && latest[pos].first == latest[pos - 1].first) {
      rank = out->areas_[latest[pos - 1].second].rank;
    }
    out->areas_[latest[pos].second].rank = rank;
    out->areas_[latest[pos].second].ranked_areas = static_cast<int>(latest.size());
  }
  if (out->areas_.empty()) return Error::validation("data", std::string(kFile) + " has no areas");
  return out;
}

std::vector<const AreaBurden*> AirQuality::search(std::string_view query, std::size_t limit) const {
  std::string needle = lower(query);
  std::vector<std::pair<int, const AreaBurden*>> hits;
  for (const auto& area : areas_) {
    std::string name = lower(area.name);
    std::string code = lower(area.code);
    auto at = name.find(needle);
    if (code.starts_with(needle)) {
      hits.emplace_back(0, &area);
    } else if (at == 0) {
      hits.emplace_back(1, &area);
    } else if (at != std::string::npos) {
      hits.emplace_back(2, &area);
    }
  }
  std::stable_sort(hits.begin(), hits.end(), [](const auto& a, const auto& b) {
    if (a.first != b.first) return a.first < b.first;
    return a.second->name < b.second->name;
  });
  std::vector<const AreaBurden*> out;
  for (const auto& hit : hits) {
    if (out.size() == limit) break;
    out.push_back(hit.second);
  }
  return out;
}

const AreaBurden* AirQuality::find(std::string_view code) const {
  auto found = std::lower_bound(
      areas_.begin(), areas_.end(), code,
      [](const AreaBurden& area, std::string_view key) { return area.code < key; });
  if (found == areas_.end() || found->code != code) return nullptr;
  return &*found;
}

}  // namespace vitalis::predict
