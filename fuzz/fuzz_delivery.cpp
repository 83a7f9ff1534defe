// libFuzzer target: delivery URLs (delivery.hpp): splitting arbitrary
// URLs, building them from random parts, flexible-variant option strings.
//
// Input: byte 0 picks the check, the rest is its input.
//
// Invariants: parse_url never crashes; what it accepts rebuilds, and the
// rebuilt URL splits into the same parts (one normalisation step at most:
// scheme case and %-escape spelling); parts that build_url accepts come
// back unchanged from parse_url (image IDs with '/' included); an option
// string that flexible_variant writes parses back to options that write
// the same string, and is usable as a variant in a URL; whatever
// parse_flexible_variant accepts writes back to a string that round trips;
// every error is invalid_argument with a one-line bounded message.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <fuzzer/FuzzedDataProvider.h>

#include <cfimages/delivery.hpp>
#include <cfimages/http.hpp>

#include "common.hpp"

namespace {

using namespace cfimages;
using namespace cfimages::delivery;
namespace fz = cfimages_fuzz;

template <class T>
void check_refusal(const Result<T>& r) {
    fz::check_result(r);
    if (!r) FUZZ_CHECK(r.error().kind == ErrorKind::invalid_argument && r.error().http_status == 0);
}

void check_parse(std::string_view url) {
    const Result<DeliveryUrl> u = parse_url(url);
    check_refusal(u);
    if (!u) return;
    FUZZ_CHECK(!u->account_hash.empty() && !u->image_id.empty() && !u->variant.empty());
    const Result<std::string> b = build_url(*u);
    check_refusal(b);
    FUZZ_CHECK(b.has_value());
    const Result<DeliveryUrl> u2 = parse_url(*b);
    FUZZ_CHECK(u2.has_value());
    FUZZ_CHECK(*u2 == *u);
    const Result<std::string> b2 = build_url(*u2);
    FUZZ_CHECK(b2.has_value() && *b2 == *b);
}

std::string pick(FuzzedDataProvider& in, std::initializer_list<const char*> fixed, std::size_t max_len) {
    const std::size_t k = in.ConsumeIntegralInRange<std::size_t>(0, fixed.size());
    if (k < fixed.size()) return fixed.begin()[k];
    return in.ConsumeRandomLengthString(max_len);
}

void check_build(FuzzedDataProvider& in) {
    DeliveryUrl d;
    d.custom_domain = in.ConsumeBool();
    d.host = d.custom_domain ? pick(in, {"images.example.com", "example.com:8443", "imagedelivery.net"}, 80)
                             : pick(in, {"imagedelivery.net", "ImageDelivery.NET"}, 80);
    d.account_hash = pick(in, {"ZWd9g1K7eljCn_KDTu_MWA", "h"}, 80);
    d.image_id = pick(in, {"083eb7b2-5392-4565-b69e-aff66acddd00", "a/b/c", "100%", "x?y#z"}, 1100);
    d.variant = pick(in, {"public", "w=400,h=300", "background=%23fff"}, 120);
    d.query = pick(in, {"", "exp=1&sig=ab", "a=b?c"}, 80);
    const Result<std::string> b = build_url(d);
    check_refusal(b);
    if (!b) return;
    FUZZ_CHECK(b->compare(0, 8, "https://") == 0);
    FUZZ_CHECK(!fz::has_control(*b) && b->find(' ') == std::string::npos && b->find('#') == std::string::npos);
    const Result<DeliveryUrl> back = parse_url(*b);
    // build_url(DeliveryUrl) does not insist that a non-custom URL uses
    // imagedelivery.net; such a URL is not a delivery URL and parse_url
    // rightly refuses it.
    if (!d.custom_domain && !iequals(d.host, default_host)) {
        FUZZ_CHECK(!back.has_value() || back->custom_domain);
        return;
    }
    // On imagedelivery.net, an account hash `cdn-cgi` followed by an ID
    // starting `imagedelivery/` spells the custom-domain prefix: the URL is
    // ambiguous by construction (real account hashes are 22 characters).
    if (!d.custom_domain && d.account_hash == "cdn-cgi" && d.image_id.rfind("imagedelivery/", 0) == 0) return;
    FUZZ_CHECK(back.has_value());
    FUZZ_CHECK(*back == d);
    if (d.query.empty() && !d.custom_domain && d.host == default_host) {
        const Result<std::string> plain = build_url(d.account_hash, d.image_id, d.variant);
        FUZZ_CHECK(plain.has_value() && *plain == *b);
    }
}

std::optional<std::int64_t> opt_int(FuzzedDataProvider& in, std::int64_t lo, std::int64_t hi) {
    switch (in.ConsumeIntegralInRange<int>(0, 2)) {
    case 0: return std::nullopt;
    case 1: return in.ConsumeIntegralInRange<std::int64_t>(lo - 1, hi + 1);
    default: return in.ConsumeIntegral<std::int64_t>();
    }
}

std::optional<double> opt_real(FuzzedDataProvider& in, double lo, double hi) {
    switch (in.ConsumeIntegralInRange<int>(0, 3)) {
    case 0: return std::nullopt;
    case 1: return in.ConsumeFloatingPointInRange<double>(lo - 1, hi + 1);
    case 2: return static_cast<double>(in.ConsumeIntegralInRange<int>(static_cast<int>(lo), static_cast<int>(hi)));
    default: return in.ConsumeFloatingPoint<double>();
    }
}

void check_flexible_round_trip(const std::string& s) {
    const Result<FlexibleOptions> o = parse_flexible_variant(s);
    check_refusal(o);
    FUZZ_CHECK(o.has_value());
    const Result<std::string> s2 = flexible_variant(*o);
    FUZZ_CHECK(s2.has_value());
    FUZZ_CHECK(*s2 == s);
    const Result<std::string> url = build_url("hash", "id", s);
    FUZZ_CHECK(url.has_value());
    const Result<DeliveryUrl> u = parse_url(*url);
    FUZZ_CHECK(u.has_value() && u->variant == s && u->is_flexible());
}

void check_flexible(FuzzedDataProvider& in) {
    FlexibleOptions o;
    o.width = opt_int(in, 1, 12000);
    o.height = opt_int(in, 1, 12000);
    if (in.ConsumeBool()) o.fit = static_cast<Fit>(in.ConsumeIntegralInRange<int>(0, 5));
    if (in.ConsumeBool()) {
        Gravity g;
        g.kind = static_cast<Gravity::Kind>(in.ConsumeIntegralInRange<int>(0, 7));
        g.x = opt_real(in, 0, 1).value_or(0.5);
        g.y = opt_real(in, 0, 1).value_or(0.5);
        o.gravity = g;
    }
    o.quality = opt_int(in, 1, 100);
    if (in.ConsumeBool()) o.format = static_cast<Format>(in.ConsumeIntegralInRange<int>(0, 6));
    o.dpr = opt_real(in, 0, 2);
    o.sharpen = opt_real(in, 0, 10);
    o.blur = opt_int(in, 1, 250);
    if (in.ConsumeBool()) o.rotate = in.PickValueInArray<std::int64_t>({90, 180, 270, 0, 45});
    if (in.ConsumeBool()) o.flip = static_cast<Flip>(in.ConsumeIntegralInRange<int>(0, 3));
    if (in.ConsumeBool()) o.background = in.ConsumeRandomLengthString(70);
    if (in.ConsumeBool()) o.metadata = static_cast<MetadataMode>(in.ConsumeIntegralInRange<int>(0, 3));
    if (in.ConsumeBool()) o.anim = in.ConsumeBool();
    o.brightness = opt_real(in, 0, 100);
    o.contrast = opt_real(in, 0, 100);
    o.gamma = opt_real(in, 0, 100);
    o.saturation = opt_real(in, 0, 100);
    if (in.ConsumeBool()) {
        Trim t;
        t.top = opt_int(in, 0, 12000).value_or(0);
        t.right = opt_int(in, 0, 12000).value_or(0);
        t.bottom = opt_int(in, 0, 12000).value_or(0);
        t.left = opt_int(in, 0, 12000).value_or(0);
        o.trim = t;
    }
    o.zoom = opt_real(in, 0, 1);
    if (in.ConsumeBool()) o.compression_fast = in.ConsumeBool();
    const Result<std::string> s = flexible_variant(o);
    check_refusal(s);
    if (!s) return;
    FUZZ_CHECK(s->find('=') != std::string::npos);
    check_flexible_round_trip(*s);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    const std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
    FuzzedDataProvider in(data + 1, size - 1);
    switch (data[0] % 4) {
    case 0: check_parse(rest); break;
    case 1: check_build(in); break;
    case 2: check_flexible(in); break;
    default: {
        const Result<FlexibleOptions> o = parse_flexible_variant(rest);
        check_refusal(o);
        if (!o) break;
        const Result<std::string> s = flexible_variant(*o);
        check_refusal(s);
        FUZZ_CHECK(s.has_value());
        check_flexible_round_trip(*s);
        break;
    }
    }
    return 0;
}
