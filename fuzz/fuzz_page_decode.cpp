// libFuzzer target: differential check of the reader against its fallback.
// A page body is decoded by the whole chain (`Request::parse`: the
// one-pass reader of fast_page.hpp, then, for whatever it declines, the DOM
// path), by `parse_into` over a page that already holds images, and by the
// DOM path alone. All three must agree: the same images field by field and
// the same continuation token, or the same error. And whenever the reader
// accepts a body on its own, the DOM path must accept it too and decode
// the same images. The same holds for a body read as one image (get).
//
// Input: byte 0 picks the shape (modulo 3: v2 page, v1 page, one image); the rest is
// the body of a 200 application/json response.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <cfimages/cfimages.hpp>
#include <cfimages/detail/decode.hpp>
#include <cfimages/detail/envelope.hpp>
#include <cfimages/detail/fast_page.hpp>
#include <cfimages/detail/image_parse.hpp>

#include "common.hpp"

namespace {

using namespace cfimages;

bool same_image(const Image& a, const Image& b) {
    return a.id == b.id && a.filename == b.filename && a.creator == b.creator && a.meta == b.meta &&
           a.require_signed_urls == b.require_signed_urls && a.uploaded == b.uploaded &&
           a.variants == b.variants && a.draft == b.draft;
}

bool same_images(const std::vector<Image>& a, const std::vector<Image>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (!same_image(a[i], b[i])) return false;
    return true;
}

// What a page decodes to through the DOM alone.
template <class Page>
Result<Page> dom_only(const HttpResponse& r) {
    return detail::parse_envelope_body<Page>(r, [](const boost::json::value& v, const detail::Path& p) -> Result<Page> {
        const auto* o = v.if_object();
        if (o == nullptr) return detail::type_error(p, "an object", v);
        Page page;
        if (auto e = detail::decode_images(*o, p, page.images)) return std::move(*e);
        if constexpr (std::is_same_v<Page, v2::ImagePage>) {
            if (auto e = detail::read_opt_string(*o, "continuation_token", p, page.continuation_token))
                return std::move(*e);
        }
        return page;
    }, false);
}

// A page full of values that parse_into must overwrite or reset.
template <class Page>
Page stale_page() {
    Page page;
    for (int i = 0; i < 3; ++i) {
        Image img;
        img.id = "stale-image-id-that-is-long-enough-" + std::to_string(i);
        img.filename = "stale.png";
        img.creator = "stale-creator";
        img.meta["stale"] = "yes";
        img.require_signed_urls = true;
        img.draft = true;
        img.uploaded = std::chrono::system_clock::time_point(std::chrono::seconds(1234567));
        img.variants = {"https://stale/1", "https://stale/2", "https://stale/3", "https://stale/4", "https://stale/5"};
        page.images.push_back(std::move(img));
    }
    return page;
}

template <class Page>
void check_page(const Request<Page>& request, const HttpResponse& r) {
    const Result<Page> chain = request.parse(r);
    const Result<Page> dom = dom_only<Page>(r);
    FUZZ_CHECK(chain.has_value() == dom.has_value());
    if (chain) {
        FUZZ_CHECK(same_images(chain->images, dom->images));
        if constexpr (std::is_same_v<Page, v2::ImagePage>)
            FUZZ_CHECK(chain->continuation_token == dom->continuation_token);
    } else {
        FUZZ_CHECK(chain.error().kind == dom.error().kind);
        FUZZ_CHECK(chain.error().message == dom.error().message);
    }

    Page reused = stale_page<Page>();
    const auto n = parse_into(request, r, reused);
    FUZZ_CHECK(n.has_value() == chain.has_value());
    if (n) {
        FUZZ_CHECK(*n == reused.images.size());
        FUZZ_CHECK(same_images(reused.images, chain->images));
        if constexpr (std::is_same_v<Page, v2::ImagePage>)
            FUZZ_CHECK(reused.continuation_token == chain->continuation_token);
    } else {
        FUZZ_CHECK(n.error().message == chain.error().message);
        FUZZ_CHECK(reused.images.empty());
    }

    // The strict reader alone: whatever it accepts, the DOM decodes the same.
    std::vector<Image> fast_images = stale_page<Page>().images;
    detail::FastPageReader fast(r.body, fast_images);
    if (fast.read()) {
        FUZZ_CHECK(dom.has_value());
        FUZZ_CHECK(same_images(fast_images, dom->images));
        if constexpr (std::is_same_v<Page, v2::ImagePage>)
            FUZZ_CHECK(fast.continuation_token() == dom->continuation_token);
    }
}

// The body as the answer to a get: one image.
void check_image(const HttpResponse& r) {
    const Result<Image> chain = detail::parse_image_answer(r);
    const Result<Image> dom = detail::parse_envelope<Image>(r, detail::decode_image_result);
    FUZZ_CHECK(chain.has_value() == dom.has_value());
    if (chain) FUZZ_CHECK(same_image(*chain, *dom));
    else FUZZ_CHECK(chain.error().message == dom.error().message);
    Image fast;
    if (detail::FastPageReader(r.body).read_one(fast)) {
        FUZZ_CHECK(dom.has_value());
        FUZZ_CHECK(same_image(fast, *dom));
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    static const auto requests = [] {
        Config cfg;
        cfg.account_id = "023e105f4ecef8ad9ca31a8372d0c353";
        cfg.credentials = ApiToken{"token"};
        auto v1 = v1::list(cfg);
        auto v2 = v2::list(cfg);
        if (!v1 || !v2) cfimages_fuzz::fail_check("a fixed builder call failed", __FILE__, __LINE__);
        return std::make_pair(std::move(*v1), std::move(*v2));
    }();
    HttpResponse r;
    r.status = 200;
    r.headers.push_back({"Content-Type", "application/json"});
    r.body.assign(reinterpret_cast<const char*>(data + 1), size - 1);
    switch (data[0] % 3) {
    case 0: check_page(requests.second, r); break;
    case 1: check_page(requests.first, r); break;
    default: check_image(r); break;
    }
    return 0;
}
