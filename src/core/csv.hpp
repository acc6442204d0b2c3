// Reading CSV files (the datasets under --datasets): RFC 4180 text into a header and rows, and a
// whole file into memory. Pure functions, safe from any thread.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace vitalis {

struct CsvTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};

// RFC 4180 fields (double quotes, "" escapes); CRLF or LF; a final newline is optional; blank
// lines are skipped. The first record is the header.
CsvTable parse_csv(std::string_view text);
// The whole file; 404-style error naming the path when it cannot be read.
Result<std::string> read_file(const std::filesystem::path& path);

}  // namespace vitalis
