// Test helpers: where the shared datasets are (VITALIS_DATASETS, else ../shared/datasets next to
// the source tree).
#pragma once

#include <cstdlib>
#include <filesystem>

namespace vitalis::predict::testing {

inline std::filesystem::path datasets_dir() {
  if (const char* env = std::getenv("VITALIS_DATASETS"); env != nullptr && *env != '\0') {
    return env;
  }
  return VITALIS_DEFAULT_DATASETS;
}

}  // namespace vitalis::predict::testing
