// The README's usage example, compiled and run. The block between
// `<!-- example:usage -->` and `<!-- /example -->` in README.md must appear
// verbatim below (tests/check_readme_example.py checks it), inside a
// function whose `my_send` is a fake transport.
#include <cfimages/cfimages.hpp>

#include <doctest/doctest.h>

#include <iostream>
#include <sstream>
#include <string>

namespace {

// The fake transport answers GET .../images/v1/my%2Fcustom-id with an image,
// anything else with Cloudflare's text 404.
int calls = 0;
cfimages::HttpResponse my_send(const cfimages::HttpRequest& http) {
    ++calls;
    cfimages::HttpResponse res;
    if (http.url == "https://api.cloudflare.com/client/v4/accounts/023e105f4ecef8ad9ca31a8372d0c353/images/v1/my%2Fcustom-id" &&
        http.header("Authorization") == std::optional<std::string_view>("Bearer my-token")) {
        res.status = 200;
        res.headers = {{"Content-Type", "application/json"}};
        res.body = R"({"success":true,"errors":[],"messages":[],"result":{"id":"my/custom-id","variants":[)"
                   R"("https://imagedelivery.net/h/my/custom-id/public","https://imagedelivery.net/h/my/custom-id/thumb"]}})";
    } else {
        res.status = 404;
        res.headers = {{"cf-images", "err=5404"}};
        res.body = "ERROR 5404: Image not found";
    }
    return res;
}

int readme_example() {
// ---- begin README example (keep identical to README.md) ----
#include <cfimages/cfimages.hpp>

cfimages::Config cfg;
cfg.account_id  = "023e105f4ecef8ad9ca31a8372d0c353";
cfg.credentials = cfimages::ApiToken{"my-token"};

auto req = cfimages::v1::get(cfg, "my/custom-id");   // Result<Request<Image>>
if (!req) { std::cerr << req.error() << '\n'; return 2; } // refused before sending

// req->http is a plain value: method, URL, headers, body. Send it with anything.
cfimages::HttpResponse res = my_send(req->http);

cfimages::Result<cfimages::Image> img = req->parse(res);
if (img) std::cout << img->id << ' ' << img->variants.size() << " variants\n";
else     std::cerr << img.error() << '\n';   // e.g. "api (HTTP 404) 5404: Image not found"
// ---- end README example ----
    return img ? 0 : 1;
}

// Runs `f` with std::cout and std::cerr captured.
template <class F>
int captured(F f, std::string& out, std::string& err) {
    std::ostringstream o, e;
    auto* old_out = std::cout.rdbuf(o.rdbuf());
    auto* old_err = std::cerr.rdbuf(e.rdbuf());
    const int rc = f();
    std::cout.rdbuf(old_out);
    std::cerr.rdbuf(old_err);
    out = o.str();
    err = e.str();
    return rc;
}

} // namespace

TEST_CASE("readme: the usage example compiles, runs and prints what it says") {
    std::string out, err;
    calls = 0;
    CHECK(captured(readme_example, out, err) == 0);
    CHECK(calls == 1);
    CHECK(out == "my/custom-id 2 variants\n");
    CHECK(err.empty());
}

TEST_CASE("readme: the error the example's comment promises") {
    // The comment in the example shows the 404 text answer's rendering.
    cfimages::Config cfg;
    cfg.account_id = "023e105f4ecef8ad9ca31a8372d0c353";
    cfg.credentials = cfimages::ApiToken{"my-token"};
    auto req = cfimages::v1::get(cfg, "missing");
    REQUIRE(req);
    auto img = req->parse(my_send(req->http));
    REQUIRE_FALSE(img);
    std::ostringstream os;
    os << img.error();
    CHECK(os.str() == "api (HTTP 404) 5404: Image not found");
}
