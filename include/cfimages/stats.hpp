#ifndef CFIMAGES_STATS_HPP
#define CFIMAGES_STATS_HPP

/// @file
/// Account usage. https://developers.cloudflare.com/api/resources/images/subresources/v1/subresources/stats/

#include <cfimages/config.hpp>
#include <cfimages/detail/link.hpp>
#if CFIMAGES_DEFINE_BODIES
#include <cfimages/detail/build.hpp>
#include <cfimages/detail/decode.hpp>
#include <cfimages/detail/envelope.hpp>
#endif
#include <cfimages/models.hpp>
#include <cfimages/request.hpp>
#include <cfimages/result.hpp>

namespace cfimages {
#if !CFIMAGES_DEFINE_BODIES
// Separate compilation (cfimages/detail/link.hpp): declarations only;
// the definitions below are compiled in the TU that includes <cfimages/src.hpp>.
namespace v1 {
namespace stats {
CFIMAGES_DECL Result<Request<Stats>> get(const Config& cfg);
} // namespace stats
} // namespace v1
#else
namespace detail {

inline Result<Stats> parse_stats(const HttpResponse& r, const ParseContext&) {
    return parse_envelope<Stats>(r, decode_stats);
}

} // namespace detail

namespace v1 {
namespace stats {

/// Builds `GET /accounts/{account_id}/images/v1/stats`.
/// @return the request, or `invalid_argument` for a bad Config.
CFIMAGES_DECL Result<Request<Stats>> get(const Config& cfg) {
    auto http = detail::start(cfg, Method::get, {detail::lit("/images/v1/stats")});
    if (!http) return std::move(http).error();
    return detail::finish<Stats>(std::move(*http), detail::parse_stats);
}

} // namespace stats
} // namespace v1
#endif // CFIMAGES_DEFINE_BODIES
} // namespace cfimages

#endif // CFIMAGES_STATS_HPP
