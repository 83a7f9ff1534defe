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

/// Builds `GET /accounts/{account_id}/images/v2?continuation_token&per_page&sort_order&creator`.
///
/// Pages follow `ImagePage::continuation_token`; `next_page` (paging.hpp)
/// builds the following request.
/// @return the request, or `invalid_argument` when per_page is outside
///   10..10000, sort_order is not asc/desc, a metadata filter breaks the
///   API's limits (meta_filter.hpp), a string is too long or holds
///   control characters, or the Config is incomplete.
/// https://developers.cloudflare.com/api/resources/images/subresources/v2/methods/list/
CFIMAGES_DECL Result<Request<ImagePage>> list(const Config& cfg, const ListParams& p = {});

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
CFIMAGES_DECL Result<Request<DirectUpload>> create(const Config& cfg, const DirectUploadParams& p);

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
                                             v2::ImagePage& page);

} // namespace cfimages

#define CFIMAGES_IMPL_FILE <cfimages/impl/v2.ipp>
#include <cfimages/detail/bodies.hpp>

#endif // CFIMAGES_V2_HPP
