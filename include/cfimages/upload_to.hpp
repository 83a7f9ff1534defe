#ifndef CFIMAGES_UPLOAD_TO_HPP
#define CFIMAGES_UPLOAD_TO_HPP

/// @file
/// Direct creator upload, second half: the unauthenticated POST of a file
/// to the `uploadURL` that `v2::direct_uploads::create` returned.
///
/// @code
/// // server side, with credentials:
/// auto slot = client.send(cfimages::v2::direct_uploads::create(cfg, {}));
/// // creator side, no credentials at all:
/// auto req = cfimages::upload_to::build(slot->upload_url, cfimages::File{bytes, "cat.png", ""});
/// cfimages::Result<cfimages::Image> img = req->parse(send(req->http));
/// // later, server side: v1::get(cfg, slot->id) and cfimages::is_draft(img)
/// @endcode
///
/// The request carries no `Authorization`, `X-Auth-*` or cookie header,
/// ever: the upload URL is itself the one-time credential. The answer is
/// the usual envelope with an `Image` result.
///
/// https://developers.cloudflare.com/images/storage/upload-images/direct-creator-upload/

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <cfimages/detail/link.hpp>
#if CFIMAGES_DEFINE_BODIES
#include <cfimages/detail/decode.hpp>
#include <cfimages/detail/envelope.hpp>
#include <cfimages/detail/image_parse.hpp>
#include <cfimages/detail/multipart.hpp>
#include <cfimages/detail/text.hpp>
#endif
#include <cfimages/file.hpp>
#include <cfimages/http.hpp>
#include <cfimages/models.hpp>
#include <cfimages/request.hpp>
#include <cfimages/result.hpp>
#include <cfimages/version.hpp>

namespace cfimages {

/// Returns true when `img` is a direct-upload slot whose file has not
/// arrived yet (`draft: true`): `v1::get` on the ID from
/// `v2::direct_uploads::create` answers with a draft until the creator's
/// upload completes.
inline bool is_draft(const Image& img) noexcept { return img.draft; }

/// Returns true when the image's file has been uploaded (the opposite of
/// `is_draft`).
inline bool upload_completed(const Image& img) noexcept { return !img.draft; }

namespace upload_to {

/// The largest file Cloudflare accepts through an upload URL (10 MB).
inline constexpr std::size_t max_upload_bytes = 10u * 1024u * 1024u;

#if !CFIMAGES_DEFINE_BODIES
// Separate compilation (cfimages/detail/link.hpp): declarations only;
// the definitions below are compiled in the TU that includes <cfimages/src.hpp>.
CFIMAGES_DECL Result<Image> parse(const HttpResponse& response);
CFIMAGES_DECL Result<Request<Image>> build(std::string_view upload_url, const File& file);
CFIMAGES_DECL Result<Request<Image>> build(std::string_view upload_url, std::string_view bytes,
                                           std::string_view filename = {}, std::string_view content_type = {});
#else
namespace upload_detail {

// An absolute http(s) URL with a host, and nothing that could smuggle a
// header or credentials: no control characters (CR/LF), spaces, user
// info or fragment.
inline std::optional<ApiError> check_upload_url(std::string_view url) {
    constexpr std::string_view field = "upload_url";
    std::size_t after_scheme = 0;
    if (url.substr(0, 8) == "https://") after_scheme = 8;
    else if (url.substr(0, 7) == "http://") after_scheme = 7;
    else return ApiError::invalid(field, "must be an absolute https:// URL (http:// only for local tests)");
    if (url.size() > 8192) return ApiError::invalid(field, "must be at most 8192 characters");
    if (cfimages::detail::has_control(url))
        return ApiError::invalid(field, "must not contain control characters (CR, LF, ...)");
    if (url.find(' ') != std::string_view::npos) return ApiError::invalid(field, "must not contain spaces");
    if (url.find('#') != std::string_view::npos) return ApiError::invalid(field, "must not have a fragment");
    const std::size_t end = url.find_first_of("/?", after_scheme);
    const std::string_view authority =
        url.substr(after_scheme, end == std::string_view::npos ? std::string_view::npos : end - after_scheme);
    if (authority.empty() || authority.front() == ':')
        return ApiError::invalid(field, "must name a host");
    if (authority.find('@') != std::string_view::npos)
        return ApiError::invalid(field, "must not carry user info (credentials never travel with this upload)");
    for (char c : authority) {
        const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                        c == '-' || c == '.' || c == ':' || c == '[' || c == ']';
        if (!ok) return ApiError::invalid(field, "has an invalid host");
    }
    return std::nullopt;
}

inline Result<Image> parse_image(const HttpResponse& r, const ParseContext&) {
    return cfimages::detail::parse_image_answer(r);
}

} // namespace upload_detail

/// Parses the answer to an upload-URL POST: the usual envelope with an
/// `Image` result (`draft` is false once the upload has landed).
/// @return the image, `api` when the server refused (an expired or
///   already-used URL, a file too large, an unsupported format: see
///   `error_codes.hpp`), or `decode` for a 2xx body of the wrong shape.
CFIMAGES_DECL Result<Image> parse(const HttpResponse& response) {
    return upload_detail::parse_image(response, ParseContext{});
}

/// Builds the multipart POST of `file` to `upload_url`, the `uploadURL`
/// from `v2::direct_uploads::create`.
///
/// The body has one part, `file`, with a filename (`image.<ext>` when
/// none is given) and a content type (sniffed from the magic bytes when
/// none is given). Headers: `Content-Type` (multipart with a deterministic
/// boundary), `Accept: application/json`, `User-Agent`. No credentials.
/// Not idempotent: the URL accepts one upload. A file with a `source`
/// (`File::source`, `file_source`) is streamed: `body` is empty and
/// `body_source` yields the multipart bytes, read from the file while
/// sending, with the exact size as `Content-Length`.
/// @return the request, or `invalid_argument` when: the URL is not an
///   absolute `https://` (or `http://`) URL with a host, or contains CR,
///   LF, other control characters, spaces, user info or a fragment; the
///   file sets both or neither of data and source, is empty or larger
///   than 10 MB; its type is not given and cannot
///   be sniffed; the filename or content type is malformed.
CFIMAGES_DECL Result<Request<Image>> build(std::string_view upload_url, const File& file) {
    if (auto e = upload_detail::check_upload_url(upload_url)) return std::move(*e);
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
    req.parser = upload_detail::parse_image;
    return req;
}

/// Builds the upload from raw bytes, a filename and an optional content
/// type (empty: sniffed). @return as `build(upload_url, File)`.
CFIMAGES_DECL Result<Request<Image>> build(std::string_view upload_url, std::string_view bytes,
                                    std::string_view filename = {}, std::string_view content_type = {}) {
    File f;
    f.data = bytes;
    f.filename.assign(filename.begin(), filename.end());
    f.content_type.assign(content_type.begin(), content_type.end());
    return build(upload_url, f);
}

#endif // CFIMAGES_DEFINE_BODIES
} // namespace upload_to
} // namespace cfimages

#endif // CFIMAGES_UPLOAD_TO_HPP
