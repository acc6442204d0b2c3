// Error codes map to the statuses DESIGN.md §3 promises; Result carries either side.
#include "core/error.hpp"

#include <gtest/gtest.h>

namespace vitalis {
namespace {

TEST(ErrorTest, CodesMapToDocumentedStatuses) {
  EXPECT_EQ(http_status(ErrorCode::kMalformed), 400);
  EXPECT_EQ(http_status(ErrorCode::kPayloadTooLarge), 413);
  EXPECT_EQ(http_status(ErrorCode::kUnsupportedMediaType), 415);
  EXPECT_EQ(http_status(ErrorCode::kValidationFailed), 422);
  EXPECT_EQ(http_status(ErrorCode::kUnavailable), 503);
  EXPECT_EQ(error_code_name(ErrorCode::kValidationFailed), "validation_failed");
}

TEST(ErrorTest, ResultHoldsValueOrError) {
  Result<int> fine = 42;
  ASSERT_TRUE(fine.ok());
  EXPECT_EQ(*fine, 42);

  Result<int> failed = Error::validation("glucose", "must be positive");
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code, ErrorCode::kValidationFailed);
  EXPECT_EQ(failed.error().field, "glucose");
}

}  // namespace
}  // namespace vitalis
