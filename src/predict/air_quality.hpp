// Air-quality aid: the fraction of adult (30+) mortality attributable to PM2.5 by English local
// authority (PHE/OHID indicator 3.01, ONS SDG 3.9.1), its trend and its rank. A modelled
// population burden, not a personal risk. Immutable after loading: thread-safe.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace vitalis::predict {

struct AreaYear {
  int year = 0;
  double percent = 0;
};

struct AreaBurden {
  std::string code;                  // ONS GeoCode, e.g. E06000001
  std::string name;                  // "Hartlepool"
  std::vector<AreaYear> old_method;  // 2010–2019, anthropogenic PM2.5 (comparable years)
  std::vector<AreaYear> new_method;  // 2018–2021, total PM2.5 (not comparable with the old)
  // Least-squares trend of the old-method series, in percentage points per year, with a 95 %
  // interval (t distribution); NaN with fewer than 3 years.
  double trend_per_year = 0, trend_low = 0, trend_high = 0;
  int trend_years = 0;
  int rank = 0;  // 1 = highest burden among areas in the latest new-method year
  int ranked_areas = 0;
};

class AirQuality {
 public:
  // Reads uk_pm25_mortality/indicator_3-9-1_...csv under `datasets_dir`.
  static Result<std::unique_ptr<AirQuality>> load(const std::filesystem::path& datasets_dir);

  // Areas whose name contains `query` (case-insensitive) or whose code starts with it; at most
  // `limit`, best match (name prefix) first.
  std::vector<const AreaBurden*> search(std::string_view query, std::size_t limit) const;
  const AreaBurden* find(std::string_view code) const;
  std::size_t size() const { return areas_.size(); }
  int latest_year() const { return latest_year_; }

 private:
  std::vector<AreaBurden> areas_;  // sorted by code
  int latest_year_ = 0;
};

}  // namespace vitalis::predict
