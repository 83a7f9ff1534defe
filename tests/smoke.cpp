// Smallest program that uses the library the way a user does: include the
// umbrella header, build a request, print it (credentials redacted), and
// parse a response. The compiler matrix builds this next to the header check.
#if __has_include(<cfimages/cfimages.hpp>)
#include <cfimages/cfimages.hpp>
#endif
#include <cfimages/config.hpp>
#include <cfimages/http.hpp>
#include <cfimages/result.hpp>
#include <cfimages/version.hpp>

#include <iostream>
#include <sstream>
#include <string>

#ifdef CFIMAGES_SMOKE_BEAST
int smoke_beast();  // smoke_separate_beast.cpp
#endif

int main() {
#ifdef CFIMAGES_SMOKE_BEAST
    if (smoke_beast() != 0) return 1;
#endif
    cfimages::Config cfg;
    cfg.account_id = "023e105f4ecef8ad9ca31a8372d0c353";
    cfg.credentials = cfimages::ApiToken{"smoke-secret-token"};

    std::ostringstream out;
#if defined(CFIMAGES_IMAGES_HPP)
    auto req = cfimages::v1::get(cfg, "smoke-image");
    if (!req) {
        std::cerr << "smoke: builder refused: " << req.error() << '\n';
        return 1;
    }
    out << req->http;
    cfimages::HttpResponse resp;
    resp.status = 404;
    resp.body = "ERROR 5404: Image not found";
    auto parsed = req->parse(resp);
    if (parsed.has_value()) {
        std::cerr << "smoke: a 404 parsed as success\n";
        return 1;
    }
    out << '\n' << parsed.error();
#else
    cfimages::HttpRequest http;
    http.url = cfg.base_url + "/accounts/" + cfg.account_id + "/images/v1/smoke-image";
    http.headers.push_back({"Authorization", "Bearer smoke-secret-token"});
    out << http << '\n' << cfg;
#endif
    const std::string text = out.str();
    if (text.find("smoke-secret-token") != std::string::npos) {
        std::cerr << "smoke: credentials leaked into debug output\n";
        return 1;
    }
    std::cout << "cfimages " << CFIMAGES_VERSION_STRING << " smoke ok\n" << text << '\n';
    return 0;
}
