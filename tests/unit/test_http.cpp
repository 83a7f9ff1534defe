// HttpRequest / HttpResponse values: header lookup ignores case, debug output
// never shows credentials.
#include <cfimages/http.hpp>

#include <doctest/doctest.h>

#include <sstream>
#include <string>

TEST_CASE("Method names are the wire names") {
    CHECK(std::string(cfimages::to_string(cfimages::Method::get)) == "GET");
    CHECK(std::string(cfimages::to_string(cfimages::Method::post)) == "POST");
    CHECK(std::string(cfimages::to_string(cfimages::Method::put)) == "PUT");
    CHECK(std::string(cfimages::to_string(cfimages::Method::patch)) == "PATCH");
    CHECK(std::string(cfimages::to_string(cfimages::Method::delete_)) == "DELETE");
}

TEST_CASE("iequals compares ASCII case-insensitively") {
    CHECK(cfimages::iequals("Content-Type", "content-type"));
    CHECK(cfimages::iequals("", ""));
    CHECK_FALSE(cfimages::iequals("Content-Type", "Content-Typ"));
    CHECK_FALSE(cfimages::iequals("a", "b"));
    CHECK_FALSE(cfimages::iequals("[", "{")); // 0x5B vs 0x7B: only letters fold
}

TEST_CASE("find_header returns the first match in any case") {
    cfimages::Headers h{{"Content-Type", "application/json"},
                        {"cf-images", "err=5404"},
                        {"CF-Images", "err=9999"}};
    auto ct = cfimages::find_header(h, "content-type");
    REQUIRE(ct.has_value());
    CHECK(*ct == "application/json");
    auto cf = cfimages::find_header(h, "CF-IMAGES");
    REQUIRE(cf.has_value());
    CHECK(*cf == "err=5404");
    CHECK_FALSE(cfimages::find_header(h, "retry-after").has_value());
    CHECK_FALSE(cfimages::find_header(cfimages::Headers{}, "x").has_value());

    cfimages::HttpResponse resp;
    resp.status = 429;
    resp.headers = {{"Retry-After", "3"}};
    REQUIRE(resp.header("retry-after").has_value());
    CHECK(*resp.header("retry-after") == "3");

    cfimages::HttpRequest req;
    req.headers = {{"Accept", "application/json"}};
    REQUIRE(req.header("ACCEPT").has_value());
    CHECK(*req.header("ACCEPT") == "application/json");
}

TEST_CASE("is_secret_header covers every credential-bearing header") {
    for (const char* name : {"Authorization", "authorization", "X-Auth-Key", "x-auth-email",
                             "Cookie", "Proxy-Authorization"})
        CHECK_MESSAGE(cfimages::is_secret_header(name), name);
    for (const char* name : {"Accept", "User-Agent", "Content-Type", "X-Auth"})
        CHECK_FALSE_MESSAGE(cfimages::is_secret_header(name), name);
}

TEST_CASE("operator<< redacts credentials and prints the body size, not the body") {
    cfimages::HttpRequest req;
    req.method = cfimages::Method::post;
    req.url = "https://api.cloudflare.com/client/v4/accounts/acc/images/v1";
    req.headers = {{"Authorization", "Bearer top-secret-token"},
                   {"X-Auth-Email", "user@example.com"},
                   {"X-Auth-Key", "top-secret-key"},
                   {"Accept", "application/json"}};
    req.body = "body-secret";
    std::ostringstream os;
    os << req;
    const std::string s = os.str();
    CHECK(s.find("top-secret") == std::string::npos);
    CHECK(s.find("user@example.com") == std::string::npos);
    CHECK(s.find("body-secret") == std::string::npos);
    CHECK(s.find("POST https://api.cloudflare.com/client/v4/accounts/acc/images/v1\n") == 0);
    CHECK(s.find("Authorization: <redacted>\n") != std::string::npos);
    CHECK(s.find("Accept: application/json\n") != std::string::npos);
    CHECK(s.find("<body: 11 bytes>") != std::string::npos);

    cfimages::HttpResponse resp;
    resp.status = 200;
    resp.headers = {{"Set-Cookie", "a=b"}, {"Cookie", "session=secret"}};
    resp.body = "{}";
    std::ostringstream os2;
    os2 << resp;
    CHECK(os2.str() == "HTTP 200\nSet-Cookie: a=b\nCookie: <redacted>\n<body: 2 bytes>");
}
