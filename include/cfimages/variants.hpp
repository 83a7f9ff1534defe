#ifndef CFIMAGES_VARIANTS_HPP
#define CFIMAGES_VARIANTS_HPP

/// @file
/// Named variants: list, get, create, edit, delete.
/// https://developers.cloudflare.com/api/resources/images/subresources/v1/subresources/variants/

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <cfimages/config.hpp>
#include <cfimages/detail/link.hpp>
#include <cfimages/models.hpp>
#include <cfimages/request.hpp>
#include <cfimages/result.hpp>

namespace cfimages {
namespace v1 {
namespace variants {

/// Parameters of `variants::edit`: new options, and optionally a new
/// `neverRequireSignedURLs`.
struct EditParams {
    VariantOptions options;                          ///< The new options (all of them are sent).
    std::optional<bool> never_require_signed_urls;   ///< `neverRequireSignedURLs`; unchanged when nullopt.
};


/// Builds `GET /accounts/{account_id}/images/v1/variants`. The result maps
/// every variant name to its definition (not only `hero`, as the schema
/// suggests).
/// @return the request, or `invalid_argument` for a bad Config.
CFIMAGES_DECL Result<Request<std::map<std::string, Variant>>> list(const Config& cfg);

/// Builds `GET /accounts/{account_id}/images/v1/variants/{variant_id}`.
/// @return the request, or `invalid_argument` for a bad name or Config.
CFIMAGES_DECL Result<Request<Variant>> get(const Config& cfg, std::string_view variant_id);

/// Builds `POST /accounts/{account_id}/images/v1/variants` with the JSON
/// body `{"id","options":{"fit","metadata","width","height"},"neverRequireSignedURLs"}`.
/// Not idempotent (a retry may answer "already exists").
/// @return the request, or `invalid_argument` when the name is not 1-99
///   letters and digits, fit or metadata is outside its enumeration, or
///   width/height is not positive.
CFIMAGES_DECL Result<Request<Variant>> create(const Config& cfg, const Variant& v);

/// Builds `PATCH /accounts/{account_id}/images/v1/variants/{variant_id}`
/// with `{"options":{...}[,"neverRequireSignedURLs":b]}`.
/// @return the request, or `invalid_argument` for a bad name, options or Config.
CFIMAGES_DECL Result<Request<Variant>> edit(const Config& cfg, std::string_view variant_id, const EditParams& p);

/// Builds `DELETE /accounts/{account_id}/images/v1/variants/{variant_id}`,
/// with the `{}` JSON body the published schema requires.
/// @return the request, or `invalid_argument` for a bad name or Config.
CFIMAGES_DECL Result<Request<Deleted>> remove(const Config& cfg, std::string_view variant_id);

} // namespace variants
} // namespace v1
} // namespace cfimages

#define CFIMAGES_IMPL_FILE <cfimages/impl/variants.ipp>
#include <cfimages/detail/bodies.hpp>

#endif // CFIMAGES_VARIANTS_HPP
