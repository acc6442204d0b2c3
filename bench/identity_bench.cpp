// What authentication costs in process: checking an access token (every authenticated request
// pays it, before the session lookup) and hashing a password (what bounds sign-in throughput).
#include <benchmark/benchmark.h>

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

}  // namespace

BENCHMARK_MAIN();
