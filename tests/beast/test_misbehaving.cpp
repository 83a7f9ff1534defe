// The Beast client against servers that misbehave on purpose (issue 11),
// plain and TLS: every call gets its own answer, a connection the server
// closed or left bytes in is never reused, an upload goes out at most once
// once it may have reached the server, and a timeout names the limit that
// fired.
#include <cfimages/beast.hpp>

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "local_server.hpp"
#include "misbehaving.hpp"

namespace {

using namespace cfimages_test::misbehaving;
using cfimages_test::Conn;
using cfimages_test::LocalServer;
using std::chrono::milliseconds;

// No retries: whatever the server sees twice, the transport sent twice.
cfimages::beast::ClientOptions options() {
    cfimages::beast::ClientOptions o;
    o.connect_timeout = milliseconds(1000);
    o.timeout = milliseconds(2000);
    o.retry.max_retries = 0;
    o.extra_ca_pem = test_cert().cert;
    return o;
}

} // namespace

TEST_CASE("beast: interim 1xx answers are skipped; the final answer is the call's") {
    cfimages::beast::Client client(options());
    for (bool tls : {false, true}) {
        CAPTURE(tls);
        client.close();
        check_interim_answers(client, tls);
    }
}

TEST_CASE("beast: bytes after an answer never become the next call's answer") {
    cfimages::beast::Client client(options());
    for (bool tls : {false, true}) {
        for (bool late : {false, true}) {
            CAPTURE(tls);
            CAPTURE(late);
            client.close();
            check_trailing_bytes(client, tls, late);
        }
    }
}

TEST_CASE("beast: an idle connection the server closed is noticed before the next call") {
    struct Case {
        const char* name;
        bool tls;
        bool fin;
    };
    cfimages::beast::Client client(options());
    for (const Case& c : {Case{"TLS close_notify, TCP left open", true, false},
                          Case{"TLS close_notify and FIN", true, true}, Case{"plain FIN", false, true}}) {
        for (bool upload : {false, true}) {
            CAPTURE(std::string(c.name));
            CAPTURE(upload);
            client.close();
            check_idle_close(client, c.tls, c.fin, upload);
        }
    }
}

TEST_CASE("beast: a session ticket arriving on an idle TLS connection does not end it") {
    // TLS records without application data (a NewSessionTicket, as servers
    // may send at any time) are processed, and the connection is reused.
    auto sent = std::make_shared<std::atomic<bool>>(false);
    auto server = make_server(true, [sent](Conn& c) {
        while (auto r = c.read_request()) {
            if (!c.write(cfimages_test::http_response(200, "answer " + r->target))) return;
            if (!*sent) *sent = c.send_session_ticket();
        }
    });
    cfimages::beast::Client client(options());
    const std::string base = base_url(*server, true);
    const auto first = client.send_raw(get(base + "/first"));
    REQUIRE_MESSAGE(first.has_value(), error_text(first));
    REQUIRE(wait_until([&] { return sent->load(); }));
    std::this_thread::sleep_for(milliseconds(10));
    const auto second = client.send_raw(get(base + "/second"));
    REQUIRE_MESSAGE(second.has_value(), error_text(second));
    CHECK(second->body == "answer /second");
    CHECK(server->connections() == 1);
}

TEST_CASE("beast: a request read but never answered: a POST goes out once, a GET again on a new connection") {
    cfimages::beast::Client client(options());
    for (bool tls : {false, true}) {
        CAPTURE(tls);
        client.close();
        check_unanswered_post(client, tls);
        client.close();
        check_unanswered_get(client, tls);
    }
}

TEST_CASE("beast: a timeout message names the limit that fired") {
    // Reads a request if one comes (a TLS ClientHello never ends one), never answers.
    LocalServer server([](Conn& c) {
        c.read_request(milliseconds(3000));
        c.sleep(milliseconds(3000));
    });
    const std::string where = "127.0.0.1:" + std::to_string(server.port());
    auto o = options();
    std::string url = "https://" + where + "/x";
    std::string expected;
    SUBCASE("the overall timeout cuts the TLS handshake") {
        o.connect_timeout = milliseconds(10000);
        o.timeout = milliseconds(100);
        expected = "timed out after 100 ms (ClientOptions::timeout) in the TLS handshake with " + where;
    }
    SUBCASE("connect_timeout cuts the TLS handshake") {
        o.connect_timeout = milliseconds(100);
        o.timeout = milliseconds(10000);
        expected = "timed out after 100 ms (ClientOptions::connect_timeout) in the TLS handshake with " + where;
    }
    SUBCASE("the overall timeout cuts the wait for the answer") {
        o.connect_timeout = milliseconds(10000);
        o.timeout = milliseconds(100);
        url = "http://" + where + "/x";
        expected = "timed out after 100 ms (ClientOptions::timeout) reading the response from " + where;
    }
    cfimages::beast::Client client(o);
    const auto t0 = std::chrono::steady_clock::now();
    const auto r = client.send_raw(get(url));
    CHECK(std::chrono::steady_clock::now() - t0 < milliseconds(2000));
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().kind == cfimages::ErrorKind::transport);
    CHECK_MESSAGE(r.error().message.find(expected) != std::string::npos, r.error().message);
}

// Peak memory of the reader: compare
//   /usr/bin/time -v build/bin/cfimages_beast_tests -tc='beast: chunked bodies*' -sc='33 MiB'
// with -sc='small' (33 MiB: just past a doubling of a string grown by appending).
TEST_CASE("beast: chunked bodies are read whole") {
    cfimages::beast::Client client(options());
    SUBCASE("small") { check_chunked_bodies(client, {0, 100, (1u << 20) + 1}); }
    SUBCASE("33 MiB") { check_chunked_bodies(client, {33u << 20, 100}); }
}
