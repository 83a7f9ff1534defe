// Tests for split_url (cfimages/url.hpp): the one place a URL is judged
// fit to send and taken apart. One row per URL.
#include <cfimages/url.hpp>

#include <doctest/doctest.h>

#include <string>
#include <vector>

TEST_CASE("url: split_url accepts absolute http(s) URLs and takes them apart") {
    struct Row {
        const char* url;
        bool tls;
        const char* host;
        unsigned port;
        const char* target;  // as append_target writes it
        const char* origin;
        const char* host_header;
        bool ip_literal;
    };
    const std::vector<Row> rows = {
        {"https://api.cloudflare.com/client/v4/accounts/a", true, "api.cloudflare.com", 443,
         "/client/v4/accounts/a", "https://api.cloudflare.com:443", "api.cloudflare.com", false},
        {"HTTP://Example.COM:8080", false, "Example.COM", 8080, "/", "http://example.com:8080",
         "example.com:8080", false},
        {"http://127.0.0.1:4010?x=1#frag", false, "127.0.0.1", 4010, "/?x=1", "http://127.0.0.1:4010",
         "127.0.0.1:4010", true},
        {"https://[::1]:8443/a?b#c", true, "::1", 8443, "/a?b", "https://[::1]:8443", "[::1]:8443", true},
        {"https://[2001:db8::1]/", true, "2001:db8::1", 443, "/", "https://[2001:db8::1]:443", "[2001:db8::1]",
         true},
        {"http://h:080/p", false, "h", 80, "/p", "http://h:80", "h", false},
        {"https://a.b-c_d~e/%2F", true, "a.b-c_d~e", 443, "/%2F", "https://a.b-c_d~e:443", "a.b-c_d~e", false},
    };
    for (const auto& row : rows) {
        CAPTURE(row.url);
        auto u = cfimages::split_url(row.url);
        REQUIRE(u);
        CHECK(u->tls == row.tls);
        CHECK(u->host == row.host);
        CHECK(u->port == row.port);
        std::string target;
        u->append_target(target);
        CHECK(target == row.target);
        CHECK(u->origin() == row.origin);
        CHECK(u->host_header() == row.host_header);
        CHECK(u->ip_literal == row.ip_literal);
    }
}

TEST_CASE("url: split_url refuses what must not be sent") {
    for (const char* url :
         {"", "ftp://h/x", "https//h/x", "https:/h", "://h", "https://", "https:///x", "https://user@h/",
          "https://u:p@h/", "https://h:0/", "https://h:65536/", "https://h:123456/", "https://h:/x",
          "https://h:8a/", "https://h x/", "https://h/a b", "https://h/a\tb", "https://h/\x7f",
          "https://h/a\\b", "https://[::1/", "https://[]/", "https://[::1]x/", "https://[g::1]/",
          "https://[1.2.3.4]/", "https://h!/", "httpss://h/", "https://h\r\n/"}) {
        CAPTURE(url);
        CHECK_FALSE(cfimages::split_url(url));
    }
}

TEST_CASE("url: same_origin ignores the host's case and nothing else") {
    const std::string a = "https://API.example.com/x", b = "https://api.example.com:443/y",
                      c = "http://api.example.com/x", d = "https://api.example.com:8443/x";
    CHECK(same_origin(*cfimages::split_url(a), *cfimages::split_url(b)));
    CHECK_FALSE(same_origin(*cfimages::split_url(a), *cfimages::split_url(c)));
    CHECK_FALSE(same_origin(*cfimages::split_url(a), *cfimages::split_url(d)));
    CHECK(cfimages::url_origin_for_message("https://evil.example/steal?token=x") == "https://evil.example:443");
    CHECK(cfimages::url_origin_for_message("/relative") == "another location");
}
