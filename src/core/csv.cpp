// RFC 4180 CSV text into rows of fields, and whole files read into memory: how the datasets under
// --datasets are read (prediction, the symptom checker, the medicines table). Pure functions.
#include "core/csv.hpp"

#include <fstream>
#include <sstream>

namespace vitalis {

CsvTable parse_csv(std::string_view text) {
  CsvTable table;
  std::vector<std::string> record;
  std::string field;
  bool in_quotes = false;
  bool record_has_content = false;
  auto end_record = [&] {
    record.push_back(std::move(field));
    field.clear();
    if (record_has_content || record.size() > 1) {
      if (table.header.empty() && table.rows.empty()) {
        table.header = std::move(record);
      } else {
        table.rows.push_back(std::move(record));
      }
    }
    record.clear();
    record_has_content = false;
  };
  for (std::size_t idx = 0; idx < text.size(); ++idx) {
    char ch = text[idx];
    if (in_quotes) {
      if (ch == '"') {
        if (idx + 1 < text.size() && text[idx + 1] == '"') {
          field.push_back('"');
          ++idx;
        } else {
          in_quotes = false;
        }
      } else {
        field.push_back(ch);
      }
      continue;
    }
    if (ch == '"') {
      in_quotes = true;
      record_has_content = true;
    } else if (ch == ',') {
      record.push_back(std::move(field));
      field.clear();
      record_has_content = true;
    } else if (ch == '\r') {
      continue;
    } else if (ch == '\n') {
      end_record();
    } else {
      field.push_back(ch);
      record_has_content = true;
    }
  }
  if (!field.empty() || !record.empty() || record_has_content) end_record();
  return table;
}

Result<std::string> read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::not_found("cannot read " + path.string());
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

}  // namespace vitalis
