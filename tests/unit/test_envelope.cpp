// The envelope machinery on its own: error recovery from text, HTML and
// headers, Retry-After / retry-after-ms, and hostile input (huge, garbage,
// deep, truncated at every byte) that must never crash or throw.
#include <cfimages/detail/envelope.hpp>

#include <doctest/doctest.h>

#include <chrono>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include <cfimages/images.hpp>

namespace {

using cfimages::ErrorKind;
using cfimages::HttpResponse;

// A parser that accepts any object result.
cfimages::Result<cfimages::Deleted> parse_any(const HttpResponse& r) {
    return cfimages::detail::parse_envelope<cfimages::Deleted>(
        r, [](const boost::json::value&, const cfimages::detail::Path&) -> cfimages::Result<cfimages::Deleted> {
            return cfimages::Deleted{};
        });
}

HttpResponse resp(int status, cfimages::Headers h, std::string body) {
    HttpResponse r;
    r.status = status;
    r.headers = std::move(h);
    r.body = std::move(body);
    return r;
}

} // namespace

TEST_CASE("envelope: Retry-After and retry-after-ms") {
    using std::chrono::milliseconds;
    struct Row {
        cfimages::Headers headers;
        std::optional<milliseconds> expect;
    };
    const std::vector<Row> rows = {
        {{{"Retry-After", "30"}}, milliseconds(30000)},
        {{{"retry-after", " 0 "}}, milliseconds(0)},
        {{{"retry-after-ms", "1500"}}, milliseconds(1500)},
        {{{"Retry-After-Ms", "250.7"}}, milliseconds(250)},
        {{{"Retry-After", "30"}, {"retry-after-ms", "1500"}}, milliseconds(1500)},  // ms wins
        {{{"retry-after-ms", "soon"}, {"Retry-After", "2"}}, milliseconds(2000)},  // bad ms falls back
        {{{"Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT"}}, std::nullopt},        // dates need a clock
        {{{"Retry-After", "-5"}}, std::nullopt},
        {{{"Retry-After", "12abc"}}, std::nullopt},
        {{{"Retry-After", ""}}, std::nullopt},
        // One grammar with the retry policy (server_retry_delay): huge
        // values saturate at 100 days rather than overflowing.
        {{{"Retry-After", "999999999999999999"}}, milliseconds(100LL * 24 * 3600 * 1000)},
        {{{"Retry-After", "9999999999999999999999"}}, milliseconds(100LL * 24 * 3600 * 1000)},
        {{{"Retry-After", "1.5"}}, milliseconds(1500)},
        {{}, std::nullopt},
    };
    for (int status : {429, 503}) {
        for (const Row& row : rows) {
            CAPTURE(status);
            CAPTURE(row.headers.empty() ? std::string() : row.headers[0].value);
            for (const std::string& body :
                 {std::string(R"({"success":false,"errors":[{"code":971,"message":"Please wait"}]})"),
                  std::string("Too many"), std::string()}) {
                auto r = parse_any(resp(status, row.headers, body));
                REQUIRE_FALSE(r);
                CHECK(r.error().kind == ErrorKind::api);
                CHECK(r.error().retry_after == row.expect);
            }
        }
    }
}

TEST_CASE("envelope: text bodies and the cf-images header") {
    struct Row {
        int status;
        cfimages::Headers headers;
        std::string body;
        std::int64_t code;
        std::string message;
    };
    const std::vector<Row> rows = {
        {404, {}, "ERROR 5404: Image not found", 5404, "Image not found"},
        {404, {}, "error 5404: Image not found\r\nmore lines\r\n", 5404, "Image not found"},
        {404, {}, "ERROR: 5404: Image not found", 5404, "Image not found"},
        {404, {}, "ERROR 5404", 5404, "HTTP 404 Not Found"},
        {404, {}, "ERROR 5404:", 5404, "HTTP 404 Not Found"},
        {404, {}, "ERROR ", 0, "ERROR"},
        {404, {}, "ERROR", 0, "ERROR"},
        {404, {}, "ERROR 99999999999999999999999: big", 999999999999999999, "big"},
        {404, {{"cf-images", "err=5404"}}, "", 5404, "HTTP 404 Not Found"},
        // Cloudflare's edge: `error code: NNNN` (1015 rate limited, 1020 access denied).
        {429, {}, "error code: 1015", 1015, "HTTP 429 Too Many Requests"},
        {429, {}, "Error Code: 1015\n", 1015, "HTTP 429 Too Many Requests"},
        {403, {}, "error code: 1020", 1020, "HTTP 403 Forbidden"},
        {403, {}, "error code 1020: Access denied", 1020, "Access denied"},
        {403, {}, "error code: none", 0, "none"},
        {404, {{"CF-Images", "err=5404"}}, "Not here", 5404, "Not here"},
        {415, {{"cf-images", "err=5415; desc=bad"}}, "ERROR 5415: Unsupported image type", 5415, "Unsupported image type"},
        {404, {{"cf-images", "err="}}, "", 0, "HTTP 404 Not Found with an empty body"},
        {404, {{"cf-images", "garbage"}}, "", 0, "HTTP 404 Not Found with an empty body"},
        {418, {}, "", 0, "HTTP 418 with an empty body"},
        {502, {}, "<HTML><HEAD><TITLE>x</TITLE></HEAD></HTML>", 0, "HTTP 502 Bad Gateway (HTML body: x)"},
        {502, {}, "<?xml version=\"1.0\"?><Error/>", 0, "HTTP 502 Bad Gateway (HTML body)"},
        {502, {}, "<html><title>\n  Bad\tgateway \n</title>", 0, "HTTP 502 Bad Gateway (HTML body: Bad gateway)"},
        {502, {}, "<html><title>unterminated", 0, "HTTP 502 Bad Gateway (HTML body)"},
    };
    for (const Row& row : rows) {
        CAPTURE(row.body);
        auto r = parse_any(resp(row.status, row.headers, row.body));
        REQUIRE_FALSE(r);
        CHECK(r.error().kind == ErrorKind::api);
        CHECK(r.error().http_status == row.status);
        CHECK(r.error().code() == row.code);
        CHECK(r.error().message == row.message);
    }
}

TEST_CASE("envelope: long server text is cut to one line") {
    auto r = parse_any(resp(500, {}, std::string(100000, 'x') + "\n" + std::string(10, 'y')));
    REQUIRE_FALSE(r);
    CHECK(r.error().message.size() <= 210);
    CHECK(r.error().message.find('\n') == std::string::npos);
    r = parse_any(resp(400, {}, R"({"success":false,"errors":[{"code":1,"message":")" + std::string(5000, 'm') + "\"}]}"));
    REQUIRE_FALSE(r);
    CHECK(r.error().message.size() <= 310);
}

TEST_CASE("envelope: codes of every JSON type") {
    struct Row {
        std::string code;
        std::int64_t expect;
    };
    const std::vector<Row> rows = {
        {"5404", 5404}, {"\"5404\"", 5404}, {"\" 5404 \"", 5404}, {"5404.0", 5404}, {"\"abc\"", 0},
        {"-1", -1},     {"null", 0},        {"true", 0},          {"[]", 0},         {"1e300", 0},
        {"18446744073709551615", 0},        {"-1e10", 0},
    };
    for (const Row& row : rows) {
        CAPTURE(row.code);
        auto r = parse_any(resp(400, {}, R"({"success":false,"errors":[{"code":)" + row.code + R"(,"message":"m"}]})"));
        REQUIRE_FALSE(r);
        CHECK(r.error().code() == row.expect);
    }
}

TEST_CASE("envelope: hostile input never crashes, throws or hangs") {
    const std::string good =
        R"({"success":true,"errors":[],"messages":[],"result":{"id":"a","filename":"f","meta":{"k":[1,2,{"x":null}]},)"
        R"("requireSignedURLs":true,"uploaded":"2024-01-01T00:00:00Z","variants":["u"]}})";
    cfimages::Config cfg;
    cfg.account_id = "a";
    cfg.credentials = cfimages::ApiToken{"t"};
    auto req = cfimages::v1::get(cfg, "a");
    REQUIRE(req);
    // Every prefix of a good body, under 200 and 404.
    for (std::size_t n = 0; n <= good.size(); ++n) {
        for (int status : {200, 404}) {
            CAPTURE(n);
            auto r = req->parse(resp(status, {}, good.substr(0, n)));
            CHECK(r.has_value() == (n == good.size() && status == 200));
            if (!r) CHECK_FALSE(r.error().message.empty());
        }
    }
    // Garbage bytes, NULs, invalid UTF-8, a huge body, deep nesting.
    std::string garbage;
    std::uint32_t x = 12345;
    for (int i = 0; i < 200000; ++i) {
        x = x * 1664525u + 1013904223u;
        garbage.push_back(static_cast<char>(x >> 24));
    }
    const std::vector<std::string> bodies = {
        garbage,
        "{" + garbage,
        std::string(1, '\0'),
        "\xff\xfe{\"success\":true}",
        "{\"success\":true,\"result\":\"\xc3\x28\"}",
        std::string(3u * 1024u * 1024u, '{'),
        std::string(64, '[') + std::string(64, ']'),
        "{\"success\":true,\"result\":" + std::string(70, '[') + std::string(70, ']') + "}",
        "{\"success\":false,\"errors\":" + std::string(100, '[') + "}",
        "ERROR " + std::string(100000, '9'),
        "<html><title>" + std::string(100000, 't'),
    };
    for (const std::string& b : bodies) {
        for (int status : {200, 204, 400, 502}) {
            auto r = req->parse(resp(status, {{"cf-images", "err=" + std::string(40, '9')}, {"retry-after", b.substr(0, 30)}}, b));
            REQUIRE_FALSE(r);
            CHECK(r.error().kind == (status < 300 ? ErrorKind::decode : ErrorKind::api));
            CHECK(r.error().message.find('\n') == std::string::npos);
        }
    }
}
