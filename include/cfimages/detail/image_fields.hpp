#ifndef CFIMAGES_DETAIL_IMAGE_FIELDS_HPP
#define CFIMAGES_DETAIL_IMAGE_FIELDS_HPP

// The one map between `Image` and the JSON object the API sends for it.
// Both readers walk it: the one-pass reader of fast_page.hpp and the DOM
// fallback of decode.hpp, so a new field is one line here (plus, for a
// new C++ type, one `read_field` overload in each reader). The rule both
// apply: a plain `std::string` member is required (`id`); every other
// member is optional, and null or absent gives its default.

namespace cfimages {
namespace detail {

/// Calls `visit(json_name, member)` for each field of `img`, in order,
/// until a call returns false; returns false when one did.
template <class ImageT, class Visit>
bool visit_image_fields(ImageT& img, Visit&& visit) {
    return visit("id", img.id) && visit("filename", img.filename) && visit("creator", img.creator) &&
           visit("meta", img.meta) && visit("requireSignedURLs", img.require_signed_urls) &&
           visit("uploaded", img.uploaded) && visit("variants", img.variants) && visit("draft", img.draft);
}

/// The number of fields `visit_image_fields` visits.
inline constexpr unsigned image_field_count = 8;

} // namespace detail
} // namespace cfimages

#endif // CFIMAGES_DETAIL_IMAGE_FIELDS_HPP
