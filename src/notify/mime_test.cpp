// Message composition: headers, encodings and line lengths an SMTP server and mail readers accept.
#include "notify/mime.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace vitalis::notify::mime {
namespace {

std::string decode_qp(std::string_view text) {
  std::string out;
  for (std::size_t idx = 0; idx < text.size(); ++idx) {
    if (text[idx] == '=' && idx + 2 < text.size() && text[idx + 1] == '\r' &&
        text[idx + 2] == '\n') {
      idx += 2;  // soft line break
    } else if (text[idx] == '=' && idx + 2 < text.size()) {
      out.push_back(
          static_cast<char>(std::stoi(std::string(text.substr(idx + 1, 2)), nullptr, 16)));
      idx += 2;
    } else {
      out.push_back(text[idx]);
    }
  }
  return out;
}

Envelope sample() {
  Envelope envelope;
  envelope.outbox_id = 42;
  envelope.from = "Vitalis <no-reply@vitalis.example>";
  envelope.to = "ada@example.org";
  envelope.subject = "Confirm your email address";
  envelope.text = "Hello José,\n\nYour code:\n\n    123456\n.\nBye";
  envelope.html = "<p>Hello Jos&eacute;</p>";
  envelope.created_at = "2026-11-23T05:58:42.123456Z";
  envelope.date = Clock::time_point{} + std::chrono::seconds(1795415768);  // 2026-11-23 06:36:08
  return envelope;
}

TEST(MimeTest, ComposesHeadersAndBothParts) {
  std::string message = compose(sample());
  auto header_end = message.find("\r\n\r\n");
  ASSERT_NE(header_end, std::string::npos);
  std::string headers = message.substr(0, header_end + 2);
  EXPECT_NE(headers.find("From: Vitalis <no-reply@vitalis.example>\r\n"), std::string::npos);
  EXPECT_NE(headers.find("To: ada@example.org\r\n"), std::string::npos);
  EXPECT_NE(headers.find("Subject: Confirm your email address\r\n"), std::string::npos);
  EXPECT_NE(headers.find("Date: Mon, 23 Nov 2026 06:36:08 +0000\r\n"), std::string::npos);
  EXPECT_NE(headers.find("Message-ID: <outbox.42.20261123055842123456@vitalis.example>\r\n"),
            std::string::npos);
  EXPECT_NE(headers.find("MIME-Version: 1.0\r\n"), std::string::npos);
  EXPECT_NE(headers.find("multipart/alternative; boundary=\"=_vitalis_42\""), std::string::npos);
  EXPECT_NE(message.find("--=_vitalis_42\r\nContent-Type: text/plain; charset=UTF-8"),
            std::string::npos);
  EXPECT_NE(message.find("--=_vitalis_42\r\nContent-Type: text/html; charset=UTF-8"),
            std::string::npos);
  EXPECT_TRUE(message.ends_with("--=_vitalis_42--\r\n"));
  // Every line ends in CRLF, no bare LF, none longer than RFC 5322's 78 recommended characters.
  std::size_t start = 0;
  while (start < message.size()) {
    auto end = message.find("\r\n", start);
    ASSERT_NE(end, std::string::npos);
    std::string_view line(message.data() + start, end - start);
    EXPECT_EQ(line.find('\n'), std::string_view::npos);
    EXPECT_LE(line.size(), 78u) << line;
    // A lone "." would end SMTP DATA early.
    EXPECT_NE(line, ".");
    start = end + 2;
  }
}

TEST(MimeTest, PlainTextOnlyWhenNoHtml) {
  Envelope envelope = sample();
  envelope.html.clear();
  std::string message = compose(envelope);
  EXPECT_NE(message.find("Content-Type: text/plain; charset=UTF-8\r\n"), std::string::npos);
  EXPECT_EQ(message.find("multipart"), std::string::npos);
}

TEST(MimeTest, QuotedPrintableRoundTripsAndWrapsLongLines) {
  std::string text = "caf\xc3\xa9 = 1\n" + std::string(200, 'x') + "\ntrailing space \n.dot";
  std::string encoded = quoted_printable(text);
  EXPECT_NE(encoded.find("caf=C3=A9 =3D 1"), std::string::npos);
  EXPECT_NE(encoded.find("trailing space=20"), std::string::npos);
  EXPECT_NE(encoded.find("\r\n=2Edot"), std::string::npos);
  std::istringstream lines(encoded);
  for (std::string line; std::getline(lines, line);) EXPECT_LE(line.size(), 77u);  // + '\r'
  std::string expected =
      "caf\xc3\xa9 = 1\r\n" + std::string(200, 'x') + "\r\ntrailing space \r\n.dot";
  EXPECT_EQ(decode_qp(encoded), expected);
}

TEST(MimeTest, HeadersAreEncodedAndCannotInjectLines) {
  EXPECT_EQ(encode_header("Plain subject"), "Plain subject");
  EXPECT_EQ(encode_header("Caf\xc3\xa9"), "=?UTF-8?B?Q2Fmw6k=?=");
  EXPECT_EQ(encode_header("a\r\nBcc: evil@example.org"), "a  Bcc: evil@example.org");
  std::string long_utf8;
  for (int idx = 0; idx < 40; ++idx) long_utf8 += "\xc3\xa9";
  std::string encoded = encode_header(long_utf8);
  EXPECT_NE(encoded.find("\r\n "), std::string::npos);  // folded into several words
  for (std::size_t pos = 0; pos < encoded.size();) {
    auto end = encoded.find("\r\n", pos);
    if (end == std::string::npos) end = encoded.size();
    EXPECT_LE(end - pos, 76u);
    pos = end + 2;
  }
  Envelope envelope = sample();
  envelope.from = "Vitalis, Clinic <no-reply@vitalis.example>";
  EXPECT_NE(compose(envelope).find("From: \"Vitalis, Clinic\" <no-reply@vitalis.example>\r\n"),
            std::string::npos);
}

TEST(MimeTest, AddressesDatesAndBase64) {
  EXPECT_EQ(address_of("Vitalis <no-reply@vitalis.local>"), "no-reply@vitalis.local");
  EXPECT_EQ(address_of(" bare@example.org "), "bare@example.org");
  EXPECT_EQ(format_date(Clock::time_point{}), "Thu, 01 Jan 1970 00:00:00 +0000");
  EXPECT_EQ(base64(""), "");
  EXPECT_EQ(base64("f"), "Zg==");
  EXPECT_EQ(base64("fo"), "Zm8=");
  EXPECT_EQ(base64("foo"), "Zm9v");
  EXPECT_EQ(message_id(7, "2026-01-02T03:04:05.000006Z", "x@y.org"),
            "<outbox.7.20260102030405000006@y.org>");
}

}  // namespace
}  // namespace vitalis::notify::mime
