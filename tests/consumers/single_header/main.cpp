// A downstream program that has nothing but single_include/: one header,
// Boost.JSON header-only (see boost_json.cpp). Builds a request and prints it.
#include <cfimages/cfimages.hpp>

#include <iostream>
#include <sstream>
#include <string>

int main() {
    cfimages::Config cfg;
    cfg.account_id = "023e105f4ecef8ad9ca31a8372d0c353";
    cfg.credentials = cfimages::ApiToken{"consumer-secret"};
    auto req = cfimages::v1::get(cfg, "consumer-image");
    if (!req) {
        std::cerr << "builder refused: " << req.error() << '\n';
        return 1;
    }
    std::ostringstream os;
    os << req->http;
    if (os.str().find("consumer-secret") != std::string::npos) return 1;
    if (req->http.url.find("/images/v1/consumer-image") == std::string::npos) return 1;
    cfimages::HttpResponse resp;
    resp.status = 404;
    resp.headers.push_back({"cf-images", "err=5404"});
    resp.body = "ERROR 5404: Image not found";
    auto img = req->parse(resp);
    if (img.has_value()) return 1;
    std::cout << "cfimages " << CFIMAGES_VERSION_STRING << " single-header consumer ok\n"
              << os.str() << '\n' << img.error() << '\n';
    return 0;
}
