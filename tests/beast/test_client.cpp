// The Beast client against a local server: requests on the wire, parsing,
// retries, keep-alive, paging, refusals, and TLS verification.
#include <cfimages/beast.hpp>

#include <doctest/doctest.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>

#include <cfimages/cfimages.hpp>

#include "local_server.hpp"

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

// Short timeouts and a fast retry schedule so the suite stays quick.
cfimages::beast::ClientOptions fast_options() {
    cfimages::beast::ClientOptions o;
    o.connect_timeout = milliseconds(500);
    o.timeout = milliseconds(1000);
    o.retry.base_delay = milliseconds(5);
    o.retry.max_delay = milliseconds(50);
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

TEST_CASE("beast: get sends the request and parses the image") {
    LocalServer server(LocalServer::script({http_response(200, ok_json(image_json("img-1")),
                                                          {"Content-Type: application/json"})}));
    cfimages::beast::Client client(fast_options());
    const auto cfg = config_for(server.url());
    const auto img = client.send(cfimages::v1::get(cfg, "img-1"));
    REQUIRE_MESSAGE(img.has_value(), img.error().message);
    CHECK(img->id == "img-1");
    CHECK(img->variants.size() == 1);
    const auto seen = server.requests();
    REQUIRE(seen.size() == 1);
    CHECK(seen[0].method == "GET");
    CHECK(seen[0].target == "/accounts/023e105f4ecef8ad9ca31a8372d0c353/images/v1/img-1");
    CHECK(seen[0].header("authorization") == std::optional<std::string>(std::string("Bearer ") + kToken));
    CHECK(seen[0].header("host") == std::optional<std::string>("127.0.0.1:" + std::to_string(server.port())));
    CHECK(seen[0].header("user-agent").value_or("").rfind("cfimages/", 0) == 0);
}

TEST_CASE("beast: a POST body goes out with its Content-Length") {
    LocalServer server(LocalServer::script({http_response(200, ok_json(image_json("new")))}));
    cfimages::beast::Client client(fast_options());
    cfimages::HttpRequest req;
    req.method = cfimages::Method::post;
    req.url = server.url("/upload?x=1");
    req.headers = {{"Content-Type", "text/plain"}};
    req.body = "hello body";
    const auto res = client.send_raw(req);
    REQUIRE(res.has_value());
    CHECK(res->status == 200);
    const auto seen = server.requests();
    REQUIRE(seen.size() == 1);
    CHECK(seen[0].method == "POST");
    CHECK(seen[0].target == "/upload?x=1");
    CHECK(seen[0].header("content-length") == std::optional<std::string>("10"));
    CHECK(seen[0].body == "hello body");
}

TEST_CASE("beast: 429 then 200 is retried and succeeds") {
    SUBCASE("Retry-After: 0") {
        LocalServer server(LocalServer::script({http_response(429, "", {"Retry-After: 0"}),
                                                http_response(200, ok_json(image_json("a")))}));
        cfimages::beast::Client client(fast_options());
        const auto img = client.send(cfimages::v1::get(config_for(server.url()), "a"));
        REQUIRE_MESSAGE(img.has_value(), img.error().message);
        CHECK(server.requests().size() == 2);
    }
    SUBCASE("retry-after-ms: 20 is waited for") {
        LocalServer server(LocalServer::script({http_response(429, "", {"retry-after-ms: 20"}),
                                                http_response(200, ok_json(image_json("a")))}));
        cfimages::beast::Client client(fast_options());
        const auto t0 = std::chrono::steady_clock::now();
        const auto img = client.send(cfimages::v1::get(config_for(server.url()), "a"));
        const auto elapsed = std::chrono::steady_clock::now() - t0;
        REQUIRE(img.has_value());
        CHECK(server.requests().size() == 2);
        CHECK(elapsed >= milliseconds(20));
    }
    SUBCASE("a 503 on a non-idempotent POST is not retried") {
        LocalServer server(LocalServer::script({http_response(503), http_response(200)}));
        cfimages::beast::Client client(fast_options());
        cfimages::HttpRequest req;
        req.method = cfimages::Method::post;
        req.url = server.url("/x");
        const auto res = client.send_raw(req);
        REQUIRE(res.has_value());
        CHECK(res->status == 503);
        CHECK(server.requests().size() == 1);
    }
    SUBCASE("retries exhausted: the last answer is the error") {
        LocalServer server(LocalServer::script({http_response(500, R"({"success":false,"errors":[{"code":1,"message":"boom"}]})")}));
        cfimages::beast::Client client(fast_options());
        const auto img = client.send(cfimages::v1::get(config_for(server.url()), "a"));
        REQUIRE_FALSE(img.has_value());
        CHECK(img.error().kind == cfimages::ErrorKind::api);
        CHECK(img.error().http_status == 500);
        CHECK(server.requests().size() == 3); // 1 + max_retries (2)
    }
}

TEST_CASE("beast: keep-alive reuses one connection; a closed one is replaced") {
    SUBCASE("three calls, one connection") {
        LocalServer server(LocalServer::script({http_response(200, ok_json(image_json("a")))}));
        cfimages::beast::Client client(fast_options());
        const auto cfg = config_for(server.url());
        for (int i = 0; i < 3; ++i) CHECK(client.send(cfimages::v1::get(cfg, "a")).has_value());
        CHECK(server.requests().size() == 3);
        CHECK(server.connections() == 1);
    }
    SUBCASE("the server closes after each answer: transparent reconnect") {
        LocalServer server([](cfimages_test::Conn& c) {
            if (c.read_request()) c.write(http_response(200, ok_json(image_json("a"))));
            c.close(); // keep-alive promised, then closed anyway
        });
        auto opts = fast_options();
        opts.retry.max_retries = 0; // the reconnect is not a retry
        cfimages::beast::Client client(opts);
        const auto cfg = config_for(server.url());
        for (int i = 0; i < 3; ++i) {
            const auto img = client.send(cfimages::v1::get(cfg, "a"));
            CHECK_MESSAGE(img.has_value(), (img ? "" : img.error().message));
            std::this_thread::sleep_for(milliseconds(10));
        }
        CHECK(server.connections() == 3);
    }
    SUBCASE("Connection: close is honoured") {
        LocalServer server(LocalServer::script({http_response(200, ok_json(image_json("a")), {"Connection: close"})}));
        cfimages::beast::Client client(fast_options());
        const auto cfg = config_for(server.url());
        CHECK(client.send(cfimages::v1::get(cfg, "a")).has_value());
        CHECK(client.send(cfimages::v1::get(cfg, "a")).has_value());
        CHECK(server.connections() == 2);
    }
}

TEST_CASE("beast: the client walks every page") {
    LocalServer server([](cfimages_test::Conn& c) {
        while (auto req = c.read_request()) {
            const bool second = req->target.find("continuation_token=next") != std::string::npos;
            const std::string result =
                second ? R"({"images":[)" + image_json("c") + "]}"
                       : R"({"images":[)" + image_json("a") + "," + image_json("b") + R"(],"continuation_token":"next"})";
            if (!c.write(http_response(200, ok_json(result)))) return;
        }
    });
    cfimages::beast::Client client(fast_options());
    const auto all = client.list_all(config_for(server.url()), cfimages::v2::ListParams{});
    REQUIRE_MESSAGE(all.has_value(), all.error().message);
    REQUIRE(all->size() == 3);
    CHECK((*all)[2].id == "c");
    int n = 0;
    const auto visited = client.for_each_image(config_for(server.url()), cfimages::v2::ListParams{},
                                               [&](const cfimages::Image&) { return ++n < 2; });
    REQUIRE(visited.has_value());
    CHECK(*visited == 2);
}

TEST_CASE("beast: refusals before anything is sent") {
    LocalServer server(LocalServer::script({http_response(200)}));
    cfimages::beast::Client client(fast_options());
    SUBCASE("a builder error passes through untouched") {
        const auto img = client.send(cfimages::v1::get(config_for(server.url()), ""));
        REQUIRE_FALSE(img.has_value());
        CHECK(img.error().kind == cfimages::ErrorKind::invalid_argument);
    }
    SUBCASE("header injection") {
        cfimages::HttpRequest req;
        req.url = server.url("/");
        req.headers = {{"X-Evil", "a\r\nInjected: yes"}};
        const auto res = client.send_raw(req);
        REQUIRE_FALSE(res.has_value());
        CHECK(res.error().kind == cfimages::ErrorKind::invalid_argument);
    }
    SUBCASE("credentials in the URL") {
        cfimages::HttpRequest req;
        req.url = "http://user:pass@127.0.0.1:" + std::to_string(server.port()) + "/";
        const auto res = client.send_raw(req);
        REQUIRE_FALSE(res.has_value());
        CHECK(res.error().kind == cfimages::ErrorKind::invalid_argument);
        CHECK(res.error().message.find("pass") == std::string::npos);
    }
    SUBCASE("unsupported scheme") {
        cfimages::HttpRequest req;
        req.url = "ftp://127.0.0.1/";
        CHECK(client.send_raw(req).error().kind == cfimages::ErrorKind::invalid_argument);
    }
    CHECK(server.requests().empty());
}

TEST_CASE("beast: a response read into a recycled one carries only its own headers and body") {
    // send() hands each response back to the client to read the next into.
    LocalServer server(LocalServer::script({
        http_response(200, ok_json(image_json("first-image-with-a-long-id")),
                      {"X-Extra-One: a value longer than fifteen characters", "X-Extra-Two: 2"}),
        http_response(201, "short", {"X-Only: yes"}),
        http_response(200, "", {}),
    }));
    cfimages::beast::Client client(fast_options());
    REQUIRE(client.send(cfimages::v1::get(config_for(server.url()), "a")).has_value());
    cfimages::HttpRequest req;
    req.url = server.url("/");
    const auto second = client.send_raw(req);
    REQUIRE(second.has_value());
    CHECK(second->status == 201);
    CHECK(second->body == "short");
    REQUIRE(second->headers.size() == 2);
    CHECK(second->headers[0].name == "Content-Length");
    CHECK(second->headers[0].value == "5");
    CHECK(second->headers[1].name == "X-Only");
    CHECK(second->headers[1].value == "yes");
    CHECK_FALSE(second->header("x-extra-one").has_value());
    const auto third = client.send_raw(req);
    REQUIRE(third.has_value());
    CHECK(third->body.empty());
    CHECK(third->headers.size() == 1);
}

TEST_CASE("beast: one client, changing URLs: each is split and checked anew") {
    // The client keeps the last URL's scheme and authority; a URL that
    // shares them, or does not, must be treated exactly as split_url says.
    LocalServer a(LocalServer::script({http_response(200)}));
    LocalServer b(LocalServer::script({http_response(200)}));
    cfimages::beast::Client client(fast_options());
    const auto status = [&](const std::string& url) {
        cfimages::HttpRequest req;
        req.url = url;
        const auto res = client.send_raw(req);
        return res ? res->status : -static_cast<int>(res.error().kind);
    };
    const int refused = -static_cast<int>(cfimages::ErrorKind::invalid_argument);
    CHECK(status(a.url("/x?y=1#frag")) == 200);
    CHECK(status(a.url("/a b")) == refused);
    CHECK(status(a.url("/a\\b")) == refused);
    CHECK(status(a.url("?q")) == 200);
    CHECK(status(a.url("")) == 200);
    CHECK(status(a.url(":/")) == refused);      // same prefix, longer (invalid) authority
    CHECK(status(a.url("@evil/")) == refused);  // user information after the cached prefix
    CHECK(status(b.url("/z")) == 200);
    CHECK(status("HTTP://127.0.0.1:" + std::to_string(a.port()) + "/up") == 200);
    CHECK(status("http://user@127.0.0.1:" + std::to_string(a.port()) + "/") == refused);
    const auto seen = a.requests();
    REQUIRE(seen.size() == 4);
    CHECK(seen[0].target == "/x?y=1");
    CHECK(seen[1].target == "/?q");
    CHECK(seen[2].target == "/");
    CHECK(seen[3].target == "/up");
    REQUIRE(b.requests().size() == 1);
    CHECK(b.requests()[0].target == "/z");
}

TEST_CASE("beast: connection refused is a transport error, retried, with host:port") {
    unsigned short port = 0;
    {
        LocalServer gone(LocalServer::script({http_response(200)}));
        port = gone.port();
    } // closed: nothing listens there now
    cfimages::beast::Client client(fast_options());
    const auto cfg = config_for("http://127.0.0.1:" + std::to_string(port));
    const auto img = client.send(cfimages::v1::get(cfg, "a"));
    REQUIRE_FALSE(img.has_value());
    CHECK(img.error().kind == cfimages::ErrorKind::transport);
    CHECK(img.error().http_status == 0);
    CHECK(img.error().message.find("127.0.0.1:" + std::to_string(port)) != std::string::npos);
    CHECK(img.error().message.find("connect") != std::string::npos);
    CHECK(img.error().message.find("3 attempts") != std::string::npos);
    CHECK(img.error().message.find(kToken) == std::string::npos);
}

TEST_CASE("beast: TLS") {
    const std::string dir = CFIMAGES_TEST_DATA_DIR "/tls/";
    const std::string cert = read_file(dir + "cert.pem");
    const std::string key = read_file(dir + "key.pem");
    REQUIRE_FALSE(cert.empty());
    LocalServer server(cert, key, http_response(200, ok_json(image_json("tls"))));
    SUBCASE("a self-signed certificate fails verification by default") {
        cfimages::beast::Client client(fast_options());
        const auto img = client.send(cfimages::v1::get(config_for(server.url("", "localhost")), "tls"));
        REQUIRE_FALSE(img.has_value());
        CHECK(img.error().kind == cfimages::ErrorKind::transport);
        CHECK(img.error().message.find("certificate verification failed") != std::string::npos);
        CHECK(img.error().message.find("localhost:" + std::to_string(server.port())) != std::string::npos);
        CHECK(server.requests().empty());
    }
    SUBCASE("trusted through extra_ca_pem: succeeds, and the connection is reused") {
        auto opts = fast_options();
        opts.extra_ca_pem = cert;
        cfimages::beast::Client client(opts);
        const auto cfg = config_for(server.url("", "localhost"));
        const auto img = client.send(cfimages::v1::get(cfg, "tls"));
        REQUIRE_MESSAGE(img.has_value(), img.error().message);
        CHECK(img->id == "tls");
        CHECK(client.send(cfimages::v1::get(cfg, "tls")).has_value());
        CHECK(server.connections() == 1);
    }
    SUBCASE("trusted certificate, wrong host name (127.0.0.1 is not in its names)") {
        auto opts = fast_options();
        opts.extra_ca_pem = cert;
        cfimages::beast::Client client(opts);
        const auto img = client.send(cfimages::v1::get(config_for(server.url()), "tls"));
        REQUIRE_FALSE(img.has_value());
        CHECK(img.error().kind == cfimages::ErrorKind::transport);
        CHECK(img.error().message.find("certificate verification failed") != std::string::npos);
        CHECK(img.error().message.find("mismatch") != std::string::npos);
    }
    SUBCASE("an invalid extra_ca_pem is reported, not ignored") {
        auto opts = fast_options();
        opts.extra_ca_pem = "not a certificate";
        cfimages::beast::Client client(opts);
        const auto img = client.send(cfimages::v1::get(config_for(server.url("", "localhost")), "tls"));
        REQUIRE_FALSE(img.has_value());
        CHECK(img.error().kind == cfimages::ErrorKind::transport);
        CHECK(img.error().message.find("extra_ca_pem") != std::string::npos);
    }
}
