#include <cfimages/delivery.hpp>

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace dl = cfimages::delivery;
using cfimages::ErrorKind;

namespace {

constexpr const char* hash = "ZWd9g1K7eljCn_KDTu_MWA";
constexpr const char* uuid = "083eb7b2-5392-4565-b69e-aff66acddd00";

// One table drives both directions: build must produce `url`, parse must
// recover the parts.
struct UrlRow {
    std::string host;
    bool custom;
    std::string id;
    std::string variant;
    std::string url;
};

const std::vector<UrlRow>& url_rows() {
    static const std::vector<UrlRow> rows = {
        {"imagedelivery.net", false, uuid, "public",
         "https://imagedelivery.net/ZWd9g1K7eljCn_KDTu_MWA/083eb7b2-5392-4565-b69e-aff66acddd00/public"},
        {"example.com", true, uuid, "public",
         "https://example.com/cdn-cgi/imagedelivery/ZWd9g1K7eljCn_KDTu_MWA/"
         "083eb7b2-5392-4565-b69e-aff66acddd00/public"},
        {"imagedelivery.net", false, "path/to/image.jpg", "thumb",
         "https://imagedelivery.net/ZWd9g1K7eljCn_KDTu_MWA/path/to/image.jpg/thumb"},
        {"imagedelivery.net", false, "100%/a b+c", "public",
         "https://imagedelivery.net/ZWd9g1K7eljCn_KDTu_MWA/100%25/a%20b%2Bc/public"},
        {"imagedelivery.net", false, "caf\xc3\xa9", "w=400,sharpen=3",
         "https://imagedelivery.net/ZWd9g1K7eljCn_KDTu_MWA/caf%C3%A9/w=400,sharpen=3"},
        {"img.example.com:8443", true, "a?b#c", "public",
         "https://img.example.com:8443/cdn-cgi/imagedelivery/ZWd9g1K7eljCn_KDTu_MWA/a%3Fb%23c/public"},
    };
    return rows;
}

} // namespace

TEST_CASE("delivery: golden URLs, both directions") {
    for (const UrlRow& row : url_rows()) {
        CAPTURE(row.url);
        auto built = row.custom ? dl::build_custom_domain_url(row.host, hash, row.id, row.variant)
                                : dl::build_url(hash, row.id, row.variant);
        REQUIRE(built);
        CHECK(*built == row.url);

        auto parsed = dl::parse_url(row.url);
        REQUIRE(parsed);
        CHECK(parsed->host == row.host);
        CHECK(parsed->custom_domain == row.custom);
        CHECK(parsed->account_hash == hash);
        CHECK(parsed->image_id == row.id);
        CHECK(parsed->variant == row.variant);
        CHECK(parsed->query.empty());

        auto rebuilt = dl::build_url(*parsed);
        REQUIRE(rebuilt);
        CHECK(*rebuilt == row.url);
    }
}

TEST_CASE("delivery: parse keeps the query and flags flexible variants") {
    auto p = dl::parse_url("https://imagedelivery.net/" + std::string(hash) + "/" + uuid +
                           "/public?exp=1631289275&sig=abc");
    REQUIRE(p);
    CHECK(p->query == "exp=1631289275&sig=abc");
    CHECK_FALSE(p->is_flexible());
    auto rebuilt = dl::build_url(*p);
    REQUIRE(rebuilt);
    CHECK(*rebuilt == "https://imagedelivery.net/ZWd9g1K7eljCn_KDTu_MWA/"
                      "083eb7b2-5392-4565-b69e-aff66acddd00/public?exp=1631289275&sig=abc");

    auto f = dl::parse_url("https://imagedelivery.net/h/id/w=400,h=300");
    REQUIRE(f);
    CHECK(f->is_flexible());
}

TEST_CASE("delivery: parse accepts an upper-case scheme and host; a %2F in the ID is a slash") {
    auto p = dl::parse_url("HTTPS://ImageDelivery.NET/h/a%2Fb/public");
    REQUIRE(p);
    CHECK(p->host == "ImageDelivery.NET");
    CHECK(p->image_id == "a/b");
}

TEST_CASE("delivery: parse refuses what is not a delivery URL") {
    const char* bad[] = {
        "",
        "http://imagedelivery.net/h/id/public",              // not https
        "ftp://imagedelivery.net/h/id/public",
        "https://imagedelivery.net",                          // no path
        "https://imagedelivery.net/h/public",                 // too few segments
        "https://imagedelivery.net/h//public",                // empty segment
        "https://imagedelivery.net/h/id/",                    // empty variant
        "https://example.com/h/id/public",                    // other host without prefix
        "https://example.com/cdn-cgi/imagedelivery/h/public", // too few after prefix
        "https://user@imagedelivery.net/h/id/public",         // user info
        "https://imagedelivery.net/h/id/public#frag",         // fragment
        "https://imagedelivery.net/h/id%2/public",            // malformed escape
        "https://imagedelivery.net/h/id%zz/public",
        "https://imagedelivery.net/h/%2E%2E/public",          // dot segment once decoded
        "https://imagedelivery.net/h/./public",
        "https://imagedelivery.net/h/id%0A/public",           // control char once decoded
        "https://imagedelivery.net/h/id pub/public",          // space
        "https://imagedelivery.net/h!/id/public",             // bad hash
        "https://imagedelivery.net/h/id/pub%ZZ",              // bad variant escape
        "https://imagedelivery.net/h/id/pub\"lic",            // bad variant char
        "https://imag_edelivery.net/cdn-cgi/imagedelivery/h/id/public",  // bad host
        "https://:443/cdn-cgi/imagedelivery/h/id/public",
    };
    for (const char* u : bad) {
        CAPTURE(u);
        auto r = dl::parse_url(u);
        REQUIRE_FALSE(r);
        CHECK(r.error().kind == ErrorKind::invalid_argument);
        CHECK_FALSE(r.error().message.empty());
    }
}

TEST_CASE("delivery: build refuses bad parts, naming them") {
    struct Row { std::string hash, id, variant, field; };
    const Row rows[] = {
        {"", uuid, "public", "account_hash"},
        {"has space", uuid, "public", "account_hash"},
        {std::string(65, 'a'), uuid, "public", "account_hash"},
        {hash, "", "public", "image_id"},
        {hash, "/lead", "public", "image_id"},
        {hash, "trail/", "public", "image_id"},
        {hash, "a//b", "public", "image_id"},
        {hash, "a/../b", "public", "image_id"},
        {hash, ".", "public", "image_id"},
        {hash, "a\r\nb", "public", "image_id"},
        {hash, std::string(1025, 'x'), "public", "image_id"},
        {hash, uuid, "", "variant"},
        {hash, uuid, "a/b", "variant"},
        {hash, uuid, "a?b", "variant"},
        {hash, uuid, "a b", "variant"},
        {hash, uuid, "bg=%2", "variant"},
    };
    for (const Row& r : rows) {
        CAPTURE(r.field);
        CAPTURE(r.id);
        auto u = dl::build_url(r.hash, r.id, r.variant);
        REQUIRE_FALSE(u);
        CHECK(u.error().kind == ErrorKind::invalid_argument);
        CHECK(u.error().message.rfind(r.field + ": ", 0) == 0);
    }
    for (const char* host : {"", "-x.com", "x.com.", "a b", "x.com:", "x.com:123456", "x.com:8a", "x/y"}) {
        CAPTURE(host);
        auto u = dl::build_custom_domain_url(host, hash, uuid, "public");
        REQUIRE_FALSE(u);
        CHECK(u.error().message.rfind("host: ", 0) == 0);
    }
}

// ---------------------------------------------------------------------------
// Flexible variants
// ---------------------------------------------------------------------------

namespace {

struct FlexRow {
    dl::FlexibleOptions options;
    std::string text;
};

std::vector<FlexRow> flex_rows() {
    std::vector<FlexRow> rows;
    {
        dl::FlexibleOptions o;
        o.width = 400;
        o.height = 300;
        o.fit = cfimages::Fit::cover;
        rows.push_back({o, "w=400,h=300,fit=cover"});
    }
    {
        dl::FlexibleOptions o;
        o.width = 400;
        o.sharpen = 3;
        rows.push_back({o, "w=400,sharpen=3"});
    }
    {
        dl::FlexibleOptions o;
        o.width = 1;
        o.height = 12000;
        o.fit = cfimages::Fit::scale_down;
        o.gravity = dl::Gravity::at(0.5, 0.33);
        o.quality = 85;
        o.format = dl::Format::baseline_jpeg;
        o.dpr = 1.5;
        o.sharpen = 0;
        o.blur = 250;
        o.rotate = 270;
        o.flip = dl::Flip::hv;
        o.background = "rgb(240,40,145)";
        o.metadata = cfimages::MetadataMode::copyright;
        o.anim = false;
        o.brightness = 0.5;
        o.contrast = 2;
        o.gamma = 1;
        o.saturation = 0;
        o.trim = dl::Trim{20, 30, 20, 0};
        o.zoom = 0.25;
        o.compression_fast = true;
        rows.push_back({o,
                        "w=1,h=12000,fit=scale-down,gravity=0.5x0.33,quality=85,format=baseline-jpeg,"
                        "dpr=1.5,sharpen=0,blur=250,rotate=270,flip=hv,background=rgb%28240%2C40%2C145%29,"
                        "metadata=copyright,anim=false,brightness=0.5,contrast=2,gamma=1,saturation=0,"
                        "trim=20;30;20;0,zoom=0.25,compression=fast"});
    }
    {
        dl::FlexibleOptions o;
        o.gravity = dl::Gravity{dl::Gravity::Kind::face, 0, 0};
        o.background = "#RRGGBB";
        o.format = dl::Format::auto_;
        rows.push_back({o, "gravity=face,format=auto,background=%23RRGGBB"});
    }
    {
        dl::FlexibleOptions o;
        o.gravity = dl::Gravity::at(0, 1);
        o.fit = cfimages::Fit::pad;
        o.anim = true;
        rows.push_back({o, "fit=pad,gravity=0x1,anim=true"});
    }
    for (auto k : {dl::Gravity::Kind::auto_, dl::Gravity::Kind::left, dl::Gravity::Kind::right,
                   dl::Gravity::Kind::top, dl::Gravity::Kind::bottom}) {
        dl::FlexibleOptions o;
        o.gravity = dl::Gravity{k, 0.5, 0.5};
        const char* names[] = {"auto", "face", "left", "right", "top", "bottom"};
        rows.push_back({o, std::string("gravity=") + names[static_cast<int>(k)]});
    }
    for (auto f : {dl::Format::avif, dl::Format::webp, dl::Format::jpeg, dl::Format::json}) {
        dl::FlexibleOptions o;
        o.format = f;
        rows.push_back({o, "format=" + std::string(dl::to_string(f))});
    }
    for (auto fl : {dl::Flip::h, dl::Flip::v}) {
        dl::FlexibleOptions o;
        o.flip = fl;
        rows.push_back({o, "flip=" + std::string(dl::to_string(fl))});
    }
    return rows;
}

bool same(const dl::FlexibleOptions& a, const dl::FlexibleOptions& b) {
    return a.width == b.width && a.height == b.height && a.fit == b.fit && a.gravity == b.gravity &&
           a.quality == b.quality && a.format == b.format && a.dpr == b.dpr && a.sharpen == b.sharpen &&
           a.blur == b.blur && a.rotate == b.rotate && a.flip == b.flip && a.background == b.background &&
           a.metadata == b.metadata && a.anim == b.anim && a.brightness == b.brightness &&
           a.contrast == b.contrast && a.gamma == b.gamma && a.saturation == b.saturation &&
           a.trim == b.trim && a.zoom == b.zoom &&
           a.compression_fast.value_or(false) == b.compression_fast.value_or(false);
}

} // namespace

TEST_CASE("flexible variants: golden strings, both directions") {
    for (const FlexRow& row : flex_rows()) {
        CAPTURE(row.text);
        auto s = dl::flexible_variant(row.options);
        REQUIRE(s);
        CHECK(*s == row.text);
        auto back = dl::parse_flexible_variant(row.text);
        REQUIRE(back);
        CHECK(same(*back, row.options));
        // and the option string is a valid variant in a URL
        CHECK(dl::build_url(hash, uuid, *s));
    }
}

TEST_CASE("flexible variants: short and long names parse alike") {
    auto a = dl::parse_flexible_variant("width=10,height=20,quality=50,format=webp,gravity=left");
    auto b = dl::parse_flexible_variant("w=10,h=20,q=50,f=webp,g=left");
    REQUIRE(a);
    REQUIRE(b);
    CHECK(same(*a, *b));
    CHECK(*dl::flexible_variant(*a) == "w=10,h=20,gravity=left,quality=50,format=webp");
}

TEST_CASE("flexible variants: compression_fast=false sends nothing") {
    dl::FlexibleOptions o;
    o.width = 5;
    o.compression_fast = false;
    CHECK(*dl::flexible_variant(o) == "w=5");
}

TEST_CASE("flexible variants: out-of-range values are refused, naming the option") {
    struct Row {
        dl::FlexibleOptions o;
        std::string message;
    };
    std::vector<Row> rows;
    auto add = [&rows](auto set, std::string msg) {
        dl::FlexibleOptions o;
        set(o);
        rows.push_back({o, std::move(msg)});
    };
    add([](dl::FlexibleOptions& o) { o.width = 0; }, "width: must be between 1 and 12000 (got 0)");
    add([](dl::FlexibleOptions& o) { o.height = 12001; }, "height: must be between 1 and 12000 (got 12001)");
    add([](dl::FlexibleOptions& o) { o.quality = 101; }, "quality: must be between 1 and 100 (got 101)");
    add([](dl::FlexibleOptions& o) { o.quality = 0; }, "quality: must be between 1 and 100 (got 0)");
    add([](dl::FlexibleOptions& o) { o.blur = 300; }, "blur: must be between 1 and 250 (got 300)");
    add([](dl::FlexibleOptions& o) { o.blur = 0; }, "blur: must be between 1 and 250 (got 0)");
    add([](dl::FlexibleOptions& o) { o.rotate = 45; }, "rotate: must be 90, 180 or 270 (got 45)");
    add([](dl::FlexibleOptions& o) { o.sharpen = 10.5; }, "sharpen: must be between 0 and 10 (got 10.5)");
    add([](dl::FlexibleOptions& o) { o.sharpen = -1; }, "sharpen: must be between 0 and 10 (got -1)");
    add([](dl::FlexibleOptions& o) { o.dpr = 0; }, "dpr: must be greater than 0 and at most 2 (got 0)");
    add([](dl::FlexibleOptions& o) { o.dpr = 3; }, "dpr: must be greater than 0 and at most 2 (got 3)");
    add([](dl::FlexibleOptions& o) { o.dpr = std::nan(""); },
        "dpr: must be a finite number greater than 0 and at most 2");
    add([](dl::FlexibleOptions& o) { o.brightness = -0.5; },
        "brightness: must be between 0 and 100 (got -0.5)");
    add([](dl::FlexibleOptions& o) { o.contrast = 1e9; }, "contrast: must be between 0 and 100 (got 1e+09)");
    add([](dl::FlexibleOptions& o) { o.gamma = HUGE_VAL; }, "gamma: must be a finite number between 0 and 100");
    add([](dl::FlexibleOptions& o) { o.saturation = -1; }, "saturation: must be between 0 and 100 (got -1)");
    add([](dl::FlexibleOptions& o) { o.zoom = 1.5; }, "zoom: must be between 0 and 1 (got 1.5)");
    add([](dl::FlexibleOptions& o) { o.gravity = dl::Gravity::at(1.1, 0); },
        "gravity.x: must be between 0 and 1 (got 1.1)");
    add([](dl::FlexibleOptions& o) { o.gravity = dl::Gravity::at(0, -0.1); },
        "gravity.y: must be between 0 and 1 (got -0.1)");
    add([](dl::FlexibleOptions& o) { o.trim = dl::Trim{0, -1, 0, 0}; },
        "trim.right: must be between 0 and 12000 (got -1)");
    add([](dl::FlexibleOptions& o) { o.background = ""; }, "background: must not be empty");
    add([](dl::FlexibleOptions& o) { o.background = "red\n"; }, "background: must be a CSS colour in printable ASCII");
    add([](dl::FlexibleOptions& o) { o.background = std::string(65, 'a'); },
        "background: must be at most 64 characters");
    add([](dl::FlexibleOptions& o) { o.fit = static_cast<cfimages::Fit>(7); }, "fit: is not a known fit");
    add([](dl::FlexibleOptions& o) { o.format = static_cast<dl::Format>(7); }, "format: is not a known format");
    add([](dl::FlexibleOptions& o) { o.flip = static_cast<dl::Flip>(3); }, "flip: is not a known flip");
    add([](dl::FlexibleOptions& o) { o.metadata = static_cast<cfimages::MetadataMode>(3); },
        "metadata: is not a known metadata mode");
    add([](dl::FlexibleOptions&) {}, "flexible variant: at least one option must be set");
    for (const Row& r : rows) {
        CAPTURE(r.message);
        auto s = dl::flexible_variant(r.o);
        REQUIRE_FALSE(s);
        CHECK(s.error().kind == ErrorKind::invalid_argument);
        CHECK(s.error().message == r.message);
    }
}

TEST_CASE("flexible variants: malformed or unknown strings are refused") {
    const std::pair<const char*, const char*> rows[] = {
        {"", "flexible variant: must not be empty"},
        {"w", "flexible variant: each option must be name=value"},
        {"=5", "flexible variant: each option must be name=value"},
        {"w=1,", "flexible variant: each option must be name=value"},
        {"w=1,,h=2", "flexible variant: each option must be name=value"},
        {"onerror=redirect", "flexible variant: unknown option 'onerror'"},
        {"w=1,width=2", "width: is given more than once"},
        {"w=abc", "width: must be an integer (got 'abc')"},
        {"w=1.5", "width: must be an integer (got '1.5')"},
        {"w=", "width: must be an integer (got '')"},
        {"w=99999999999999999999", "width: must be an integer (got '99999999999999999999')"},
        {"w=0", "width: must be between 1 and 12000 (got 0)"},
        {"dpr=inf", "dpr: must be a number (got 'inf')"},
        {"dpr=nan", "dpr: must be a number (got 'nan')"},
        {"sharpen=1..2", "sharpen: must be a number (got '1..2')"},
        {"fit=squish", "fit: must be scale-down, contain, cover, crop or pad (got 'squish')"},
        {"format=gif", "format: must be auto, avif, webp, jpeg, baseline-jpeg or json (got 'gif')"},
        {"metadata=all", "metadata: must be keep, copyright or none (got 'all')"},
        {"flip=x", "flip: must be h, v or hv (got 'x')"},
        {"anim=1", "anim: must be true or false (got '1')"},
        {"compression=slow", "compression: must be fast (got 'slow')"},
        {"gravity=middle", "gravity: must be auto, face, left, right, top, bottom or XxY (got 'middle')"},
        {"gravity=0.5x", "gravity: must be auto, face, left, right, top, bottom or XxY (got '0.5x')"},
        {"gravity=2x0", "gravity.x: must be between 0 and 1 (got 2)"},
        {"trim=1;2;3", "trim: must be top;right;bottom;left (got '1;2;3')"},
        {"trim=1;2;3;4;5", "trim: must be top;right;bottom;left (got '1;2;3;4;5')"},
        {"trim=1;;3;4", "trim: must be top;right;bottom;left (got '1;;3;4')"},
        {"background=%2", "background: has a malformed %-escape (got '%2')"},
        {"rotate=91", "rotate: must be 90, 180 or 270 (got 91)"},
    };
    for (const auto& row : rows) {
        const std::string text = row.first;
        const std::string message = row.second;
        CAPTURE(text);
        auto r = dl::parse_flexible_variant(text);
        REQUIRE_FALSE(r);
        CHECK(r.error().kind == ErrorKind::invalid_argument);
        CHECK(r.error().message == message);
    }
}

TEST_CASE("delivery: a query with a backslash is refused when built, as parse_url refuses it") {
    cfimages::delivery::DeliveryUrl d;
    d.account_hash = "ZWd9g1K7eljCn_KDTu_MWA";
    d.image_id = "img";
    d.variant = "public";
    d.host = "imagedelivery.net";
    d.query = "a=b\\c";
    auto b = cfimages::delivery::build_url(d);
    REQUIRE_FALSE(b);
    CHECK(b.error().kind == cfimages::ErrorKind::invalid_argument);
    CHECK(b.error().message.find("query") != std::string::npos);
    d.query = "a=b";
    REQUIRE(cfimages::delivery::build_url(d));
    d.custom_domain = true;
    d.host = "2:0";  // port 0: no URL parser here takes it back
    auto zero = cfimages::delivery::build_url(d);
    REQUIRE_FALSE(zero);
    CHECK(zero.error().message.rfind("host: ", 0) == 0);
    d.custom_domain = false;
    d.host = "imagedelivery.net";
    CHECK(cfimages::delivery::parse_url(*cfimages::delivery::build_url(d)));
}
