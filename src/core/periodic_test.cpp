// The periodic runner: runs again and again, survives a job that throws, and stop() waits for the
// run in progress and ends promptly however long the interval.
#include "core/periodic.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>

namespace vitalis {
namespace {

using namespace std::chrono_literals;

TEST(PeriodicTest, RunsRepeatedlyAndSurvivesAThrowingJob) {
  std::atomic<int> runs{0};
  Periodic periodic("test", 5ms, [&] {
    if (++runs == 2) throw std::runtime_error("second run fails");
  });
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (runs.load() < 5 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(1ms);
  }
  periodic.stop();
  EXPECT_GE(runs.load(), 5);
  int after = runs.load();
  std::this_thread::sleep_for(20ms);
  EXPECT_EQ(runs.load(), after);  // stopped means stopped
  periodic.stop();                // idempotent
}

TEST(PeriodicTest, StopDoesNotWaitForTheInterval) {
  std::atomic<int> runs{0};
  auto started = std::chrono::steady_clock::now();
  {
    Periodic periodic("slow", 1h, [&] { ++runs; });
  }  // the destructor stops it
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
  EXPECT_EQ(runs.load(), 0);
}

}  // namespace
}  // namespace vitalis
