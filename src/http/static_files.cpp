// Static file serving with path sanitising, strong ETags and cache headers.
#include "http/static_files.hpp"

#include <array>
#include <charconv>
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

bool StaticFiles::accepts_encoding(std::string_view accept_encoding, std::string_view coding) {
  auto trim = [](std::string_view text) {
    auto first = text.find_first_not_of(" \t");
    if (first == std::string_view::npos) return std::string_view();
    return text.substr(first, text.find_last_not_of(" \t") - first + 1);
  };
  std::optional<bool> named, wildcard;
  while (!accept_encoding.empty()) {
    auto comma = accept_encoding.find(',');
    std::string_view item = accept_encoding.substr(0, comma);
    accept_encoding =
        comma == std::string_view::npos ? std::string_view() : accept_encoding.substr(comma + 1);
    auto semicolon = item.find(';');
    std::string_view name = trim(item.substr(0, semicolon));
    bool wanted = true;  // no q-value: q=1
    if (semicolon != std::string_view::npos) {
      std::string_view parameter = trim(item.substr(semicolon + 1));
      if (parameter.size() > 2 && (parameter[0] == 'q' || parameter[0] == 'Q') &&
          parameter[1] == '=') {
        double q = 1;
        auto [end, ec] =
            std::from_chars(parameter.data() + 2, parameter.data() + parameter.size(), q);
        wanted = ec == std::errc() && q > 0;
      }
    }
    if (iequals(name, coding)) named = wanted;
    if (name == "*") wildcard = wanted;
  }
  return named.value_or(wildcard.value_or(false));
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
  auto served = root_ / relative;
  auto entry = load(served);
  std::string extension = relative.extension().string();
  if (!entry && extension.empty()) {
    // A client-side route of the single-page app.
    served = root_ / "index.html";
    entry = load(served);
    extension = ".html";
  }
  if (!entry) return Response::error(ErrorCode::kNotFound, "no such file");

  // The build's precompressed copy, when the client takes it and it is not older than the file.
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 2> kCodings = {
      {{"br", ".br"}, {"gzip", ".gz"}}};
  std::string_view accept_encoding = request.header("Accept-Encoding");
  std::string_view coding;
  auto body = entry;
  for (const auto& [name, suffix] : kCodings) {
    if (!accepts_encoding(accept_encoding, name)) continue;
    auto packed = load(std::filesystem::path(served) += suffix);
    if (packed && packed->mtime >= entry->mtime) {
      coding = name;
      body = packed;
      break;
    }
  }

  Response response;
  response.content_type = std::string(content_type_for(extension));
  if (!coding.empty()) response.headers.emplace_back("Content-Encoding", std::string(coding));
  // The answer depends on Accept-Encoding wherever the build compressed: caches keep them apart.
  response.headers.emplace_back("Vary", "Accept-Encoding");
  response.headers.emplace_back("ETag", body->etag);
  // Vite puts content-hashed files under /assets/: they never change under the same name.
  bool immutable = relative.begin() != relative.end() && *relative.begin() == "assets";
  response.headers.emplace_back("Cache-Control",
                                immutable ? "public, max-age=31536000, immutable" : "no-cache");
  std::string_view if_none_match = request.header("If-None-Match");
  if (!if_none_match.empty() && if_none_match.find(body->etag) != std::string_view::npos) {
    response.status = 304;
    response.content_type.clear();
    return response;
  }
  response.body = body->content;
  return response;
}

}  // namespace vitalis::http
