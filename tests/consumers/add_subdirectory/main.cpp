// A downstream program: builds a request with cfimages and prints it
// (credentials redacted). Exits non-zero if anything looks wrong.
#if __has_include(<cfimages/cfimages.hpp>)
#include <cfimages/cfimages.hpp>
#endif
#include <cfimages/http.hpp>
#include <cfimages/result.hpp>
#include <cfimages/version.hpp>

#include <iostream>
#include <sstream>
#include <string>

int main() {
#if defined(CFIMAGES_IMAGES_HPP)
    cfimages::Config cfg;
    cfg.account_id = "023e105f4ecef8ad9ca31a8372d0c353";
    cfg.credentials = cfimages::ApiToken{"consumer-secret"};
    auto req = cfimages::v1::get(cfg, "consumer-image");
    if (!req) {
        std::cerr << "builder refused: " << req.error() << '\n';
        return 1;
    }
    const cfimages::HttpRequest& http = req->http;
#else
    // Until the endpoint builders exist: the value types alone.
    cfimages::HttpRequest http;
    http.url = "https://api.cloudflare.com/client/v4/accounts/acc/images/v1/consumer-image";
    http.headers.push_back({"Authorization", "Bearer consumer-secret"});
    cfimages::Result<int> r = cfimages::fail(cfimages::ApiError::invalid("id", "demo"));
    if (r) return 1;
#endif
    std::ostringstream os;
    os << http;
    if (os.str().find("consumer-secret") != std::string::npos) return 1;
    if (http.url.find("/images/v1/consumer-image") == std::string::npos) return 1;
    std::cout << "cfimages " << CFIMAGES_VERSION_STRING << " consumer ok\n" << os.str() << '\n';
    return 0;
}
