#ifndef CFIMAGES_IMAGES_HPP
#define CFIMAGES_IMAGES_HPP

/// @file
/// Images v1: upload, list, get, edit, delete, the original blob, and the
/// batch token. https://developers.cloudflare.com/api/resources/images/subresources/v1/

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
#include <cfimages/file.hpp>
#include <cfimages/models.hpp>
#include <cfimages/request.hpp>
#include <cfimages/result.hpp>

namespace cfimages {
namespace v1 {

/// Parameters of `v1::create` (upload). Exactly one of `file` and `url`.
struct CreateParams {
    std::optional<File> file;                      ///< Upload these bytes...
    std::optional<std::string> url;                ///< ...or have Cloudflare fetch this URL.
    std::optional<std::string> id;                 ///< Custom ID (see `v1::create` for the rules).
    std::optional<std::string> creator;            ///< Creator tag, at most 1024 characters.
    /// A JSON object, at most 1024 bytes serialized; finite numbers and
    /// UTF-8 text only (anything else would not be JSON on the wire).
    std::optional<boost::json::value> metadata;
    std::optional<bool> require_signed_urls;       ///< `requireSignedURLs`.
};

/// Parameters of `v1::list` (deprecated by Cloudflare in favour of `v2::list`).
struct ListParams {
    std::optional<std::int64_t> page;      ///< 1-based page number.
    std::optional<std::int64_t> per_page;  ///< 10 to 10000 (server default 1000).
    std::optional<std::string> creator;    ///< Only images with this creator.
};

/// Parameters of `v1::edit`; fields left empty are not changed.
struct EditParams {
    /// Replaces `meta`: a JSON object, at most 1024 bytes serialized;
    /// finite numbers and UTF-8 text only.
    std::optional<boost::json::value> metadata;
    std::optional<bool> require_signed_urls;     ///< Changing it gives the image a new ID server-side.
    std::optional<std::string> creator;          ///< New creator tag.
};

/// A batch token and when it stops working (`v1::batch_token`).
struct BatchTokenGrant {
    std::string token;  ///< Send as `BatchToken` credentials to `batch_base_url`.
    std::chrono::system_clock::time_point expires_at{};  ///< `expiresAt`, to the microsecond.
};

/// Builds an upload: `POST /accounts/{account_id}/images/v1`, multipart.
///
/// Parts, in order: `file` (with filename and sniffed image type) or `url`,
/// then `id`, `creator`, `metadata` (compact JSON text), `requireSignedURLs`.
/// Not idempotent: the retry policy leaves it alone unless told otherwise.
/// A file with a `source` (`File::source`, `file_source`) is streamed: the
/// request's `body` is empty and its `body_source` yields the same bytes
/// the buffered body would hold, read from the file while sending.
/// @return the request, or `invalid_argument` when: both or neither of
///   file and url; the file sets both or neither of data and source, is
///   empty or over `Config::max_upload_bytes`;
///   its type is unknown and not given; the custom ID breaks a rule (not
///   UTF-8, over 1024 characters (code points, not bytes), leading or
///   trailing `/`, a UUID, dot segments, or with
///   `require_signed_urls = true`); metadata is not an object, is over
///   1024 bytes, or holds a number that is not finite (inf, NaN) or a
///   string or key that is not UTF-8 (the message names the field inside
///   it, `metadata.a.b[2]: ...`); creator over 1024 characters; the Config
///   is incomplete.
/// https://developers.cloudflare.com/api/resources/images/subresources/v1/methods/create/
CFIMAGES_DECL Result<Request<Image>> create(const Config& cfg, const CreateParams& p);

/// Builds `GET /accounts/{account_id}/images/v1?page&per_page&creator`.
///
/// The v1 list has no cursor, and the server may put fewer images on a
/// page than `per_page` asks; `ImagePage::has_more()` says whether another
/// page may follow, and `next_page` (paging.hpp) builds the following
/// request.
/// @return the request, or `invalid_argument` when page < 1, per_page is
///   outside 10..10000, creator is over 1024 characters, or the Config is
///   incomplete.
/// https://developers.cloudflare.com/api/resources/images/subresources/v1/methods/list/
CFIMAGES_DECL Result<Request<ImagePage>> list(const Config& cfg, const ListParams& p = {});

/// Builds `GET /accounts/{account_id}/images/v1/{image_id}`.
/// @return the request, or `invalid_argument` for an empty, dot or
///   control-character ID, one that is not UTF-8 or is over 1024
///   characters, or an incomplete Config.
/// https://developers.cloudflare.com/api/resources/images/subresources/v1/methods/get/
CFIMAGES_DECL Result<Request<Image>> get(const Config& cfg, std::string_view image_id);

/// Builds `PATCH /accounts/{account_id}/images/v1/{image_id}` with a JSON
/// body holding only the fields to change (`metadata`,
/// `requireSignedURLs`, `creator`, in that order).
/// @return the request, or `invalid_argument` when nothing would change,
///   metadata is not an object, is over 1024 bytes or would not be valid
///   JSON (a number that is not finite, text that is not UTF-8: the
///   message names the field inside it), creator is too long, or the ID or
///   Config is bad.
/// https://developers.cloudflare.com/api/resources/images/subresources/v1/methods/edit/
CFIMAGES_DECL Result<Request<Image>> edit(const Config& cfg, std::string_view image_id, const EditParams& p);

/// Builds `DELETE /accounts/{account_id}/images/v1/{image_id}`, with the
/// `{}` JSON body the published schema requires.
/// @return the request, or `invalid_argument` for a bad ID or Config.
/// https://developers.cloudflare.com/api/resources/images/subresources/v1/methods/delete/
CFIMAGES_DECL Result<Request<Deleted>> remove(const Config& cfg, std::string_view image_id);

/// Builds `GET /accounts/{account_id}/images/v1/batch_token`: a short-lived
/// token for `https://batch.imagedelivery.net` (put it in `Config` as a
/// `BatchToken` to send Images calls there).
/// @return the request, or `invalid_argument` for a bad Config.
/// https://developers.cloudflare.com/images/upload-images/images-batch/
CFIMAGES_DECL Result<Request<BatchTokenGrant>> batch_token(const Config& cfg);

namespace blobs {

/// Builds `GET /accounts/{account_id}/images/v1/{image_id}/blob`, asking
/// for `image/*`; the parser returns the bytes and their content type.
/// @return the request, or `invalid_argument` for a bad ID or Config.
/// https://developers.cloudflare.com/api/resources/images/subresources/v1/subresources/blobs/methods/get/
CFIMAGES_DECL Result<Request<Blob>> get(const Config& cfg, std::string_view image_id);

} // namespace blobs
} // namespace v1

/// Parses the answer to a `v1::list` request into `page`, overwriting the
/// images `page` already holds in place, so a walk over pages reuses their
/// memory (see the v2 overload). Same result and errors as
/// `request.parse(response)`; a request with a parser of its own is
/// parsed by that parser (with `context.reuse` pointing at `page.images`).
/// @return the number of images on the page; on error `page` is left
///   empty.
CFIMAGES_DECL Result<std::size_t> parse_into(const Request<v1::ImagePage>& request, const HttpResponse& response,
                                             v1::ImagePage& page);

} // namespace cfimages

#define CFIMAGES_IMPL_FILE <cfimages/impl/images.ipp>
#include <cfimages/detail/bodies.hpp>

#endif // CFIMAGES_IMAGES_HPP
