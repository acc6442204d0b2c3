// Static files: content types, ETag revalidation, SPA fallback, path traversal and the build's
// precompressed copies chosen by Accept-Encoding.
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
  Response get(std::string_view path, std::string_view if_none_match = {},
               std::string_view accept_encoding = {}) {
    Request request;
    request.path = path;
    if (!if_none_match.empty()) request.headers.push_back({"If-None-Match", if_none_match});
    if (!accept_encoding.empty()) request.headers.push_back({"Accept-Encoding", accept_encoding});
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

TEST_F(StaticFilesTest, ServesThePrecompressedCopyTheClientTakes) {
  write("assets/app-1234.js.br", "BROTLI");
  write("assets/app-1234.js.gz", "GZIP");
  Response br = get("/assets/app-1234.js", {}, "gzip, deflate, br");
  EXPECT_EQ(br.body, "BROTLI");
  EXPECT_EQ(br.header("Content-Encoding"), "br");
  EXPECT_EQ(br.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(br.header("Vary"), "Accept-Encoding");
  Response gzip = get("/assets/app-1234.js", {}, "gzip");
  EXPECT_EQ(gzip.body, "GZIP");
  EXPECT_EQ(gzip.header("Content-Encoding"), "gzip");
  Response plain = get("/assets/app-1234.js");
  EXPECT_EQ(plain.body, "console.log(1)");
  EXPECT_EQ(plain.header("Content-Encoding"), "");
  EXPECT_EQ(plain.header("Vary"), "Accept-Encoding");
  // Each encoding has its own validator, so a cached gzip body never revalidates as brotli.
  EXPECT_NE(br.header("ETag"), gzip.header("ETag"));
  EXPECT_NE(br.header("ETag"), plain.header("ETag"));
  EXPECT_EQ(get("/assets/app-1234.js", br.header("ETag"), "br").status, 304);
  EXPECT_EQ(get("/assets/app-1234.js", br.header("ETag"), "gzip").status, 200);
}

TEST_F(StaticFilesTest, HonoursRefusedCodingsAndTheSpaFallback) {
  write("assets/app-1234.js.br", "BROTLI");
  write("assets/app-1234.js.gz", "GZIP");
  write("index.html.gz", "GZIPPED INDEX");
  EXPECT_EQ(get("/assets/app-1234.js", {}, "br;q=0, gzip;q=0.5").body, "GZIP");
  EXPECT_EQ(get("/assets/app-1234.js", {}, "*").body, "BROTLI");
  EXPECT_EQ(get("/assets/app-1234.js", {}, "*, br;q=0").body, "GZIP");
  EXPECT_EQ(get("/assets/app-1234.js", {}, "identity").body, "console.log(1)");
  EXPECT_EQ(get("/assets/app-1234.js", {}, "gzip;q=0").body, "console.log(1)");
  // A client-side route answers index.html, compressed like the file itself.
  Response route = get("/doctor/patients/7", {}, "gzip");
  EXPECT_EQ(route.body, "GZIPPED INDEX");
  EXPECT_EQ(route.content_type, "text/html; charset=utf-8");
}

TEST_F(StaticFilesTest, IgnoresACompressedCopyOlderThanTheFile) {
  write("assets/app-1234.js.gz", "STALE");
  auto gz = root_ / "assets/app-1234.js.gz";
  std::filesystem::last_write_time(
      gz, std::filesystem::last_write_time(root_ / "assets/app-1234.js") - std::chrono::hours(1));
  Response stale = get("/assets/app-1234.js", {}, "gzip");
  EXPECT_EQ(stale.body, "console.log(1)");
  EXPECT_EQ(stale.header("Content-Encoding"), "");
}

TEST(AcceptEncoding, ReadsCodingsAndQValues) {
  EXPECT_TRUE(StaticFiles::accepts_encoding("gzip, deflate, br", "br"));
  EXPECT_TRUE(StaticFiles::accepts_encoding("GZIP", "gzip"));
  EXPECT_TRUE(StaticFiles::accepts_encoding(" br ; q=0.1 ", "br"));
  EXPECT_FALSE(StaticFiles::accepts_encoding("br;q=0", "br"));
  EXPECT_FALSE(StaticFiles::accepts_encoding("br;q=0.0", "br"));
  EXPECT_FALSE(StaticFiles::accepts_encoding("", "gzip"));
  EXPECT_FALSE(StaticFiles::accepts_encoding("gzip", "br"));
  EXPECT_TRUE(StaticFiles::accepts_encoding("*;q=0.5", "br"));
  EXPECT_FALSE(StaticFiles::accepts_encoding("*, br;q=0", "br"));
  EXPECT_FALSE(StaticFiles::accepts_encoding("br;q=abc", "br"));
}

}  // namespace
}  // namespace vitalis::http
