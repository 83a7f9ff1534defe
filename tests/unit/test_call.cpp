// Tests for the call state machine (cfimages/call.hpp): every rule of the
// policy driven with virtual time and scripted attempts, no I/O.
#include <cfimages/call.hpp>

#include <doctest/doctest.h>

#include <chrono>
#include <deque>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <cfimages/images.hpp>

namespace {

using cfimages::AttemptFailure;
using cfimages::CallClock;
using cfimages::CallMachine;
using cfimages::CallOptions;
using cfimages::HttpRequest;
using cfimages::HttpResponse;
using cfimages::Sent;
using cfimages::Step;
using std::chrono::milliseconds;
using std::chrono::seconds;

const CallClock::time_point t0 = CallClock::time_point(seconds(1000));

HttpRequest get_request(std::string url = "https://api.example.com/client/v4/x") {
    HttpRequest r;
    r.url = std::move(url);
    r.headers = {{"Authorization", "Bearer secret"}};
    return r;
}

HttpResponse answer(int status, cfimages::Headers headers = {}, std::string body = {}) {
    HttpResponse r;
    r.status = status;
    r.headers = std::move(headers);
    r.body = std::move(body);
    return r;
}

AttemptFailure failure(Sent sent, bool reused = false, bool timed_out = false, bool retryable = true) {
    AttemptFailure f = AttemptFailure::after_sending("connection reset by api.example.com:443");
    f.sent = sent;
    f.reused_connection = reused;
    f.timed_out = timed_out;
    f.retryable = retryable;
    return f;
}

// One scripted attempt: an answer or a failure.
using Scripted = std::variant<HttpResponse, AttemptFailure>;

// Drives `m` with scripted attempts; each attempt takes `latency` of
// virtual time. Records the steps and the times attempts started.
struct Driver {
    CallClock::time_point now = t0;
    milliseconds latency{10};
    std::deque<Scripted> script;
    std::vector<CallClock::time_point> sends;
    std::vector<cfimages::AttemptLimits> limits;
    int waits = 0;

    void run(CallMachine& m) {
        for (int guard = 0; guard < 100; ++guard) {
            switch (m.next(now)) {
            case Step::send: {
                sends.push_back(now);
                limits.push_back(m.limits());
                REQUIRE_FALSE(script.empty());
                Scripted s = std::move(script.front());
                script.pop_front();
                now += latency;
                if (auto* r = std::get_if<HttpResponse>(&s)) m.on_response(std::move(*r), now);
                else m.on_failure(std::get<AttemptFailure>(std::move(s)), now);
                break;
            }
            case Step::wait:
                ++waits;
                CHECK(m.wake_at() > now);
                now = m.wake_at();
                break;
            case Step::done: return;
            }
        }
        FAIL("the call did not finish");
    }
};

} // namespace

TEST_CASE("call: a 2xx finishes after one attempt") {
    const auto req = get_request();
    CallMachine m(req, true, CallOptions{}, t0);
    Driver d;
    d.script = {answer(200, {}, "ok")};
    d.run(m);
    REQUIRE(m.response());
    CHECK(m.response()->body == "ok");
    CHECK(m.attempts() == 1);
    CHECK(d.waits == 0);
    CHECK(m.url().host == "api.example.com");
    CHECK(m.url().port == 443);
}

TEST_CASE("call: requests no transport may send are refused before any attempt") {
    for (std::string url : {"ftp://x/y", "https://user:pw@host/x", "https://host/a b", "http:///x",
                            "https://host:0/x", "https://host:65536/", "not a url", "https://ho\rst/"}) {
        CAPTURE(url);
        const auto req = get_request(url);
        CallMachine m(req, true, CallOptions{}, t0);
        CHECK(m.next(t0) == Step::done);
        REQUIRE_FALSE(m.response());
        CHECK(m.response().error().kind == cfimages::ErrorKind::invalid_argument);
        CHECK(m.attempts() == 0);
    }
    auto req = get_request();
    req.headers.push_back({"X-Evil", "a\r\nInjected: 1"});
    CallMachine bad_value(req, true, CallOptions{}, t0);
    CHECK(bad_value.next(t0) == Step::done);
    CHECK(bad_value.response().error().message.find("X-Evil") != std::string::npos);
    req.headers.back() = {"Bad Name", "v"};
    CallMachine bad_name(req, true, CallOptions{}, t0);
    CHECK(bad_name.next(t0) == Step::done);
    CHECK(bad_name.response().error().kind == cfimages::ErrorKind::invalid_argument);
}

TEST_CASE("call: 429 with Retry-After waits what the server asked, then succeeds") {
    const auto req = get_request();
    CallMachine m(req, true, CallOptions{}, t0);
    Driver d;
    d.script = {answer(429, {{"Retry-After", "2"}}), answer(200)};
    d.run(m);
    REQUIRE(m.response());
    REQUIRE(d.sends.size() == 2);
    CHECK(d.sends[1] - d.sends[0] == milliseconds(10) + seconds(2));
    CHECK(m.attempts() == 2);
}

TEST_CASE("call: Retry-After as an HTTP date is read against the answer's own Date") {
    const auto req = get_request();
    CallMachine m(req, true, CallOptions{}, t0);
    Driver d;
    d.script = {answer(503, {{"Date", "Sun, 06 Nov 1994 08:49:37 GMT"},
                             {"Retry-After", "Sun, 06 Nov 1994 08:49:40 GMT"}}),
                answer(200)};
    d.run(m);
    REQUIRE(d.sends.size() == 2);
    CHECK(d.sends[1] - d.sends[0] == milliseconds(10) + seconds(3));

    // Without a Date there is no reference: backoff (500 ms, jitter takes off up to 25 %).
    CallMachine m2(req, true, CallOptions{}, t0);
    Driver d2;
    d2.script = {answer(503, {{"Retry-After", "Sun, 06 Nov 1994 08:49:40 GMT"}}), answer(200)};
    d2.run(m2);
    REQUIRE(d2.sends.size() == 2);
    const auto gap = d2.sends[1] - d2.sends[0] - milliseconds(10);
    CHECK(gap > milliseconds(374));
    CHECK(gap <= milliseconds(500));
}

TEST_CASE("call: retries end after max_retries with the last answer") {
    const auto req = get_request();
    CallMachine m(req, true, CallOptions{}, t0);
    Driver d;
    d.script = {answer(503), answer(502), answer(500, {}, "last")};
    d.run(m);
    REQUIRE(m.response());
    CHECK(m.response()->status == 500);
    CHECK(m.response()->body == "last");
    CHECK(m.attempts() == 3);
    // Backoff doubles: (375, 500] then (750, 1000].
    const auto g1 = d.sends[1] - d.sends[0] - milliseconds(10);
    const auto g2 = d.sends[2] - d.sends[1] - milliseconds(10);
    CHECK(g1 > milliseconds(374));
    CHECK(g1 <= milliseconds(500));
    CHECK(g2 > milliseconds(749));
    CHECK(g2 <= milliseconds(1000));
}

TEST_CASE("call: x-should-retry and non-retryable statuses") {
    const auto req = get_request();
    {
        CallMachine m(req, true, CallOptions{}, t0);
        Driver d;
        d.script = {answer(503, {{"x-should-retry", "false"}})};
        d.run(m);
        CHECK(m.attempts() == 1);
        CHECK(m.response()->status == 503);
    }
    {
        CallMachine m(req, true, CallOptions{}, t0);
        Driver d;
        d.script = {answer(400, {{"X-Should-Retry", "true"}}), answer(200)};
        d.run(m);
        CHECK(m.attempts() == 2);
    }
    {
        CallMachine m(req, true, CallOptions{}, t0);
        Driver d;
        d.script = {answer(404)};
        d.run(m);
        CHECK(m.attempts() == 1);
        CHECK(m.response()->status == 404);
    }
}

TEST_CASE("call: a request that creates something is never repeated once it may have arrived") {
    const auto req = get_request();
    SUBCASE("a 503 answer is final") {
        CallMachine m(req, false, CallOptions{}, t0);
        Driver d;
        d.script = {answer(503)};
        d.run(m);
        CHECK(m.attempts() == 1);
    }
    SUBCASE("a failure after the whole request was written is final") {
        CallMachine m(req, false, CallOptions{}, t0);
        Driver d;
        d.script = {failure(Sent::completely)};
        d.run(m);
        CHECK(m.attempts() == 1);
        CHECK(m.response().error().kind == cfimages::ErrorKind::transport);
    }
    SUBCASE("nothing written (connect failed): retried with backoff") {
        CallMachine m(req, false, CallOptions{}, t0);
        Driver d;
        d.script = {failure(Sent::nothing), answer(200)};
        d.run(m);
        CHECK(m.attempts() == 2);
        CHECK(d.waits == 1);
    }
    SUBCASE("a stale kept-alive connection, request partly written: sent again at once, once") {
        CallMachine m(req, false, CallOptions{}, t0);
        Driver d;
        d.script = {failure(Sent::partly, true), answer(201)};
        d.run(m);
        CHECK(m.attempts() == 2);
        CHECK(d.waits == 0);
        CHECK(d.sends[1] - d.sends[0] == milliseconds(10));
    }
    SUBCASE("a stale connection after the whole upload was written: not sent again") {
        CallMachine m(req, false, CallOptions{}, t0);
        Driver d;
        d.script = {failure(Sent::completely, true)};
        d.run(m);
        CHECK(m.attempts() == 1);
    }
    SUBCASE("retry_non_idempotent opts in") {
        CallOptions o;
        o.retry.retry_non_idempotent = true;
        CallMachine m(req, false, o, t0);
        Driver d;
        d.script = {answer(503), answer(200)};
        d.run(m);
        CHECK(m.attempts() == 2);
    }
}

TEST_CASE("call: a stale connection is replaced once per call, then the retry policy decides") {
    const auto req = get_request();
    CallMachine m(req, true, CallOptions{}, t0);
    Driver d;
    d.script = {failure(Sent::completely, true), failure(Sent::completely, true), answer(200)};
    d.run(m);
    CHECK(m.attempts() == 3);
    CHECK(d.waits == 1); // the first replacement is immediate, the second a counted retry
    // A timed-out attempt on a reused connection is not "stale": it waits.
    CallMachine m2(req, true, CallOptions{}, t0);
    Driver d2;
    d2.script = {failure(Sent::completely, true, true), answer(200)};
    d2.run(m2);
    CHECK(d2.waits == 1);
}

TEST_CASE("call: failures that would only repeat are final, and the message counts attempts") {
    const auto req = get_request();
    CallMachine m(req, true, CallOptions{}, t0);
    Driver d;
    d.script = {failure(Sent::nothing, false, false, false)};
    d.run(m);
    CHECK(m.attempts() == 1);
    CHECK(m.response().error().message == "connection reset by api.example.com:443");

    CallMachine m2(req, true, CallOptions{}, t0);
    Driver d2;
    d2.script = {failure(Sent::nothing), failure(Sent::nothing), failure(Sent::nothing)};
    d2.run(m2);
    CHECK(m2.attempts() == 3);
    CHECK(m2.response().error().message ==
          "connection reset by api.example.com:443 (gave up after 3 attempts)");
}

TEST_CASE("call: redirects are refused, naming only the target's origin") {
    const auto req = get_request();
    CallMachine m(req, true, CallOptions{}, t0);
    Driver d;
    d.script = {answer(302, {{"Location", "https://evil.example:8443/steal?token=secret"}})};
    d.run(m);
    REQUIRE_FALSE(m.response());
    const auto& e = m.response().error();
    CHECK(e.kind == cfimages::ErrorKind::api);
    CHECK(e.http_status == 302);
    CHECK(e.message.find("https://evil.example:8443") != std::string::npos);
    CHECK(e.message.find("steal") == std::string::npos);
    CHECK(e.message.find("secret") == std::string::npos);

    CallOptions raw;
    raw.pass_redirects = true;
    CallMachine m2(req, true, raw, t0);
    Driver d2;
    d2.script = {answer(301, {{"Location", "/elsewhere"}})};
    d2.run(m2);
    REQUIRE(m2.response());
    CHECK(m2.response()->status == 301);
}

TEST_CASE("call: the per-attempt limit and the overall deadline") {
    const auto req = get_request();
    CallOptions o;
    o.attempt_timeout = seconds(5);
    o.deadline = seconds(12);
    o.deadline_name = "--timeout";
    CallMachine m(req, true, o, t0);
    Driver d;
    d.latency = seconds(5);
    d.script = {failure(Sent::completely, false, true), failure(Sent::completely, false, true),
                failure(Sent::completely, false, true)};
    d.run(m);
    REQUIRE(d.limits.size() == 3);
    // The first two attempts get their own 5 s (the deadline is further away).
    CHECK(d.limits[0].deadline == t0 + seconds(5));
    CHECK(d.limits[0].name == "ClientOptions::timeout");
    CHECK(d.limits[0].timed_out("reading") == "timed out after 5000 ms (ClientOptions::timeout) reading");
    CHECK(d.limits[1].deadline == d.sends[1] + seconds(5));
    // The third starts after 10 s + two backoffs (> 11 s): only the rest of
    // the deadline is left, and its messages name the deadline.
    CHECK(d.sends[2] > t0 + seconds(11));
    CHECK(d.limits[2].deadline == t0 + seconds(12));
    CHECK(d.limits[2].timed_out("x") == "timed out after 12000 ms (--timeout) x");
    REQUIRE_FALSE(m.response());
    CHECK(m.attempts() == 3);

    CallOptions o2;
    o2.attempt_timeout = seconds(60);
    o2.deadline = seconds(2);
    o2.deadline_name = "--timeout";
    CallMachine m2(req, true, o2, t0);
    Driver d2;
    d2.latency = seconds(2);
    d2.script = {failure(Sent::completely, false, true)};
    d2.run(m2);
    REQUIRE(d2.limits.size() == 1);
    CHECK(d2.limits[0].deadline == t0 + seconds(2));
    CHECK(d2.limits[0].timed_out("connecting") == "timed out after 2000 ms (--timeout) connecting");
    CHECK(m2.attempts() == 1);
    // The deadline cut this attempt itself: no "no time for another attempt" note.
    CHECK(m2.response().error().message.find("the deadline leaves no time") == std::string::npos);
}

TEST_CASE("call: a server-requested wait past the deadline ends the call with the answer") {
    const auto req = get_request();
    CallOptions o;
    o.deadline = seconds(3);
    CallMachine m(req, true, o, t0);
    Driver d;
    d.script = {answer(429, {{"Retry-After", "5"}})};
    d.run(m);
    REQUIRE(m.response());
    CHECK(m.response()->status == 429);
    CHECK(m.attempts() == 1);
}

TEST_CASE("call: cancel ends the call with a transport error") {
    const auto req = get_request();
    CallMachine m(req, true, CallOptions{}, t0);
    CHECK(m.next(t0) == Step::send);
    m.cancel("cancelled by the caller");
    CHECK(m.next(t0) == Step::done);
    CHECK(m.response().error().kind == cfimages::ErrorKind::transport);
    CHECK(m.response().error().message == "cancelled by the caller");
    m.on_response(answer(200), t0); // a late answer changes nothing
    CHECK_FALSE(m.response());
}

TEST_CASE("call: the rate limiter paces attempts and learns from answers") {
    cfimages::RateLimitOptions lo;
    lo.rules = {{"api.example.com", {2, seconds(1)}}};
    lo.headroom = 1.0;
    lo.burst = 1.0;
    cfimages::RateLimiter limiter(lo);
    CallOptions o;
    o.limiter = &limiter;
    const auto req = get_request();
    Driver d;
    d.latency = milliseconds(0);
    for (int i = 0; i < 3; ++i) {
        CallMachine m(req, true, o, d.now);
        d.script = {answer(200)};
        d.run(m);
    }
    REQUIRE(d.sends.size() == 3);
    CHECK(d.sends[0] == t0);
    CHECK(d.sends[1] == t0);
    // The third waited for the window to free a slot, and one pacing
    // interval more (window / quota): the server may count the first two
    // a little after they left here.
    CHECK(d.sends[2] == t0 + seconds(1) + milliseconds(500));

    // A 429 blocks the next call for what retry-after says.
    CallMachine m(req, false, o, d.now);
    d.script = {answer(429, {{"retry-after", "7"}})};
    d.run(m);
    const auto after_429 = d.now;
    CallMachine m2(req, true, o, d.now);
    d.script = {answer(200)};
    d.run(m2);
    CHECK(d.sends.back() >= after_429 + seconds(7));
}

TEST_CASE("call: a rate-limit wait past the deadline ends the call without sending") {
    cfimages::RateLimitOptions lo;
    lo.rules = {{"api.example.com", {1, seconds(60)}}};
    lo.headroom = 1.0;
    cfimages::RateLimiter limiter(lo);
    CallOptions o;
    o.limiter = &limiter;
    o.deadline = seconds(5);
    const auto req = get_request();
    CallMachine first(req, true, o, t0);
    Driver d;
    d.script = {answer(200)};
    d.run(first);
    CallMachine second(req, true, o, d.now);
    CHECK(second.next(d.now) == Step::done);
    CHECK(second.attempts() == 0);
    CHECK(second.response().error().message.find("rate limit") != std::string::npos);
}

TEST_CASE("call: jitter is reproducible from the seed and differs between seeds") {
    const auto req = get_request();
    auto gap = [&](std::uint64_t seed) {
        CallOptions o;
        o.seed = seed;
        CallMachine m(req, true, o, t0);
        Driver d;
        d.script = {answer(503), answer(200)};
        d.run(m);
        return d.sends[1] - d.sends[0];
    };
    CHECK(gap(1) == gap(1));
    CHECK((gap(1) != gap(2) || gap(2) != gap(3)));
}

TEST_CASE("call: drive() runs a typed call with a blocking transport") {
    cfimages::Config cfg;
    cfg.account_id = "023e105f4ecef8ad9ca31a8372d0c353";
    cfg.credentials = cfimages::ApiToken{"tok"};
    auto req = cfimages::v1::get(cfg, "img-1");
    REQUIRE(req);
    CallClock::time_point now = t0;
    int sent = 0;
    cfimages::Call<cfimages::Image> call(*req, CallOptions{}, now);
    auto& out = cfimages::drive(
        call,
        [&](CallMachine& m, HttpResponse& res, AttemptFailure& f) {
            CHECK(&m.request() == &req->http);
            if (++sent == 1) {
                f = AttemptFailure::before_sending("cannot connect to api.cloudflare.com:443");
                return false;
            }
            res = answer(200, {{"Content-Type", "application/json"}},
                         R"({"success":true,"errors":[],"messages":[],"result":{"id":"img-1","variants":[]}})");
            return true;
        },
        [&] { return now; }, [&](CallClock::time_point t) { now = t; });
    REQUIRE(out);
    auto image = call.result();
    REQUIRE(image);
    CHECK(image->id == "img-1");
    CHECK(sent == 2);
}
