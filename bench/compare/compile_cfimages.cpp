// Compile-time probe (bench/compare/run times it against compile_boost_json.cpp):
// the umbrella header, one call of every builder, and one answer parsed.
#include <cfimages/cfimages.hpp>

#include <chrono>
#include <cstddef>

std::size_t cfimages_probe(const cfimages::Config& cfg, std::string_view id);

std::size_t cfimages_probe(const cfimages::Config& cfg, std::string_view id) {
    namespace v1 = cfimages::v1;
    namespace v2 = cfimages::v2;
    std::size_t n = 0;
    auto count = [&n](const auto& r) { n += r ? r->http.url.size() : r.error().message.size(); };
    v1::CreateParams cp;
    cp.url = "https://example.com/a.jpg";
    count(v1::create(cfg, cp));
    count(v1::list(cfg, {}));
    count(v1::get(cfg, id));
    v1::EditParams ep;
    ep.require_signed_urls = true;
    count(v1::edit(cfg, id, ep));
    count(v1::remove(cfg, id));
    count(v1::blobs::get(cfg, id));
    count(v1::batch_token(cfg));
    count(v1::keys::list(cfg));
    count(v1::keys::update(cfg, "k"));
    count(v1::keys::remove(cfg, "k"));
    count(v1::stats::get(cfg));
    count(v1::variants::list(cfg));
    count(v1::variants::get(cfg, "hero"));
    cfimages::Variant var;
    var.id = "hero";
    var.options.width = var.options.height = 100;
    count(v1::variants::create(cfg, var));
    v1::variants::EditParams vep;
    vep.options = var.options;
    count(v1::variants::edit(cfg, "hero", vep));
    count(v1::variants::remove(cfg, "hero"));
    count(v2::list(cfg, {}));
    count(v2::direct_uploads::create(cfg, {}));
    return n;
}

std::size_t cfimages_parse_probe(const cfimages::Config& cfg, const cfimages::HttpResponse& response);

std::size_t cfimages_parse_probe(const cfimages::Config& cfg, const cfimages::HttpResponse& response) {
    auto request = cfimages::v2::list(cfg, {});
    if (!request) return 0;
    auto page = request->parse(response);
    return page ? page->images.size() : page.error().message.size();
}
