// The key ring's file formats, ids and atomic replacement.
#include "identity/keyring.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/time.hpp"

namespace vitalis::identity {

namespace {

constexpr std::string_view kHeader = "vitalis-keyring 1";
constexpr std::string_view kIdLabel = "vitalis key id";

Error corrupt(std::string_view why) {
  return Error::validation("secret-key-file", "the key file is corrupt: " + std::string(why));
}

std::vector<std::string_view> words(std::string_view line) {
  std::vector<std::string_view> out;
  while (!line.empty()) {
    auto start = line.find_first_not_of(" \t\r");
    if (start == std::string_view::npos) break;
    line.remove_prefix(start);
    auto end = line.find_first_of(" \t\r");
    out.push_back(line.substr(0, end));
    line = end == std::string_view::npos ? std::string_view{} : line.substr(end);
  }
  return out;
}

}  // namespace

KeyRing::KeyRing(const SecretKey& key) { keys_.push_back({id_of(key), key, "", false}); }

std::string KeyRing::id_of(const SecretKey& key) {
  std::string raw = key.derive("keyid");
  unsigned char digest[16];
  crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(kIdLabel.data()),
                     kIdLabel.size(), reinterpret_cast<const unsigned char*>(raw.data()),
                     raw.size());
  sodium_memzero(raw.data(), raw.size());
  char hex[2 * sizeof digest + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return std::string(hex, 8);
}

Result<KeyRing> KeyRing::parse(std::string_view text, std::string_view legacy_created) {
  std::string_view first = text.substr(0, text.find('\n'));
  while (!first.empty() && (first.back() == '\r' || first.back() == ' ')) first.remove_suffix(1);
  if (auto key = SecretKey::from_text(first)) {
    KeyRing ring(*key);
    ring.keys_.front().created_at = std::string(legacy_created);
    return ring;
  }
  if (first != kHeader) return corrupt("neither one key nor a key ring");
  KeyRing ring;
  std::istringstream lines{std::string(text.substr(std::min(text.size(), first.size() + 1)))};
  for (std::string line; std::getline(lines, line);) {
    auto fields = words(line);
    if (fields.empty() || fields.front().starts_with("#")) continue;
    if (fields.size() != 4 || (fields[2] != "active" && fields[2] != "audit-only")) {
      return corrupt("a line is not '<id> <created> <active|audit-only> <key>'");
    }
    auto key = SecretKey::from_text(fields[3]);
    if (!key) return corrupt("key " + std::string(fields[0]) + " is not a key");
    if (id_of(*key) != fields[0])
      return corrupt("key " + std::string(fields[0]) + "'s id is wrong");
    if (ring.find(fields[0]) != nullptr) return corrupt("key " + std::string(fields[0]) + " twice");
    ring.keys_.push_back(
        {std::string(fields[0]), *key, std::string(fields[1]), fields[2] == "audit-only"});
  }
  if (ring.keys_.empty()) return corrupt("the ring holds no key");
  if (ring.keys_.front().audit_only) return corrupt("the newest key is audit-only");
  return ring;
}

std::string KeyRing::to_text() const {
  std::string out(kHeader);
  out += "\n# newest first: id, created, state, key. Written by `vitalis keys rotate|retire`.\n";
  for (const Key& entry : keys_) {
    out += entry.id + " " + (entry.created_at.empty() ? "-" : entry.created_at) + " " +
           (entry.audit_only ? "audit-only" : "active") + " " + entry.key.to_text() + "\n";
  }
  return out;
}

const SecretKey* KeyRing::find(std::string_view id) const {
  if (id.empty()) return &keys_.back().key;
  for (const Key& entry : keys_) {
    if (entry.id == id) return &entry.key;
  }
  return nullptr;
}

KeyRing KeyRing::for_purpose(std::string_view purpose) const {
  KeyRing out;
  for (const Key& entry : keys_) {
    out.keys_.push_back(
        {entry.id, entry.key.for_purpose(purpose), entry.created_at, entry.audit_only});
  }
  return out;
}

KeyRing KeyRing::active() const {
  KeyRing out;
  for (const Key& entry : keys_) {
    if (!entry.audit_only) out.keys_.push_back(entry);
  }
  return out;
}

std::string KeyRing::rotate() {
  SecretKey key = SecretKey::generate();
  while (find(id_of(key)) != nullptr) key = SecretKey::generate();  // 1 in 4 billion
  keys_.insert(keys_.begin(), {id_of(key), key, format_rfc3339(Clock::now()), false});
  return keys_.front().id;
}

Status KeyRing::retire(std::string_view id, bool drop) {
  auto found =
      std::find_if(keys_.begin(), keys_.end(), [id](const Key& entry) { return entry.id == id; });
  if (id.empty() || found == keys_.end()) {
    return Error::not_found("no key " + std::string(id) + " in the ring (see vitalis keys list)");
  }
  if (found == keys_.begin()) {
    return Error::conflict("key " + std::string(id) +
                           " is the newest: rotate first (vitalis keys rotate), then retire it");
  }
  if (drop) {
    keys_.erase(found);
  } else {
    found->audit_only = true;
  }
  return Ok{};
}

Result<std::string> read_key_file(const std::string& path) {
  std::error_code ec;
  auto status = std::filesystem::symlink_status(path, ec);
  if (ec || status.type() == std::filesystem::file_type::not_found) {
    return Error::not_found("The secret key file " + path + " does not exist.");
  }
  std::ifstream in(path);
  if (!in) {
    // Why an existing key is never replaced, in the words of the person running the server.
    return Error::validation(
        "secret-key-file",
        "The secret key file " + path + " exists but cannot be read (" + std::strerror(errno) +
            "). Vitalis will not make a new one: that would stop the audit log from verifying "
            "and sign everyone out. Restore the file (or fix its permissions) and start again.");
  }
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

Result<KeyRing> load_key_ring(const std::string& path) {
  auto text = read_key_file(path);
  if (!text.ok()) return text.error();
  std::string created;
  std::error_code ec;
  auto written = std::filesystem::last_write_time(path, ec);
  if (!ec) {
    created = format_rfc3339(
        std::chrono::time_point_cast<Clock::duration>(std::chrono::file_clock::to_sys(written)));
  }
  auto ring = KeyRing::parse(*text, created);
  sodium_memzero(text->data(), text->size());
  if (!ring.ok()) {
    return Error::validation("secret-key-file", path + ": " + ring.error().message);
  }
  return ring;
}

Result<KeyRing> load_or_create_key_ring(const std::string& path) {
  std::error_code ec;
  auto status = std::filesystem::symlink_status(path, ec);
  if (ec || status.type() == std::filesystem::file_type::not_found) {
    auto created = load_or_create_secret(path);
    if (!created.ok()) return created.error();
  }
  return load_key_ring(path);
}

Status save_key_ring(const std::string& path, const KeyRing& ring) {
  return replace_file(path, ring.to_text());
}

Status replace_file(const std::string& path, const std::string& text) {
  std::string temp = path + ".tmp." + std::to_string(::getpid());
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    return Error::validation("file", "cannot write " + temp + ": " + std::strerror(errno));
  bool written = ::fchmod(fd, 0600) == 0;
  for (std::size_t done = 0; written && done < text.size();) {
    auto wrote = ::write(fd, text.data() + done, text.size() - done);
    if (wrote < 0 && errno == EINTR) continue;
    written = wrote > 0;
    if (written) done += static_cast<std::size_t>(wrote);
  }
  written = written && ::fsync(fd) == 0;
  ::close(fd);
  if (!written || ::rename(temp.c_str(), path.c_str()) != 0) {
    std::string why = std::strerror(errno);
    ::unlink(temp.c_str());
    return Error::validation("file", "cannot write " + path + ": " + why);
  }
  // The rename is durable once the folder is synced.
  auto parent = std::filesystem::path(path).parent_path();
  int dir = ::open(parent.empty() ? "." : parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return Ok{};
}

}  // namespace vitalis::identity
