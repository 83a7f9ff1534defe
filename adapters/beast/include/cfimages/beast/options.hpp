#ifndef CFIMAGES_BEAST_OPTIONS_HPP
#define CFIMAGES_BEAST_OPTIONS_HPP

/// @file
/// `beast::ClientOptions`: the settings of `beast::Client` and
/// `beast::AsyncClient`.

#include <string>

#include <cfimages/client.hpp>

namespace cfimages {
namespace beast {

/// Settings of a `Client` or `AsyncClient`: everything in
/// `CommonClientOptions` (timeouts, limits, retries, rate limiting, pool
/// size), plus the CA certificates to trust. The defaults suit the
/// Cloudflare API.
struct ClientOptions : CommonClientOptions {
    /// Also trust these CA certificates (PEM, one or more), in addition to
    /// the system store (e.g. a corporate proxy CA, or a test CA).
    std::string extra_ca_pem;
};

} // namespace beast
} // namespace cfimages

#endif // CFIMAGES_BEAST_OPTIONS_HPP
