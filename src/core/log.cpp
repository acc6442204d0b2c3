// JSON line logger with a buffered background writer, so request threads never wait on stderr.
#include "core/log.hpp"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "core/json_writer.hpp"
#include "core/time.hpp"

namespace vitalis::log {
namespace {

std::atomic<int> g_min_level{static_cast<int>(Level::kInfo)};

std::string_view level_name(Level level) {
  switch (level) {
    case Level::kDebug:
      return "debug";
    case Level::kInfo:
      return "info";
    case Level::kWarn:
      return "warn";
    case Level::kError:
      return "error";
  }
  return "info";
}

void write_all(const std::string& text) {
  std::size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(STDERR_FILENO, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;  // signal handlers are installed without SA_RESTART
    if (n <= 0) return;                     // nowhere left to log to
    done += static_cast<std::size_t>(n);
  }
}

// Collects lines and writes them in batches. Thread-safe.
class Sink {
 public:
  Sink() : writer_([this] { run(); }) {}
  ~Sink() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_one();
    writer_.join();
  }

  void append(std::string_view line) {
    bool urgent;
    {
      std::lock_guard lock(mutex_);
      pending_.append(line);
      pending_.push_back('\n');
      urgent = pending_.size() > kFlushBytes;
    }
    if (urgent) wake_.notify_one();
  }

  void flush() {
    std::string out;
    std::lock_guard write_lock(write_mutex_);
    {
      std::lock_guard lock(mutex_);
      out.swap(pending_);
    }
    write_all(out);
  }

 private:
  static constexpr std::size_t kFlushBytes = 64 * 1024;

  void run() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
      wake_.wait_for(lock, std::chrono::milliseconds(100));
      lock.unlock();
      flush();
      lock.lock();
    }
    lock.unlock();
    flush();
  }

  std::mutex mutex_;
  std::mutex write_mutex_;  // keeps batches in order when flush() is called from two threads
  std::condition_variable wake_;
  std::string pending_;
  bool stopping_ = false;
  std::thread writer_;
};

Sink& sink() {
  static Sink instance;
  return instance;
}

}  // namespace

bool set_level(std::string_view name) {
  for (Level level : {Level::kDebug, Level::kInfo, Level::kWarn, Level::kError}) {
    if (level_name(level) == name) {
      g_min_level.store(static_cast<int>(level), std::memory_order_relaxed);
      return true;
    }
  }
  return false;
}

bool enabled(Level level) {
  return static_cast<int>(level) >= g_min_level.load(std::memory_order_relaxed);
}

void Field::append_to(std::string& line) const {
  line.push_back(',');
  json_writer::append_string(line, key_);
  line.push_back(':');
  char buffer[32];
  switch (kind_) {
    case kString:
      json_writer::append_string(line, text_);
      break;
    case kInteger:
      line.append(buffer, std::to_chars(buffer, buffer + sizeof buffer, integer_).ptr);
      break;
    case kDouble:
      line.append(buffer, std::to_chars(buffer, buffer + sizeof buffer, real_).ptr);
      break;
    case kBool:
      line += integer_ ? "true" : "false";
      break;
  }
}

void write(Level level, std::string_view message, Fields fields) {
  if (!enabled(level)) return;
  std::string line;
  line.reserve(256);
  line += "{\"ts\":\"";
  line += format_rfc3339(std::chrono::system_clock::now());
  line += "\",\"level\":\"";
  line += level_name(level);
  line += "\",\"msg\":";
  json_writer::append_string(line, message);
  for (const auto& field : fields) field.append_to(line);
  line.push_back('}');
  sink().append(line);
}

void flush() { sink().flush(); }

}  // namespace vitalis::log
