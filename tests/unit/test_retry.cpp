// Tests for the retry policy as a pure function: every row is one set of
// inputs and the decision it must produce.
#include <cfimages/retry.hpp>

#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <vector>

namespace {

using std::chrono::milliseconds;
using std::chrono::system_clock;

// A fixed "now": Sun, 06 Nov 1994 08:49:37 GMT.
const system_clock::time_point kNow = system_clock::time_point(std::chrono::seconds(784111777));

cfimages::HttpResponse response(int status, cfimages::Headers headers = {}) {
    cfimages::HttpResponse r;
    r.status = status;
    r.headers = std::move(headers);
    return r;
}

struct Row {
    const char* name;
    int status;
    cfimages::Headers headers;
    int attempt;
    bool idempotent;
    double jitter;
    cfimages::RetryDecision want;
};

} // namespace

TEST_CASE("retry: decisions on responses (default policy: 2 retries, 500 ms base, 8 s cap, 0.25 jitter)") {
    const cfimages::RetryPolicy policy;
    const std::vector<Row> rows = {
        {"200 never", 200, {}, 0, true, 0.0, {false, milliseconds(0)}},
        {"204 never", 204, {}, 0, true, 0.0, {false, milliseconds(0)}},
        {"400 no", 400, {}, 0, true, 0.0, {false, milliseconds(0)}},
        {"404 no", 404, {}, 0, true, 0.0, {false, milliseconds(0)}},
        {"302 no", 302, {}, 0, true, 0.0, {false, milliseconds(0)}},
        {"408 yes", 408, {}, 0, true, 0.0, {true, milliseconds(500)}},
        {"409 yes", 409, {}, 0, true, 0.0, {true, milliseconds(500)}},
        {"429 yes", 429, {}, 0, true, 0.0, {true, milliseconds(500)}},
        {"500 yes", 500, {}, 0, true, 0.0, {true, milliseconds(500)}},
        {"503 second retry doubles", 503, {}, 1, true, 0.0, {true, milliseconds(1000)}},
        {"599 yes", 599, {}, 0, true, 0.0, {true, milliseconds(500)}},
        {"600 no", 600, {}, 0, true, 0.0, {false, milliseconds(0)}},
        {"attempts exhausted", 503, {}, 2, true, 0.0, {false, milliseconds(0)}},
        {"negative attempt", 503, {}, -1, true, 0.0, {false, milliseconds(0)}},
        {"jitter shortens by up to 25%", 500, {}, 0, true, 0.5, {true, milliseconds(437)}},
        {"jitter near 1", 500, {}, 1, true, 0.999, {true, milliseconds(750)}},
        {"jitter out of range is clamped", 500, {}, 0, true, 7.0, {true, milliseconds(375)}},
        {"negative jitter is clamped", 500, {}, 0, true, -1.0, {true, milliseconds(500)}},
        {"non-idempotent 503 not retried", 503, {}, 0, false, 0.0, {false, milliseconds(0)}},
        {"non-idempotent 429 not retried", 429, {{"retry-after", "1"}}, 0, false, 0.0, {false, milliseconds(0)}},
        {"x-should-retry true on 400", 400, {{"x-should-retry", "true"}}, 0, true, 0.0, {true, milliseconds(500)}},
        {"x-should-retry TRUE any case", 400, {{"X-Should-Retry", "TRUE"}}, 0, true, 0.0, {true, milliseconds(500)}},
        {"x-should-retry false on 503", 503, {{"x-should-retry", "false"}}, 0, true, 0.0, {false, milliseconds(0)}},
        {"x-should-retry garbage ignored", 503, {{"x-should-retry", "maybe"}}, 0, true, 0.0, {true, milliseconds(500)}},
        {"x-should-retry true still bounded", 400, {{"x-should-retry", "true"}}, 2, true, 0.0, {false, milliseconds(0)}},
        {"x-should-retry true on 2xx ignored", 200, {{"x-should-retry", "true"}}, 0, true, 0.0, {false, milliseconds(0)}},
        {"retry-after-ms", 429, {{"retry-after-ms", "250"}}, 0, true, 0.9, {true, milliseconds(250)}},
        {"retry-after-ms fraction", 429, {{"retry-after-ms", "12.7"}}, 0, true, 0.0, {true, milliseconds(12)}},
        {"retry-after-ms beats retry-after", 429, {{"retry-after", "5"}, {"retry-after-ms", "100"}}, 0, true, 0.0, {true, milliseconds(100)}},
        {"invalid retry-after-ms falls to retry-after", 429, {{"retry-after-ms", "soon"}, {"retry-after", "3"}}, 0, true, 0.0, {true, milliseconds(3000)}},
        {"retry-after seconds", 503, {{"Retry-After", "2"}}, 0, true, 0.9, {true, milliseconds(2000)}},
        {"retry-after 0", 429, {{"retry-after", "0"}}, 0, true, 0.0, {true, milliseconds(0)}},
        {"retry-after fractional seconds", 429, {{"retry-after", "1.5"}}, 0, true, 0.0, {true, milliseconds(1500)}},
        {"retry-after padded", 429, {{"retry-after", " 1 "}}, 0, true, 0.0, {true, milliseconds(1000)}},
        {"retry-after capped at max_delay", 429, {{"retry-after", "120"}}, 0, true, 0.0, {true, milliseconds(8000)}},
        {"retry-after huge saturates then capped", 429, {{"retry-after", "99999999999999999999999"}}, 0, true, 0.0, {true, milliseconds(8000)}},
        {"retry-after-ms capped", 429, {{"retry-after-ms", "60000"}}, 0, true, 0.0, {true, milliseconds(8000)}},
        {"retry-after negative ignored", 429, {{"retry-after", "-3"}}, 0, true, 0.0, {true, milliseconds(500)}},
        {"retry-after garbage ignored", 429, {{"retry-after", "soon"}}, 0, true, 0.0, {true, milliseconds(500)}},
        {"retry-after empty ignored", 429, {{"retry-after", ""}}, 0, true, 0.0, {true, milliseconds(500)}},
        {"retry-after lone dot ignored", 429, {{"retry-after", "."}}, 0, true, 0.0, {true, milliseconds(500)}},
        {"retry-after HTTP date 3 s ahead", 503, {{"retry-after", "Sun, 06 Nov 1994 08:49:40 GMT"}}, 0, true, 0.0, {true, milliseconds(3000)}},
        {"retry-after HTTP date in the past", 503, {{"retry-after", "Sun, 06 Nov 1994 08:49:00 GMT"}}, 0, true, 0.0, {true, milliseconds(0)}},
        {"retry-after HTTP date far ahead capped", 503, {{"retry-after", "Mon, 07 Nov 1994 08:49:37 GMT"}}, 0, true, 0.0, {true, milliseconds(8000)}},
        {"retry-after RFC 850 date not accepted", 503, {{"retry-after", "Sunday, 06-Nov-94 08:49:40 GMT"}}, 0, true, 0.0, {true, milliseconds(500)}},
        {"retry-after does not make 400 retryable", 400, {{"retry-after", "1"}}, 0, true, 0.0, {false, milliseconds(0)}},
    };
    for (const Row& row : rows) {
        CAPTURE(row.name);
        const auto got = cfimages::decide_retry(policy, response(row.status, row.headers), row.attempt,
                                                row.idempotent, kNow, row.jitter);
        CHECK(got.retry == row.want.retry);
        CHECK(got.delay.count() == row.want.delay.count());
    }
}

TEST_CASE("retry: backoff grows exponentially up to the cap") {
    cfimages::RetryPolicy policy;
    policy.max_retries = 10;
    const std::vector<std::pair<int, long long>> rows = {
        {0, 500}, {1, 1000}, {2, 2000}, {3, 4000}, {4, 8000}, {5, 8000}, {9, 8000}};
    for (const auto& row : rows) {
        const int attempt = row.first;
        const long long want = row.second;
        CAPTURE(attempt);
        CHECK(cfimages::backoff_delay(policy, attempt, 0.0).count() == want);
        CHECK(cfimages::decide_retry(policy, response(500), attempt, true, kNow, 0.0).delay.count() == want);
    }
    // A huge attempt number cannot overflow.
    CHECK(cfimages::backoff_delay(policy, 1000000, 0.0).count() == 8000);
    policy.jitter_ratio = 0.0;
    CHECK(cfimages::backoff_delay(policy, 0, 0.99).count() == 500);
    policy.jitter_ratio = 5.0; // clamped to 1: full jitter
    CHECK(cfimages::backoff_delay(policy, 0, 0.5).count() == 250);
    policy.base_delay = milliseconds(-5);
    CHECK(cfimages::backoff_delay(policy, 3, 0.0).count() == 0);
}

TEST_CASE("retry: policy options") {
    cfimages::RetryPolicy policy;
    SUBCASE("max_retries = 0 disables retrying") {
        policy.max_retries = 0;
        CHECK_FALSE(cfimages::decide_retry(policy, response(503), 0, true, kNow, 0.0).retry);
        CHECK_FALSE(cfimages::decide_retry(policy, cfimages::ApiError::make(cfimages::ErrorKind::transport, "x"),
                                           0, true, 0.0).retry);
    }
    SUBCASE("retry_non_idempotent opts uploads in") {
        policy.retry_non_idempotent = true;
        const auto d = cfimages::decide_retry(policy, response(429, {{"retry-after", "1"}}), 0, false, kNow, 0.0);
        CHECK(d.retry);
        CHECK(d.delay == milliseconds(1000));
    }
    SUBCASE("a small cap bounds server waits") {
        policy.max_delay = milliseconds(50);
        CHECK(cfimages::decide_retry(policy, response(429, {{"retry-after", "30"}}), 0, true, kNow, 0.0).delay ==
              milliseconds(50));
        CHECK(cfimages::decide_retry(policy, response(429), 1, true, kNow, 0.0).delay == milliseconds(50));
    }
}

TEST_CASE("retry: decisions on errors without a response") {
    const cfimages::RetryPolicy policy;
    using cfimages::ErrorKind;
    struct ErrRow {
        ErrorKind kind;
        int attempt;
        bool idempotent;
        bool retry;
        long long delay;
    };
    const std::vector<ErrRow> rows = {
        {ErrorKind::transport, 0, true, true, 500},
        {ErrorKind::transport, 1, true, true, 1000},
        {ErrorKind::transport, 2, true, false, 0},
        {ErrorKind::transport, 0, false, false, 0},
        {ErrorKind::api, 0, true, false, 0},
        {ErrorKind::decode, 0, true, false, 0},
        {ErrorKind::invalid_argument, 0, true, false, 0},
    };
    for (const ErrRow& row : rows) {
        CAPTURE(cfimages::to_string(row.kind));
        CAPTURE(row.attempt);
        const auto d = cfimages::decide_retry(policy, cfimages::ApiError::make(row.kind, "failed"), row.attempt,
                                              row.idempotent, 0.0);
        CHECK(d.retry == row.retry);
        CHECK(d.delay.count() == row.delay);
    }
}

TEST_CASE("retry: parse_http_date") {
    using cfimages::parse_http_date;
    REQUIRE(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").has_value());
    CHECK(*parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT") == kNow);
    CHECK(*parse_http_date("Thu, 01 Jan 1970 00:00:00 GMT") == system_clock::time_point{});
    CHECK(*parse_http_date("Tue, 29 Feb 2000 00:00:00 GMT") ==
          system_clock::time_point(std::chrono::seconds(951782400)));
    CHECK(*parse_http_date("Fri, 31 Dec 2038 23:59:59 GMT") ==
          system_clock::time_point(std::chrono::seconds(2177452799)));
    const char* bad[] = {
        "",
        "Sun, 06 Nov 1994 08:49:37 UTC",
        "Sun, 06 Nov 1994 08:49:37 GMT ",
        "Xyz, 06 Nov 1994 08:49:37 GMT",
        "Sun, 06 Foo 1994 08:49:37 GMT",
        "Sun, 32 Jan 1994 08:49:37 GMT",
        "Sun, 00 Jan 1994 08:49:37 GMT",
        "Sun, 29 Feb 1900 08:49:37 GMT",
        "Sun, 31 Apr 1994 08:49:37 GMT",
        "Sun, 06 Nov 1994 24:49:37 GMT",
        "Sun, 06 Nov 1994 08:60:37 GMT",
        "Sun, 06 Nov 1994 08:49:61 GMT",
        "Sun, 06 Nov 19a4 08:49:37 GMT",
        "Sun 06 Nov 1994 08:49:37 GMTx",
        "Sun Nov  6 08:49:37 1994",
        "Sunday, 06-Nov-94 08:49:37 GMT",
    };
    for (const char* s : bad) {
        CAPTURE(s);
        CHECK_FALSE(parse_http_date(s).has_value());
    }
}

TEST_CASE("retry: server_retry_delay reads the headers in order") {
    using cfimages::server_retry_delay;
    CHECK_FALSE(server_retry_delay(response(429), kNow).has_value());
    CHECK(*server_retry_delay(response(429, {{"Retry-After-Ms", "7"}}), kNow) == milliseconds(7));
    CHECK(*server_retry_delay(response(429, {{"Retry-After", "Sun, 06 Nov 1994 08:49:38 GMT"}}), kNow) ==
          milliseconds(1000));
    // Uncapped here: the cap belongs to decide_retry.
    CHECK(*server_retry_delay(response(429, {{"Retry-After", "3600"}}), kNow) == milliseconds(3600000));
}
