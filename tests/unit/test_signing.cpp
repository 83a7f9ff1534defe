#include <cfimages/signing.hpp>

#include <doctest/doctest.h>

#include <chrono>
#include <string>

namespace sg = cfimages::signing;
using cfimages::ErrorKind;

namespace {

// The example URL and key placeholder of Cloudflare's "Serve private images" page.
constexpr const char* key = "YOUR_KEY_FROM_IMAGES_DASHBOARD";
constexpr const char* base =
    "https://imagedelivery.net/cheeW4oKsx5ljh8e8BoL2A/bc27a117-9509-446b-8c69-c81bfeac0a01/mobile";

// Expected signatures computed independently (Python hmac/hashlib) over
// the documented string to sign, path + "?" + query.
const std::string golden1 = std::string(base) +
                            "?exp=1631289275&sig=f5dbc282189c443accb7b86a95a66b29d42ea4ced234cdbe3c2db71fd61a88a0";

} // namespace

TEST_CASE("signing: golden URLs") {
    auto s = sg::sign_url(base, key, 1631289275);
    REQUIRE(s);
    CHECK(*s == golden1);

    auto custom = sg::sign_url("https://example.com/cdn-cgi/imagedelivery/cheeW4oKsx5ljh8e8BoL2A/"
                               "bc27a117-9509-446b-8c69-c81bfeac0a01/public",
                               key, 1700000000);
    REQUIRE(custom);
    CHECK(*custom == "https://example.com/cdn-cgi/imagedelivery/cheeW4oKsx5ljh8e8BoL2A/"
                     "bc27a117-9509-446b-8c69-c81bfeac0a01/public?exp=1700000000&sig="
                     "66c4c73dc2741405c25ef4aca49f102dbfffcd5321ba358056b01211f9b2af99");

    // Existing parameters are kept and signed; a compact 32-hex ID is a default ID.
    auto q = sg::sign_url("https://imagedelivery.net/cheeW4oKsx5ljh8e8BoL2A/"
                          "BC27A1179509446B8C69C81BFEAC0A01/public?v=2",
                          key, 1700000000);
    REQUIRE(q);
    CHECK(*q == "https://imagedelivery.net/cheeW4oKsx5ljh8e8BoL2A/BC27A1179509446B8C69C81BFEAC0A01/"
                "public?v=2&exp=1700000000&sig=683dc138d5b3de6e0082d213da14695f2cec70f43148d2a30a34655bcdfc0fd0");
}

TEST_CASE("signing: time_point overloads truncate to seconds") {
    using namespace std::chrono;
    const system_clock::time_point t = system_clock::time_point(seconds(1631289275)) + milliseconds(999);
    auto s = sg::sign_url(base, key, t);
    REQUIRE(s);
    CHECK(*s == golden1);
    auto v = sg::verify_url(golden1, key, system_clock::time_point(seconds(1631289274)) + milliseconds(999));
    REQUIRE(v);
    CHECK(v->expires == 1631289275);
}

TEST_CASE("signing: verify accepts its own URLs") {
    auto v = sg::verify_url(golden1, key, 1631289274);
    REQUIRE(v);
    CHECK(v->expires == 1631289275);
    CHECK(v->url.image_id == "bc27a117-9509-446b-8c69-c81bfeac0a01");
    CHECK(v->url.variant == "mobile");

    for (std::int64_t exp : {std::int64_t{1}, std::int64_t{99}, std::int64_t{1700000000}, std::int64_t{4102444800}}) {
        auto s = sg::sign_url(base, "another key", exp);
        REQUIRE(s);
        CHECK(sg::verify_url(*s, "another key", exp - 1));
    }
}

TEST_CASE("signing: verify rejects expired, tampered, wrong-key and malformed URLs") {
    struct Row {
        std::string url;
        std::string key;
        std::int64_t now;
        std::string message;
    };
    const std::string sig = "f5dbc282189c443accb7b86a95a66b29d42ea4ced234cdbe3c2db71fd61a88a0";
    const Row rows[] = {
        {golden1, key, 1631289275, "exp: expired at 1631289275 (now 1631289275)"},
        {golden1, key, 1631289276, "exp: expired at 1631289275 (now 1631289276)"},
        {golden1, "wrong key", 0, "sig: does not match (wrong key, or the URL was changed after signing)"},
        {std::string(base) + "?exp=1631289276&sig=" + sig, key, 0,
         "sig: does not match (wrong key, or the URL was changed after signing)"},
        {std::string(base).replace(std::string(base).size() - 6, 6, "public") + "?exp=1631289275&sig=" + sig,
         key, 0, "sig: does not match (wrong key, or the URL was changed after signing)"},
        {std::string(base) + "?exp=1631289275&sig=" + std::string(63, 'a') + "b", key, 0,
         "sig: does not match (wrong key, or the URL was changed after signing)"},
        {std::string(base) + "?exp=1631289275&x=1&sig=" + sig, key, 0,
         "sig: does not match (wrong key, or the URL was changed after signing)"},
        {std::string(base), key, 0, "sig: missing (the URL is not signed)"},
        {std::string(base) + "?exp=1631289275", key, 0, "sig: missing (the URL is not signed)"},
        {std::string(base) + "?sig=" + sig + "&exp=1631289275", key, 0, "sig: must be the last query parameter"},
        {std::string(base) + "?exp=1&sig=" + sig + "&sig=" + sig, key, 0, "sig: given more than once"},
        {std::string(base) + "?sig=" + sig, key, 0, "exp: missing"},
        {std::string(base) + "?exp=1&exp=2&sig=" + sig, key, 0, "exp: given more than once"},
        {std::string(base) + "?exp=soon&sig=" + sig, key, 0, "exp: must be a unix time in seconds"},
        {std::string(base) + "?exp=&sig=" + sig, key, 0, "exp: must be a unix time in seconds"},
        {std::string(base) + "?exp&sig=" + sig, key, 0, "exp: must be a unix time in seconds"},
        {std::string(base) + "?exp=-5&sig=" + sig, key, 0, "exp: must be a unix time in seconds"},
        {std::string(base) + "?exp=99999999999999999999&sig=" + sig, key, 0, "exp: must be a unix time in seconds"},
        {std::string(base) + "?exp=1631289275&sig=" + std::string(64, 'A'), key, 0,
         "sig: must be 64 lowercase hex digits"},
        {std::string(base) + "?exp=1631289275&sig=" + sig.substr(1), key, 0, "sig: must be 64 lowercase hex digits"},
        {std::string(base) + "?exp=1631289275&sig=", key, 0, "sig: must be 64 lowercase hex digits"},
        {std::string(base) + "?exp=1631289275&sig", key, 0, "sig: must be 64 lowercase hex digits"},
        {golden1, "", 0, "key: must not be empty"},
        {"https://example.com/x?exp=1&sig=" + sig, key, 0,
         "url: not a delivery URL: expected host imagedelivery.net or a path starting with /cdn-cgi/imagedelivery/"},
    };
    for (const Row& r : rows) {
        CAPTURE(r.url);
        auto v = sg::verify_url(r.url, r.key, r.now);
        REQUIRE_FALSE(v);
        CHECK(v.error().kind == ErrorKind::invalid_argument);
        CHECK(v.error().message == r.message);
    }
}

TEST_CASE("signing: sign refuses what Cloudflare cannot serve signed") {
    struct Row {
        std::string url;
        std::string key;
        std::int64_t exp;
        std::string message;
    };
    const Row rows[] = {
        {"https://imagedelivery.net/h/path/to/img.jpg/public", key, 1,
         "image_id: is a custom ID; Cloudflare serves only its generated IDs (UUIDs) through signed URLs"},
        {"https://imagedelivery.net/h/my-image/public", key, 1,
         "image_id: is a custom ID; Cloudflare serves only its generated IDs (UUIDs) through signed URLs"},
        {"https://imagedelivery.net/h/bc27a117-9509-446b-8c69-c81bfeac0a0/public", key, 1,
         "image_id: is a custom ID; Cloudflare serves only its generated IDs (UUIDs) through signed URLs"},
        {"https://imagedelivery.net/h/bc27a117-9509-446b-8c69-c81bfeac0a0g/public", key, 1,
         "image_id: is a custom ID; Cloudflare serves only its generated IDs (UUIDs) through signed URLs"},
        {std::string("https://imagedelivery.net/h/bc27a117-9509-446b-8c69-c81bfeac0a01/w=400,sharpen=3"), key, 1,
         "variant: is a flexible variant; signed URLs need a named variant"},
        {std::string(base) + "?exp=5", key, 1, "url: already has an 'exp' parameter; sign the unsigned URL"},
        {std::string(base) + "?a=1&sig=5", key, 1, "url: already has an 'sig' parameter; sign the unsigned URL"},
        {base, "", 1, "key: must not be empty"},
        {base, key, 0, "exp: must be a positive unix time in seconds"},
        {base, key, -1, "exp: must be a positive unix time in seconds"},
        {"http://imagedelivery.net/h/bc27a117-9509-446b-8c69-c81bfeac0a01/public", key, 1,
         "url: not a delivery URL: must start with https://"},
    };
    for (const Row& r : rows) {
        CAPTURE(r.url);
        auto s = sg::sign_url(r.url, r.key, r.exp);
        REQUIRE_FALSE(s);
        CHECK(s.error().kind == ErrorKind::invalid_argument);
        CHECK(s.error().message == r.message);
    }
}

TEST_CASE("signing: is_default_image_id") {
    CHECK(sg::is_default_image_id("083eb7b2-5392-4565-b69e-aff66acddd00"));
    CHECK(sg::is_default_image_id("083EB7B2-5392-4565-B69E-AFF66ACDDD00"));
    CHECK(sg::is_default_image_id("083eb7b253924565b69eaff66acddd00"));
    CHECK_FALSE(sg::is_default_image_id(""));
    CHECK_FALSE(sg::is_default_image_id("083eb7b2-5392-4565-b69e-aff66acddd0"));
    CHECK_FALSE(sg::is_default_image_id("083eb7b2-5392-4565-b69e-aff66acddd000"));
    CHECK_FALSE(sg::is_default_image_id("083eb7b2_5392-4565-b69e-aff66acddd00"));
    CHECK_FALSE(sg::is_default_image_id("083eb7b253924565b69eaff66acddd0g"));
    CHECK_FALSE(sg::is_default_image_id("folder/083eb7b2-5392-4565-b69e-aff66acddd00"));
}
