#ifndef CFIMAGES_DETAIL_IMAGE_PARSE_HPP
#define CFIMAGES_DETAIL_IMAGE_PARSE_HPP

// The parsers of the answers that carry images: one reader, one fallback.
// A 2xx answer goes to the one-pass reader (fast_page.hpp); whatever it
// declines goes to the DOM path (envelope.hpp, decode.hpp), which decodes
// what is valid and words every error. The page type picks the page's own
// fields by `if constexpr`: the v1 page echoes its request context, the v2
// page carries a continuation token.

#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <boost/json/value.hpp>

#include <cfimages/detail/decode.hpp>
#include <cfimages/detail/envelope.hpp>
#include <cfimages/detail/fast_page.hpp>
#include <cfimages/detail/json.hpp>
#include <cfimages/http.hpp>
#include <cfimages/models.hpp>
#include <cfimages/request.hpp>
#include <cfimages/result.hpp>

namespace cfimages {
namespace detail {

inline bool worth_reading_fast(const HttpResponse& r) noexcept {
    return r.status >= 200 && r.status < 300 && !r.body.empty();
}

/// An envelope whose result is one `Image` (get, upload, edit).
inline Result<Image> parse_image_answer(const HttpResponse& r) {
    if (worth_reading_fast(r)) {
        Image img;
        if (FastPageReader(r.body).read_one(img)) return img;
    }
    return parse_envelope<Image>(r, decode_image_result);
}

template <class Page>
void set_page_context(Page& page, const typename ParseContextFor<Page>::type& ctx) noexcept {
    if constexpr (std::is_same_v<Page, v1::ImagePage>) {
        page.page = ctx.page > 0 ? ctx.page : 1;
        page.per_page = ctx.per_page;
    } else {
        (void)page;
        (void)ctx;
    }
}

/// A list page (`v1::ImagePage`, `v2::ImagePage`). `ctx.reuse` lends the
/// images of an earlier page: they are overwritten in place and become
/// this page's, so a steady walk allocates little beyond what the first
/// page did; whatever the outcome, `*ctx.reuse` is left empty.
template <class Page>
Result<Page> parse_page_answer(const HttpResponse& r, const typename ParseContextFor<Page>::type& ctx) {
    static_assert(std::is_same_v<Page, v1::ImagePage> || std::is_same_v<Page, v2::ImagePage>, "an image page");
    std::vector<Image> images;
    if (ctx.reuse != nullptr) images.swap(*ctx.reuse);
    if (worth_reading_fast(r)) {
        // One allocation for the page instead of ~14 doublings that move
        // every Image: an image's JSON takes at least ~256 bytes (ID,
        // filename, upload time, variant URLs), so this rarely grows,
        // and slots never used are never touched.
        images.reserve(r.body.size() / 256);
        FastPageReader fast(r.body, images);
        if (fast.read()) {
            Page page;
            page.images = std::move(images);
            if constexpr (std::is_same_v<Page, v2::ImagePage>) page.continuation_token = std::move(fast.continuation_token());
            set_page_context(page, ctx);
            return page;
        }
    }
    return parse_envelope<Page>(r, [&](const boost::json::value& v, const Path& p) -> Result<Page> {
        const auto* o = v.if_object();
        if (o == nullptr) return type_error(p, "an object", v);
        Page page;
        if (auto e = decode_images(*o, p, page.images)) return std::move(*e);
        if constexpr (std::is_same_v<Page, v2::ImagePage>) {
            if (auto e = read_opt_string(*o, "continuation_token", p, page.continuation_token)) return std::move(*e);
        }
        set_page_context(page, ctx);
        return page;
    });
}

/// `parse_into` for either page type: the request's own parser, told
/// where the images of `page` are to be reused.
template <class Page>
Result<std::size_t> parse_page_into(const Request<Page>& request, const HttpResponse& response, Page& page) {
    Result<Page> parsed = [&] {
        if (request.parser == nullptr) return request.parse(response);
        typename Request<Page>::Context ctx = request.context;
        ctx.reuse = &page.images;
        return request.parser(response, ctx);
    }();
    if (!parsed) {
        page = Page{};
        return fail(std::move(parsed).error());
    }
    page = std::move(*parsed);
    return page.images.size();
}

} // namespace detail
} // namespace cfimages

#endif // CFIMAGES_DETAIL_IMAGE_PARSE_HPP
