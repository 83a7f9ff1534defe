// Tests for the pure rate limiter (cfimages/rate_limit.hpp): known quotas,
// what it learns from Ratelimit headers and 429s, what it ignores, and a
// simulated server that allows 100 requests/s, answering in 40 ms, driven
// by 16 concurrent callers in virtual time.
#include <cfimages/batch_tokens.hpp>
#include <cfimages/cfimages.hpp>
#include <cfimages/rate_limit.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <deque>
#include <queue>
#include <string>
#include <vector>

namespace {

using cfimages::CallClock;
using cfimages::HttpRequest;
using cfimages::HttpResponse;
using cfimages::RateKey;
using cfimages::RateLimiter;
using cfimages::RateLimitOptions;
using std::chrono::milliseconds;
using std::chrono::seconds;

const CallClock::time_point t0 = CallClock::time_point(seconds(5000));

RateKey key_for(const std::string& url, const std::string& token) {
    static std::deque<HttpRequest> keep; // the key's host views the request URL
    HttpRequest r;
    r.url = url;
    r.headers = {{"Authorization", "Bearer " + token}};
    keep.push_back(r);
    return cfimages::rate_key(*cfimages::split_url(keep.back().url), keep.back());
}

HttpResponse answer(int status, cfimages::Headers headers = {}) {
    HttpResponse r;
    r.status = status;
    r.headers = std::move(headers);
    return r;
}

// How many of `n` requests at `now` the limiter lets through at once.
int admitted_now(RateLimiter& l, const RateKey& k, CallClock::time_point now, int n) {
    int ok = 0;
    for (int i = 0; i < n; ++i)
        if (l.acquire(k, now) == CallClock::duration::zero()) ++ok;
    return ok;
}

} // namespace

TEST_CASE("rate limit: Cloudflare's documented limits by host, per credential") {
    RateLimiter l;
    const auto api = key_for("https://api.cloudflare.com/client/v4/accounts/a/images/v1", "t1");
    const auto api_upper = key_for("https://API.Cloudflare.com/client/v4/x", "t1");
    const auto api_other = key_for("https://api.cloudflare.com/client/v4/x", "t2");
    const auto batch = key_for("https://batch.imagedelivery.net/images/v1", "b1");
    const auto local = key_for("http://127.0.0.1:8080/x", "t1");
    CHECK(api.id == api_upper.id);
    CHECK(api.id != api_other.id);
    CHECK(l.quotas(api) == std::vector<cfimages::RateLimit>{{1200, seconds(300)}});
    CHECK(l.quotas(batch) == std::vector<cfimages::RateLimit>{{200, seconds(1)}});
    CHECK(l.quotas(local).empty());
    // 1,200 per 5 minutes, 95 % headroom: 1,140 in any 300 s, the first tenth at once.
    CHECK(admitted_now(l, api, t0, 500) == 114);
    // Spread: the rest come one per 300 s / 1140.
    auto now = t0;
    int sent = 114;
    while (now < t0 + seconds(300)) {
        const auto w = l.acquire(api, now);
        if (w == CallClock::duration::zero()) ++sent;
        else now += w;
    }
    CHECK(sent <= 1140);
    CHECK(sent >= 1130);
    // Another credential has its own budget; an unknown host is unlimited.
    CHECK(admitted_now(l, api_other, t0, 200) == 114);
    CHECK(admitted_now(l, local, t0, 5000) == 5000);
}

TEST_CASE("rate limit: the sliding window holds for any window, also after bursts") {
    RateLimitOptions o;
    o.rules = {{"h.example", {10, seconds(1)}}};
    o.headroom = 1.0;
    o.burst = 1.0; // no spreading: only the window
    RateLimiter l(o);
    const auto k = key_for("https://h.example/x", "t");
    std::vector<CallClock::time_point> sends;
    auto now = t0;
    while (sends.size() < 100) {
        const auto w = l.acquire(k, now);
        if (w == CallClock::duration::zero()) sends.push_back(now);
        else now += w;
        now += milliseconds(3);
    }
    for (std::size_t i = 10; i < sends.size(); ++i) CHECK(sends[i] - sends[i - 10] >= seconds(1));
}

TEST_CASE("rate limit: learns quotas from Ratelimit-Policy and budgets from Ratelimit") {
    RateLimiter l;
    const auto k = key_for("http://localhost:9/x", "t");
    CHECK(l.quotas(k).empty());
    l.observe(k, answer(200, {{"Ratelimit-Policy", R"("burst";q=100;w=60, "daily";q=5000;w=86400)"}}), t0);
    CHECK(l.quotas(k) == std::vector<cfimages::RateLimit>{{100, seconds(60)}, {5000, seconds(86400)}});
    // The unquoted token form and extra parameters are fine too.
    l.observe(k, answer(200, {{"RateLimit-Policy", "default;q=20;w=1;comment=\"x\""}}), t0);
    CHECK(l.quotas(k) == std::vector<cfimages::RateLimit>{{20, seconds(1)}});

    // r=0: nothing until t seconds have passed.
    const auto k2 = key_for("http://localhost:9/y", "other");
    l.observe(k2, answer(200, {{"Ratelimit", R"("default";r=0;t=30)"}}), t0);
    CHECK(l.acquire(k2, t0) == seconds(30));
    CHECK(l.acquire(k2, t0 + seconds(30)) == CallClock::duration::zero());
    // r=2: two more; then, while their answers are awaited, ask again
    // soon (20 ms here: no quota gives a longer pacing interval).
    const auto k3 = key_for("http://localhost:9/z", "third");
    l.observe(k3, answer(200, {{"ratelimit", R"("default";r=2;t=10)"}}), t0);
    CHECK(admitted_now(l, k3, t0 + milliseconds(1), 1) == 1);
    CHECK(admitted_now(l, k3, t0 + milliseconds(2), 1) == 1);
    CHECK(l.acquire(k3, t0 + seconds(1)) == milliseconds(20));
    // The answer to the first of those two says r=1: the request sent
    // after it is taken off, so nothing is left.
    l.observe(k3, answer(200, {{"ratelimit", R"("default";r=1;t=9)"}}), t0 + seconds(1), t0 + milliseconds(1));
    CHECK(l.acquire(k3, t0 + seconds(1)) == milliseconds(20));
    // An answer older than the one read (sent before t0) changes nothing.
    l.observe(k3, answer(200, {{"ratelimit", R"("default";r=50;t=9)"}}), t0 + seconds(1), t0 - seconds(1));
    CHECK(l.acquire(k3, t0 + seconds(1)) == milliseconds(20));
    // A fresh answer with room lets requests go again; the reset ends it all.
    l.observe(k3, answer(200, {{"ratelimit", R"("default";r=3;t=9)"}}), t0 + seconds(2), t0 + seconds(2));
    CHECK(admitted_now(l, k3, t0 + seconds(2), 5) == 3);
    CHECK(admitted_now(l, k3, t0 + seconds(12), 5) == 5);
}

TEST_CASE("rate limit: unknown or malformed values are ignored, never an error") {
    RateLimiter l;
    const auto k = key_for("http://localhost:9/x", "t");
    for (const char* v : {"", "garbage", "q=abc;w=1", "\"x\";q=;w=", "\"x\";q=10", "\"x\";w=10", ";;;,,,",
                          "\"unterminated;q=5;w=5", "\"x\";q=-5;w=1", "\"x\";q=99999999999999999999;w=1",
                          "\"x\";q=0;w=10", "\"x\";Q=5;W=5"}) {
        CAPTURE(v);
        l.observe(k, answer(200, {{"Ratelimit-Policy", v}, {"Ratelimit", v}}), t0);
        CHECK(l.quotas(k).empty());
        CHECK(l.acquire(k, t0) == CallClock::duration::zero());
    }
}

TEST_CASE("rate limit: a 429 blocks the budget for retry-after, Ratelimit's t, or a second") {
    RateLimiter l;
    const auto a = key_for("http://localhost:9/a", "a");
    l.observe(a, answer(429, {{"Retry-After", "12"}}), t0);
    CHECK(l.acquire(a, t0) == seconds(12));
    const auto b = key_for("http://localhost:9/b", "b");
    l.observe(b, answer(429, {{"Ratelimit", R"("default";r=0;t=4)"}}), t0);
    CHECK(l.acquire(b, t0) == seconds(4));
    const auto c = key_for("http://localhost:9/c", "c");
    l.observe(c, answer(429), t0);
    CHECK(l.acquire(c, t0) == seconds(1));
    const auto d = key_for("http://localhost:9/d", "d");
    l.observe(d, answer(429, {{"Date", "Sun, 06 Nov 1994 08:49:37 GMT"},
                              {"Retry-After", "Sun, 06 Nov 1994 08:49:42 GMT"}}), t0);
    CHECK(l.acquire(d, t0) == seconds(5));
    // Other budgets are untouched.
    CHECK(l.acquire(key_for("http://localhost:9/e", "e"), t0) == CallClock::duration::zero());
}

TEST_CASE("rate limit: turned off, it never waits") {
    RateLimitOptions o;
    o.enabled = false;
    RateLimiter l(o);
    const auto k = key_for("https://api.cloudflare.com/client/v4/x", "t");
    l.observe(k, answer(429, {{"Retry-After", "60"}}), t0);
    CHECK(admitted_now(l, k, t0, 5000) == 5000);
}

namespace {

// A server that allows `quota` requests in any sliding window of one
// second, answers `latency` after a request arrives, and tells its
// callers as Cloudflare does (Ratelimit-Policy, Ratelimit, retry-after).
struct SimServer {
    int quota = 100;
    milliseconds latency{40};
    std::deque<CallClock::time_point> accepted; // arrivals inside the window
    int ok = 0;
    int refused = 0;

    HttpResponse handle(CallClock::time_point at) {
        while (!accepted.empty() && accepted.front() <= at - seconds(1)) accepted.pop_front();
        HttpResponse r;
        const auto reset = [&] {
            if (accepted.empty()) return std::int64_t{1};
            const auto left = accepted.front() + seconds(1) - at;
            return std::max<std::int64_t>(1, std::chrono::ceil<seconds>(left).count());
        };
        if (static_cast<int>(accepted.size()) >= quota) {
            ++refused;
            r.status = 429;
            r.headers = {{"Retry-After", std::to_string(reset())},
                         {"Ratelimit", "\"default\";r=0;t=" + std::to_string(reset())},
                         {"Ratelimit-Policy", "\"default\";q=" + std::to_string(quota) + ";w=1"}};
            return r;
        }
        accepted.push_back(at);
        ++ok;
        r.status = 200;
        r.headers = {{"Ratelimit", "\"default\";r=" + std::to_string(quota - static_cast<int>(accepted.size())) +
                                       ";t=" + std::to_string(reset())},
                     {"Ratelimit-Policy", "\"default\";q=" + std::to_string(quota) + ";w=1"}};
        return r;
    }
};

} // namespace

namespace {

struct SimOutcome {
    double rate = 0;           // accepted requests per second
    double refused_share = 0;  // share of requests refused with 429
    int stalls = 0;            // answers saying r=0 (every caller stops until the reset)
    int late_stalls = 0;       // ... after the first two seconds
};

// 16 callers for 30 s: each asks the limiter, waits if told to, sends, gets
// the answer `latency` later, repeats; events in time order. A request
// reaches the server `arrival(first)` after the limiter let it go (`first`:
// the caller's first request, which opens a connection). Answers are
// observed with the time the request was let go, as CallMachine does.
template <class Arrival>
SimOutcome simulate_16_callers(Arrival arrival) {
    SimServer server;
    RateLimiter limiter; // no rule for this host: everything is learned
    const auto k = key_for("http://127.0.0.1:8080/x", "token");
    struct Event {
        CallClock::time_point at;
        int caller;
        bool answer; // false: the caller is ready to send
        bool operator>(const Event& o) const { return at > o.at; }
    };
    std::priority_queue<Event, std::vector<Event>, std::greater<Event>> events;
    for (int c = 0; c < 16; ++c) events.push({t0, c, false});
    const auto end = t0 + seconds(30);
    std::vector<HttpResponse> pending(16);
    std::vector<CallClock::time_point> sent_at(16);
    std::vector<bool> connected(16, false);
    SimOutcome out;
    while (!events.empty()) {
        Event e = events.top();
        events.pop();
        if (e.at >= end) break;
        const auto c = static_cast<std::size_t>(e.caller);
        if (e.answer) {
            const auto limit = pending[c].header("ratelimit");
            if (limit && limit->find("r=0;") != std::string_view::npos) {
                ++out.stalls;
                if (e.at > t0 + seconds(2)) ++out.late_stalls;
            }
            limiter.observe(k, pending[c], e.at, sent_at[c]);
            events.push({e.at, e.caller, false});
            continue;
        }
        const auto wait = limiter.acquire(k, e.at);
        if (wait > CallClock::duration::zero()) {
            events.push({e.at + wait, e.caller, false});
            continue;
        }
        sent_at[c] = e.at;
        const auto arrives = e.at + arrival(!connected[c]);
        connected[c] = true;
        pending[c] = server.handle(arrives);
        events.push({arrives + server.latency, e.caller, true});
    }
    out.rate = server.ok / 30.0;
    out.refused_share = static_cast<double>(server.refused) / (server.ok + server.refused);
    return out;
}

} // namespace

TEST_CASE("rate limit: 16 callers against a server allowing 100/s keep >= 90 % of the rate, <= 5 % refused") {
    // Loopback: a request arrives the moment it is let go.
    const SimOutcome o = simulate_16_callers([](bool) { return CallClock::duration::zero(); });
    MESSAGE("simulated: " << o.rate << " ok/s of 100 allowed, " << o.refused_share * 100 << " % refused");
    CHECK(o.rate >= 90.0);
    CHECK(o.rate <= 100.0);
    CHECK(o.refused_share <= 0.05);
}

TEST_CASE("rate limit: requests that reach the server a little late do not fill its window") {
    // A first request opens a connection (12 ms) and every request spends
    // 0.1 to 2 ms on the wire: the server counts each a little after the limiter
    // let it go. Refilling freed slots at the instant they free would meet
    // their predecessors still counted there: r=0, and a one-second stall.
    // The very first window may still fill once: its requests were let go
    // before any connection was open and before the quota was known.
    int n = 0;
    const SimOutcome o = simulate_16_callers([&n](bool first) {
        // 0.1 to 2 ms on the wire, varying from request to request.
        const auto wire = std::chrono::microseconds(100 + (n++ * 7919) % 1900);
        return std::chrono::duration_cast<CallClock::duration>(first ? milliseconds(12) + wire : wire);
    });
    MESSAGE("simulated: " << o.rate << " ok/s of 100 allowed, " << o.stalls << " r=0 answers");
    CHECK(o.rate >= 90.0);
    CHECK(o.refused_share <= 0.05);
    CHECK(o.stalls <= 1);
    CHECK(o.late_stalls == 0);
}


TEST_CASE("batch tokens: the pool hands out valid tokens in turn and wants renewals in time") {
    using std::chrono::system_clock;
    const auto now = system_clock::time_point(std::chrono::hours(24 * 365 * 50));
    cfimages::BatchTokenOptions o;
    o.size = 2;
    o.renew_before = std::chrono::seconds(60);
    cfimages::BatchTokenPool pool(o);
    CHECK(pool.wanted(now) == 2);
    CHECK_FALSE(pool.pick(now));
    pool.add({"a", now + std::chrono::minutes(10)});
    pool.add({"b", now + std::chrono::minutes(2)});
    pool.add({"a", now + std::chrono::minutes(10)}); // already held
    CHECK(pool.size() == 2);
    CHECK(pool.wanted(now) == 0);
    CHECK(*pool.pick(now) == "a");
    CHECK(*pool.pick(now) == "b");
    CHECK(*pool.pick(now) == "a");
    CHECK(pool.next_renewal() == now + std::chrono::minutes(1));
    // A minute before b expires it is no longer handed out, and a new grant is wanted.
    const auto later = now + std::chrono::seconds(61);
    CHECK(pool.wanted(later) == 1);
    CHECK(*pool.pick(later) == "a");
    CHECK(*pool.pick(later) == "a");
    pool.drop("a");
    CHECK_FALSE(pool.pick(later));
    CHECK(pool.wanted(later) == 2);
}

TEST_CASE("batch tokens: batch_request rewrites exactly the calls the batch host takes") {
    cfimages::Config cfg;
    cfg.account_id = "023e105f4ecef8ad9ca31a8372d0c353";
    cfg.credentials = cfimages::ApiKey{"me@example.com", "global-key"};
    auto get = cfimages::v1::get(cfg, "img-1");
    REQUIRE(get);
    auto http = get->http;
    REQUIRE(cfimages::batch_request(http, "bt"));
    CHECK(http.url == "https://batch.imagedelivery.net/images/v1/img-1");
    CHECK(http.header("authorization").value_or("") == "Bearer bt");
    CHECK_FALSE(http.header("x-auth-key"));
    CHECK_FALSE(http.header("x-auth-email"));
    cfimages::v2::ListParams lp;
    lp.per_page = 10;
    auto list = cfimages::v2::list(cfg, lp);
    REQUIRE(list);
    http = list->http;
    REQUIRE(cfimages::batch_request(http, "bt", "http://127.0.0.1:9"));
    CHECK(http.url == "http://127.0.0.1:9/images/v2?per_page=10");
    auto stats = cfimages::v1::stats::get(cfg);
    REQUIRE(stats);
    auto sh = stats->http;
    CHECK_FALSE(cfimages::batch_request(sh, "bt"));
    CHECK(sh.url == stats->http.url);
    auto token = cfimages::v1::batch_token(cfg);
    REQUIRE(token);
    auto th = token->http;
    CHECK_FALSE(cfimages::batch_request(th, "bt"));
    CHECK(th.url == token->http.url);
    auto keys = cfimages::v1::keys::list(cfg);
    REQUIRE(keys);
    auto kh = keys->http;
    CHECK_FALSE(cfimages::batch_request(kh, "bt"));
    auto blob = cfimages::v1::blobs::get(cfg, "img-1");
    REQUIRE(blob);
    auto bh = blob->http;
    CHECK_FALSE(cfimages::batch_request(bh, "bt"));
}
