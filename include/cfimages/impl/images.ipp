#ifndef CFIMAGES_IMPL_IMAGES_IPP
#define CFIMAGES_IMPL_IMAGES_IPP

// Definitions of <cfimages/images.hpp>: included at the end of that header
// (header-only) or by <cfimages/src.hpp> (separate compilation), see
// cfimages/detail/link.hpp.

#include <cfimages/images.hpp>

#include <cfimages/detail/build.hpp>
#include <cfimages/detail/decode.hpp>
#include <cfimages/detail/envelope.hpp>
#include <cfimages/detail/image_parse.hpp>
#include <cfimages/detail/multipart.hpp>
#include <cfimages/detail/params.hpp>

namespace cfimages {
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
    detail::set_multipart(*http, parts);
    return detail::finish<Image>(std::move(*http), detail::parse_image, false);
}

CFIMAGES_DECL Result<Request<ImagePage>> list(const Config& cfg, const ListParams& p) {
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

CFIMAGES_DECL Result<Request<Image>> get(const Config& cfg, std::string_view image_id) {
    auto http = detail::start(cfg, Method::get, {detail::lit("/images/v1"), detail::param("image_id", image_id)});
    if (!http) return std::move(http).error();
    return detail::finish<Image>(std::move(*http), detail::parse_image);
}

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

CFIMAGES_DECL Result<Request<Deleted>> remove(const Config& cfg, std::string_view image_id) {
    auto http = detail::start(cfg, Method::delete_, {detail::lit("/images/v1"), detail::param("image_id", image_id)});
    if (!http) return std::move(http).error();
    detail::set_body(*http, "application/json", "{}");
    return detail::finish<Deleted>(std::move(*http), detail::parse_deleted);
}

CFIMAGES_DECL Result<Request<BatchTokenGrant>> batch_token(const Config& cfg) {
    auto http = detail::start(cfg, Method::get, {detail::lit("/images/v1/batch_token")});
    if (!http) return std::move(http).error();
    return detail::finish<BatchTokenGrant>(std::move(*http), detail::parse_batch_token);
}
namespace blobs {

CFIMAGES_DECL Result<Request<Blob>> get(const Config& cfg, std::string_view image_id) {
    auto http = detail::start(cfg, Method::get,
                              {detail::lit("/images/v1"), detail::param("image_id", image_id), detail::lit("/blob")},
                              "image/*");
    if (!http) return std::move(http).error();
    return detail::finish<Blob>(std::move(*http), detail::parse_blob);
}

} // namespace blobs
} // namespace v1

CFIMAGES_DECL Result<std::size_t> parse_into(const Request<v1::ImagePage>& request, const HttpResponse& response,
                                             v1::ImagePage& page) {
    return detail::parse_page_into(request, response, page);
}

} // namespace cfimages

#endif // CFIMAGES_IMPL_IMAGES_IPP
