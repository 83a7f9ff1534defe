// The Beast transport's one attempt (detail::async_exchange), plain and over
// TLS, against a peer in memory that misbehaves on purpose (Beast's own
// test::stream, with fail_count injecting an error into every operation in
// turn): interim answers, bytes after the answer, a close after the request
// was read, a half-written answer. The loopback tests (test_misbehaving.cpp)
// cover the same cases through real sockets and the whole clients.
#include <cfimages/beast.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/_experimental/test/fail_count.hpp>
#include <boost/beast/_experimental/test/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <doctest/doctest.h>

#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <sstream>
#include <string>

namespace {

namespace asio = boost::asio;
namespace bt = boost::beast::test;
namespace http = boost::beast::http;
using cfimages::beast::detail::async_exchange;
using Clock = cfimages::CallClock;

std::string read_text(const std::string& name) {
    std::ifstream in(std::string(CFIMAGES_TEST_DATA_DIR) + "/tls/" + name, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// A connection over in-memory streams, with the members async_exchange
// uses (no deadlines: time is not what these tests are about).
struct MemoryConnection {
    std::unique_ptr<bt::stream> plain;
    std::unique_ptr<asio::ssl::stream<bt::stream>> secure;
    boost::beast::flat_buffer buffer;
    std::size_t header_hint = 8;
    bool closed = false;

    bt::stream& io() { return plain ? *plain : secure->next_layer(); }
    void arm(Clock::time_point) {}
    void disarm() {}
    void close() {
        closed = true;
        io().close();
    }
    bool holds_unread() { return cfimages::beast::detail::holds_unread(buffer, secure.get()); }
};

// The peer: reads one request, then does what the test says.
struct Peer {
    std::unique_ptr<bt::stream> plain;
    std::unique_ptr<asio::ssl::stream<bt::stream>> secure;
    boost::beast::flat_buffer buffer;
    http::request<http::string_body> request;
    bool got_request = false;

    template <class Then>
    void serve(Then then) {
        auto on_read = [this, then](boost::system::error_code ec, std::size_t) {
            if (ec) return;
            got_request = true;
            then(*this);
        };
        if (secure) http::async_read(*secure, buffer, request, on_read);
        else http::async_read(*plain, buffer, request, on_read);
    }
    void send(std::string bytes, bool close_after) {
        auto text = std::make_shared<std::string>(std::move(bytes));
        auto done = [this, text, close_after](boost::system::error_code, std::size_t) {
            if (!close_after) return;
            if (secure) secure->next_layer().close();
            else plain->close();
        };
        if (secure) asio::async_write(*secure, asio::buffer(*text), done);
        else asio::async_write(*plain, asio::buffer(*text), done);
    }
    void drop() {
        if (secure) secure->next_layer().close();
        else plain->close();
    }
};

// One client/peer pair, plain or TLS (handshaken in memory).
struct Pair {
    asio::io_context ioc;
    asio::ssl::context client_tls{asio::ssl::context::tls_client};
    asio::ssl::context server_tls{asio::ssl::context::tls_server};
    MemoryConnection conn;
    Peer peer;
    bool handshaken = true;

    Pair(bool tls, std::optional<bt::fail_count>* fc = nullptr) {
        auto client_stream = fc && *fc ? bt::stream(ioc, **fc) : bt::stream(ioc);
        bt::stream server_stream(ioc);
        client_stream.connect(server_stream);
        if (!tls) {
            conn.plain = std::make_unique<bt::stream>(std::move(client_stream));
            peer.plain = std::make_unique<bt::stream>(std::move(server_stream));
            return;
        }
        const std::string cert = read_text("cert.pem");
        server_tls.use_certificate_chain(asio::buffer(cert));
        server_tls.use_private_key(asio::buffer(read_text("key.pem")), asio::ssl::context::pem);
        client_tls.add_certificate_authority(asio::buffer(cert));
        client_tls.set_verify_mode(asio::ssl::verify_peer);
        conn.secure = std::make_unique<asio::ssl::stream<bt::stream>>(std::move(client_stream), client_tls);
        peer.secure = std::make_unique<asio::ssl::stream<bt::stream>>(std::move(server_stream), server_tls);
        boost::system::error_code cec, sec;
        conn.secure->async_handshake(asio::ssl::stream_base::client, [&](boost::system::error_code e) { cec = e; });
        peer.secure->async_handshake(asio::ssl::stream_base::server, [&](boost::system::error_code e) { sec = e; });
        ioc.run_for(std::chrono::seconds(10));
        ioc.restart();
        handshaken = !cec && !sec;
        if (fc && *fc) return;  // an injected error may hit the handshake: the caller checks
        REQUIRE_MESSAGE(!cec, cec.message());
        REQUIRE_MESSAGE(!sec, sec.message());
    }

    struct Outcome {
        bool ok = false;
        bool keep = false;
        cfimages::HttpResponse response;
        cfimages::AttemptFailure failure;
    };

    // One attempt of `request` (a GET unless a body is given).
    Outcome exchange(cfimages::HttpRequest request = {}) {
        if (request.url.empty()) request.url = "http://127.0.0.1:9/client/v4/accounts/a/images/v1/x";
        auto url = cfimages::split_url(request.url);
        REQUIRE(url);
        std::string head;
        cfimages::beast::detail::write_head(*url, request, true, head);
        cfimages::beast::ClientOptions options;
        cfimages::AttemptLimits limits;
        Outcome out;
        bool done = false;
        auto finish = [&](bool ok) {
            out.ok = ok;
            done = true;
        };
        // TLS runs as the blocking client runs it (Streams::tls); plain
        // takes the branch of Streams::any, as the AsyncClient does.
        if (conn.secure)
            async_exchange<cfimages::beast::detail::Streams::tls>(conn, *url, request, head, limits, options,
                                                                  out.response, out.keep, out.failure, finish);
        else
            async_exchange(conn, *url, request, head, limits, options, out.response, out.keep, out.failure, finish);
        ioc.run_for(std::chrono::seconds(10));
        ioc.restart();
        REQUIRE_MESSAGE(done, "the exchange did not complete");
        return out;
    }
};

const std::string kOk = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

} // namespace

TEST_CASE("beast in memory: interim 1xx answers are skipped, plain and TLS") {
    for (bool tls : {false, true}) {
        CAPTURE(tls);
        Pair p(tls);
        p.peer.serve([](Peer& peer) {
            peer.send("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n" + kOk, false);
        });
        auto out = p.exchange();
        CHECK(p.peer.got_request);
        REQUIRE(out.ok);
        CHECK(out.response.status == 200);
        CHECK(out.response.body == "ok");
        CHECK(out.keep);
    }
}

TEST_CASE("beast in memory: bytes after the answer make the connection unusable, plain and TLS") {
    for (bool tls : {false, true}) {
        CAPTURE(tls);
        Pair p(tls);
        p.peer.serve([](Peer& peer) { peer.send(kOk + "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nstale", false); });
        auto out = p.exchange();
        REQUIRE(out.ok);
        CHECK(out.response.body == "ok");
        CHECK_FALSE(out.keep);  // the stray answer would become the next call's
        CHECK(p.conn.holds_unread());
    }
}

TEST_CASE("beast in memory: a close after the request was read is a failure after sending") {
    for (bool tls : {false, true}) {
        CAPTURE(tls);
        Pair p(tls);
        p.peer.serve([](Peer& peer) { peer.drop(); });
        cfimages::HttpRequest post;
        post.method = cfimages::Method::post;
        post.url = "http://127.0.0.1:9/client/v4/accounts/a/images/v1";
        post.headers = {{"Content-Type", "application/octet-stream"}};
        post.body = std::string(100000, 'x');
        auto out = p.exchange(post);
        CHECK(p.peer.got_request);
        CHECK(p.peer.request.body() == post.body);
        REQUIRE_FALSE(out.ok);
        CHECK(out.failure.sent == cfimages::Sent::completely);  // may have arrived: never resent
        CHECK_FALSE(out.failure.response_started);
        CHECK(p.conn.closed);
    }
}

TEST_CASE("beast in memory: a half-written answer is a failure, never a short body") {
    for (bool tls : {false, true}) {
        CAPTURE(tls);
        Pair p(tls);
        p.peer.serve([](Peer& peer) { peer.send("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhalf", true); });
        auto out = p.exchange();
        REQUIRE_FALSE(out.ok);
        CHECK(out.failure.response_started);
        CHECK(out.failure.sent == cfimages::Sent::completely);
        CHECK(out.failure.error.message.find("127.0.0.1:9") != std::string::npos);
    }
}

TEST_CASE("beast in memory: a streamed body goes out whole, in bounded chunks") {
    struct Source : cfimages::BodySource {
        std::uint64_t n = 300000;
        mutable std::size_t largest = 0;
        std::uint64_t size() const noexcept override { return n; }
        cfimages::Result<std::size_t> read(std::uint64_t offset, char* out, std::size_t len) const override {
            largest = std::max(largest, len);
            for (std::size_t i = 0; i < len; ++i) out[i] = static_cast<char>('a' + (offset + i) % 26);
            return len;
        }
    };
    auto src = std::make_shared<Source>();
    Pair p(false);
    p.peer.serve([](Peer& peer) { peer.send(kOk, false); });
    cfimages::HttpRequest post;
    post.method = cfimages::Method::post;
    post.url = "http://127.0.0.1:9/client/v4/accounts/a/images/v1";
    post.headers = {{"Content-Type", "application/octet-stream"}};
    post.body_source = src;
    auto out = p.exchange(post);
    REQUIRE(out.ok);
    REQUIRE(p.peer.request.body().size() == 300000);
    CHECK(p.peer.request.body().substr(0, 3) == "abc");
    CHECK(p.peer.request.body()[299999] == static_cast<char>('a' + 299999 % 26));
    CHECK(src->largest <= 64u * 1024u);
}

TEST_CASE("beast in memory: an error injected into any operation ends the attempt cleanly") {
    // fail_count(n) makes the n-th operation on the client's stream fail:
    // every step of the exchange (each write, each read) fails in turn,
    // and the attempt must end with a failure, never hang or crash.
    for (bool tls : {false, true}) {
        int failures = 0;
        bool completed = false;
        for (std::size_t n = 0; n < 80 && !completed; ++n) {
            CAPTURE(tls);
            CAPTURE(n);
            std::optional<bt::fail_count> fc;
            fc.emplace(n);
            Pair p(tls, &fc);
            if (!p.handshaken) continue;  // the error hit the TLS handshake, before the exchange
            p.peer.serve([](Peer& peer) { peer.send("HTTP/1.1 100 Continue\r\n\r\n" + kOk, false); });
            auto out = p.exchange();
            if (out.ok) {
                CHECK(out.response.body == "ok");
                completed = true;  // past the last operation: nothing left to fail
                continue;
            }
            ++failures;
            CHECK_FALSE(out.failure.error.message.empty());
            CHECK(p.conn.closed);
        }
        CHECK(completed);
        CHECK(failures > 0);
    }
}
