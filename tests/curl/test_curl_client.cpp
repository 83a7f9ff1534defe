// The libcurl client against a local server: requests on the wire, parsing,
// retries, keep-alive, redirects, limits, timeouts, refusals, and TLS
// verification. Uses the Beast tests' scriptable server (plain POSIX sockets,
// TLS through Asio), which shares no code with libcurl.
#include <cfimages/curl.hpp>

#include <doctest/doctest.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>

#include <cfimages/cfimages.hpp>

#include "../beast/local_server.hpp"

namespace {

using cfimages_test::http_response;
using cfimages_test::LocalServer;
using cfimages_test::ok_json;
using std::chrono::milliseconds;

constexpr const char* kToken = "secret-token-never-printed";

cfimages::Config config_for(const std::string& base_url) {
    cfimages::Config cfg;
    cfg.account_id = "023e105f4ecef8ad9ca31a8372d0c353";
    cfg.credentials = cfimages::ApiToken{kToken};
    cfg.base_url = base_url;
    return cfg;
}

// Short timeouts and a fast retry schedule so the suite stays quick; no
// proxy from the environment, so 127.0.0.1 is always reached directly.
cfimages::curl::ClientOptions fast_options() {
    cfimages::curl::ClientOptions o;
    o.connect_timeout = milliseconds(500);
    o.timeout = milliseconds(1000);
    o.retry.base_delay = milliseconds(5);
    o.retry.max_delay = milliseconds(50);
    o.use_environment_proxy = false;
    return o;
}

std::string image_json(const std::string& id) {
    return R"({"id":")" + id +
           R"(","filename":"a.png","meta":{"k":"v"},"requireSignedURLs":false,"uploaded":"2024-01-02T03:04:05Z","variants":["https://imagedelivery.net/h/)" +
           id + R"(/public"]})";
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

} // namespace

TEST_CASE("curl: get sends the builder's request and parses the image") {
    LocalServer server(LocalServer::script({http_response(200, ok_json(image_json("abc")))}));
    cfimages::curl::Client client(fast_options());
    const auto img = client.send(cfimages::v1::get(config_for(server.url()), "a/b"));
    REQUIRE_MESSAGE(img.has_value(), img.error().message);
    CHECK(img->id == "abc");
    const auto seen = server.requests();
    REQUIRE(seen.size() == 1);
    CHECK(seen[0].method == "GET");
    CHECK(seen[0].target == "/accounts/023e105f4ecef8ad9ca31a8372d0c353/images/v1/a%2Fb");
    CHECK(seen[0].header("authorization") == std::string("Bearer ") + kToken);
    CHECK(seen[0].header("accept") == std::string("application/json"));
    CHECK(seen[0].header("user-agent") == std::string("cfimages/" CFIMAGES_VERSION_STRING));
    CHECK_FALSE(seen[0].header("content-type").has_value());
    CHECK_FALSE(seen[0].header("expect").has_value());
}

TEST_CASE("curl: bodies go out as built, with Content-Length; methods as given") {
    LocalServer server(LocalServer::script({http_response(200, ok_json("{}"))}));
    cfimages::curl::Client client(fast_options());
    cfimages::HttpRequest post;
    post.method = cfimages::Method::post;
    post.url = server.url("/p");
    post.headers.push_back({"Content-Type", "multipart/form-data; boundary=xyz"});
    post.body = std::string(3000, 'x'); // above libcurl's Expect: 100-continue threshold
    REQUIRE(client.send_raw(post).has_value());
    cfimages::HttpRequest put;
    put.method = cfimages::Method::put;
    put.url = server.url("/k");
    REQUIRE(client.send_raw(put).has_value());
    cfimages::HttpRequest del;
    del.method = cfimages::Method::delete_;
    del.url = server.url("/d");
    REQUIRE(client.send_raw(del).has_value());
    cfimages::HttpRequest patch;
    patch.method = cfimages::Method::patch;
    patch.url = server.url("/e");
    patch.headers.push_back({"Content-Type", "application/json"});
    patch.body = R"({"a":1})";
    REQUIRE(client.send_raw(patch).has_value());

    const auto seen = server.requests();
    REQUIRE(seen.size() == 4);
    CHECK(seen[0].method == "POST");
    CHECK(seen[0].body == post.body);
    CHECK(seen[0].header("content-length") == std::string("3000"));
    CHECK(seen[0].header("content-type") == std::string("multipart/form-data; boundary=xyz"));
    CHECK_FALSE(seen[0].header("expect").has_value());
    CHECK(seen[1].method == "PUT");
    CHECK(seen[1].header("content-length") == std::string("0"));
    CHECK_FALSE(seen[1].header("content-type").has_value());
    CHECK(seen[2].method == "DELETE");
    CHECK(seen[2].body.empty());
    CHECK(seen[3].method == "PATCH");
    CHECK(seen[3].body == patch.body);
    // The POST (not idempotent) on a connection of its own, the other
    // three on one kept-alive connection.
    CHECK(server.connections() == 2);
    CHECK(seen[1].connection == seen[2].connection);
    CHECK(seen[2].connection == seen[3].connection);
}

TEST_CASE("curl: 429 then 200 is retried; a POST is not retried on 503") {
    SUBCASE("idempotent GET") {
        LocalServer server(LocalServer::script({http_response(429, "", {"Retry-After-Ms: 10"}),
                                                http_response(200, ok_json(image_json("r")))}));
        cfimages::curl::Client client(fast_options());
        const auto img = client.send(cfimages::v1::get(config_for(server.url()), "r"));
        REQUIRE_MESSAGE(img.has_value(), img.error().message);
        CHECK(server.requests().size() == 2);
    }
    SUBCASE("upload") {
        LocalServer server(LocalServer::script({http_response(503), http_response(200, ok_json(image_json("u")))}));
        cfimages::curl::Client client(fast_options());
        cfimages::v1::CreateParams p;
        p.url = "https://example.com/a.png";
        const auto img = client.send(cfimages::v1::create(config_for(server.url()), p));
        REQUIRE_FALSE(img.has_value());
        CHECK(img.error().kind == cfimages::ErrorKind::api);
        CHECK(img.error().http_status == 503);
        CHECK(server.requests().size() == 1);
    }
}

TEST_CASE("curl: redirects are not followed") {
    LocalServer server(LocalServer::script(
        {http_response(302, "", {"Location: https://elsewhere.example:8443/steal?token=abc"})}));
    cfimages::curl::Client client(fast_options());
    const auto cfg = config_for(server.url());
    const auto img = client.send(cfimages::v1::get(cfg, "a"));
    REQUIRE_FALSE(img.has_value());
    CHECK(img.error().kind == cfimages::ErrorKind::api);
    CHECK(img.error().http_status == 302);
    CHECK(img.error().message.find("https://elsewhere.example:8443") != std::string::npos);
    CHECK(img.error().message.find("token=abc") == std::string::npos);
    auto raw = client.send_raw(cfimages::v1::get(cfg, "a")->http);
    REQUIRE(raw.has_value());
    CHECK(raw->status == 302);
    CHECK(server.requests().size() == 2);
}

TEST_CASE("curl: the body limit stops the transfer") {
    LocalServer server(LocalServer::script({http_response(200, std::string(4096, 'x'))}));
    auto opts = fast_options();
    opts.body_limit = 1000;
    cfimages::curl::Client client(opts);
    const auto r = client.send_raw(cfimages::v1::get(config_for(server.url()), "a")->http);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().kind == cfimages::ErrorKind::transport);
    CHECK(r.error().message.find("body_limit") != std::string::npos);
    CHECK(server.requests().size() == 1); // not retried
}

TEST_CASE("curl: a silent server times out as a transport error") {
    LocalServer server([](cfimages_test::Conn& c) {
        if (c.read_request()) c.sleep(milliseconds(3000));
    });
    auto opts = fast_options();
    opts.timeout = milliseconds(200);
    opts.retry.max_retries = 0;
    cfimages::curl::Client client(opts);
    const auto t0 = std::chrono::steady_clock::now();
    const auto r = client.send(cfimages::v1::stats::get(config_for(server.url())));
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().kind == cfimages::ErrorKind::transport);
    CHECK(r.error().message.find("timed out") != std::string::npos);
    CHECK(std::chrono::steady_clock::now() - t0 < milliseconds(2000));
    server.stop();
}

TEST_CASE("curl: connection refused is a transport error, retried, with host:port") {
    unsigned short port = 0;
    {
        LocalServer gone(LocalServer::script({http_response(200)}));
        port = gone.port();
    }
    cfimages::curl::Client client(fast_options());
    const auto img = client.send(cfimages::v1::get(config_for("http://127.0.0.1:" + std::to_string(port)), "a"));
    REQUIRE_FALSE(img.has_value());
    CHECK(img.error().kind == cfimages::ErrorKind::transport);
    CHECK(img.error().http_status == 0);
    CHECK(img.error().message.find("127.0.0.1:" + std::to_string(port)) != std::string::npos);
    CHECK(img.error().message.find("connect") != std::string::npos);
    CHECK(img.error().message.find("3 attempts") != std::string::npos);
    CHECK(img.error().message.find(kToken) == std::string::npos);
}

TEST_CASE("curl: refusals before anything is sent") {
    cfimages::curl::Client client(fast_options());
    cfimages::HttpRequest r;
    r.url = "ftp://127.0.0.1/x";
    CHECK(client.send_raw(r).error().kind == cfimages::ErrorKind::invalid_argument);
    r.url = "http://user:pass@127.0.0.1/x";
    CHECK(client.send_raw(r).error().kind == cfimages::ErrorKind::invalid_argument);
    r.url = "http://127.0.0.1:1/x";
    r.headers.push_back({"X-Evil", "a\r\nInjected: yes"});
    CHECK(client.send_raw(r).error().kind == cfimages::ErrorKind::invalid_argument);
    // A builder's refusal passes through untouched.
    const auto refused = client.send(cfimages::v1::get(config_for("http://127.0.0.1:1"), ".."));
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error().kind == cfimages::ErrorKind::invalid_argument);
}

TEST_CASE("curl: the client walks every page") {
    LocalServer server(LocalServer::script(
        {http_response(200, ok_json(R"({"images":[)" + image_json("a") + R"(],"continuation_token":"t2"})")),
         http_response(200, ok_json(R"({"images":[)" + image_json("b") + R"(],"continuation_token":null})"))}));
    cfimages::curl::Client client(fast_options());
    const auto all = client.list_all(config_for(server.url()), cfimages::v2::ListParams{});
    REQUIRE_MESSAGE(all.has_value(), all.error().message);
    REQUIRE(all->size() == 2);
    CHECK((*all)[1].id == "b");
    const auto seen = server.requests();
    REQUIRE(seen.size() == 2);
    CHECK(seen[1].target.find("continuation_token=t2") != std::string::npos);
}

TEST_CASE("curl: TLS") {
    const std::string dir = CFIMAGES_TEST_DATA_DIR "/tls/";
    const std::string cert = read_file(dir + "cert.pem");
    const std::string key = read_file(dir + "key.pem");
    REQUIRE_FALSE(cert.empty());
    LocalServer server(cert, key, http_response(200, ok_json(image_json("tls"))));
    SUBCASE("a self-signed certificate fails verification by default") {
        cfimages::curl::Client client(fast_options());
        const auto img = client.send(cfimages::v1::get(config_for(server.url("", "localhost")), "tls"));
        REQUIRE_FALSE(img.has_value());
        CHECK(img.error().kind == cfimages::ErrorKind::transport);
        CHECK(img.error().message.find("certificate verification failed") != std::string::npos);
        CHECK(img.error().message.find("localhost:" + std::to_string(server.port())) != std::string::npos);
        CHECK(server.requests().empty());
    }
    SUBCASE("trusted through ca_pem: succeeds, and the connection is reused") {
        auto opts = fast_options();
        opts.ca_pem = cert;
        cfimages::curl::Client client(opts);
        const auto cfg = config_for(server.url("", "localhost"));
        const auto img = client.send(cfimages::v1::get(cfg, "tls"));
        REQUIRE_MESSAGE(img.has_value(), img.error().message);
        CHECK(img->id == "tls");
        CHECK(client.send(cfimages::v1::get(cfg, "tls")).has_value());
        CHECK(server.connections() == 1);
    }
    SUBCASE("trusted certificate, wrong host name (127.0.0.1 is not in its names)") {
        auto opts = fast_options();
        opts.ca_pem = cert;
        cfimages::curl::Client client(opts);
        const auto img = client.send(cfimages::v1::get(config_for(server.url()), "tls"));
        REQUIRE_FALSE(img.has_value());
        CHECK(img.error().kind == cfimages::ErrorKind::transport);
        CHECK(img.error().message.find("certificate verification failed") != std::string::npos);
    }
}
