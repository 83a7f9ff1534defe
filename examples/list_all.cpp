// Every image of an account, through the Beast client and v2 continuation
// tokens. Reads the same environment as the official SDKs:
//   CLOUDFLARE_API_TOKEN, CLOUDFLARE_ACCOUNT_ID, CLOUDFLARE_BASE_URL (optional;
//   e.g. a local Prism mock at http://127.0.0.1:4010).
#include <cfimages/beast.hpp>
#include <cfimages/cfimages.hpp>

#include <iostream>

int main() {
    // CLOUDFLARE_API_TOKEN (or CLOUDFLARE_EMAIL + CLOUDFLARE_API_KEY),
    // CLOUDFLARE_ACCOUNT_ID, and CLOUDFLARE_BASE_URL for a local mock.
    auto cfg = cfimages::config_from_env();
    if (!cfg) {
        std::cerr << cfg.error() << '\n';  // e.g. "invalid_argument: CLOUDFLARE_ACCOUNT_ID: not set"
        return 2;
    }

    cfimages::beast::Client client;  // TLS verified, keep-alive, timeouts, 2 retries
    cfimages::v2::ListParams params;
    params.per_page = 1000;
    auto n = client.for_each_image(*cfg, params, [](const cfimages::Image& img) {
        std::cout << img.id << '\t' << img.filename.value_or("-") << '\n';
        return true;
    });
    if (!n) {
        std::cerr << n.error() << '\n';
        return n.error().kind == cfimages::ErrorKind::transport ? 3 : 1;
    }
    std::cerr << *n << " images\n";
    return 0;
}
