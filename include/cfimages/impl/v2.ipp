#ifndef CFIMAGES_IMPL_V2_IPP
#define CFIMAGES_IMPL_V2_IPP

// Definitions of <cfimages/v2.hpp>: included at the end of that header
// (header-only) or by <cfimages/src.hpp> (separate compilation), see
// cfimages/detail/link.hpp.

#include <cfimages/v2.hpp>

#include <cfimages/detail/build.hpp>
#include <cfimages/detail/decode.hpp>
#include <cfimages/detail/envelope.hpp>
#include <cfimages/detail/image_parse.hpp>
#include <cfimages/detail/multipart.hpp>
#include <cfimages/detail/params.hpp>

namespace cfimages {
namespace detail {
inline Result<v2::ImagePage> parse_v2_page(const HttpResponse& r, const PageContext& ctx) {
    return parse_page_answer<v2::ImagePage>(r, ctx);
}

inline Result<DirectUpload> parse_direct_upload(const HttpResponse& r, const ParseContext&) {
    return parse_envelope<DirectUpload>(r, [](const boost::json::value& v, const Path& p) -> Result<DirectUpload> {
        const auto* o = v.if_object();
        if (o == nullptr) return type_error(p, "an object", v);
        DirectUpload d;
        if (auto e = read_string(*o, "id", p, d.id, true)) return std::move(*e);
        if (auto e = read_string(*o, "uploadURL", p, d.upload_url, true)) return std::move(*e);
        return d;
    });
}

} // namespace detail

namespace v2 {

CFIMAGES_DECL Result<Request<ImagePage>> list(const Config& cfg, const ListParams& p) {
    if (p.per_page && (*p.per_page < 10 || *p.per_page > 10000))
        return ApiError::invalid("per_page", "must be between 10 and 10000");
    if (p.sort_order && *p.sort_order != "asc" && *p.sort_order != "desc")
        return ApiError::invalid("sort_order", "must be \"asc\" or \"desc\"");
    if (p.continuation_token && (p.continuation_token->size() > 4096 || detail::has_control(*p.continuation_token)))
        return ApiError::invalid("continuation_token", "must be at most 4096 characters without control characters");
    if (p.creator)
        if (auto e = detail::check_creator("creator", *p.creator)) return std::move(*e);
    if (auto e = validate(p.meta)) return std::move(*e);
    auto http = detail::start(cfg, Method::get, {detail::lit("/images/v2")});
    if (!http) return std::move(http).error();
    bool first = true;
    if (p.continuation_token && !p.continuation_token->empty())
        detail::add_query(http->url, first, "continuation_token", *p.continuation_token);
    if (p.per_page) detail::add_query(http->url, first, "per_page", detail::int_to_string(*p.per_page));
    if (p.sort_order) detail::add_query(http->url, first, "sort_order", *p.sort_order);
    if (p.creator) detail::add_query(http->url, first, "creator", *p.creator);
    append_query(http->url, p.meta);
    return detail::finish<ImagePage>(std::move(*http), detail::parse_v2_page);
}
namespace direct_uploads {

CFIMAGES_DECL Result<Request<DirectUpload>> create(const Config& cfg, const DirectUploadParams& p) {
    std::vector<detail::Part> parts;
    parts.reserve(5);
    std::string expiry, metadata;
    if (p.expiry) {
        if (!p.now) return ApiError::invalid("now", "required when expiry is set (builders read no clock)");
        // expiry - now could overflow for extreme time points (max() as "never");
        // compare in the clock's unsigned ticks, exact once expiry >= now.
        using Dur = std::chrono::system_clock::duration;
        const auto e = p.expiry->time_since_epoch().count();
        const auto n = p.now->time_since_epoch().count();
        const auto ticks = static_cast<std::uint64_t>(e) - static_cast<std::uint64_t>(n);
        constexpr auto lo = static_cast<std::uint64_t>(std::chrono::duration_cast<Dur>(std::chrono::minutes(2)).count());
        constexpr auto hi = static_cast<std::uint64_t>(std::chrono::duration_cast<Dur>(std::chrono::hours(6)).count());
        if (e < n || ticks < lo || ticks > hi)
            return ApiError::invalid("expiry", "must be between 2 minutes and 6 hours after now");
        expiry = detail::format_rfc3339(*p.expiry);
        parts.push_back({"expiry", expiry});
    }
    if (auto e = detail::add_shared_upload_parts(parts, p.id, p.creator, p.metadata,
                                                 p.require_signed_urls.value_or(false), metadata))
        return std::move(*e);
    parts.push_back({"requireSignedURLs", p.require_signed_urls.value_or(false) ? "true" : "false"});
    auto http = detail::start(cfg, Method::post, {detail::lit("/images/v2/direct_upload")});
    if (!http) return std::move(http).error();
    std::string body;
    std::string type = detail::build_multipart(parts, body);
    detail::set_body(*http, std::move(type), std::move(body));
    return detail::finish<DirectUpload>(std::move(*http), detail::parse_direct_upload, false);
}

} // namespace direct_uploads
} // namespace v2

CFIMAGES_DECL Result<std::size_t> parse_into(const Request<v2::ImagePage>& request, const HttpResponse& response,
                                             v2::ImagePage& page) {
    return detail::parse_page_into(request, response, page);
}

} // namespace cfimages

#endif // CFIMAGES_IMPL_V2_IPP
