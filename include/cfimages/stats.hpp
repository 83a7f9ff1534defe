#ifndef CFIMAGES_STATS_HPP
#define CFIMAGES_STATS_HPP

/// @file
/// Account usage. https://developers.cloudflare.com/api/resources/images/subresources/v1/subresources/stats/

#include <cfimages/config.hpp>
#include <cfimages/detail/link.hpp>
#include <cfimages/models.hpp>
#include <cfimages/request.hpp>
#include <cfimages/result.hpp>

namespace cfimages {
namespace v1 {
namespace stats {

/// Builds `GET /accounts/{account_id}/images/v1/stats`.
/// @return the request, or `invalid_argument` for a bad Config.
CFIMAGES_DECL Result<Request<Stats>> get(const Config& cfg);

} // namespace stats
} // namespace v1
} // namespace cfimages

#define CFIMAGES_IMPL_FILE <cfimages/impl/stats.ipp>
#include <cfimages/detail/bodies.hpp>

#endif // CFIMAGES_STATS_HPP
