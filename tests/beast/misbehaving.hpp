#ifndef CFIMAGES_TESTS_BEAST_MISBEHAVING_HPP
#define CFIMAGES_TESTS_BEAST_MISBEHAVING_HPP

// Servers that misbehave on purpose (issue 11), and the checks both bundled
// transports must pass against them, plain and TLS: interim 1xx answers
// before the final one, bytes after a complete answer, an idle connection
// closed by the server (TLS close_notify, with or without a FIN), and a
// request read but never answered. Each check is a template over the
// client type: `cfimages::beast::Client` and `cfimages::curl::Client` have
// the same `send_raw`. The client must be made with `max_retries = 0`, so
// every repetition seen by the server is the transport's own.

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <initializer_list>
#include <memory>
#include <sstream>
#include <string>
#include <thread>

#include <cfimages/http.hpp>
#include <cfimages/result.hpp>

#include "local_server.hpp"

namespace cfimages_test {
namespace misbehaving {

using std::chrono::milliseconds;

// The test certificate and key (self-signed, valid for "localhost").
struct TestCert {
    std::string cert;
    std::string key;
};

inline const TestCert& test_cert() {
    static const TestCert c = [] {
        auto read = [](const std::string& path) {
            std::ifstream in(path, std::ios::binary);
            std::ostringstream s;
            s << in.rdbuf();
            return s.str();
        };
        const std::string dir = CFIMAGES_TEST_DATA_DIR "/tls/";
        return TestCert{read(dir + "cert.pem"), read(dir + "key.pem")};
    }();
    return c;
}

inline std::unique_ptr<LocalServer> make_server(bool tls, LocalServer::Handler handler) {
    if (tls) return std::make_unique<LocalServer>(test_cert().cert, test_cert().key, std::move(handler));
    return std::make_unique<LocalServer>(std::move(handler));
}

// The server's base URL; over TLS by the certificate's name.
inline std::string base_url(const LocalServer& server, bool tls) {
    return server.url("", tls ? "localhost" : "127.0.0.1");
}

inline cfimages::HttpRequest get(std::string url) {
    cfimages::HttpRequest r;
    r.url = std::move(url);
    return r;
}

inline cfimages::HttpRequest post(std::string url, std::string body) {
    cfimages::HttpRequest r;
    r.method = cfimages::Method::post;
    r.url = std::move(url);
    r.headers = {{"Content-Type", "application/octet-stream"}};
    r.body = std::move(body);
    return r;
}

// Waits until `done()` holds or `limit` passes; returns done().
inline bool wait_until(const std::function<bool()>& done, milliseconds limit = milliseconds(2000)) {
    const auto end = std::chrono::steady_clock::now() + limit;
    while (!done() && std::chrono::steady_clock::now() < end) std::this_thread::sleep_for(milliseconds(1));
    return done();
}

inline std::size_t count_requests(const LocalServer& server, const std::string& method, const std::string& target) {
    std::size_t n = 0;
    for (const auto& r : server.requests()) n += r.method == method && r.target == target ? 1u : 0u;
    return n;
}

inline std::string error_text(const cfimages::Result<cfimages::HttpResponse>& r) {
    return r ? std::string() : r.error().message;
}

// 100 Continue alone, then 103 Early Hints and the final answer in one
// write: the call gets the final answer (with its own headers only), and
// the next call on the same connection gets its own.
template <class Client>
void check_interim_answers(Client& client, bool tls) {
    auto server = make_server(tls, [](Conn& c) {
        while (auto r = c.read_request()) {
            if (!c.write("HTTP/1.1 100 Continue\r\n\r\n") || !c.sleep(milliseconds(5))) return;
            if (!c.write("HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n" +
                         http_response(200, "answer " + r->target, {"X-Final: yes"})))
                return;
        }
    });
    const std::string base = base_url(*server, tls);
    const auto first = client.send_raw(post(base + "/first", "image bytes"));
    REQUIRE_MESSAGE(first.has_value(), error_text(first));
    CHECK(first->status == 200);
    CHECK(first->body == "answer /first");
    CHECK(first->header("x-final") == std::optional<std::string_view>("yes"));
    CHECK_FALSE(first->header("link").has_value());
    for (const std::string target : {"/second", "/third"}) {
        const auto r = client.send_raw(get(base + target));
        REQUIRE_MESSAGE(r.has_value(), error_text(r));
        CHECK(r->status == 200);
        CHECK(r->body == "answer " + target);
    }
    const auto seen = server->requests();
    REQUIRE(seen.size() == 3);
    // Interim answers are no reason to drop a connection.
    CHECK(seen[1].connection == seen[2].connection);
}

// Every answer is followed by a whole second, well-formed answer nobody
// asked for: in the same write (it arrives with the answer) or `late` (a
// moment after it, into the idle connection). Each call must get its own
// answer: a connection holding unread bytes is never reused.
template <class Client>
void check_trailing_bytes(Client& client, bool tls, bool late) {
    auto sent = std::make_shared<std::atomic<int>>(0);
    auto server = make_server(tls, [late, sent](Conn& c) {
        while (auto r = c.read_request()) {
            const std::string answer = http_response(200, "answer " + r->target);
            const std::string stray = http_response(200, "stray answer");
            if (late) {
                if (!c.write(answer) || !c.sleep(milliseconds(5)) || !c.write(stray)) return;
            } else if (!c.write(answer + stray)) {
                return;
            }
            sent->fetch_add(1);
        }
    });
    const std::string base = base_url(*server, tls);
    for (int i = 1; i <= 3; ++i) {
        const std::string target = "/call-" + std::to_string(i);
        const auto r = client.send_raw(get(base + target));
        REQUIRE_MESSAGE(r.has_value(), error_text(r));
        CHECK(r->body == "answer " + target);
        // The stray bytes are out before the next call starts.
        REQUIRE(wait_until([&] { return sent->load() >= i; }));
        std::this_thread::sleep_for(milliseconds(5));
    }
    CHECK(server->requests().size() == 3);
    CHECK(server->connections() == 3);
}

// After answering the first request, the server closes the idle
// connection: over TLS with close_notify, then a FIN (`fin`) or nothing
// (the TCP connection stays open); plain with a FIN. It never reads a
// request from that connection again, and counts the bytes that still
// arrive there. The next call (a GET, or a POST when `upload`) must notice
// and go out on a new connection, once.
template <class Client>
void check_idle_close(Client& client, bool tls, bool fin, bool upload) {
    auto closed = std::make_shared<std::atomic<bool>>(false);
    auto done = std::make_shared<std::atomic<bool>>(false);
    auto stray = std::make_shared<std::atomic<std::size_t>>(0);
    auto server = make_server(tls, [fin, closed, done, stray](Conn& c) {
        if (c.index() == 0) {
            auto r = c.read_request();
            if (r && c.write(http_response(200, "answer " + r->target))) {
                if (fin) c.close();
                else c.close_notify();
                *closed = true;
                if (!fin) *stray += c.raw_bytes_within(milliseconds(2000));
            }
            *done = true;
            return;
        }
        while (auto r = c.read_request())
            if (!c.write(http_response(200, "answer " + r->target))) return;
    });
    const std::string base = base_url(*server, tls);
    const auto first = client.send_raw(get(base + "/first"));
    REQUIRE_MESSAGE(first.has_value(), error_text(first));
    REQUIRE(wait_until([&] { return closed->load(); }));
    std::this_thread::sleep_for(milliseconds(10)); // let the close reach the client
    const auto second = upload ? client.send_raw(post(base + "/second", "image bytes"))
                               : client.send_raw(get(base + "/second"));
    REQUIRE_MESSAGE(second.has_value(), error_text(second));
    CHECK(second->body == "answer /second");
    CHECK(count_requests(*server, upload ? "POST" : "GET", "/second") == 1);
    CHECK(server->connections() == 2);
    if (!fin) {
        // Nothing was written into the closed connection (the client may
        // keep it cached a while: give it a moment, not the full wait).
        wait_until([&] { return done->load(); }, milliseconds(200));
        server->stop();
        CHECK(stray->load() == 0);
    }
}

// The server answers GETs, and reads every POST to the end, then closes
// the connection without answering. A POST that reused a kept-alive
// connection reaches the server exactly once and fails.
template <class Client>
void check_unanswered_post(Client& client, bool tls) {
    auto server = make_server(tls, [](Conn& c) {
        while (auto r = c.read_request()) {
            if (r->method == "POST") return; // closes, answering nothing
            if (!c.write(http_response(200, "answer " + r->target))) return;
        }
    });
    const std::string base = base_url(*server, tls);
    const auto warm = client.send_raw(get(base + "/warm")); // a kept-alive connection to reuse
    REQUIRE_MESSAGE(warm.has_value(), error_text(warm));
    const auto r = client.send_raw(post(base + "/upload", "image bytes"));
    REQUIRE_FALSE(r.has_value());
    MESSAGE(r.error().message);
    CHECK(r.error().kind == cfimages::ErrorKind::transport);
    CHECK(count_requests(*server, "POST", "/upload") == 1);
}

// The first connection answers its first request, then reads the second
// and closes without answering; later connections answer everything. A
// GET may be repeated: it goes out again on a new connection and succeeds.
template <class Client>
void check_unanswered_get(Client& client, bool tls) {
    auto server = make_server(tls, [](Conn& c) {
        int n = 0;
        while (auto r = c.read_request()) {
            if (c.index() == 0 && ++n == 2) return;
            if (!c.write(http_response(200, "answer " + r->target))) return;
        }
    });
    const std::string base = base_url(*server, tls);
    const auto warm = client.send_raw(get(base + "/warm"));
    REQUIRE_MESSAGE(warm.has_value(), error_text(warm));
    const auto r = client.send_raw(get(base + "/again"));
    REQUIRE_MESSAGE(r.has_value(), error_text(r));
    CHECK(r->body == "answer /again");
    CHECK(count_requests(*server, "GET", "/again") == 2);
    CHECK(server->connections() == 2);
}

// Answers `/chunked/<size>` with a chunked body of `size` bytes 'b',
// written from one 64 KiB block (the server holds no copy of the whole
// body, so the process's peak memory is the client's).
inline std::unique_ptr<LocalServer> chunked_server() {
    return make_server(false, [](Conn& c) {
        while (auto r = c.read_request()) {
            std::size_t left = std::stoul(r->target.substr(r->target.rfind('/') + 1));
            if (!c.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")) return;
            const auto chunk = [](std::size_t n) {
                char head[32];
                std::snprintf(head, sizeof head, "%zx\r\n", n);
                return head + std::string(n, 'b') + "\r\n";
            };
            const std::size_t block = 64 * 1024;
            const std::string full = chunk(block);
            for (; left >= block; left -= block)
                if (!c.write(full)) return;
            if (!c.write((left > 0 ? chunk(left) : std::string()) + "0\r\n\r\n")) return;
        }
    });
}

// Reads chunked bodies of the given sizes through one connection and
// checks each arrived whole.
template <class Client>
void check_chunked_bodies(Client& client, std::initializer_list<std::size_t> sizes) {
    auto server = chunked_server();
    for (std::size_t size : sizes) {
        CAPTURE(size);
        const auto r = client.send_raw(get(server->url("/chunked/" + std::to_string(size))));
        REQUIRE_MESSAGE(r.has_value(), error_text(r));
        CHECK(r->body.size() == size);
        CHECK(r->body.find_first_not_of('b') == std::string::npos);
    }
    CHECK(server->connections() == 1);
}

} // namespace misbehaving
} // namespace cfimages_test

#endif // CFIMAGES_TESTS_BEAST_MISBEHAVING_HPP
