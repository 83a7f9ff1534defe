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
#if CFIMAGES_DEFINE_BODIES
#include <cfimages/detail/build.hpp>
#include <cfimages/detail/decode.hpp>
#include <cfimages/detail/envelope.hpp>
#include <cfimages/detail/image_parse.hpp>
#include <cfimages/detail/multipart.hpp>
#include <cfimages/detail/params.hpp>
#endif
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

} // namespace v1

#if !CFIMAGES_DEFINE_BODIES
// Separate compilation (cfimages/detail/link.hpp): declarations only;
// the definitions below are compiled in the TU that includes <cfimages/src.hpp>.
namespace v1 {
CFIMAGES_DECL Result<Request<Image>> create(const Config& cfg, const CreateParams& p);
CFIMAGES_DECL Result<Request<ImagePage>> list(const Config& cfg, const ListParams& p = {});
CFIMAGES_DECL Result<Request<Image>> get(const Config& cfg, std::string_view image_id);
CFIMAGES_DECL Result<Request<Image>> edit(const Config& cfg, std::string_view image_id, const EditParams& p);
CFIMAGES_DECL Result<Request<Deleted>> remove(const Config& cfg, std::string_view image_id);
CFIMAGES_DECL Result<Request<BatchTokenGrant>> batch_token(const Config& cfg);
namespace blobs {
CFIMAGES_DECL Result<Request<Blob>> get(const Config& cfg, std::string_view image_id);
} // namespace blobs
} // namespace v1
CFIMAGES_DECL Result<std::size_t> parse_into(const Request<v1::ImagePage>& request, const HttpResponse& response,
                                             v1::ImagePage& page);
#else
namespace detail {

inline Result<Image> parse_image(const HttpResponse& r, const ParseContext&) { return parse_image_answer(r); }

inline Result<v1::ImagePage> parse_v1_page(const HttpResponse& r, const v1::ListContext& ctx) {
    return parse_page_answer<v1::ImagePage>(r, ctx);
}

inline Result<Blob> parse_blob(const HttpResponse& r, const ParseContext&) {
    const bool ok = r.status >= 200 && r.status < 300;
    std::string_view type = trim(r.header("content-type").value_or(""));
    const bool json = type.substr(0, 16) == "application/json";
    // A refusal is an envelope (or text). A 2xx JSON envelope, labelled as
    // such or unlabelled, may still say success: false. Anything else
    // under 2xx is the image itself.
    if (!ok || (looks_like_json(r.body) && (json || type.empty()))) {
        return parse_envelope<Blob>(r, [](const boost::json::value&, const Path& p) -> Result<Blob> {
            return decode_error(p, "expected image bytes, got a JSON envelope");
        });
    }
    if (json || r.body.empty()) {
        ApiError e = decode_error(Path{}, json ? "expected image bytes, got application/json"
                                               : "empty, expected image bytes");
        e.http_status = r.status;
        return e;
    }
    Blob b;
    b.content_type = std::string(type);
    b.bytes = r.body;
    return b;
}

inline Result<v1::BatchTokenGrant> parse_batch_token(const HttpResponse& r, const ParseContext&) {
    return parse_envelope<v1::BatchTokenGrant>(r, [](const boost::json::value& v, const Path& p)
                                                     -> Result<v1::BatchTokenGrant> {
        const auto* o = v.if_object();
        if (o == nullptr) return type_error(p, "an object", v);
        v1::BatchTokenGrant g;
        if (auto e = read_string(*o, "token", p, g.token, true)) return std::move(*e);
        std::string when;
        if (auto e = read_string(*o, "expiresAt", p, when, true)) return std::move(*e);
        auto tp = parse_rfc3339(when);
        if (!tp) return decode_error(p.child("expiresAt"), "not an RFC 3339 date-time");
        g.expires_at = *tp;
        return g;
    });
}

} // namespace detail

namespace v1 {

/// Builds an upload: `POST /accounts/{account_id}/images/v1`, multipart.
///
/// Parts, in order: `file` (with filename and sniffed image type) or `url`,
/// then `id`, `creator`, `metadata` (compact JSON text), `requireSignedURLs`.
/// Not idempotent: the retry policy leaves it alone unless told otherwise.
/// @return the request, or `invalid_argument` when: both or neither of
///   file and url; the file is empty or over `Config::max_upload_bytes`;
///   its type is unknown and not given; the custom ID breaks a rule (not
///   UTF-8, over 1024 characters (code points, not bytes), leading or
///   trailing `/`, a UUID, dot segments, or with
///   `require_signed_urls = true`); metadata is not an object, is over
///   1024 bytes, or holds a number that is not finite (inf, NaN) or a
///   string or key that is not UTF-8 (the message names the field inside
///   it, `metadata.a.b[2]: ...`); creator over 1024 characters; the Config
///   is incomplete.
/// https://developers.cloudflare.com/api/resources/images/subresources/v1/methods/create/
CFIMAGES_DECL Result<Request<Image>> create(const Config& cfg, const CreateParams& p) {
    if (p.file.has_value() == p.url.has_value())
        return ApiError::invalid("file/url", "exactly one of file and url is required");
    std::vector<detail::Part> parts;
    parts.reserve(5);
    std::string filename, metadata;
    detail::Part part;
    if (p.file) {
        if (auto e = detail::file_part("file", *p.file, cfg.max_upload_bytes, filename, part)) return std::move(*e);
        parts.push_back(part);
    } else {
        if (auto e = detail::check_source_url("url", *p.url)) return std::move(*e);
        parts.push_back({"url", *p.url});
    }
    if (auto e = detail::add_shared_upload_parts(parts, p.id, p.creator, p.metadata,
                                                 p.require_signed_urls.value_or(false), metadata))
        return std::move(*e);
    if (p.require_signed_urls)
        parts.push_back({"requireSignedURLs", *p.require_signed_urls ? "true" : "false"});

    auto http = detail::start(cfg, Method::post, {detail::lit("/images/v1")});
    if (!http) return std::move(http).error();
    std::string body;
    std::string type = detail::build_multipart(parts, body);
    detail::set_body(*http, std::move(type), std::move(body));
    return detail::finish<Image>(std::move(*http), detail::parse_image, false);
}

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
CFIMAGES_DECL Result<Request<ImagePage>> list(const Config& cfg, const ListParams& p = {}) {
    if (p.page && *p.page < 1) return ApiError::invalid("page", "must be at least 1");
    if (p.per_page && (*p.per_page < 10 || *p.per_page > 10000))
        return ApiError::invalid("per_page", "must be between 10 and 10000");
    if (p.creator)
        if (auto e = detail::check_creator("creator", *p.creator)) return std::move(*e);
    auto http = detail::start(cfg, Method::get, {detail::lit("/images/v1")});
    if (!http) return std::move(http).error();
    bool first = true;
    if (p.page) detail::add_query(http->url, first, "page", detail::int_to_string(*p.page));
    if (p.per_page) detail::add_query(http->url, first, "per_page", detail::int_to_string(*p.per_page));
    if (p.creator) detail::add_query(http->url, first, "creator", *p.creator);
    ListContext ctx;
    ctx.page = p.page.value_or(1);
    ctx.per_page = p.per_page.value_or(0);
    return detail::finish<ImagePage>(std::move(*http), detail::parse_v1_page, true, ctx);
}

/// Builds `GET /accounts/{account_id}/images/v1/{image_id}`.
/// @return the request, or `invalid_argument` for an empty, dot or
///   control-character ID, one that is not UTF-8 or is over 1024
///   characters, or an incomplete Config.
/// https://developers.cloudflare.com/api/resources/images/subresources/v1/methods/get/
CFIMAGES_DECL Result<Request<Image>> get(const Config& cfg, std::string_view image_id) {
    auto http = detail::start(cfg, Method::get, {detail::lit("/images/v1"), detail::param("image_id", image_id)});
    if (!http) return std::move(http).error();
    return detail::finish<Image>(std::move(*http), detail::parse_image);
}

/// Builds `PATCH /accounts/{account_id}/images/v1/{image_id}` with a JSON
/// body holding only the fields to change (`metadata`,
/// `requireSignedURLs`, `creator`, in that order).
/// @return the request, or `invalid_argument` when nothing would change,
///   metadata is not an object, is over 1024 bytes or would not be valid
///   JSON (a number that is not finite, text that is not UTF-8: the
///   message names the field inside it), creator is too long, or the ID or
///   Config is bad.
/// https://developers.cloudflare.com/api/resources/images/subresources/v1/methods/edit/
CFIMAGES_DECL Result<Request<Image>> edit(const Config& cfg, std::string_view image_id, const EditParams& p) {
    if (!p.metadata && !p.require_signed_urls && !p.creator)
        return ApiError::invalid("params", "nothing to change: set metadata, require_signed_urls or creator");
    std::string metadata;
    if (p.metadata)
        if (auto e = detail::serialize_metadata("metadata", *p.metadata, metadata)) return std::move(*e);
    if (p.creator)
        if (auto e = detail::check_creator("creator", *p.creator)) return std::move(*e);
    auto http = detail::start(cfg, Method::patch, {detail::lit("/images/v1"), detail::param("image_id", image_id)});
    if (!http) return std::move(http).error();
    std::string body = "{";
    if (p.metadata) body.append("\"metadata\":").append(metadata);
    if (p.require_signed_urls) {
        if (body.size() > 1) body.push_back(',');
        body.append("\"requireSignedURLs\":").append(*p.require_signed_urls ? "true" : "false");
    }
    if (p.creator) {
        if (body.size() > 1) body.push_back(',');
        body.append("\"creator\":").append(boost::json::serialize(boost::json::string_view(*p.creator)));
    }
    body.push_back('}');
    detail::set_body(*http, "application/json", std::move(body));
    return detail::finish<Image>(std::move(*http), detail::parse_image);
}

/// Builds `DELETE /accounts/{account_id}/images/v1/{image_id}`, with the
/// `{}` JSON body the published schema requires.
/// @return the request, or `invalid_argument` for a bad ID or Config.
/// https://developers.cloudflare.com/api/resources/images/subresources/v1/methods/delete/
CFIMAGES_DECL Result<Request<Deleted>> remove(const Config& cfg, std::string_view image_id) {
    auto http = detail::start(cfg, Method::delete_, {detail::lit("/images/v1"), detail::param("image_id", image_id)});
    if (!http) return std::move(http).error();
    detail::set_body(*http, "application/json", "{}");
    return detail::finish<Deleted>(std::move(*http), detail::parse_deleted);
}

/// Builds `GET /accounts/{account_id}/images/v1/batch_token`: a short-lived
/// token for `https://batch.imagedelivery.net` (put it in `Config` as a
/// `BatchToken` to send Images calls there).
/// @return the request, or `invalid_argument` for a bad Config.
/// https://developers.cloudflare.com/images/upload-images/images-batch/
CFIMAGES_DECL Result<Request<BatchTokenGrant>> batch_token(const Config& cfg) {
    auto http = detail::start(cfg, Method::get, {detail::lit("/images/v1/batch_token")});
    if (!http) return std::move(http).error();
    return detail::finish<BatchTokenGrant>(std::move(*http), detail::parse_batch_token);
}

namespace blobs {

/// Builds `GET /accounts/{account_id}/images/v1/{image_id}/blob`, asking
/// for `image/*`; the parser returns the bytes and their content type.
/// @return the request, or `invalid_argument` for a bad ID or Config.
/// https://developers.cloudflare.com/api/resources/images/subresources/v1/subresources/blobs/methods/get/
CFIMAGES_DECL Result<Request<Blob>> get(const Config& cfg, std::string_view image_id) {
    auto http = detail::start(cfg, Method::get,
                              {detail::lit("/images/v1"), detail::param("image_id", image_id), detail::lit("/blob")},
                              "image/*");
    if (!http) return std::move(http).error();
    return detail::finish<Blob>(std::move(*http), detail::parse_blob);
}

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
                                             v1::ImagePage& page) {
    return detail::parse_page_into(request, response, page);
}
#endif // CFIMAGES_DEFINE_BODIES
} // namespace cfimages

#endif // CFIMAGES_IMAGES_HPP
