#ifndef CFIMAGES_FILE_HPP
#define CFIMAGES_FILE_HPP

/// @file
/// `File`: an image to upload, by reference to bytes the caller owns.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <cfimages/detail/multipart.hpp>
#include <cfimages/detail/text.hpp>
#include <cfimages/result.hpp>

namespace cfimages {

/// An image file for `v1::create` and `upload_to`.
///
/// `data` is a view: the bytes are copied once, into the request body, so
/// they only need to outlive the builder call.
struct File {
    std::string_view data;     ///< The file's bytes.
    std::string filename;      ///< Sent as the part's filename; `image.<ext>` when empty.
    std::string content_type;  ///< Media type; sniffed from the magic bytes when empty.
};

namespace detail {

// Validates `f` and fills the multipart part for it. `filename_store`
// keeps a generated filename alive for as long as the part needs it.
inline std::optional<ApiError> file_part(std::string_view field, const File& f, std::size_t max_bytes,
                                         std::string& filename_store, Part& part) {
    std::string fld(field);
    if (f.data.empty()) return ApiError::invalid(fld, "must not be empty");
    if (f.data.size() > max_bytes)
        return ApiError::invalid(fld, "is " + int_to_string(static_cast<std::int64_t>(f.data.size())) +
                                          " bytes; the limit is " +
                                          int_to_string(static_cast<std::int64_t>(max_bytes)) + " bytes");
    if (has_control(f.filename)) return ApiError::invalid(fld + ".filename", "must not contain control characters");
    if (f.filename.size() > 1024) return ApiError::invalid(fld + ".filename", "must be at most 1024 characters");
    if (has_control(f.content_type) || f.content_type.find(';') != std::string::npos)
        return ApiError::invalid(fld + ".content_type", "must be a bare media type such as image/png");
    std::string_view type = f.content_type;
    Sniffed s = sniff_image(f.data);
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
