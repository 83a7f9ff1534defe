// Compile-time probe (bench/compare/run, an (info) row): the floor of the
// header-only mode. One resource header, not the umbrella; one builder
// called and its answer parsed. What this costs over <boost/json.hpp> is
// the codec the call needs (builder, reader, fallback, error recovery),
// code-generated in the caller's translation unit.
#include <cfimages/images.hpp>

#include <string>
#include <string_view>

std::string cfimages_get_probe(const cfimages::Config& cfg, std::string_view id, const cfimages::HttpResponse& response);

std::string cfimages_get_probe(const cfimages::Config& cfg, std::string_view id, const cfimages::HttpResponse& response) {
    auto request = cfimages::v1::get(cfg, id);
    if (!request) return request.error().message;
    cfimages::Result<cfimages::Image> image = request->parse(response);
    return image ? image->id : image.error().message;
}
