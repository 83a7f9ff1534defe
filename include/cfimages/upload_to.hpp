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

/// Parses the answer to an upload-URL POST: the usual envelope with an
/// `Image` result (`draft` is false once the upload has landed).
/// @return the image, `api` when the server refused (an expired or
///   already-used URL, a file too large, an unsupported format: see
///   `error_codes.hpp`), or `decode` for a 2xx body of the wrong shape.
CFIMAGES_DECL Result<Image> parse(const HttpResponse& response);

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
CFIMAGES_DECL Result<Request<Image>> build(std::string_view upload_url, const File& file);

/// Builds the upload from raw bytes, a filename and an optional content
/// type (empty: sniffed). @return as `build(upload_url, File)`.
CFIMAGES_DECL Result<Request<Image>> build(std::string_view upload_url, std::string_view bytes,
                                           std::string_view filename = {}, std::string_view content_type = {});

} // namespace upload_to
} // namespace cfimages

#define CFIMAGES_IMPL_FILE <cfimages/impl/upload_to.ipp>
#include <cfimages/detail/bodies.hpp>

#endif // CFIMAGES_UPLOAD_TO_HPP
