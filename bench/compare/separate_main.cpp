// Proves the separate-compilation mode (CFIMAGES_SEPARATE_COMPILATION, see
// cfimages/detail/link.hpp) links and behaves: this TU and the compile
// probe see declarations only, separate_src.cpp holds the definitions.
#include <cfimages/cfimages.hpp>

#include <cstdio>
#include <string_view>

std::size_t cfimages_probe(const cfimages::Config& cfg, std::string_view id);

int main() {
    cfimages::Config cfg;
    cfg.account_id = "023e105f4ecef8ad9ca31a8372d0c353";
    cfg.credentials = cfimages::ApiToken{"bench-token"};
    if (cfimages_probe(cfg, "abc") == 0) return 1;
    auto req = cfimages::v1::get(cfg, "x");
    if (!req) return 1;
    cfimages::HttpResponse r;
    r.status = 200;
    r.body = R"({"success":true,"errors":[],"messages":[],"result":{"id":"x","filename":"a.png",)"
             R"("uploaded":"2024-01-01T00:00:00Z","requireSignedURLs":false,"variants":[]}})";
    auto img = req->parse(r);
    if (!img || img->id != "x") {
        std::fprintf(stderr, "separate compilation: %s\n", img ? "wrong id" : img.error().message.c_str());
        return 1;
    }
    std::puts("separate compilation: ok");
    return 0;
}
