// Serves the built web app (web/dist) with content types, ETags and the SPA fallback to
// index.html, and the build's precompressed copies (NAME.br, NAME.gz) to clients whose
// Accept-Encoding takes them. Safe for concurrent use: a small cache of file contents guarded by
// a mutex.
#pragma once

#include <filesystem>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "http/message.hpp"

namespace vitalis::http {

class StaticFiles {
 public:
  explicit StaticFiles(std::filesystem::path root);

  // GET/HEAD of a path outside the API: the file, 304 on a matching If-None-Match,
  // index.html for extension-less paths (client-side routes), else a 404 JSON error.
  Response serve(const Request& request);

  static std::string_view content_type_for(std::string_view extension);
  // Whether an Accept-Encoding header value takes `coding` ("br", "gzip"): listed, or covered by
  // "*", with a q-value above zero.
  static bool accepts_encoding(std::string_view accept_encoding, std::string_view coding);

 private:
  struct Entry {
    std::filesystem::file_time_type mtime;
    std::uintmax_t size = 0;
    std::string etag;
    std::string content;
  };
  // Loads (or reuses) the file at path; nullptr when it is not a regular file.
  std::shared_ptr<const Entry> load(const std::filesystem::path& path);

  std::filesystem::path root_;
  std::mutex mutex_;
  std::unordered_map<std::string, std::shared_ptr<const Entry>> cache_;
};

}  // namespace vitalis::http
