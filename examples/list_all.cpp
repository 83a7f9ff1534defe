// Every image of an account, through the Beast client and v2 continuation
// tokens. Reads the same environment as the official SDKs:
//   CLOUDFLARE_API_TOKEN, CLOUDFLARE_ACCOUNT_ID, CLOUDFLARE_BASE_URL (optional;
//   e.g. a local Prism mock at http://127.0.0.1:4010).
#include <cfimages/beast.hpp>
#include <cfimages/cfimages.hpp>

#include <cstdlib>
#include <iostream>

int main() {
    const char* token = std::getenv("CLOUDFLARE_API_TOKEN");
    const char* account = std::getenv("CLOUDFLARE_ACCOUNT_ID");
    if (token == nullptr || account == nullptr) {
        std::cerr << "set CLOUDFLARE_API_TOKEN and CLOUDFLARE_ACCOUNT_ID\n";
        return 2;
    }
    cfimages::Config cfg;
    cfg.account_id = account;
    cfg.credentials = cfimages::ApiToken{token};
    if (const char* base = std::getenv("CLOUDFLARE_BASE_URL")) cfg.base_url = base;

    cfimages::beast::Client client;  // TLS verified, keep-alive, timeouts, 2 retries
    cfimages::v2::ListParams params;
    params.per_page = 1000;
    auto n = client.for_each_image(cfg, params, [](const cfimages::Image& img) {
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
