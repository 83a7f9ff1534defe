// Streamed uploads (HttpRequest::body_source) through the Beast clients:
// the sync Client over plain HTTP (its direct-syscall path) and TLS (the
// composed operation), and the AsyncClient. A multi-MB body arrives byte
// for byte, read in chunks of at most 64 KiB; a retried upload is read
// again from offset 0; a source that fails mid-body fails the attempt.
#include <cfimages/beast/async.hpp>

#include <doctest/doctest.h>

#include <chrono>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

#include <boost/asio/io_context.hpp>

#include <cfimages/beast.hpp>
#include <cfimages/cfimages.hpp>

#include "../streamed_check.hpp"
#include "local_server.hpp"

namespace {

using cfimages_test::http_response;
using cfimages_test::LocalServer;
using cfimages_test::ok_json;
using std::chrono::milliseconds;

cfimages::Config config_for(const std::string& base_url) {
    cfimages::Config cfg;
    cfg.account_id = "023e105f4ecef8ad9ca31a8372d0c353";
    cfg.credentials = cfimages::ApiToken{"token"};
    cfg.base_url = base_url;
    return cfg;
}

cfimages::beast::ClientOptions options() {
    cfimages::beast::ClientOptions o;
    o.connect_timeout = milliseconds(1000);
    o.timeout = milliseconds(10000);
    o.retry.base_delay = milliseconds(5);
    o.retry.max_delay = milliseconds(20);
    return o;
}

std::string image_json(const std::string& id) {
    return R"({"id":")" + id + R"(","filename":"big.png","uploaded":"2024-01-02T03:04:05Z","variants":[]})";
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

enum class Via { sync_plain, sync_tls, async_plain, async_tls };

// Sends `req` through the client `via` names; the TLS server's CA is `ca`.
cfimages::Result<cfimages::Image> send(Via via, cfimages::Result<cfimages::Request<cfimages::Image>> req,
                                       cfimages::beast::ClientOptions o, const std::string& ca) {
    if (via == Via::sync_tls || via == Via::async_tls) o.extra_ca_pem = ca;
    if (via == Via::sync_plain || via == Via::sync_tls) {
        cfimages::beast::Client client(o);
        return client.send(std::move(req));
    }
    boost::asio::io_context ioc;
    cfimages::beast::AsyncClient client(ioc.get_executor(), o);
    std::optional<cfimages::Result<cfimages::Image>> got;
    client.async_send(std::move(req), [&](cfimages::Result<cfimages::Image> r) { got = std::move(r); });
    ioc.run();
    REQUIRE(got);
    return std::move(*got);
}

std::string name(Via v) {
    switch (v) {
    case Via::sync_plain: return "sync plain";
    case Via::sync_tls: return "sync TLS";
    case Via::async_plain: return "async plain";
    case Via::async_tls: return "async TLS";
    }
    return "";
}

} // namespace

TEST_CASE("beast: a streamed upload goes out in bounded chunks, byte for byte") {
    const std::string dir = CFIMAGES_TEST_DATA_DIR "/tls/";
    const std::string cert = read_file(dir + "cert.pem");
    const std::string key = read_file(dir + "key.pem");
    REQUIRE_FALSE(cert.empty());
    for (Via via : {Via::sync_plain, Via::sync_tls, Via::async_plain, Via::async_tls}) {
        CAPTURE(name(via));
        const bool tls = via == Via::sync_tls || via == Via::async_tls;
        auto script = LocalServer::script({http_response(200, ok_json(image_json("streamed/big")))});
        auto server = tls ? std::make_unique<LocalServer>(cert, key, script) : std::make_unique<LocalServer>(script);
        auto up = cfimages_test::streamed_upload(config_for(server->url("", "localhost")));
        REQUIRE(up.request);
        const cfimages::HttpRequest http = up.request->http;  // the client takes the request
        CHECK(http.body.empty());
        const auto img = send(via, std::move(up.request), options(), cert);
        REQUIRE_MESSAGE(img.has_value(), img.error().message);
        CHECK(img->id == "streamed/big");
        const auto seen = server->requests();
        REQUIRE(seen.size() == 1);
        CHECK(cfimages_test::received_streamed_body(seen[0], http));
        CHECK(up.file->max_n.load() <= cfimages_test::kTransportChunk);
        CHECK(up.file->max_n.load() >= 1024);  // chunks, not byte by byte
        // Read once by the transport (plus the builder's edges and the
        // boundary search's few bytes before each chunk).
        CHECK(up.file->bytes.load() < cfimages_test::kStreamedSize + 8192 + 64 * up.file->reads.load());
        CHECK(up.file->bytes.load() >= cfimages_test::kStreamedSize);
    }
}

TEST_CASE("beast: a retried streamed upload is read again from offset 0") {
    for (Via via : {Via::sync_plain, Via::async_plain}) {
        CAPTURE(name(via));
        LocalServer server(LocalServer::script({http_response(503, "busy", {"Retry-After-Ms: 1"}),
                                                http_response(200, ok_json(image_json("streamed/big")))}));
        auto up = cfimages_test::streamed_upload(config_for(server.url()), 3u << 20);
        REQUIRE(up.request);
        const cfimages::HttpRequest http = up.request->http;
        auto o = options();
        o.retry.retry_non_idempotent = true;  // the caller opts in for uploads
        const auto img = send(via, std::move(up.request), o, "");
        REQUIRE_MESSAGE(img.has_value(), img.error().message);
        const auto seen = server.requests();
        REQUIRE(seen.size() == 2);
        CHECK(cfimages_test::received_streamed_body(seen[0], http));
        CHECK(cfimages_test::received_streamed_body(seen[1], http));
        CHECK(up.file->rewinds.load() == 3);  // the builder, then each attempt
    }
}

TEST_CASE("beast: a source that fails mid-body fails the attempt, which is not retried") {
    for (Via via : {Via::sync_plain, Via::async_plain}) {
        CAPTURE(name(via));
        LocalServer server(LocalServer::script({http_response(200, ok_json(image_json("x")))}));
        cfimages::v1::CreateParams p;
        p.file = cfimages::File{{}, "", "", std::make_shared<cfimages_test::FailingSource>(4u << 20, 1u << 20)};
        auto req = cfimages::v1::create(config_for(server.url()), p);
        REQUIRE(req);
        auto o = options();
        o.retry.retry_non_idempotent = true;
        const auto img = send(via, std::move(req), o, "");
        REQUIRE_FALSE(img.has_value());
        CHECK(img.error().kind == cfimages::ErrorKind::transport);
        CHECK(img.error().message.find("flash: read error at block 7") != std::string::npos);
        CHECK(img.error().message.find("attempts") == std::string::npos);
        CHECK(server.requests().empty());  // the server never got a whole request
    }
}
