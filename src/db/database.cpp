// SOCI session pool, URL parsing and transactions for SQLite and PostgreSQL.
#include "db/database.hpp"

#include <fcntl.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/url/parse.hpp>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <mutex>

#include "core/log.hpp"

namespace vitalis::db {

namespace {

// libpq keyword=value quoting: single quotes, with backslash before ' and \.
std::string quote_keyword_value(std::string_view value) {
  std::string quoted = "'";
  for (char ch : value) {
    if (ch == '\'' || ch == '\\') quoted.push_back('\\');
    quoted.push_back(ch);
  }
  quoted.push_back('\'');
  return quoted;
}

// SOCI's PostgreSQL backend reads its own options out of the connect string and garbles a URI,
// so the URI is turned into libpq's keyword=value form here.
Result<std::string> postgresql_keywords(std::string_view url) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed) return Error::malformed("database URL is not a valid URI", "database");
  const auto& uri = *parsed;
  std::string out;
  auto add = [&out](std::string_view key, std::string_view value) {
    if (value.empty()) return;
    if (!out.empty()) out.push_back(' ');
    out.append(key);
    out.push_back('=');
    out.append(quote_keyword_value(value));
  };
  add("host", uri.host_address());
  add("port", uri.port());
  add("user", uri.user());
  add("password", uri.password());
  std::string dbname = uri.path();
  if (!dbname.empty() && dbname.front() == '/') dbname.erase(0, 1);
  add("dbname", dbname);
  bool has_timeout = false;
  for (auto param : uri.params()) {
    add(param.key, param.value);
    has_timeout = has_timeout || param.key == "connect_timeout";
  }
  // Never wait forever for an unreachable server; notice dead peers on idle connections.
  if (!has_timeout) add("connect_timeout", "10");
  add("keepalives", "1");
  add("keepalives_idle", "30");
  return out;
}

}  // namespace

Result<Target> parse_url(std::string_view url) {
  if (url.starts_with("sqlite:")) {
    std::string_view path = url.substr(7);
    if (path.starts_with("//")) path.remove_prefix(2);
    if (path.empty()) return Error::malformed("sqlite URL needs a file path", "database");
    return Target{Dialect::kSqlite, std::string(path)};
  }
  if (url.starts_with("postgresql://") || url.starts_with("postgres://")) {
    auto keywords = postgresql_keywords(url);
    if (!keywords.ok()) return keywords.error();
    return Target{Dialect::kPostgresql, std::move(keywords).value()};
  }
  return Error::malformed("database URL must start with sqlite: or postgresql://", "database");
}

std::string redact_url(std::string_view url) {
  std::string text(url);
  auto scheme = text.find("://");
  auto at = text.find('@');
  if (scheme != std::string::npos && at != std::string::npos && at > scheme) {
    auto colon = text.find(':', scheme + 3);
    if (colon != std::string::npos && colon < at) text.replace(colon + 1, at - colon - 1, "***");
  }
  for (auto key = text.find("password="); key != std::string::npos;
       key = text.find("password=", key + 1)) {
    auto end = text.find('&', key);
    text.replace(key + 9, (end == std::string::npos ? text.size() : end) - key - 9, "***");
  }
  return text;
}

bool is_unavailable(const std::exception& error) {
  if (const auto* lite = dynamic_cast<const soci::sqlite3_soci_error*>(&error)) {
    int code = lite->result() & 0xff;  // primary result code
    return code == SQLITE_BUSY || code == SQLITE_LOCKED || code == SQLITE_IOERR ||
           code == SQLITE_FULL || code == SQLITE_CANTOPEN;
  }
  if (const auto* pg = dynamic_cast<const soci::postgresql_soci_error*>(&error)) {
    std::string state = pg->sqlstate();
    // 08: connection exceptions; 57P0x: server shutting down; 53: out of resources.
    return state.starts_with("08") || state.starts_with("57P0") || state.starts_with("53") ||
           pg->get_error_category() == soci::soci_error::connection_error;
  }
  if (const auto* soci_error = dynamic_cast<const soci::soci_error*>(&error)) {
    return soci_error->get_error_category() == soci::soci_error::connection_error;
  }
  return false;
}

Error database_error(const std::exception& error, std::string_view operation) {
  // SOCI appends the query and its bound values to what(): health data must not reach the log,
  // so take the bare message, and only its first line (PostgreSQL's DETAIL quotes row values).
  const auto* soci_error = dynamic_cast<const soci::soci_error*>(&error);
  std::string message = soci_error != nullptr ? soci_error->get_error_message() : error.what();
  std::string_view detail = message;
  detail = detail.substr(0, detail.find('\n'));
  log::error("database error", {{"operation", operation}, {"detail", detail}});
  if (is_unavailable(error)) return Error::unavailable("the database is not available");
  return Error::internal();
}

struct StatementCache {
  static constexpr std::size_t kMaxStatements = 256;
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const {
      return std::hash<std::string_view>{}(text);
    }
  };
  std::unordered_map<std::string, std::unique_ptr<soci::statement>, Hash, std::equal_to<>>
      statements;
};

namespace {

std::string sqlite_connect_string(const std::string& path, std::chrono::milliseconds timeout) {
  std::string quoted = "\"";
  for (char ch : path) {
    if (ch == '"' || ch == '\\') quoted.push_back('\\');
    quoted.push_back(ch);
  }
  quoted.push_back('"');
  auto seconds = std::max<long>(1, static_cast<long>(timeout.count() / 1000));
  return "db=" + quoted + " timeout=" + std::to_string(seconds);
}

void configure_sqlite(soci::session& session, const Options& options) {
  std::string mode;
  session << "PRAGMA journal_mode=WAL", soci::into(mode);
  if (mode != "wal")
    throw std::runtime_error("SQLite refused WAL mode (journal_mode=" + mode + ")");
  session << "PRAGMA foreign_keys=ON";
  session << "PRAGMA busy_timeout=" + std::to_string(options.busy_timeout.count());
  session << "PRAGMA synchronous=" + options.sqlite_synchronous;
}

// Health data at rest is for this process's user only. A new database (and the folder made for
// it) is created 0600/0700; SQLite gives the WAL and shared-memory files the database file's
// mode. An existing file readable by others is tightened (its owner's bits are kept), and the
// change is logged. Failing to tighten is not fatal (the file may belong to someone else, who
// granted us access): a warning names it.
Status make_private(const std::string& location) {
  namespace fs = std::filesystem;
  if (location.empty() || location == ":memory:" || location.starts_with("file:")) return Ok{};
  auto parent = fs::path(location).parent_path();
  if (!parent.empty() && !fs::exists(parent)) {
    std::error_code error;
    fs::create_directories(parent, error);
    if (error)
      return Error::unavailable("cannot create the folder " + parent.string() + ": " +
                                error.message());
    fs::permissions(parent, fs::perms::owner_all, fs::perm_options::replace, error);
  }
  int fd = ::open(location.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return Error::unavailable("cannot open the database file " + location + ": " +
                              std::strerror(errno));
  }
  ::close(fd);
  for (const auto& file : {location, location + "-wal", location + "-shm"}) {
    struct stat status {};
    if (::stat(file.c_str(), &status) != 0 || (status.st_mode & 077) == 0) continue;
    if (::chmod(file.c_str(), status.st_mode & 0700) == 0) {
      log::warn("database file was readable by other users; now private to its owner",
                {{"file", file}});
    } else {
      log::warn("database file is readable by other users and could not be made private",
                {{"file", file}, {"reason", std::strerror(errno)}});
    }
  }
  return Ok{};
}

}  // namespace

Result<std::unique_ptr<Pool>> Pool::open(const Options& options) {
  auto target = parse_url(options.url);
  if (!target.ok()) return target.error();
  if (options.pool_size < 1)
    return Error::validation("db-pool-size", "the database pool needs at least 1 connection");
  if (options.sqlite_synchronous != "FULL" && options.sqlite_synchronous != "NORMAL") {
    return Error::validation("sqlite-synchronous", "must be FULL or NORMAL");
  }
  std::unique_ptr<Pool> pool(new Pool(target->dialect, options));
  if (target->dialect == Dialect::kSqlite) {
    // SQLite's global allocation counter takes one mutex on every allocation of every
    // connection: contention between pooled connections. Only possible before SQLite
    // initialises. Connections stay in SQLite's serialized mode (measured no slower here than
    // without their mutexes): the writer session passes between threads, and a statement left
    // alive past commit() must not race the next writer on it.
    static std::once_flag once;
    std::call_once(once, [] { sqlite_api::sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
  }
  try {
    if (target->dialect == Dialect::kSqlite) {
      if (auto made = make_private(target->location); !made.ok()) return made.error();
    }
    for (int idx = 0; idx < options.pool_size; ++idx) {
      std::unique_ptr<soci::session> session;
      if (target->dialect == Dialect::kSqlite) {
        session = std::make_unique<soci::session>(
            *soci::factory_sqlite3(),
            sqlite_connect_string(target->location, options.busy_timeout));
        configure_sqlite(*session, options);
      } else {
        session = std::make_unique<soci::session>(*soci::factory_postgresql(), target->location);
      }
      pool->free_.push_back(session.get());
      pool->caches_.emplace(session.get(), std::make_unique<StatementCache>());
      pool->sessions_.push_back(std::move(session));
    }
    if (target->dialect == Dialect::kSqlite) {
      pool->sqlite_writer_session_ = std::make_unique<soci::session>(
          *soci::factory_sqlite3(), sqlite_connect_string(target->location, options.busy_timeout));
      configure_sqlite(*pool->sqlite_writer_session_, options);
      pool->sqlite_writer_cache_ = std::make_unique<StatementCache>();
    }
  } catch (const std::exception& error) {
    return Error::unavailable(std::string("cannot open database ") + redact_url(options.url) +
                              ": " + error.what());
  }
  return pool;
}

Pool::Pool(Dialect dialect, Options options) : dialect_(dialect), options_(std::move(options)) {}

Pool::~Pool() = default;

Result<Lease> Pool::acquire() {
  soci::session* session = nullptr;
  {
    std::unique_lock lock(mutex_);
    if (!freed_.wait_for(lock, options_.acquire_timeout, [this] { return !free_.empty(); })) {
      log::warn("database pool exhausted", {{"pool_size", size()}});
      return Error::unavailable("the database is busy; try again");
    }
    session = free_.back();
    free_.pop_back();
  }
  Lease lease(this, session, caches_.at(session).get());
  if (lease.session_needs_check()) {
    // The last use of this session failed: make sure it still talks to the server.
    try {
      if (!session->is_connected()) {
        // Prepared statements live in the server's session: a new connection has none.
        lease.cache_->statements.clear();
        session->reconnect();
      }
      lease.clear_check();
    } catch (const std::exception& error) {
      // A failed reconnect means the database cannot be reached, whatever the error's class:
      // SOCI's PostgreSQL backend throws a plain soci_error ("Cannot establish connection"),
      // with no category, which database_error alone would answer with a 500.
      (void)database_error(error, "reconnect");
      return Error::unavailable("the database is not available");
    }
  }
  return lease;
}

Status Pool::ping() {
  return with_connection(*this, [](Lease& lease) -> Status {
    int one = 0;
    *lease << "SELECT 1", soci::into(one);
    if (one != 1) return Error::unavailable("database answered SELECT 1 wrongly");
    return Ok{};
  });
}

void Pool::release(soci::session* session, bool suspect) {
  {
    std::lock_guard lock(mutex_);
    if (suspect) {
      suspect_.insert(session);
    }
    free_.push_back(session);
  }
  freed_.notify_one();
}

Lease::Lease(Lease&& other) noexcept
    : pool_(other.pool_), session_(other.session_), cache_(other.cache_), suspect_(other.suspect_) {
  other.session_ = nullptr;
}

soci::statement& Lease::cached_statement(const char* query) {
  auto found = cache_->statements.find(std::string_view(query));
  if (found != cache_->statements.end()) return *found->second;
  // Queries are a fixed set of texts (a few vary with filters); the bound keeps a stray dynamic
  // one from growing the cache for ever.
  if (cache_->statements.size() >= StatementCache::kMaxStatements) cache_->statements.clear();
  auto statement = std::make_unique<soci::statement>(*session_);
  statement->alloc();
  statement->prepare(query, soci::details::st_repeatable_query);
  return *cache_->statements.emplace(std::string(query), std::move(statement)).first->second;
}

void Lease::forget_failed_statement(const char* query) {
  auto found = cache_->statements.find(std::string_view(query));
  if (found == cache_->statements.end()) return;
  if (dialect() == Dialect::kPostgresql) {
    try {
      found->second->bind_clean_up();
      return;
    } catch (const std::exception&) {
      // Fall through: drop it.
    }
  }
  cache_->statements.erase(found);
}

Lease::~Lease() {
  if (session_ != nullptr) pool_->release(session_, suspect_);
}

bool Lease::session_needs_check() const {
  std::lock_guard lock(pool_->mutex_);
  return pool_->suspect_.count(session_) > 0;
}

void Lease::clear_check() {
  std::lock_guard lock(pool_->mutex_);
  pool_->suspect_.erase(session_);
}

Dialect Lease::dialect() const { return pool_->dialect(); }

// A group of SQLite write transactions committed together (see Transaction).
struct WriteGroup {
  static constexpr int kMaxMembers = 32;
  static constexpr std::chrono::milliseconds kMaxAge{10};
  std::chrono::steady_clock::time_point opened = std::chrono::steady_clock::now();
  int members = 0;    // transactions released into the group (guarded by the writer turn)
  bool full() const;  // too many members or too old to wait for more
  // How the group ended, set once under the pool's group_mutex_.
  bool done = false;
  int error_code = SQLITE_OK;
  std::string error;
};

namespace {

constexpr const char* kSavepoint = "vitalis_write";

bool in_transaction(soci::session& session) {
  auto* backend = static_cast<soci::sqlite3_session_backend*>(session.get_backend());
  return sqlite_api::sqlite3_get_autocommit(backend->conn_) == 0;
}

}  // namespace

void Pool::end_group(int error_code, std::string error) {
  soci::session& session = *sqlite_writer_session_;
  if (error_code == SQLITE_OK) {
    try {
      session << "COMMIT";
    } catch (const soci::sqlite3_soci_error& failure) {
      error_code = failure.result();
      error = failure.get_error_message();
    } catch (const std::exception& failure) {
      error_code = SQLITE_ERROR;
      error = failure.what();
    }
  }
  if (error_code != SQLITE_OK && in_transaction(session)) {
    try {
      session << "ROLLBACK";
    } catch (const std::exception& failure) {
      log::warn("rollback failed", {{"detail", failure.what()}});
    }
  }
  auto group = std::move(sqlite_group_);
  {
    std::lock_guard lock(group_mutex_);
    group->done = true;
    group->error_code = error_code;
    group->error = std::move(error);
  }
  group_done_.notify_all();
}

void Pool::await_group(const std::shared_ptr<WriteGroup>& group) {
  std::unique_lock lock(group_mutex_);
  while (!group_done_.wait_for(lock, std::chrono::milliseconds(50), [&] { return group->done; })) {
    // The writer the group was left open for gave up waiting for its turn, so nobody may come
    // to commit it: do it here once the turn is free. Short tries, so that a group committed
    // meanwhile is noticed without queueing behind every writer.
    lock.unlock();
    {
      std::unique_lock turn(sqlite_writer_, std::defer_lock);
      if (turn.try_lock_for(std::chrono::milliseconds(5)) && sqlite_group_ == group) {
        end_group(SQLITE_OK, {});
      }
    }
    lock.lock();
  }
}

bool WriteGroup::full() const {
  return members >= kMaxMembers || std::chrono::steady_clock::now() - opened >= kMaxAge;
}

Transaction::Transaction(Lease& lease, Mode mode) : session_(lease.session_) {
  if (lease.dialect() != Dialect::kSqlite || mode != Mode::kWrite) {
    *session_ << "BEGIN";
    return;
  }
  Pool& pool = *lease.pool_;
  pool_ = &pool;
  writer_ = std::unique_lock(pool.sqlite_writer_, std::defer_lock);
  ++pool.sqlite_writers_queued_;
  bool turn = writer_.try_lock_for(pool.options_.busy_timeout);
  --pool.sqlite_writers_queued_;
  if (!turn) {
    throw soci::sqlite3_soci_error("database is locked (waited for this process's writers)",
                                   SQLITE_BUSY);
  }
  swapped_ = &lease;
  home_session_ = lease.session_;
  home_cache_ = lease.cache_;
  lease.session_ = session_ = pool.sqlite_writer_session_.get();
  lease.cache_ = pool.sqlite_writer_cache_.get();
  try {
    // A group left open for this writer that is already big or old enough is committed first,
    // so no member waits on an unbounded run of later writers.
    if (pool.sqlite_group_ && pool.sqlite_group_->full()) pool.end_group(SQLITE_OK, {});
    if (!pool.sqlite_group_) {
      if (in_transaction(*session_)) {
        // Only after a failed ROLLBACK: never begin inside a transaction nobody owns.
        log::warn("writer session was left in a transaction; rolling it back");
        *session_ << "ROLLBACK";
      }
      *session_ << "BEGIN IMMEDIATE";
      pool.sqlite_group_ = std::make_shared<WriteGroup>();
    }
    group_ = pool.sqlite_group_;
    *session_ << std::string("SAVEPOINT ") + kSavepoint;
  } catch (...) {
    if (group_) leave_group(Leaving::kWithoutSavepoint);
    finish();
    throw;
  }
}

Transaction::~Transaction() {
  if (open_) {
    if (group_) {
      leave_group(Leaving::kRolledBack);
    } else {
      try {
        *session_ << "ROLLBACK";
      } catch (const std::exception& error) {
        // The connection is already broken; the server rolls the transaction back itself.
        log::warn("rollback failed", {{"detail", error.what()}});
      }
    }
  }
  finish();
}

void Transaction::commit() {
  if (!group_) {
    *session_ << "COMMIT";
    open_ = false;
    finish();
    return;
  }
  *session_ << std::string("RELEASE ") + kSavepoint;
  open_ = false;
  auto group = group_;
  leave_group(Leaving::kReleased);
  finish();
  pool_->await_group(group);
  if (group->error_code != SQLITE_OK)
    throw soci::sqlite3_soci_error(group->error, group->error_code);
}

void Transaction::leave_group(Leaving how) {
  Pool& pool = *pool_;
  WriteGroup& group = *group_;
  if (how == Leaving::kReleased) ++group.members;
  if (how == Leaving::kRolledBack) {
    bool undone = true;
    try {
      *session_ << std::string("ROLLBACK TO ") + kSavepoint;
      *session_ << std::string("RELEASE ") + kSavepoint;
    } catch (const std::exception& error) {
      log::warn("rollback failed", {{"detail", error.what()}});
      undone = false;
    }
    if (!undone || !in_transaction(*session_)) {
      // This part could not be undone alone, or SQLite already rolled the whole transaction
      // back (as it may after an I/O error or a full disk): the group's members fail with it.
      pool.end_group(SQLITE_IOERR, "the transaction was rolled back after an error");
      return;
    }
  }
  if (group.members == 0) {
    pool.end_group(SQLITE_ABORT, "rolled back");  // nothing to commit
  } else if (pool.sqlite_writers_queued_ == 0 || group.full()) {
    pool.end_group(SQLITE_OK, {});
  }
  // else: left open for the writer queued next, which joins it or commits it (constructor).
}

void Transaction::finish() {
  if (swapped_ != nullptr) {
    swapped_->session_ = home_session_;
    swapped_->cache_ = home_cache_;
    swapped_ = nullptr;
  }
  if (writer_.owns_lock()) writer_.unlock();
}

}  // namespace vitalis::db
