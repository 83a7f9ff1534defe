// Streamed uploads (HttpRequest::body_source) through the curl client: a
// multi-MB body arrives byte for byte, read in chunks of at most 64 KiB,
// over HTTP and HTTPS; a retried upload is read again from offset 0; a
// source that fails mid-body fails the attempt, not retried.
#include <cfimages/curl.hpp>

#include <doctest/doctest.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>

#include <cfimages/cfimages.hpp>

#include "../beast/local_server.hpp"
#include "../streamed_check.hpp"

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

cfimages::curl::ClientOptions options() {
    cfimages::curl::ClientOptions o;
    o.connect_timeout = milliseconds(1000);
    o.timeout = milliseconds(10000);
    o.retry.base_delay = milliseconds(5);
    o.retry.max_delay = milliseconds(20);
    o.use_environment_proxy = false;
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

} // namespace

TEST_CASE("curl: a streamed upload goes out in bounded chunks, byte for byte") {
    const std::string dir = CFIMAGES_TEST_DATA_DIR "/tls/";
    const std::string cert = read_file(dir + "cert.pem");
    const std::string key = read_file(dir + "key.pem");
    REQUIRE_FALSE(cert.empty());
    for (bool tls : {false, true}) {
        CAPTURE(tls);
        auto script = LocalServer::script({http_response(200, ok_json(image_json("streamed/big")))});
        auto server = tls ? std::make_unique<LocalServer>(cert, key, script) : std::make_unique<LocalServer>(script);
        auto up = cfimages_test::streamed_upload(config_for(server->url("", "localhost")));
        REQUIRE(up.request);
        const cfimages::HttpRequest http = up.request->http;
        auto o = options();
        if (tls) o.ca_pem = cert;
        cfimages::curl::Client client(o);
        const auto img = client.send(std::move(up.request));
        REQUIRE_MESSAGE(img.has_value(), img.error().message);
        CHECK(img->id == "streamed/big");
        const auto seen = server->requests();
        REQUIRE(seen.size() == 1);
        CHECK(cfimages_test::received_streamed_body(seen[0], http));
        CHECK_FALSE(seen[0].header("expect").has_value());
        CHECK(up.file->max_n.load() <= cfimages_test::kTransportChunk);
        CHECK(up.file->max_n.load() >= 1024);
        CHECK(up.file->bytes.load() < cfimages_test::kStreamedSize + 8192 + 64 * up.file->reads.load());
    }
}

TEST_CASE("curl: a retried streamed upload is read again from offset 0") {
    LocalServer server(LocalServer::script({http_response(503, "busy", {"Retry-After-Ms: 1"}),
                                            http_response(200, ok_json(image_json("streamed/big")))}));
    auto up = cfimages_test::streamed_upload(config_for(server.url()), 3u << 20);
    REQUIRE(up.request);
    const cfimages::HttpRequest http = up.request->http;
    auto o = options();
    o.retry.retry_non_idempotent = true;
    cfimages::curl::Client client(o);
    const auto img = client.send(std::move(up.request));
    REQUIRE_MESSAGE(img.has_value(), img.error().message);
    const auto seen = server.requests();
    REQUIRE(seen.size() == 2);
    CHECK(cfimages_test::received_streamed_body(seen[0], http));
    CHECK(cfimages_test::received_streamed_body(seen[1], http));
    CHECK(up.file->rewinds.load() == 3);  // the builder, then each attempt
}

TEST_CASE("curl: a source that fails mid-body fails the attempt, which is not retried") {
    LocalServer server(LocalServer::script({http_response(200, ok_json(image_json("x")))}));
    cfimages::v1::CreateParams p;
    p.file = cfimages::File{{}, "", "", std::make_shared<cfimages_test::FailingSource>(4u << 20, 1u << 20)};
    auto req = cfimages::v1::create(config_for(server.url()), p);
    REQUIRE(req);
    auto o = options();
    o.retry.retry_non_idempotent = true;
    cfimages::curl::Client client(o);
    const auto img = client.send(std::move(req));
    REQUIRE_FALSE(img.has_value());
    CHECK(img.error().kind == cfimages::ErrorKind::transport);
    CHECK(img.error().message.find("flash: read error at block 7") != std::string::npos);
    CHECK(img.error().message.find("attempts") == std::string::npos);
    CHECK(server.requests().empty());
}
