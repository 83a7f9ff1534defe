// Compile-time probe (bench/compare/run times it against compile_boost_json.cpp):
// the umbrella header, one builder called and its answer parsed, as a
// typical translation unit of an application does.
#include <cfimages/cfimages.hpp>

#include <cstddef>

std::size_t cfimages_one_probe(const cfimages::Config& cfg, const cfimages::HttpResponse& response);

std::size_t cfimages_one_probe(const cfimages::Config& cfg, const cfimages::HttpResponse& response) {
    auto request = cfimages::v2::list(cfg, {});
    if (!request) return request.error().message.size();
    auto page = request->parse(response);
    return page ? page->images.size() : page.error().message.size();
}
