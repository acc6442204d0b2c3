// What authentication costs in process: checking an access token (every authenticated request
// pays it, before the session lookup) and hashing a password (what bounds sign-in throughput);
// and what auditing a read costs: its own transaction, or a share of the sealer's group commit.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>
#include <memory>

#include "db/migrate.hpp"
#include "identity/audit_sealer.hpp"
#include "identity/crypto.hpp"
#include "identity/tokens.hpp"

namespace {

using namespace vitalis::identity;

void BM_VerifyAccessToken(benchmark::State& state) {
  init_crypto();
  SecretKey key = SecretKey::generate();
  std::string token = sign_access_token({42, Role::kDoctor, random_token(), 1000, 1900}, key);
  for (auto _ : state) {
    auto claims = verify_access_token(token, key, 1500);
    benchmark::DoNotOptimize(claims.ok());
  }
}
BENCHMARK(BM_VerifyAccessToken);

void BM_SignAccessToken(benchmark::State& state) {
  init_crypto();
  SecretKey key = SecretKey::generate();
  std::string session = random_token();
  for (auto _ : state) {
    benchmark::DoNotOptimize(sign_access_token({42, Role::kPatient, session, 1000, 1900}, key));
  }
}
BENCHMARK(BM_SignAccessToken);

// argon2id with the production parameters (libsodium INTERACTIVE: 2 passes, 64 MiB).
void BM_HashPasswordInteractive(benchmark::State& state) {
  init_crypto();
  for (auto _ : state) {
    benchmark::DoNotOptimize(hash_password("a sound passphrase", PasswordCost{}));
  }
}
BENCHMARK(BM_HashPasswordInteractive)->Unit(benchmark::kMillisecond)->Iterations(10);

// A fresh SQLite file (WAL, synchronous=FULL, as served) for the audit benchmarks.
struct AuditDatabase {
  AuditDatabase() {
    init_crypto();
    dir = std::filesystem::temp_directory_path() /
          ("vitalis_audit_bench_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    vitalis::db::Options options;
    options.url = "sqlite:" + (dir / "audit.db").string();
    options.pool_size = 40;
    pool = std::move(vitalis::db::Pool::open(options)).value();
    (void)vitalis::db::migrate(*pool);
  }
  ~AuditDatabase() {
    pool.reset();
    std::filesystem::remove_all(dir);
  }
  std::filesystem::path dir;
  std::unique_ptr<vitalis::db::Pool> pool;
  SecretKey key = SecretKey::generate();
};

AuditEntry read_entry() {
  return {0, {}, 7, "doctor", "record.read", "observations", "3", 3, "127.0.0.1", "success", ""};
}

std::unique_ptr<AuditDatabase> audit_database;
std::unique_ptr<AuditSealer> audit_sealer;

// Before the sealer: every audited read committed its own transaction.
void BM_AuditReadOwnTransaction(benchmark::State& state) {
  if (state.thread_index() == 0) audit_database = std::make_unique<AuditDatabase>();
  for (auto _ : state) {
    auto lease = audit_database->pool->acquire();
    vitalis::db::Transaction tx(*lease);
    append_audit(*lease, audit_database->key, read_entry());
    tx.commit();
  }
  state.SetItemsProcessed(state.iterations());
  if (state.thread_index() == 0) audit_database.reset();
}
BENCHMARK(BM_AuditReadOwnTransaction)->Threads(32)->UseRealTime();

// Now: the reads that wait together share one commit.
void BM_AuditReadGroupCommit(benchmark::State& state) {
  if (state.thread_index() == 0) {
    audit_database = std::make_unique<AuditDatabase>();
    audit_sealer = std::make_unique<AuditSealer>(*audit_database->pool, audit_database->key);
  }
  for (auto _ : state) {
    benchmark::DoNotOptimize(audit_sealer->append(read_entry()).ok());
  }
  state.SetItemsProcessed(state.iterations());
  if (state.thread_index() == 0) {
    auto stats = audit_sealer->stats();
    state.counters["rows_per_commit"] =
        static_cast<double>(stats.entries) /
        static_cast<double>(std::max<std::int64_t>(1, stats.batches));
    audit_sealer.reset();
    audit_database.reset();
  }
}
BENCHMARK(BM_AuditReadGroupCommit)->Threads(32)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
