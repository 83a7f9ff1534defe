#ifndef CFIMAGES_FILE_HPP
#define CFIMAGES_FILE_HPP

/// @file
/// `File`: an image to upload, by reference to bytes the caller owns, or
/// streamed from a `BodySource` (see `file_source`).

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <cfimages/detail/multipart.hpp>
#include <cfimages/detail/text.hpp>
#include <cfimages/http.hpp>
#include <cfimages/result.hpp>

namespace cfimages {

/// An image file for `v1::create` and `upload_to`: its bytes in memory
/// (`data`) or streamed (`source`), exactly one of them.
///
/// `data` is a view: the bytes are copied once, into the request body, so
/// they only need to outlive the builder call.
///
/// With `source`, the bytes are never held whole: the builder reads the
/// first and last 4 KiB (to sniff the type and derive the boundary) and
/// the request's `body_source` reads the rest in chunks while it is sent,
/// from offset 0 again on every attempt. The source must outlive the
/// request (it is shared with it) and give the same bytes each time.
///
/// @code
/// auto src = cfimages::file_source("cat.png");               // <cfimages/file_source.hpp>
/// if (!src) return fail(src.error());
/// cfimages::v1::CreateParams p;
/// p.file = cfimages::File{{}, "cat.png", "", *src};
/// auto img = client.send(cfimages::v1::create(cfg, p));     // 10 MB file, a few KiB of memory
/// @endcode
struct File {
    std::string_view data;     ///< The file's bytes (empty when `source` is set).
    std::string filename;      ///< Sent as the part's filename; `image.<ext>` when empty.
    std::string content_type;  ///< Media type; sniffed from the magic bytes when empty.
    /// The file's bytes, read while sending instead of held in memory
    /// (`data` must then be empty). Its `size()` is checked against the
    /// upload limit; see `file_source` for files on disk.
    std::shared_ptr<const BodySource> source = nullptr;
};

namespace detail {

// Reads exactly `n` bytes of `src` from `offset` into `out`.
inline std::optional<ApiError> read_exact(const BodySource& src, std::uint64_t offset, char* out, std::size_t n) {
    std::size_t have = 0;
    while (have < n) {
        auto got = src.read(offset + have, out + have, n - have);
        if (!got) return std::move(got).error();
        if (*got == 0 || *got > n - have)
            return ApiError::make(ErrorKind::transport, "the file being uploaded ended before its size");
        have += *got;
    }
    return std::nullopt;
}

// Validates `f` and fills the multipart part for it. `filename_store`
// keeps a generated filename alive for as long as the part needs it.
// A streamed file's edges are read into the part (see multipart.hpp).
inline std::optional<ApiError> file_part(std::string_view field, const File& f, std::size_t max_bytes,
                                         std::string& filename_store, Part& part) {
    std::string fld(field);
    if (f.source && !f.data.empty())
        return ApiError::invalid(fld, "set data or source, not both");
    const std::uint64_t size = f.source ? f.source->size() : static_cast<std::uint64_t>(f.data.size());
    if (size == 0) return ApiError::invalid(fld, "must not be empty");
    if (size > max_bytes)
        return ApiError::invalid(fld, "is " + int_to_string(static_cast<std::int64_t>(
                                                  std::min(size, static_cast<std::uint64_t>(INT64_MAX)))) +
                                          " bytes; the limit is " +
                                          int_to_string(static_cast<std::int64_t>(max_bytes)) + " bytes");
    if (has_control(f.filename)) return ApiError::invalid(fld + ".filename", "must not contain control characters");
    if (f.filename.size() > 1024) return ApiError::invalid(fld + ".filename", "must be at most 1024 characters");
    if (has_control(f.content_type) || f.content_type.find(';') != std::string::npos)
        return ApiError::invalid(fld + ".content_type", "must be a bare media type such as image/png");
    std::string_view head = f.data;
    if (f.source) {
        // The bytes the buffered path would hash and sniff (multipart.hpp).
        const std::size_t first =
            static_cast<std::size_t>(size <= 2 * hash_edge ? size : static_cast<std::uint64_t>(hash_edge));
        part.source_first.resize(first);
        if (auto e = read_exact(*f.source, 0, &part.source_first[0], first)) return e;
        part.source_last.clear();
        if (size > 2 * hash_edge) {
            part.source_last.resize(hash_edge);
            if (auto e = read_exact(*f.source, size - hash_edge, &part.source_last[0], hash_edge)) return e;
        }
        part.source = f.source;
        part.source_size = size;
        head = part.source_first;
    }
    std::string_view type = f.content_type;
    Sniffed s = sniff_image(head);
    if (type.empty()) {
        if (s.type.empty())
            return ApiError::invalid(fld + ".content_type",
                                     "not given, and the bytes are not PNG, JPEG, GIF, WebP, SVG, AVIF or HEIC; "
                                     "set it explicitly");
        type = s.type;
    }
    if (f.filename.empty()) {
        filename_store = "image.";
        filename_store.append(s.ext.empty() ? std::string_view("bin") : s.ext);
    } else {
        filename_store = f.filename;
    }
    part.name = "file";
    part.data = f.data;
    part.filename = filename_store;
    part.content_type = type;
    return std::nullopt;
}

} // namespace detail
} // namespace cfimages

#endif // CFIMAGES_FILE_HPP
