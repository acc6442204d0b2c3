// Static file serving with path sanitising, strong ETags and cache headers.
#include "http/static_files.hpp"

#include <cstdio>
#include <fstream>
#include <sstream>

#include "http/router.hpp"

namespace vitalis::http {

StaticFiles::StaticFiles(std::filesystem::path root) : root_(std::move(root)) {}

std::string_view StaticFiles::content_type_for(std::string_view extension) {
  static constexpr std::pair<std::string_view, std::string_view> kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".map", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},
      {".gif", "image/gif"},
      {".webp", "image/webp"},
      {".ico", "image/x-icon"},
      {".woff", "font/woff"},
      {".woff2", "font/woff2"},
      {".txt", "text/plain; charset=utf-8"},
      {".pdf", "application/pdf"},
      {".webmanifest", "application/manifest+json"},
  };
  for (const auto& [ext, type] : kTypes) {
    if (iequals(ext, extension)) return type;
  }
  return "application/octet-stream";
}

std::shared_ptr<const StaticFiles::Entry> StaticFiles::load(const std::filesystem::path& path) {
  std::error_code ec;
  auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::is_regular_file(status)) return nullptr;
  auto mtime = std::filesystem::last_write_time(path, ec);
  auto size = std::filesystem::file_size(path, ec);
  if (ec) return nullptr;
  {
    std::lock_guard lock(mutex_);
    auto found = cache_.find(path.string());
    if (found != cache_.end() && found->second->mtime == mtime && found->second->size == size) {
      return found->second;
    }
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return nullptr;
  std::ostringstream content;
  content << in.rdbuf();
  auto entry = std::make_shared<Entry>();
  entry->mtime = mtime;
  entry->content = std::move(content).str();
  entry->size = entry->content.size();
  // FNV-1a of the content: a strong validator that changes whenever the bytes do.
  std::uint64_t hash = 1469598103934665603ull;
  for (unsigned char ch : entry->content) hash = (hash ^ ch) * 1099511628211ull;
  char etag[32];
  std::snprintf(etag, sizeof etag, "\"%016llx\"", static_cast<unsigned long long>(hash));
  entry->etag = etag;
  std::lock_guard lock(mutex_);
  cache_[path.string()] = entry;
  return entry;
}

Response StaticFiles::serve(const Request& request) {
  auto decoded = percent_decode(request.path);
  if (!decoded || decoded->find('\0') != std::string::npos ||
      decoded->find('\\') != std::string::npos) {
    return Response::error(ErrorCode::kMalformed, "invalid path", "path");
  }
  std::filesystem::path relative;
  for (std::string_view segment : split_path(*decoded)) {
    if (segment == "..") return Response::error(ErrorCode::kNotFound, "no such file");
    if (segment.empty() || segment == ".") continue;
    relative /= std::string(segment);
  }
  bool is_index = relative.empty();
  if (is_index) relative = "index.html";
  auto entry = load(root_ / relative);
  std::string extension = relative.extension().string();
  if (!entry && extension.empty()) {
    // A client-side route of the single-page app.
    entry = load(root_ / "index.html");
    extension = ".html";
  }
  if (!entry) return Response::error(ErrorCode::kNotFound, "no such file");

  Response response;
  response.content_type = std::string(content_type_for(extension));
  response.headers.emplace_back("ETag", entry->etag);
  // Vite puts content-hashed files under /assets/: they never change under the same name.
  bool immutable = relative.begin() != relative.end() && *relative.begin() == "assets";
  response.headers.emplace_back("Cache-Control",
                                immutable ? "public, max-age=31536000, immutable" : "no-cache");
  std::string_view if_none_match = request.header("If-None-Match");
  if (!if_none_match.empty() && if_none_match.find(entry->etag) != std::string_view::npos) {
    response.status = 304;
    response.content_type.clear();
    return response;
  }
  response.body = entry->content;
  return response;
}

}  // namespace vitalis::http
