// Static files: content types, ETag revalidation, SPA fallback and path traversal.
#include "http/static_files.hpp"

#include <gtest/gtest.h>

#include <fstream>

namespace vitalis::http {
namespace {

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = std::filesystem::temp_directory_path() /
            ("vitalis_static_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
             "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(root_ / "assets");
    write("index.html", "<!doctype html><title>Vitalis</title>");
    write("assets/app-1234.js", "console.log(1)");
    std::ofstream(root_.parent_path() / "secret.txt") << "outside";
  }
  void TearDown() override { std::filesystem::remove_all(root_); }
  void write(const std::string& name, const std::string& content) {
    std::ofstream(root_ / name) << content;
  }
  Response get(std::string_view path, std::string_view if_none_match = {}) {
    Request request;
    request.path = path;
    if (!if_none_match.empty()) request.headers.push_back({"If-None-Match", if_none_match});
    return files().serve(request);
  }
  StaticFiles& files() {
    if (!files_) files_ = std::make_unique<StaticFiles>(root_);
    return *files_;
  }

  std::filesystem::path root_;
  std::unique_ptr<StaticFiles> files_;
};

TEST_F(StaticFilesTest, ServesFilesWithTypesAndCacheHeaders) {
  Response index = get("/");
  EXPECT_EQ(index.status, 200);
  EXPECT_EQ(index.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(index.header("Cache-Control"), "no-cache");
  Response script = get("/assets/app-1234.js");
  EXPECT_EQ(script.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(script.body, "console.log(1)");
  EXPECT_NE(script.header("Cache-Control").find("immutable"), std::string_view::npos);
}

TEST_F(StaticFilesTest, RevalidatesWithETagAndNoticesChanges) {
  Response first = get("/assets/app-1234.js");
  std::string etag(first.header("ETag"));
  ASSERT_FALSE(etag.empty());
  EXPECT_EQ(get("/assets/app-1234.js", etag).status, 304);
  write("assets/app-1234.js", "console.log(2); // longer");
  Response changed = get("/assets/app-1234.js", etag);
  EXPECT_EQ(changed.status, 200);
  EXPECT_NE(changed.header("ETag"), etag);
}

TEST_F(StaticFilesTest, FallsBackToIndexForClientRoutesOnly) {
  Response route = get("/patients/42/timeline");
  EXPECT_EQ(route.status, 200);
  EXPECT_NE(route.body.find("Vitalis"), std::string::npos);
  EXPECT_EQ(get("/missing.png").status, 404);
}

TEST_F(StaticFilesTest, NeverLeavesTheRoot) {
  EXPECT_EQ(get("/../secret.txt").status, 404);
  EXPECT_EQ(get("/assets/%2e%2e/%2e%2e/secret.txt").status, 404);
  EXPECT_EQ(get("/a%00b").status, 400);
}

}  // namespace
}  // namespace vitalis::http
