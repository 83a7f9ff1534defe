// detail/text.hpp: percent-encoding, integers, path and header checks,
// UUIDs, RFC 3339 both ways, one_line.
#include <cfimages/detail/text.hpp>

#include <doctest/doctest.h>

#include <chrono>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace {
namespace d = cfimages::detail;

std::string enc(std::string_view s) {
    std::string out;
    d::percent_encode(out, s);
    return out;
}

std::int64_t micros(std::chrono::system_clock::time_point tp) {
    return std::chrono::duration_cast<std::chrono::microseconds>(tp.time_since_epoch()).count();
}
} // namespace

TEST_CASE("text: percent_encode keeps only RFC 3986 unreserved characters") {
    CHECK(enc("") == "");
    CHECK(enc("AZaz09-._~") == "AZaz09-._~");
    CHECK(enc("a/b") == "a%2Fb");
    CHECK(enc("a b+c&d=e?f#g%h") == "a%20b%2Bc%26d%3De%3Ff%23g%25h");
    CHECK(enc("caf\xc3\xa9") == "caf%C3%A9");
    CHECK(enc(std::string("\0\x7f\xff", 3)) == "%00%7F%FF");
}

TEST_CASE("text: integers print without decimals") {
    CHECK(d::int_to_string(0) == "0");
    CHECK(d::int_to_string(50) == "50");
    CHECK(d::int_to_string(-7) == "-7");
    CHECK(d::int_to_string(std::numeric_limits<std::int64_t>::max()) == "9223372036854775807");
    CHECK(d::int_to_string(std::numeric_limits<std::int64_t>::min()) == "-9223372036854775808");
}

TEST_CASE("text: path and header checks") {
    CHECK_FALSE(d::check_path_param("f", "ok"));
    CHECK(d::check_path_param("f", "")->message == "f: must not be empty");
    CHECK(d::check_path_param("f", ".")->message == "f: must not be '.' or '..'");
    CHECK(d::check_path_param("f", "..")->message == "f: must not be '.' or '..'");
    CHECK_FALSE(d::check_path_param("f", ".a"));
    CHECK(d::check_path_param("f", "abcd", 3)->message == "f: must be at most 3 characters");
    CHECK(d::check_path_param("f", "a\x01")->message == "f: must not contain control characters");
    CHECK(d::check_path_param("f", "a\x7f")->kind == cfimages::ErrorKind::invalid_argument);
    CHECK_FALSE(d::check_path_param("f", "caf\xc3\xa9"));  // UTF-8 is fine, it gets encoded
    CHECK_FALSE(d::check_header_value("h", "a\tb"));
    CHECK(d::check_header_value("h", "a\rb"));
    CHECK(d::check_header_value("h", "a\nb"));
    CHECK(d::check_header_value("h", std::string("a\0b", 3)));
    CHECK(d::has_control("\t"));
    CHECK_FALSE(d::has_control("plain text"));
}

TEST_CASE("text: UUIDs") {
    CHECK(d::is_uuid("083eb7b2-5392-4565-b69e-aff66acddd00"));
    CHECK(d::is_uuid("083EB7B2-5392-4565-B69E-AFF66ACDDD00"));
    CHECK_FALSE(d::is_uuid("083eb7b2-5392-4565-b69e-aff66acddd0"));
    CHECK_FALSE(d::is_uuid("083eb7b2-5392-4565-b69e-aff66acddd000"));
    CHECK_FALSE(d::is_uuid("083eb7b2_5392-4565-b69e-aff66acddd00"));
    CHECK_FALSE(d::is_uuid("083eb7b2-5392-4565-b69e-aff66acdddzz"));
    CHECK_FALSE(d::is_uuid("083eb7b253924565b69eaff66acddd00"));
}

TEST_CASE("text: RFC 3339 parsing") {
    struct Row {
        const char* in;
        std::int64_t us;  // microseconds since the epoch; INT64_MIN: must fail
    };
    constexpr std::int64_t bad = std::numeric_limits<std::int64_t>::min();
    const std::vector<Row> rows = {
        {"1970-01-01T00:00:00Z", 0},
        {"2014-01-02T02:20:00.123Z", 1388629200123000},
        {"2014-01-02T02:20:00.5z", 1388629200500000},
        {"2024-08-06T12:00:00.123456789Z", 1722945600123456},
        {"2024-08-06T14:00:00+02:00", 1722945600000000},
        {"2024-08-06T10:30:00-01:30", 1722945600000000},
        {"2024-08-06 12:00:00Z", 1722945600000000},
        {"2024-02-29T00:00:00Z", 1709164800000000},
        {"1969-12-31T23:59:59Z", -1000000},
        {"2024-08-06T12:00:00", bad},
        {"2024-08-06T12:00:00.Z", bad},
        {"2024-08-06T12:00:00Zjunk", bad},
        {"2024-13-06T12:00:00Z", bad},
        {"2024-08-32T12:00:00Z", bad},
        {"2024-02-30T12:00:00Z", bad},
        {"2023-02-29T12:00:00Z", bad},
        {"2100-02-29T12:00:00Z", bad},
        {"2000-02-29T12:00:00Z", 951825600000000},
        {"2024-04-31T12:00:00Z", bad},
        {"2024-08-06T24:00:00Z", bad},
        {"2024-08-06T12:00:00+2:00", bad},
        {"2024-08-06T12:00:00+02", bad},
        {"2024-8-06T12:00:00Z", bad},
        {"", bad},
        {"2024", bad},
    };
    for (const Row& r : rows) {
        CAPTURE(r.in);
        auto tp = d::parse_rfc3339(r.in);
        if (r.us == bad) {
            CHECK_FALSE(tp.has_value());
        } else {
            REQUIRE(tp.has_value());
            CHECK(micros(*tp) == r.us);
        }
    }
}

TEST_CASE("text: RFC 3339 formatting, both directions") {
    using namespace std::chrono;
    const std::vector<std::pair<std::int64_t, const char*>> rows = {
        {0, "1970-01-01T00:00:00Z"},
        {1722947400000, "2024-08-06T12:30:00Z"},
        {1388629200123, "2014-01-02T02:20:00.123Z"},
        {-1, "1969-12-31T23:59:59.999Z"},
        {951782400000, "2000-02-29T00:00:00Z"},
    };
    for (const auto& row : rows) {
        const std::int64_t ms = row.first;
        const std::string text = row.second;
        CAPTURE(text);
        const system_clock::time_point tp{duration_cast<system_clock::duration>(milliseconds(ms))};
        CHECK(d::format_rfc3339(tp) == text);
        auto back = d::parse_rfc3339(text);
        REQUIRE(back);
        CHECK(*back == tp);
    }
}

TEST_CASE("text: one_line") {
    CHECK(d::one_line("") == "");
    CHECK(d::one_line("  a \r\n\t b  ") == "a b");
    CHECK(d::one_line("abcdef", 3) == "abc...");
    CHECK(d::one_line("abc", 3) == "abc");
    CHECK(d::one_line(std::string(10000, '\n')) == "");
}
