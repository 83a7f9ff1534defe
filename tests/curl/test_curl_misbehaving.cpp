// The libcurl client against servers that misbehave on purpose (issue 11),
// plain and TLS: every call gets its own answer, a connection the server
// closed or left bytes in is never reused, an upload goes out at most once
// once it may have reached the server, and a timeout names the limit that
// fired.
#include <cfimages/curl.hpp>

#include <doctest/doctest.h>

#include <chrono>
#include <string>

#include "../beast/local_server.hpp"
#include "../beast/misbehaving.hpp"

namespace {

using namespace cfimages_test::misbehaving;
using cfimages_test::Conn;
using cfimages_test::LocalServer;
using std::chrono::milliseconds;

// No retries: whatever the server sees twice, the transport sent twice.
cfimages::curl::ClientOptions options() {
    cfimages::curl::ClientOptions o;
    o.connect_timeout = milliseconds(1000);
    o.timeout = milliseconds(2000);
    o.retry.max_retries = 0;
    o.ca_pem = test_cert().cert;
    o.use_environment_proxy = false;
    return o;
}

} // namespace

TEST_CASE("curl: interim 1xx answers are skipped; the final answer is the call's") {
    cfimages::curl::Client client(options());
    for (bool tls : {false, true}) {
        CAPTURE(tls);
        client.close();
        check_interim_answers(client, tls);
    }
}

TEST_CASE("curl: bytes after an answer never become the next call's answer") {
    cfimages::curl::Client client(options());
    for (bool tls : {false, true}) {
        for (bool late : {false, true}) {
            CAPTURE(tls);
            CAPTURE(late);
            client.close();
            check_trailing_bytes(client, tls, late);
        }
    }
}

TEST_CASE("curl: an idle connection the server closed is noticed before the next call") {
    struct Case {
        const char* name;
        bool tls;
        bool fin;
    };
    cfimages::curl::Client client(options());
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

TEST_CASE("curl: a request read but never answered: a POST goes out once, a GET again on a new connection") {
    cfimages::curl::Client client(options());
    for (bool tls : {false, true}) {
        CAPTURE(tls);
        client.close();
        check_unanswered_post(client, tls);
        client.close();
        check_unanswered_get(client, tls);
    }
}
