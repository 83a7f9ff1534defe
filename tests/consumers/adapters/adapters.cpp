// A downstream program that sends with the bundled transports: with
// CFIMAGES_CONSUMER_BEAST the Boost.Beast client, with CFIMAGES_CONSUMER_CURL
// the libcurl one (both: both). Each sends one request to a closed port on
// 127.0.0.1 and must get a `transport` error that names no credential, which
// takes the adapter's libraries (OpenSSL, threads; libcurl) to link and run.
#include <cfimages/cfimages.hpp>
#if defined(CFIMAGES_CONSUMER_BEAST)
#include <cfimages/beast.hpp>
#endif
#if defined(CFIMAGES_CONSUMER_CURL)
#include <cfimages/curl.hpp>
#endif

#include <chrono>
#include <iostream>
#include <sstream>
#include <string>

namespace {

cfimages::Config config() {
    cfimages::Config cfg;
    cfg.account_id = "023e105f4ecef8ad9ca31a8372d0c353";
    cfg.credentials = cfimages::ApiToken{"consumer-secret"};
    cfg.base_url = "http://127.0.0.1:1";  // nothing listens on port 1
    return cfg;
}

template <class Client>
bool refused_cleanly(Client& client, const char* name) {
    auto r = client.send(cfimages::v1::get(config(), "consumer-image"));
    std::ostringstream os;
    if (!r) os << r.error();
    const bool ok = !r && r.error().kind == cfimages::ErrorKind::transport &&
                    os.str().find("consumer-secret") == std::string::npos;
    std::cout << name << ": " << (ok ? "ok, " : "FAILED, ") << os.str() << '\n';
    return ok;
}

} // namespace

int main() {
    bool ok = true;
    int clients = 0;
#if defined(CFIMAGES_CONSUMER_BEAST)
    {
        cfimages::beast::ClientOptions o;
        o.retry.max_retries = 0;
        o.connect_timeout = std::chrono::seconds(5);
        cfimages::beast::Client client(o);
        ok = refused_cleanly(client, "beast") && ok;
        ++clients;
    }
#endif
#if defined(CFIMAGES_CONSUMER_CURL)
    {
        cfimages::curl::ClientOptions o;
        o.retry.max_retries = 0;
        o.connect_timeout = std::chrono::seconds(5);
        o.use_environment_proxy = false;
        cfimages::curl::Client client(o);
        ok = refused_cleanly(client, "curl") && ok;
        ++clients;
    }
#endif
    if (clients == 0) return 1;
    std::cout << "cfimages " << CFIMAGES_VERSION_STRING << " adapters consumer " << (ok ? "ok" : "FAILED") << '\n';
    return ok ? 0 : 1;
}
