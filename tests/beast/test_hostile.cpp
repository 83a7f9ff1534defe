// Hostile servers (issue 6): every case must end in a clear transport or
// api error, within its timeout, without leaking credentials, and with
// memory bounded by the configured limits.
#include <cfimages/beast.hpp>

#include <doctest/doctest.h>

#include <chrono>
#include <string>

#include <cfimages/cfimages.hpp>

#include "local_server.hpp"

namespace {

using cfimages_test::http_response;
using cfimages_test::LocalServer;
using cfimages_test::ok_json;
using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

constexpr const char* kToken = "secret-token-never-printed";

cfimages::Config config_for(const std::string& base_url) {
    cfimages::Config cfg;
    cfg.account_id = "023e105f4ecef8ad9ca31a8372d0c353";
    cfg.credentials = cfimages::ApiToken{kToken};
    cfg.base_url = base_url;
    return cfg;
}

// 300 ms per attempt, no retries unless a case turns them on.
cfimages::beast::ClientOptions hostile_options() {
    cfimages::beast::ClientOptions o;
    o.connect_timeout = milliseconds(300);
    o.timeout = milliseconds(300);
    o.retry.max_retries = 0;
    o.retry.base_delay = milliseconds(5);
    o.retry.max_delay = milliseconds(50);
    return o;
}

// Sends GET /images/v1/x and returns the error, checking the common
// promises: a transport error, no status, no secret, within `limit`.
cfimages::ApiError expect_transport(cfimages::beast::Client& client, const LocalServer& server,
                                    milliseconds limit) {
    const auto t0 = Clock::now();
    const auto img = client.send(cfimages::v1::get(config_for(server.url()), "x"));
    const auto elapsed = Clock::now() - t0;
    REQUIRE_FALSE(img.has_value());
    CHECK(img.error().kind == cfimages::ErrorKind::transport);
    CHECK(img.error().http_status == 0);
    CHECK(img.error().message.find(kToken) == std::string::npos);
    CHECK(img.error().message.find("127.0.0.1:" + std::to_string(server.port())) != std::string::npos);
    CHECK(elapsed < limit);
    MESSAGE(img.error().message);
    return img.error();
}

} // namespace

TEST_CASE("hostile: accepts and never answers -> timeout") {
    LocalServer server([](cfimages_test::Conn& c) {
        c.read_request();
        c.sleep(milliseconds(5000));
    });
    cfimages::beast::Client client(hostile_options());
    const auto t0 = Clock::now();
    const auto e = expect_transport(client, server, milliseconds(1000));
    CHECK(Clock::now() - t0 >= milliseconds(290));
    CHECK(e.message.find("timed out") != std::string::npos);
}

TEST_CASE("hostile: accepts but never answers the TLS handshake -> connect timeout") {
    LocalServer server([](cfimages_test::Conn& c) { c.sleep(milliseconds(5000)); });
    // The attempt's own limit is longer, so the connect timeout is the one
    // that fires: with both at 300 ms, the attempt's (started a moment
    // earlier) won whenever a loaded machine took a millisecond to get from
    // the attempt's start to connecting, and named ClientOptions::timeout.
    auto options = hostile_options();
    options.timeout = milliseconds(1500);
    cfimages::beast::Client client(options);
    const auto t0 = Clock::now();
    const auto img = client.send(
        cfimages::v1::get(config_for("https://127.0.0.1:" + std::to_string(server.port())), "x"));
    const auto elapsed = Clock::now() - t0;
    REQUIRE_FALSE(img.has_value());
    MESSAGE(img.error().message);
    CHECK(img.error().kind == cfimages::ErrorKind::transport);
    CHECK(elapsed >= milliseconds(290));
    CHECK(elapsed < milliseconds(2000));
    CHECK(img.error().message.find("timed out after 300 ms (ClientOptions::connect_timeout) in the TLS handshake with 127.0.0.1:" +
                                   std::to_string(server.port())) != std::string::npos);
}

TEST_CASE("hostile: trickles one byte a second -> total timeout") {
    LocalServer server([](cfimages_test::Conn& c) {
        if (!c.read_request()) return;
        const std::string r = http_response(200, ok_json("{}"));
        for (char ch : r) {
            if (!c.write(std::string_view(&ch, 1)) || !c.sleep(milliseconds(1000))) return;
        }
    });
    cfimages::beast::Client client(hostile_options());
    const auto e = expect_transport(client, server, milliseconds(1000));
    CHECK(e.message.find("timed out") != std::string::npos);
    CHECK(e.message.find("reading the response") != std::string::npos);
}

TEST_CASE("hostile: resets mid-body") {
    LocalServer server([](cfimages_test::Conn& c) {
        if (!c.read_request()) return;
        c.write("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n{\"success\":true,");
        c.sleep(milliseconds(20));
        c.reset();
    });
    SUBCASE("no retries") {
        cfimages::beast::Client client(hostile_options());
        const auto e = expect_transport(client, server, milliseconds(1000));
        CHECK(server.connections() == 1);
        (void)e;
    }
    SUBCASE("an idempotent GET is retried, boundedly") {
        auto opts = hostile_options();
        opts.retry.max_retries = 2;
        cfimages::beast::Client client(opts);
        const auto e = expect_transport(client, server, milliseconds(2000));
        CHECK(e.message.find("3 attempts") != std::string::npos);
        CHECK(server.connections() == 3);
    }
}

TEST_CASE("hostile: body over the configured limit -> stops reading") {
    SUBCASE("declared by Content-Length") {
        LocalServer server([](cfimages_test::Conn& c) {
            if (!c.read_request()) return;
            c.write("HTTP/1.1 200 OK\r\nContent-Length: 10000000\r\n\r\n");
            const std::string chunk(64 * 1024, 'x');
            for (int i = 0; i < 160 && c.write(chunk); ++i) {
            }
        });
        auto opts = hostile_options();
        opts.body_limit = 4096;
        cfimages::beast::Client client(opts);
        const auto e = expect_transport(client, server, milliseconds(1000));
        CHECK(e.message.find("exceeds the limit of 4096 bytes") != std::string::npos);
    }
    SUBCASE("chunked without end") {
        auto written = std::make_shared<std::atomic<std::size_t>>(0);
        LocalServer server([written](cfimages_test::Conn& c) {
            if (!c.read_request()) return;
            c.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
            const std::string chunk = "10000\r\n" + std::string(0x10000, 'x') + "\r\n";
            // Endless; stops when the client goes away (or after 64 MiB).
            for (int i = 0; i < 1024 && c.write(chunk); ++i) {
            }
            *written = c.bytes_written();
        });
        auto opts = hostile_options();
        opts.body_limit = 1024 * 1024;
        cfimages::beast::Client client(opts);
        const auto e = expect_transport(client, server, milliseconds(1000));
        CHECK(e.message.find("exceeds the limit of 1048576 bytes") != std::string::npos);
        server.stop();
        // The client stopped reading: far less than the 64 MiB offered went out.
        CHECK(*written < 16u * 1024u * 1024u);
    }
}

TEST_CASE("hostile: invalid chunked encoding") {
    LocalServer server(LocalServer::script(
        {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nnot hex\r\n0\r\n\r\n"}));
    cfimages::beast::Client client(hostile_options());
    const auto e = expect_transport(client, server, milliseconds(1000));
    CHECK(e.message.find("invalid HTTP response") != std::string::npos);
}

TEST_CASE("hostile: not HTTP at all") {
    LocalServer server(LocalServer::script({"SSH-2.0-OpenSSH_9.2\r\n\r\n"}));
    cfimages::beast::Client client(hostile_options());
    const auto e = expect_transport(client, server, milliseconds(1000));
    CHECK(e.message.find("invalid HTTP response") != std::string::npos);
}

TEST_CASE("hostile: closes before answering") {
    LocalServer server([](cfimages_test::Conn& c) {
        c.read_request();
        c.close();
    });
    cfimages::beast::Client client(hostile_options());
    const auto e = expect_transport(client, server, milliseconds(1000));
    CHECK(e.message.find("before any response") != std::string::npos);
}

TEST_CASE("hostile: oversized header block") {
    LocalServer server(LocalServer::script(
        {"HTTP/1.1 200 OK\r\nX-Big: " + std::string(200 * 1024, 'a') + "\r\nContent-Length: 0\r\n\r\n"}));
    cfimages::beast::Client client(hostile_options());
    const auto e = expect_transport(client, server, milliseconds(1000));
    CHECK(e.message.find("header") != std::string::npos);
}

TEST_CASE("hostile: redirect to another host carries no credentials") {
    LocalServer other(LocalServer::script({http_response(200, ok_json("{}"))}));
    const std::string location = other.url("/accounts/023e105f4ecef8ad9ca31a8372d0c353/images/v1/x?token=leak");
    for (int status : {301, 302, 303, 307, 308}) {
        CAPTURE(status);
        LocalServer server(LocalServer::script({http_response(status, "", {"Location: " + location})}));
        cfimages::beast::Client client(hostile_options());
        const auto img = client.send(cfimages::v1::get(config_for(server.url()), "x"));
        REQUIRE_FALSE(img.has_value());
        CHECK(img.error().kind == cfimages::ErrorKind::api);
        CHECK(img.error().http_status == status);
        CHECK(img.error().message.find("not followed") != std::string::npos);
        CHECK(img.error().message.find(other.url()) != std::string::npos);
        CHECK(img.error().message.find("leak") == std::string::npos); // no path or query echoed
        CHECK(img.error().message.find(kToken) == std::string::npos);
        // send_raw hands the 3xx back as it came.
        cfimages::HttpRequest raw;
        raw.url = server.url("/x");
        raw.headers = {{"Authorization", std::string("Bearer ") + kToken}};
        const auto res = client.send_raw(raw);
        REQUIRE(res.has_value());
        CHECK(res->status == status);
    }
    // The other host never heard from us, so never saw the Authorization header.
    CHECK(other.requests().empty());
    CHECK(other.connections() == 0);
}

TEST_CASE("hostile: endless 429s -> bounded retries, Retry-After honoured within the cap") {
    LocalServer server(LocalServer::script({http_response(
        429, R"({"success":false,"errors":[{"code":971,"message":"Please wait and consider throttling your request speed"}]})",
        {"Retry-After: 3600", "Content-Type: application/json"})}));
    auto opts = hostile_options();
    opts.retry.max_retries = 3;
    opts.retry.max_delay = milliseconds(60);
    SUBCASE("rate limiting off: the retry policy alone, each wait at its cap") {
        opts.rate_limit.enabled = false;
        cfimages::beast::Client client(opts);
        const auto t0 = Clock::now();
        const auto img = client.send(cfimages::v1::get(config_for(server.url()), "x"));
        const auto elapsed = Clock::now() - t0;
        REQUIRE_FALSE(img.has_value());
        CHECK(img.error().kind == cfimages::ErrorKind::api);
        CHECK(img.error().http_status == 429);
        CHECK(server.requests().size() == 4);        // 1 + 3 retries, then it stops
        CHECK(elapsed >= milliseconds(3 * 60));      // each wait was the cap (asked: an hour)
        CHECK(elapsed < milliseconds(1500));
        CHECK(server.connections() == 1);            // and all on one kept-alive connection
    }
    SUBCASE("rate limiting on (default): the server's hour is longer than a call waits, so no retry is sent") {
        cfimages::beast::Client client(opts);
        const auto t0 = Clock::now();
        const auto img = client.send(cfimages::v1::get(config_for(server.url()), "x"));
        REQUIRE_FALSE(img.has_value());
        CHECK(img.error().kind == cfimages::ErrorKind::api);
        CHECK(img.error().http_status == 429);
        CHECK(img.error().code() == 971);
        CHECK(server.requests().size() == 1);
        CHECK(Clock::now() - t0 < milliseconds(1500));
        // The next call is not sent either: the limiter remembers.
        const auto again = client.send(cfimages::v1::get(config_for(server.url()), "y"));
        REQUIRE_FALSE(again.has_value());
        CHECK(again.error().kind == cfimages::ErrorKind::transport);
        CHECK(again.error().message.find("rate limited") != std::string::npos);
        REQUIRE(again.error().retry_after);
        CHECK(*again.error().retry_after > std::chrono::seconds(3500));
        CHECK(server.requests().size() == 1);
    }
}
