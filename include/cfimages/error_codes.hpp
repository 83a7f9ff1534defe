#ifndef CFIMAGES_ERROR_CODES_HPP
#define CFIMAGES_ERROR_CODES_HPP

/// @file
/// The error codes Cloudflare Images sends (in the envelope's `errors`, in
/// `ERROR <code>: ...` text bodies, and in `cf-images` / `cf-resized`
/// headers), typed, each with a description and whether retrying can help.
///
/// Sources: the Images API error list (5xxx, formerly on
/// api.cloudflare.com), the Images errors reference (94xx/95xx, delivery
/// and transformations), the general API codes users meet with Images
/// (7xxx routing, 10000 authentication), and codes reported in the
/// official SDKs' issue trackers. Entries whose meaning Cloudflare does
/// not document say so in their description.
///
/// Unknown codes pass through: `describe` returns `std::nullopt`, and
/// `ApiError` keeps the raw number in `errors[i].code` regardless.
///
/// https://developers.cloudflare.com/images/reference/errors/

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include <cfimages/result.hpp>

namespace cfimages {

/// Known Images error codes. The enumerator's value is the wire code.
enum class ErrorCode : std::int32_t {
    // Images API (upload, storage, management)
    bad_request = 5400,
    variant_not_found = 5401,
    not_authorized = 5403,
    image_not_found = 5404,
    upload_too_slow = 5408,
    upload_rejected_5411 = 5411,
    image_too_large = 5413,
    not_multipart = 5415,
    upload_aborted = 5433,
    upload_rejected_5443 = 5443,
    receive_error = 5450,
    service_limit = 5453,
    upload_rejected_5454 = 5454,
    unsupported_format = 5455,
    internal_error = 5500,
    unavailable = 5503,
    storage_error = 5540,
    purge_error = 5541,
    account_load_error = 5542,
    audit_error = 5543,
    abuse_operation_error = 5544,
    internal_error_2 = 5550,
    // Cloudflare API routing
    no_route = 7000,
    invalid_object_identifier = 7003,
    request_rejected_7011 = 7011,
    // Delivery and transformations (cf-resized / cf-images: err=...)
    invalid_options = 9401,
    fetch_failed = 9402,
    request_loop = 9403,
    origin_not_found = 9404,
    invalid_source_url = 9406,
    origin_dns_error = 9407,
    origin_4xx = 9408,
    not_an_image = 9412,
    dimensions_too_large = 9413,
    download_error = 9416,
    url_not_allowed = 9419,
    bad_redirect = 9420,
    too_many_redirects = 9421,
    free_transformations_exhausted = 9422,
    free_transformation_rejected = 9423,
    invalid_request_parameters = 9424,
    access_denied = 9425,
    invalid_delivery_url = 9426,
    wrong_account = 9427,
    delivery_rejected_9428 = 9428,
    flexible_variants_disabled = 9429,
    binding_access_denied = 9430,
    delivery_not_found = 9431,
    delivery_bad_request = 9432,
    origin_timeout = 9504,
    origin_fetch_failed = 9505,
    origin_5xx = 9509,
    origin_unreachable = 9510,
    codec_error = 9516,
    internal_connection_error = 9518,
    origin_400 = 9519,
    unsupported_source_format = 9520,
    busy = 9522,
    processing_error = 9523,
    busy_large_image = 9527,
    aborted = 9528,
    too_large_or_busy = 9529,
    // Authentication
    authentication_error = 10000,
};

/// What is known about one error code.
struct ErrorInfo {
    ErrorCode code;                ///< The code, typed.
    std::string_view name;         ///< The enumerator's name, e.g. `"image_not_found"`.
    std::string_view description;  ///< One line: what it means, and what to do.
    /// True when sending the same request again, later, can succeed
    /// (timeouts, overload, internal errors). False when the request or
    /// the account must change first.
    bool retryable;
};

namespace detail {

inline constexpr ErrorInfo error_table[] = {
    {ErrorCode::bad_request, "bad_request", "Bad request: the API refused the request as malformed", false},
    {ErrorCode::variant_not_found, "variant_not_found", "Variant not found", false},
    {ErrorCode::not_authorized, "not_authorized",
     "The account is not valid or not authorized for Images (is the Images subscription active, "
     "and does the token have Images permission?)",
     false},
    {ErrorCode::image_not_found, "image_not_found", "Image not found", false},
    {ErrorCode::upload_too_slow, "upload_too_slow",
     "The client sent the upload too slowly and the server timed out", true},
    {ErrorCode::upload_rejected_5411, "upload_rejected_5411",
     "Upload refused (reported in SDK issue trackers; Cloudflare does not document this code)", false},
    {ErrorCode::image_too_large, "image_too_large", "The image exceeds the maximum upload size of 10 MB",
     false},
    {ErrorCode::not_multipart, "not_multipart",
     "Images must be uploaded as multipart/form-data, not as raw image bytes", false},
    {ErrorCode::upload_aborted, "upload_aborted", "The client aborted the request", true},
    {ErrorCode::upload_rejected_5443, "upload_rejected_5443",
     "Upload refused (reported in SDK issue trackers; Cloudflare does not document this code)", false},
    {ErrorCode::receive_error, "receive_error", "Error while receiving the upload", true},
    {ErrorCode::service_limit, "service_limit",
     "The account has reached a service limit (stored images or plan quota)", false},
    {ErrorCode::upload_rejected_5454, "upload_rejected_5454",
     "Upload refused (reported in SDK issue trackers; Cloudflare does not document this code)", false},
    {ErrorCode::unsupported_format, "unsupported_format",
     "Unsupported image format (use PNG, JPEG, GIF, WebP, SVG, AVIF or HEIC)", false},
    {ErrorCode::internal_error, "internal_error", "Internal server error", true},
    {ErrorCode::unavailable, "unavailable", "Service unavailable", true},
    {ErrorCode::storage_error, "storage_error", "Error received from the storage backend", true},
    {ErrorCode::purge_error, "purge_error", "Error while purging the cache", true},
    {ErrorCode::account_load_error, "account_load_error", "Error while loading the account", true},
    {ErrorCode::audit_error, "audit_error", "Error during audit", true},
    {ErrorCode::abuse_operation_error, "abuse_operation_error", "Error during an abuse operation", true},
    {ErrorCode::internal_error_2, "internal_error_2", "Internal server error", true},
    {ErrorCode::no_route, "no_route", "No route for that URI", false},
    {ErrorCode::invalid_object_identifier, "invalid_object_identifier",
     "Could not route the request: an identifier in the path (usually the account ID, 32 hex digits) "
     "is invalid",
     false},
    {ErrorCode::request_rejected_7011, "request_rejected_7011",
     "Request refused by the API router (reported in SDK issue trackers; not documented for Images)",
     false},
    {ErrorCode::invalid_options, "invalid_options",
     "Missing or invalid resizing options, or the origin is not allowed", false},
    {ErrorCode::fetch_failed, "fetch_failed",
     "Could not fetch the source image (too large, or the connection was interrupted)", true},
    {ErrorCode::request_loop, "request_loop", "Request loop: resizing an already-resized image", false},
    {ErrorCode::origin_not_found, "origin_not_found", "The origin answered 404 for the source image", false},
    {ErrorCode::invalid_source_url, "invalid_source_url",
     "Invalid source image URL (spaces, unescaped Unicode, or not http/https)", false},
    {ErrorCode::origin_dns_error, "origin_dns_error", "The origin's domain name could not be resolved", true},
    {ErrorCode::origin_4xx, "origin_4xx", "The origin answered 4xx (often: access denied)", false},
    {ErrorCode::not_an_image, "not_an_image",
     "The source is not an image, or its format (HEIC, TIFF, SVG<->raster) is not supported", false},
    {ErrorCode::dimensions_too_large, "dimensions_too_large",
     "Image dimensions, area or animation exceed the limits, or the output format was rejected", false},
    {ErrorCode::download_error, "download_error", "Error while downloading the source image", true},
    {ErrorCode::url_not_allowed, "url_not_allowed",
     "The source image URL has an invalid suffix or is not allowed", false},
    {ErrorCode::bad_redirect, "bad_redirect", "The origin redirected to an invalid URL", false},
    {ErrorCode::too_many_redirects, "too_many_redirects", "The origin redirected too many times", false},
    {ErrorCode::free_transformations_exhausted, "free_transformations_exhausted",
     "The account's free unique transformations are used up (HTTP 429; retrying will not help "
     "before the quota resets)",
     false},
    {ErrorCode::free_transformation_rejected, "free_transformation_rejected",
     "Free transformation rejected", false},
    {ErrorCode::invalid_request_parameters, "invalid_request_parameters",
     "Missing or invalid HTTP request parameters", false},
    {ErrorCode::access_denied, "access_denied",
     "Image access denied (a private image without a valid signed URL, or a bad signature)", false},
    {ErrorCode::invalid_delivery_url, "invalid_delivery_url",
     "The imagedelivery.net URL has an invalid part", false},
    {ErrorCode::wrong_account, "wrong_account", "Image access denied: the account hash is wrong", false},
    {ErrorCode::delivery_rejected_9428, "delivery_rejected_9428",
     "Delivery refused (reported in SDK issue trackers; Cloudflare does not document this code)", false},
    {ErrorCode::flexible_variants_disabled, "flexible_variants_disabled",
     "Flexible variants are not enabled for the account", false},
    {ErrorCode::binding_access_denied, "binding_access_denied", "Images binding access denied", false},
    {ErrorCode::delivery_not_found, "delivery_not_found", "Not found (image or variant)", false},
    {ErrorCode::delivery_bad_request, "delivery_bad_request", "Bad request", false},
    {ErrorCode::origin_timeout, "origin_timeout", "Fetching the source image timed out", true},
    {ErrorCode::origin_fetch_failed, "origin_fetch_failed", "Could not fetch the source image", true},
    {ErrorCode::origin_5xx, "origin_5xx", "The origin answered 5xx", true},
    {ErrorCode::origin_unreachable, "origin_unreachable", "Could not reach the origin", true},
    {ErrorCode::codec_error, "codec_error", "Error while decoding or encoding the image", false},
    {ErrorCode::internal_connection_error, "internal_connection_error", "Internal connection error", true},
    {ErrorCode::origin_400, "origin_400", "The origin answered 400 Bad Request", false},
    {ErrorCode::unsupported_source_format, "unsupported_source_format",
     "The original image has an unsupported format", false},
    {ErrorCode::busy, "busy", "The service in this location is too busy, or failed internally", true},
    {ErrorCode::processing_error, "processing_error", "Internal error while processing the image", true},
    {ErrorCode::busy_large_image, "busy_large_image",
     "The service is too busy to handle large images right now", true},
    {ErrorCode::aborted, "aborted", "The operation was aborted", true},
    {ErrorCode::too_large_or_busy, "too_large_or_busy",
     "The image is too large to process, or the service is too busy", true},
    {ErrorCode::authentication_error, "authentication_error",
     "Authentication error: the API token or key is missing, invalid, or lacks permission", false},
};

} // namespace detail

/// Returns what is known about `code`, or `std::nullopt` for a code not in
/// the table (which is not an error: new codes appear; keep the number).
inline std::optional<ErrorInfo> describe(std::int64_t code) noexcept {
    for (const ErrorInfo& info : detail::error_table)
        if (static_cast<std::int64_t>(info.code) == code) return info;
    return std::nullopt;
}

/// Returns what is known about `code`; nullopt only for a value outside
/// the enumeration.
inline std::optional<ErrorInfo> describe(ErrorCode code) noexcept {
    return describe(static_cast<std::int64_t>(code));
}

/// Returns the enumerator's name (`"image_not_found"`), or an empty view
/// for a value outside the enumeration.
inline std::string_view to_string(ErrorCode code) noexcept {
    auto info = describe(code);
    return info ? info->name : std::string_view();
}

/// Returns the `ErrorCode` for a raw code, or nullopt when it is unknown.
inline std::optional<ErrorCode> to_error_code(std::int64_t code) noexcept {
    auto info = describe(code);
    if (!info) return std::nullopt;
    return info->code;
}

/// Returns the first code among `e.errors` that is known, or nullopt when
/// none is (or there are none: `invalid_argument` and `transport` errors
/// carry no server code). The raw codes stay in `e.errors` either way.
inline std::optional<ErrorCode> error_code(const ApiError& e) noexcept {
    for (const Message& m : e.errors)
        if (auto c = to_error_code(m.code)) return c;
    return std::nullopt;
}

/// Returns whether the table says retrying can help for the first known
/// code of `e`; nullopt when no code of `e` is known, so the caller falls
/// back to the HTTP status (as the retry policy does).
inline std::optional<bool> code_says_retryable(const ApiError& e) noexcept {
    auto c = error_code(e);
    if (!c) return std::nullopt;
    return describe(*c)->retryable;
}

} // namespace cfimages

#endif // CFIMAGES_ERROR_CODES_HPP
