// libFuzzer target: signed delivery URLs (signing.hpp).
//
// Input: byte 0 picks the check, the rest is its input.
//
// Invariants: verify_url never crashes on arbitrary URLs, keys and times,
// and refuses with an invalid_argument error and a one-line message; a URL
// signed with a key verifies with that key before `exp` and not at or
// after it; it never verifies with a different key; and it never verifies
// once any byte of its path or query is changed, inserted or removed (only
// the scheme and host are outside the signature, as Cloudflare defines it).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <fuzzer/FuzzedDataProvider.h>

#include <cfimages/signing.hpp>

#include "common.hpp"

namespace {

using namespace cfimages;
namespace fz = cfimages_fuzz;

template <class T>
void check_refusal(const Result<T>& r) {
    fz::check_result(r);
    if (!r) FUZZ_CHECK(r.error().kind == ErrorKind::invalid_argument && r.error().http_status == 0);
}

// Path and query: the signed part of a URL ("" when there is no path).
std::string_view signed_part(std::string_view url) {
    const std::size_t s = url.find("://");
    const std::size_t slash = url.find('/', s == std::string_view::npos ? 0 : s + 3);
    return slash == std::string_view::npos ? std::string_view() : url.substr(slash);
}

std::string hex_id(FuzzedDataProvider& in) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string id;
    const bool uuid = in.ConsumeBool();
    for (int i = 0; i < 32; ++i) {
        if (uuid && (i == 8 || i == 12 || i == 16 || i == 20)) id.push_back('-');
        id.push_back(hex[in.ConsumeIntegralInRange<int>(0, 15)]);
    }
    return id;
}

void check_tamper(FuzzedDataProvider& in) {
    const bool custom = in.ConsumeBool();
    std::string url = custom ? "https://images.example.com/cdn-cgi/imagedelivery/" : "https://imagedelivery.net/";
    url += in.PickValueInArray<const char*>({"ZWd9g1K7eljCn_KDTu_MWA", "h", "a-b_c"});
    url += "/" + hex_id(in) + "/";
    url += in.PickValueInArray<const char*>({"public", "thumbnail", "v1"});
    if (in.ConsumeBool()) url += in.PickValueInArray<const char*>({"?a=1", "?x=%2F&y=", "?v=2&w=3"});
    std::string key = in.ConsumeRandomLengthString(100);
    if (key.empty()) key = "k";
    const std::int64_t exp = in.ConsumeIntegralInRange<std::int64_t>(1, 999999999999LL);

    const Result<std::string> s = signing::sign_url(url, key, exp);
    check_refusal(s);
    FUZZ_CHECK(s.has_value());
    const std::string& signed_url = *s;
    FUZZ_CHECK(signed_url.compare(0, url.size(), url) == 0);

    const auto ok = signing::verify_url(signed_url, key, exp - 1);
    FUZZ_CHECK(ok.has_value() && ok->expires == exp);
    const auto late = signing::verify_url(signed_url, key, exp + in.ConsumeIntegralInRange<std::int64_t>(0, 1000));
    check_refusal(late);
    FUZZ_CHECK(!late.has_value());

    // A different key (one byte changed, same length) never verifies.
    std::string other = key;
    const std::size_t kpos = in.ConsumeIntegralInRange<std::size_t>(0, other.size() - 1);
    other[kpos] = static_cast<char>(other[kpos] ^ in.ConsumeIntegralInRange<int>(1, 255));
    FUZZ_CHECK(!signing::verify_url(signed_url, other, exp - 1).has_value());

    // One edit anywhere: replace, insert or delete a byte.
    std::string t = signed_url;
    const std::size_t pos = in.ConsumeIntegralInRange<std::size_t>(0, t.size() - 1);
    const int op = in.ConsumeIntegralInRange<int>(0, 2);
    const char c = static_cast<char>(in.ConsumeIntegral<unsigned char>());
    if (op == 0) {
        if (t[pos] == c) return;
        t[pos] = c;
    } else if (op == 1) {
        t.insert(t.begin() + static_cast<std::ptrdiff_t>(pos), c);
    } else {
        t.erase(pos, 1);
    }
    const auto v = signing::verify_url(t, key, exp - 1);
    check_refusal(v);
    if (v.has_value()) FUZZ_CHECK(signed_part(t) == signed_part(signed_url));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    FuzzedDataProvider in(data + 1, size - 1);
    switch (data[0] % 3) {
    case 0: {
        // Arbitrary URL, key and time.
        const std::int64_t now = in.ConsumeIntegral<std::int64_t>();
        const std::string key = in.ConsumeRandomLengthString(80);
        const std::string url = in.ConsumeRemainingBytesAsString();
        const auto v = signing::verify_url(url, key, now);
        check_refusal(v);
        if (v) FUZZ_CHECK(v->expires > now && !key.empty());
        const auto s = signing::sign_url(url, key, now);
        check_refusal(s);
        if (s) {
            FUZZ_CHECK(now > 0 && !key.empty());
            const auto back = signing::verify_url(*s, key, now - 1);
            FUZZ_CHECK(back.has_value() && back->expires == now);
        }
        break;
    }
    case 1: check_tamper(in); break;
    default: {
        const std::string id = in.ConsumeRemainingBytesAsString();
        if (signing::is_default_image_id(id)) FUZZ_CHECK(id.size() == 32 || id.size() == 36);
        break;
    }
    }
    return 0;
}
