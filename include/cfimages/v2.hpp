#ifndef CFIMAGES_V2_HPP
#define CFIMAGES_V2_HPP

/// @file
/// Images v2: the cursor-paged list and direct creator upload URLs.
/// https://developers.cloudflare.com/api/resources/images/subresources/v2/

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include <cfimages/config.hpp>
#include <cfimages/detail/link.hpp>
#if CFIMAGES_DEFINE_BODIES
#include <cfimages/detail/build.hpp>
#include <cfimages/detail/decode.hpp>
#include <cfimages/detail/envelope.hpp>
#include <cfimages/detail/image_parse.hpp>
#include <cfimages/detail/multipart.hpp>
#include <cfimages/detail/params.hpp>
#endif
#include <cfimages/meta_filter.hpp>
#include <cfimages/models.hpp>
#include <cfimages/request.hpp>
#include <cfimages/result.hpp>

namespace cfimages {
namespace v2 {

/// Parameters of `v2::list`.
struct ListParams {
    std::optional<std::string> continuation_token;  ///< From the previous page.
    std::optional<std::int64_t> per_page;           ///< 10 to 10000 (server default 1000).
    std::optional<std::string> sort_order;          ///< "asc" or "desc" (by upload time).
    std::optional<std::string> creator;             ///< Only images with this creator.
    /// Metadata filters, `meta.<field>[op]=value` (at most 5; see meta_filter.hpp).
    std::vector<MetaFilter> meta;
};

/// Parameters of `v2::direct_uploads::create`.
struct DirectUploadParams {
    /// When the upload URL stops working: 2 minutes to 6 hours after `now`
    /// (server default: 30 minutes).
    std::optional<std::chrono::system_clock::time_point> expiry;
    /// The current time, supplied by the caller because builders read no
    /// clock; required when `expiry` is set.
    std::optional<std::chrono::system_clock::time_point> now;
    std::optional<std::string> id;               ///< Custom ID (same rules as upload).
    std::optional<std::string> creator;          ///< Creator tag.
    /// A JSON object, at most 1024 bytes serialized; finite numbers and
    /// UTF-8 text only.
    std::optional<boost::json::value> metadata;
    std::optional<bool> require_signed_urls;     ///< `requireSignedURLs`.
};

} // namespace v2

#if !CFIMAGES_DEFINE_BODIES
// Separate compilation (cfimages/detail/link.hpp): declarations only;
// the definitions below are compiled in the TU that includes <cfimages/src.hpp>.
namespace v2 {
CFIMAGES_DECL Result<Request<ImagePage>> list(const Config& cfg, const ListParams& p = {});
namespace direct_uploads {
CFIMAGES_DECL Result<Request<DirectUpload>> create(const Config& cfg, const DirectUploadParams& p);
} // namespace direct_uploads
} // namespace v2
CFIMAGES_DECL Result<std::size_t> parse_into(const Request<v2::ImagePage>& request, const HttpResponse& response,
                                             v2::ImagePage& page);
#else
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

/// Builds `GET /accounts/{account_id}/images/v2?continuation_token&per_page&sort_order&creator`.
///
/// Pages follow `ImagePage::continuation_token`; `next_page` (paging.hpp)
/// builds the following request.
/// @return the request, or `invalid_argument` when per_page is outside
///   10..10000, sort_order is not asc/desc, a metadata filter breaks the
///   API's limits (meta_filter.hpp), a string is too long or holds
///   control characters, or the Config is incomplete.
/// https://developers.cloudflare.com/api/resources/images/subresources/v2/methods/list/
CFIMAGES_DECL Result<Request<ImagePage>> list(const Config& cfg, const ListParams& p = {}) {
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

/// Builds `POST /accounts/{account_id}/images/v2/direct_upload`, multipart.
///
/// Parts, in order: `expiry` (RFC 3339, UTC), `id`, `creator`, `metadata`,
/// `requireSignedURLs` (always sent, so the body is never empty). The
/// answer's `upload_url` takes one unauthenticated POST (see upload_to.hpp).
/// Not idempotent: each call reserves a new image ID.
/// @return the request, or `invalid_argument` when expiry is set without
///   `now` or is not 2 minutes to 6 hours after it, the custom ID breaks a
///   rule, metadata is not an object, is over 1024 bytes or would not be
///   valid JSON (a number that is not finite, text that is not UTF-8), or
///   the Config is incomplete.
/// https://developers.cloudflare.com/api/resources/images/subresources/v2/subresources/direct_uploads/methods/create/
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

/// Parses the answer to a `v2::list` request into `page`, overwriting the
/// images `page` already holds in place: a loop over pages (or over the
/// same listing) then reuses their strings and vectors instead of
/// allocating and freeing some 60,000 small blocks per 10,000-image page.
/// Same checks and errors as `request.parse(response)`, which it equals in
/// result; a request with a parser of its own is parsed by that parser
/// (with `context.reuse` pointing at `page.images`).
/// @return the number of images on the page; on error (`api`, `decode`,
///   as `parse`) `page` is left empty.
CFIMAGES_DECL Result<std::size_t> parse_into(const Request<v2::ImagePage>& request, const HttpResponse& response,
                                             v2::ImagePage& page) {
    return detail::parse_page_into(request, response, page);
}
#endif // CFIMAGES_DEFINE_BODIES
} // namespace cfimages

#endif // CFIMAGES_V2_HPP
