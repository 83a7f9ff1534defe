// Compile-time probe (bench/compare/run times it against compile_beast_raw.cpp):
// one call sent with cfimages::beast::Client, its answer parsed into an Image.
#include <cfimages/beast.hpp>
#include <cfimages/images.hpp>

#include <string>
#include <string_view>

std::string cfimages_beast_probe(const cfimages::Config& cfg, std::string_view id);

std::string cfimages_beast_probe(const cfimages::Config& cfg, std::string_view id) {
    cfimages::beast::Client client;
    cfimages::Result<cfimages::Image> img = client.send(cfimages::v1::get(cfg, id));
    return img ? img->id : img.error().message;
}
