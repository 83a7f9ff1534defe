// Bring your own transport, without a network: build real requests, show
// them as a transport would receive them (credentials redacted), and parse
// the kinds of answers the API gives. Run it to see the sans-IO contract:
// build a request, send it however you like, parse the response.
#include <cfimages/cfimages.hpp>

#include <iostream>
#include <string>

namespace {

// Stands in for your HTTP stack: answers like the API would.
cfimages::HttpResponse fake_send(const cfimages::HttpRequest& req) {
    cfimages::HttpResponse res;
    if (req.url.find("/images/v1/missing") != std::string::npos) {
        res.status = 404;
        res.headers = {{"cf-images", "err=5404"}};
        res.body = "ERROR 5404: Image not found";
        return res;
    }
    res.status = 200;
    res.headers = {{"Content-Type", "application/json"}};
    res.body = R"({"success":true,"errors":[],"messages":[],"result":{
        "id":"cat/1","filename":"cat.png","meta":{"album":"pets"},"requireSignedURLs":false,
        "uploaded":"2026-11-27T12:00:00.000Z","creator":null,
        "variants":["https://imagedelivery.net/ZWd9g1K7eljCn_KDTu_MWA/cat/1/public"]}})";
    return res;
}

} // namespace

int main() {
    cfimages::Config cfg;
    cfg.account_id = "023e105f4ecef8ad9ca31a8372d0c353";
    cfg.credentials = cfimages::ApiToken{"not-a-real-token"};

    // An upload: multipart with a sniffed image type and a deterministic boundary.
    static const char png[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    cfimages::v1::CreateParams up;
    up.file = cfimages::File{std::string_view(png, sizeof png - 1), "cat.png", ""};
    up.id = "cat/1";
    up.metadata = boost::json::object{{"album", "pets"}};
    auto create = cfimages::v1::create(cfg, up);
    if (!create) {
        std::cerr << create.error() << '\n';
        return 1;
    }
    std::cout << "--- the upload request ---\n" << create->http << "\n\n";

    auto image = create->parse(fake_send(create->http));
    if (!image) {
        std::cerr << image.error() << '\n';
        return 1;
    }
    std::cout << "--- parsed ---\nid " << image->id << ", " << image->variants.size() << " variant(s), album "
              << image->meta.at("album").as_string() << "\n\n";

    // A text 404 still becomes a typed error with its code.
    auto get = cfimages::v1::get(cfg, "missing");
    auto missing = get->parse(fake_send(get->http));
    std::cout << "--- a refusal ---\n" << missing.error() << "\n\n";

    // Bad input never leaves the process.
    auto refused = cfimages::v1::list(cfg, {std::nullopt, 5, std::nullopt});
    std::cout << "--- refused before sending ---\n" << refused.error() << '\n';
    return missing.has_value() || refused.has_value() ? 1 : 0;
}
