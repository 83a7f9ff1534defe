#ifndef CFIMAGES_IMPL_STATS_IPP
#define CFIMAGES_IMPL_STATS_IPP

// Definitions of <cfimages/stats.hpp>: included at the end of that header
// (header-only) or by <cfimages/src.hpp> (separate compilation), see
// cfimages/detail/link.hpp.

#include <cfimages/stats.hpp>

#include <cfimages/detail/build.hpp>
#include <cfimages/detail/decode.hpp>
#include <cfimages/detail/envelope.hpp>

namespace cfimages {
namespace detail {

inline Result<Stats> parse_stats(const HttpResponse& r, const ParseContext&) {
    return parse_envelope<Stats>(r, decode_stats);
}

} // namespace detail

namespace v1 {
namespace stats {

CFIMAGES_DECL Result<Request<Stats>> get(const Config& cfg) {
    auto http = detail::start(cfg, Method::get, {detail::lit("/images/v1/stats")});
    if (!http) return std::move(http).error();
    return detail::finish<Stats>(std::move(*http), detail::parse_stats);
}

} // namespace stats
} // namespace v1
} // namespace cfimages

#endif // CFIMAGES_IMPL_STATS_IPP
