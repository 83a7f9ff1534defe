// The smallest useful cfimages program: build one request (v1::get), read
// its answer from stdin, parse it, print the image ID. bench/size/run builds
// it -Os without exceptions or RTTI and reports its stripped size against
// json_only.cpp, which parses the same answer with Boost.JSON alone.
#include <cfimages/images.hpp>

#include <cstdio>
#include <string>

int main() {
    cfimages::Config cfg;
    cfg.account_id = "023e105f4ecef8ad9ca31a8372d0c353";
    cfg.credentials = cfimages::ApiToken{"size-probe-token"};
    auto req = cfimages::v1::get(cfg, "107b9558-dd06-4bbd-5fef-9c2c16bb7900");
    if (!req) return 2;

    cfimages::HttpResponse res;
    res.status = 200;
    char buf[4096];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, stdin)) > 0;) res.body.append(buf, n);

    auto img = req->parse(res);
    if (!img) {
        std::fputs(img.error().message.c_str(), stderr);
        return 1;
    }
    std::puts(img->id.c_str());
    return req->http.url.empty() ? 1 : 0;
}
