// Signed delivery URLs for private images, offline: sign a URL for an hour,
// verify it, and watch a tampered copy and an expired one fail.
//
//   cfimages_example_sign_url [URL KEY]
#include <cfimages/signing.hpp>

#include <chrono>
#include <iostream>
#include <string>

int main(int argc, char** argv) {
    const std::string url = argc > 2 ? argv[1]
        : "https://imagedelivery.net/ZWd9g1K7eljCn_KDTu_MWA/083eb7b2-5392-4565-b69e-aff66acddd00/public";
    const std::string key = argc > 2 ? argv[2] : "example-signing-key";

    // The library reads no clock; the program does.
    const std::int64_t now =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();

    auto signed_url = cfimages::signing::sign_url(url, key, now + 3600);
    if (!signed_url) {
        std::cerr << signed_url.error() << '\n';
        return 2;
    }
    std::cout << *signed_url << '\n';

    auto ok = cfimages::signing::verify_url(*signed_url, key, now);
    std::cout << "now:      " << (ok ? "valid" : ok.error().message) << '\n';

    std::string tampered = *signed_url;
    tampered.replace(tampered.find("/public"), 7, "/thumbn");
    auto bad = cfimages::signing::verify_url(tampered, key, now);
    std::cout << "tampered: " << (bad ? "valid" : bad.error().message) << '\n';

    auto late = cfimages::signing::verify_url(*signed_url, key, now + 7200);
    std::cout << "later:    " << (late ? "valid" : late.error().message) << '\n';
    return ok && !bad && !late ? 0 : 1;
}
