#ifndef CFIMAGES_IMPL_UPLOAD_TO_IPP
#define CFIMAGES_IMPL_UPLOAD_TO_IPP

// Definitions of <cfimages/upload_to.hpp>: included at the end of that header
// (header-only) or by <cfimages/src.hpp> (separate compilation), see
// cfimages/detail/link.hpp.

#include <cfimages/upload_to.hpp>

#include <cfimages/detail/decode.hpp>
#include <cfimages/detail/envelope.hpp>
#include <cfimages/detail/image_parse.hpp>
#include <cfimages/detail/multipart.hpp>
#include <cfimages/detail/text.hpp>
#include <cfimages/url.hpp>

namespace cfimages {

namespace detail {

// An absolute http(s) URL with a host, and nothing that could smuggle a
// header or credentials: no control characters (CR/LF), spaces, user
// info or fragment.
inline std::optional<ApiError> check_upload_url(std::string_view url) {
    constexpr std::string_view field = "upload_url";
    if (url.substr(0, 8) != "https://" && url.substr(0, 7) != "http://")
        return ApiError::invalid(field, "must be an absolute https:// URL (http:// only for local tests)");
    if (url.size() > 8192) return ApiError::invalid(field, "must be at most 8192 characters");
    if (cfimages::detail::has_control(url))
        return ApiError::invalid(field, "must not contain control characters (CR, LF, ...)");
    if (url.find(' ') != std::string_view::npos) return ApiError::invalid(field, "must not contain spaces");
    if (url.find('#') != std::string_view::npos) return ApiError::invalid(field, "must not have a fragment");
    Url parts;
    switch (split_url_into(url, parts)) {
    case UrlFault::none: break;
    case UrlFault::no_host: return ApiError::invalid(field, "must name a host");
    case UrlFault::user_info:
        return ApiError::invalid(field, "must not carry user info (credentials never travel with this upload)");
    case UrlFault::port: return ApiError::invalid(field, "has an invalid port");
    default: return ApiError::invalid(field, "has an invalid host");
    }
    return std::nullopt;
}

inline Result<Image> parse_uploaded_image(const HttpResponse& r, const ParseContext&) {
    return cfimages::detail::parse_image_answer(r);
}

} // namespace detail

namespace upload_to {

CFIMAGES_DECL Result<Image> parse(const HttpResponse& response) {
    return detail::parse_uploaded_image(response, ParseContext{});
}

CFIMAGES_DECL Result<Request<Image>> build(std::string_view upload_url, const File& file) {
    if (auto e = detail::check_upload_url(upload_url)) return std::move(*e);
    std::string filename;
    cfimages::detail::Part part;
    if (auto e = cfimages::detail::file_part("file", file, max_upload_bytes, filename, part))
        return std::move(*e);
    const std::vector<cfimages::detail::Part> parts{part};

    HttpRequest http;
    http.method = Method::post;
    http.url.assign(upload_url.begin(), upload_url.end());
    http.headers.push_back({"Accept", "application/json"});
    http.headers.push_back({"User-Agent", "cfimages/" CFIMAGES_VERSION_STRING});
    cfimages::detail::set_multipart(http, parts);

    Request<Image> req;
    req.http = std::move(http);
    req.idempotent = false;
    req.parser = detail::parse_uploaded_image;
    return req;
}

CFIMAGES_DECL Result<Request<Image>> build(std::string_view upload_url, std::string_view bytes,
                                    std::string_view filename, std::string_view content_type) {
    File f;
    f.data = bytes;
    f.filename.assign(filename.begin(), filename.end());
    f.content_type.assign(content_type.begin(), content_type.end());
    return build(upload_url, f);
}

} // namespace upload_to
} // namespace cfimages

#endif // CFIMAGES_IMPL_UPLOAD_TO_IPP
