// Builder validation: every rule of issue 2 item 3. Each row is a builder
// call the API would refuse; the builder must refuse it first, with kind
// invalid_argument and the message "<field>: <rule>" (asserted whole).
#include <cfimages/cfimages.hpp>

#include <doctest/doctest.h>

#include <chrono>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include <boost/json/parse.hpp>

namespace {

namespace v1 = cfimages::v1;
namespace v2 = cfimages::v2;
using cfimages::ErrorKind;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

cfimages::Config cfg() {
    cfimages::Config c;
    c.account_id = "023e105f4ecef8ad9ca31a8372d0c353";
    c.credentials = cfimages::ApiToken{"token"};
    return c;
}

const std::string& png() {
    static const std::string p = std::string("\x89PNG\r\n\x1a\n", 8) + "rest of the image";
    return p;
}

// The outcome of a builder call: the error message, or "" when it built.
struct Outcome {
    bool ok;
    ErrorKind kind;
    std::string message;
};

template <class T>
Outcome outcome(const cfimages::Result<cfimages::Request<T>>& r) {
    if (r) return {true, ErrorKind::invalid_argument, ""};
    return {false, r.error().kind, r.error().message};
}

struct Row {
    const char* what;
    std::function<Outcome()> call;
    std::string message;  // "" means: must build
};

v1::CreateParams with_file(std::string_view data = png()) {
    v1::CreateParams p;
    p.file = cfimages::File{data, "", ""};
    return p;
}

v1::CreateParams with_id(std::string id, std::optional<bool> signed_urls = std::nullopt) {
    v1::CreateParams p = with_file();
    p.id = std::move(id);
    p.require_signed_urls = signed_urls;
    return p;
}

v2::DirectUploadParams direct_with_id(std::string id, std::optional<bool> signed_urls = std::nullopt) {
    v2::DirectUploadParams p;
    p.id = std::move(id);
    p.require_signed_urls = signed_urls;
    return p;
}

std::string repeat(std::string_view s, std::size_t n) {
    std::string out;
    for (std::size_t i = 0; i < n; ++i) out.append(s);
    return out;
}

boost::json::object big_metadata(std::size_t serialized_size) {
    // {"k":"xxx..."} is 8 bytes plus the string.
    boost::json::object o;
    o["k"] = std::string(serialized_size - 8, 'x');
    return o;
}

std::chrono::system_clock::time_point t0() { return std::chrono::system_clock::time_point(hours(480000)); }

v2::DirectUploadParams expiring(std::chrono::system_clock::duration after_now, bool with_now = true) {
    v2::DirectUploadParams p;
    if (with_now) p.now = t0();
    p.expiry = t0() + after_now;
    return p;
}

cfimages::Variant variant(cfimages::VariantOptions o, std::string id = "hero") {
    cfimages::Variant v;
    v.id = std::move(id);
    v.options = o;
    return v;
}

const cfimages::VariantOptions good_options{cfimages::Fit::cover, cfimages::MetadataMode::none, 100, 100};

cfimages::VariantOptions options_with(std::function<void(cfimages::VariantOptions&)> f) {
    cfimages::VariantOptions o = good_options;
    f(o);
    return o;
}

template <class F>
Row row(const char* what, F f, std::string message) {
    return Row{what, [f] { return outcome(f()); }, std::move(message)};
}

const std::vector<Row>& rows() {
    static const std::vector<Row> all = {
        // ---------------------------------------------------------- Config
        row("empty account id", [] { auto c = cfg(); c.account_id = ""; return v1::get(c, "x"); },
            "account_id: must not be empty"),
        row("account id of 33 characters", [] { auto c = cfg(); c.account_id = std::string(33, 'a'); return v1::stats::get(c); },
            "account_id: must be at most 32 characters"),
        row("account id of 32 characters", [] { auto c = cfg(); c.account_id = std::string(32, 'a'); return v1::stats::get(c); },
            ""),
        row("account id '..'", [] { auto c = cfg(); c.account_id = ".."; return v1::stats::get(c); },
            "account_id: must not be '.' or '..'"),
        row("account id with a newline", [] { auto c = cfg(); c.account_id = "abc\n"; return v1::stats::get(c); },
            "account_id: must not contain control characters"),
        row("no credentials", [] { auto c = cfg(); c.credentials = {}; return v1::keys::list(c); },
            "credentials: required: set an ApiToken or an ApiKey"),
        row("empty token", [] { auto c = cfg(); c.credentials = cfimages::ApiToken{""}; return v1::keys::list(c); },
            "credentials.token: must not be empty"),
        row("CR LF in token", [] { auto c = cfg(); c.credentials = cfimages::ApiToken{"abc\r\nX-Evil: 1"}; return v1::keys::list(c); },
            "credentials.token: must not contain control characters"),
        row("LF in API key e-mail", [] { auto c = cfg(); c.credentials = cfimages::ApiKey{"a@b.c\nX: y", "k"}; return v1::keys::list(c); },
            "credentials.email: must not contain control characters"),
        row("CR in API key", [] { auto c = cfg(); c.credentials = cfimages::ApiKey{"a@b.c", "k\r"}; return v1::keys::list(c); },
            "credentials.key: must not contain control characters"),
        row("empty API key e-mail", [] { auto c = cfg(); c.credentials = cfimages::ApiKey{"", "k"}; return v1::keys::list(c); },
            "credentials.email: must not be empty"),
        row("empty API key", [] { auto c = cfg(); c.credentials = cfimages::ApiKey{"a@b.c", ""}; return v1::keys::list(c); },
            "credentials.key: must not be empty"),
        row("LF in batch token", [] { auto c = cfg(); c.credentials = cfimages::BatchToken{"t\n"}; return v1::get(c, "x"); },
            "credentials.batch_token: must not contain control characters"),
        row("CR LF in user agent", [] { auto c = cfg(); c.user_agent = "ua\r\nX-Evil: 1"; return v1::stats::get(c); },
            "user_agent: must not contain CR, LF or NUL"),
        row("NUL in user agent", [] { auto c = cfg(); c.user_agent = std::string("ua\0x", 4); return v1::stats::get(c); },
            "user_agent: must not contain CR, LF or NUL"),
        row("base URL without scheme", [] { auto c = cfg(); c.base_url = "api.cloudflare.com"; return v1::stats::get(c); },
            "base_url: must start with https:// or http://"),
        row("base URL with a space", [] { auto c = cfg(); c.base_url = "https://a b"; return v1::stats::get(c); },
            "base_url: must not contain spaces or control characters"),
        // The host part is split_url's (url.hpp), the one URL splitter.
        row("base URL with user info", [] { auto c = cfg(); c.base_url = "https://u:p@api.example.com"; return v1::stats::get(c); },
            "base_url: must not carry user info (user:password@)"),
        row("base URL with port 0", [] { auto c = cfg(); c.base_url = "http://127.0.0.1:0/v4"; return v1::stats::get(c); },
            "base_url: has an invalid port"),
        row("base URL without host", [] { auto c = cfg(); c.base_url = "https:///v4"; return v1::stats::get(c); },
            "base_url: must name a host, as in https://api.cloudflare.com/client/v4"),

        // ------------------------------------------------- path parameters
        row("empty image id (get)", [] { return v1::get(cfg(), ""); }, "image_id: must not be empty"),
        row("empty image id (edit)", [] { v1::EditParams p; p.creator = "c"; return v1::edit(cfg(), "", p); },
            "image_id: must not be empty"),
        row("empty image id (remove)", [] { return v1::remove(cfg(), ""); }, "image_id: must not be empty"),
        row("empty image id (blob)", [] { return v1::blobs::get(cfg(), ""); }, "image_id: must not be empty"),
        row("image id '.'", [] { return v1::get(cfg(), "."); }, "image_id: must not be '.' or '..'"),
        row("image id '..'", [] { return v1::remove(cfg(), ".."); }, "image_id: must not be '.' or '..'"),
        row("image id '...' is fine", [] { return v1::get(cfg(), "..."); }, ""),
        row("image id with LF", [] { return v1::get(cfg(), "a\nb"); }, "image_id: must not contain control characters"),
        row("image id with DEL", [] { return v1::blobs::get(cfg(), "a\x7f"); }, "image_id: must not contain control characters"),
        row("image id over 1024", [] { return v1::get(cfg(), std::string(1025, 'a')); },
            "image_id: must be at most 1024 characters"),
        row("empty key name", [] { return v1::keys::update(cfg(), ""); }, "name: must not be empty"),
        row("key name '..'", [] { return v1::keys::remove(cfg(), ".."); }, "name: must not be '.' or '..'"),
        row("key name with '/'", [] { return v1::keys::update(cfg(), "a/b"); },
            "name: may hold only letters and digits (A-Z, a-z, 0-9)"),
        // The spec: maxLength 20, letters and digits (issue 11).
        row("key name of 20", [] { return v1::keys::update(cfg(), "someKey0123456789ABC"); }, ""),
        row("key name of 21", [] { return v1::keys::update(cfg(), std::string(21, 'k')); },
            "name: must be at most 20 characters"),
        row("key name of 21 (remove)", [] { return v1::keys::remove(cfg(), std::string(21, 'k')); },
            "name: must be at most 20 characters"),
        row("key name with '-' and '_'", [] { return v1::keys::update(cfg(), "my-key_1"); },
            "name: may hold only letters and digits (A-Z, a-z, 0-9)"),
        row("key name with '_' (remove)", [] { return v1::keys::remove(cfg(), "my_key"); },
            "name: may hold only letters and digits (A-Z, a-z, 0-9)"),
        row("key name with a non-ASCII letter", [] { return v1::keys::update(cfg(), "cl\xc3\xa9"); },
            "name: may hold only letters and digits (A-Z, a-z, 0-9)"),
        row("empty variant id (get)", [] { return v1::variants::get(cfg(), ""); }, "variant_id: must not be empty"),
        row("variant id '.'", [] { return v1::variants::remove(cfg(), "."); }, "variant_id: must not be '.' or '..'"),
        row("variant id with CR", [] { return v1::variants::get(cfg(), "a\r"); },
            "variant_id: must not contain control characters"),
        row("variant id with '-'", [] { return v1::variants::get(cfg(), "my-variant"); },
            "variant_id: may hold only letters and digits"),
        row("variant id of 100", [] { return v1::variants::get(cfg(), std::string(100, 'a')); },
            "variant_id: must be at most 99 characters"),

        // ------------------------------------------------------------ upload
        row("neither file nor url", [] { return v1::create(cfg(), {}); },
            "file/url: exactly one of file and url is required"),
        row("both file and url", [] { auto p = with_file(); p.url = "https://e.com/a.png"; return v1::create(cfg(), p); },
            "file/url: exactly one of file and url is required"),
        row("empty file", [] { return v1::create(cfg(), with_file("")); }, "file: must not be empty"),
        row("file over 10 MB", [] {
                static const std::string big = png() + std::string(10u * 1024u * 1024u, 'x');
                return v1::create(cfg(), with_file(big));
            },
            "file: is 10485785 bytes; the limit is 10485760 bytes"),
        row("file of exactly 10 MB", [] {
                static const std::string exact = png() + std::string(10u * 1024u * 1024u - png().size(), 'x');
                return v1::create(cfg(), with_file(exact));
            },
            ""),
        row("file over a configured limit", [] { auto c = cfg(); c.max_upload_bytes = 16; return v1::create(c, with_file()); },
            "file: is 25 bytes; the limit is 16 bytes"),
        row("file of unknown type", [] { return v1::create(cfg(), with_file("just text")); },
            "file.content_type: not given, and the bytes are not PNG, JPEG, GIF, WebP, SVG, AVIF or HEIC; set it explicitly"),
        row("file content type with parameters", [] {
                auto p = with_file();
                p.file->content_type = "image/png; charset=x";
                return v1::create(cfg(), p);
            },
            "file.content_type: must be a bare media type such as image/png"),
        row("file name with CR LF", [] { auto p = with_file(); p.file->filename = "a\r\n.png"; return v1::create(cfg(), p); },
            "file.filename: must not contain control characters"),
        row("url that is not http(s)", [] { v1::CreateParams p; p.url = "ftp://e.com/a.png"; return v1::create(cfg(), p); },
            "url: must be an absolute http:// or https:// URL"),
        row("url with LF", [] { v1::CreateParams p; p.url = "https://e.com/a\n.png"; return v1::create(cfg(), p); },
            "url: must not contain spaces or control characters"),
        row("url with user info", [] { v1::CreateParams p; p.url = "https://u:p@e.com/a.png"; return v1::create(cfg(), p); },
            "url: must not carry user info (user:password@)"),
        row("url without host", [] { v1::CreateParams p; p.url = "https:///a.png"; return v1::create(cfg(), p); },
            "url: must name a host"),
        row("metadata not an object", [] { auto p = with_file(); p.metadata = boost::json::parse("[1]"); return v1::create(cfg(), p); },
            "metadata: must be a JSON object"),
        row("metadata a string", [] { auto p = with_file(); p.metadata = boost::json::value("x"); return v1::create(cfg(), p); },
            "metadata: must be a JSON object"),
        row("metadata of 1025 bytes", [] { auto p = with_file(); p.metadata = big_metadata(1025); return v1::create(cfg(), p); },
            "metadata: is 1025 bytes as JSON; the limit is 1024 bytes"),
        row("metadata of 1024 bytes", [] { auto p = with_file(); p.metadata = big_metadata(1024); return v1::create(cfg(), p); },
            ""),
        // Metadata that would not be JSON on the wire (issue 11): Boost.JSON
        // writes inf as Infinity and NaN as NaN, and strings as raw bytes.
        row("metadata with inf", [] {
                auto p = with_file();
                p.metadata = boost::json::object{{"n", std::numeric_limits<double>::infinity()}};
                return v1::create(cfg(), p);
            },
            "metadata.n: must be a finite number (JSON has no Infinity or NaN)"),
        row("metadata with NaN deep inside", [] {
                auto p = with_file();
                p.metadata = boost::json::parse(R"({"a":{"b":[1,2.5,null]}})");
                p.metadata->at("a").at("b").as_array()[2] = std::numeric_limits<double>::quiet_NaN();
                return v1::create(cfg(), p);
            },
            "metadata.a.b[2]: must be a finite number (JSON has no Infinity or NaN)"),
        row("metadata with 1e400 as parsed (inf)", [] {
                auto p = with_file();
                p.metadata = boost::json::parse(R"({"n":1e400})");
                return v1::create(cfg(), p);
            },
            "metadata.n: must be a finite number (JSON has no Infinity or NaN)"),
        row("metadata string not UTF-8", [] {
                auto p = with_file();
                p.metadata = boost::json::object{{"s", "caf\xe9"}};
                return v1::create(cfg(), p);
            },
            "metadata.s: must be valid UTF-8"),
        row("metadata key not UTF-8", [] {
                auto p = with_file();
                p.metadata = boost::json::object{{"ok", 1}, {"\xc3\x28", 1}};
                return v1::create(cfg(), p);
            },
            "metadata: has a key that is not valid UTF-8"),
        row("metadata in UTF-8, big and small numbers", [] {
                auto p = with_file();
                p.metadata = boost::json::parse(R"({"caf\u00e9":"\u00fc\ud83d\ude00","n":1e308,"m":-1e-300,"i":-9223372036854775808})");
                return v1::create(cfg(), p);
            },
            ""),
        row("creator over 1024", [] { auto p = with_file(); p.creator = std::string(1025, 'c'); return v1::create(cfg(), p); },
            "creator: must be at most 1024 characters"),
        row("creator with LF", [] { auto p = with_file(); p.creator = "a\nb"; return v1::create(cfg(), p); },
            "creator: must not contain control characters"),

        // ------------------------------------------------------- custom IDs
        row("custom id empty", [] { return v1::create(cfg(), with_id("")); }, "id: must not be empty"),
        row("custom id of 1025", [] { return v1::create(cfg(), with_id(std::string(1025, 'a'))); },
            "id: must be at most 1024 characters"),
        row("custom id of 1024", [] { return v1::create(cfg(), with_id(std::string(1024, 'a'))); }, ""),
        // Lengths count characters (code points), not bytes (issue 11).
        row("custom id of 600 'é' (1200 bytes)", [] { return v1::create(cfg(), with_id(repeat("\xc3\xa9", 600))); }, ""),
        row("custom id of 1024 'é' (2048 bytes)", [] { return v1::create(cfg(), with_id(repeat("\xc3\xa9", 1024))); }, ""),
        row("custom id of 1025 'é'", [] { return v1::create(cfg(), with_id(repeat("\xc3\xa9", 1025))); },
            "id: must be at most 1024 characters"),
        row("custom id of 1024 emoji (4096 bytes)", [] { return v1::create(cfg(), with_id(repeat("\xf0\x9f\x98\x80", 1024))); }, ""),
        row("custom id of 1023 'a' and one '日'", [] { return v1::create(cfg(), with_id(std::string(1023, 'a') + "\xe6\x97\xa5")); }, ""),
        row("custom id with a stray byte", [] { return v1::create(cfg(), with_id("a\xff" "b")); }, "id: must be valid UTF-8"),
        row("custom id with a lone continuation byte", [] { return v1::create(cfg(), with_id("caf\xa9")); },
            "id: must be valid UTF-8"),
        row("custom id with an overlong '/'", [] { return v1::create(cfg(), with_id("a\xc0\xaf" "b")); }, "id: must be valid UTF-8"),
        row("custom id with a surrogate", [] { return v1::create(cfg(), with_id("a\xed\xa0\x80")); }, "id: must be valid UTF-8"),
        row("custom id cut inside a character", [] { return v1::create(cfg(), with_id("caf\xc3")); }, "id: must be valid UTF-8"),
        row("custom id of 1025 bytes, invalid UTF-8", [] { return v1::create(cfg(), with_id(std::string(1024, 'a') + "\xff")); },
            "id: must be valid UTF-8"),
        row("direct upload custom id of 1024 'é'", [] { return v2::direct_uploads::create(cfg(), direct_with_id(repeat("\xc3\xa9", 1024))); }, ""),
        row("direct upload custom id with a stray byte", [] { return v2::direct_uploads::create(cfg(), direct_with_id("\x80")); },
            "id: must be valid UTF-8"),
        row("get by a custom id of 600 'é'", [] { return v1::get(cfg(), repeat("\xc3\xa9", 600)); }, ""),
        row("get by a custom id of 1025 'é'", [] { return v1::get(cfg(), repeat("\xc3\xa9", 1025)); },
            "image_id: must be at most 1024 characters"),
        row("delete by an id that is not UTF-8", [] { return v1::remove(cfg(), "a\xff" "b"); }, "image_id: must be valid UTF-8"),
        row("creator of 1024 'ü' (2048 bytes)", [] { auto p = with_file(); p.creator = repeat("\xc3\xbc", 1024); return v1::create(cfg(), p); }, ""),
        row("creator of 1025 'ü'", [] { auto p = with_file(); p.creator = repeat("\xc3\xbc", 1025); return v1::create(cfg(), p); },
            "creator: must be at most 1024 characters"),
        row("custom id leading /", [] { return v1::create(cfg(), with_id("/a/b")); },
            "id: must not start or end with '/'"),
        row("custom id trailing /", [] { return v1::create(cfg(), with_id("a/b/")); },
            "id: must not start or end with '/'"),
        row("custom id a UUID", [] { return v1::create(cfg(), with_id("083eb7b2-5392-4565-b69e-aff66acddd00")); },
            "id: must not be a UUID"),
        row("custom id an upper-case UUID", [] { return v1::create(cfg(), with_id("083EB7B2-5392-4565-B69E-AFF66ACDDD00")); },
            "id: must not be a UUID"),
        row("custom id almost a UUID", [] { return v1::create(cfg(), with_id("083eb7b2-5392-4565-b69e-aff66acddd0g")); }, ""),
        row("custom id with '//'", [] { return v1::create(cfg(), with_id("a//b")); },
            "id: must not contain empty path segments ('//')"),
        row("custom id with '..' segment", [] { return v1::create(cfg(), with_id("a/../b")); },
            "id: must not contain '.' or '..' segments"),
        row("custom id with control", [] { return v1::create(cfg(), with_id("a\tb")); },
            "id: must not contain control characters"),
        row("custom id with require_signed_urls", [] { return v1::create(cfg(), with_id("a/b", true)); },
            "id: custom IDs cannot be combined with require_signed_urls=true"),
        row("custom id with require_signed_urls=false", [] { return v1::create(cfg(), with_id("a/b", false)); }, ""),
        row("direct upload custom id UUID", [] { return v2::direct_uploads::create(cfg(), direct_with_id("083eb7b2-5392-4565-b69e-aff66acddd00")); },
            "id: must not be a UUID"),
        row("direct upload custom id with signed URLs", [] { return v2::direct_uploads::create(cfg(), direct_with_id("x", true)); },
            "id: custom IDs cannot be combined with require_signed_urls=true"),
        row("direct upload custom id trailing /", [] { return v2::direct_uploads::create(cfg(), direct_with_id("x/")); },
            "id: must not start or end with '/'"),

        // ------------------------------------------------------------ edit
        row("edit with nothing to change", [] { return v1::edit(cfg(), "x", {}); },
            "params: nothing to change: set metadata, require_signed_urls or creator"),
        row("edit metadata not an object", [] { v1::EditParams p; p.metadata = boost::json::value(5); return v1::edit(cfg(), "x", p); },
            "metadata: must be a JSON object"),
        row("edit metadata too big", [] { v1::EditParams p; p.metadata = big_metadata(2000); return v1::edit(cfg(), "x", p); },
            "metadata: is 2000 bytes as JSON; the limit is 1024 bytes"),
        row("edit metadata with inf and NaN", [] {
                v1::EditParams p;
                p.metadata = boost::json::object{{"n", std::numeric_limits<double>::infinity()},
                                                 {"q", std::numeric_limits<double>::quiet_NaN()}};
                return v1::edit(cfg(), "x", p);
            },
            "metadata.n: must be a finite number (JSON has no Infinity or NaN)"),
        row("edit metadata with -inf in an array", [] {
                v1::EditParams p;
                p.metadata = boost::json::object{{"list", boost::json::array{1, -std::numeric_limits<double>::infinity()}}};
                return v1::edit(cfg(), "x", p);
            },
            "metadata.list[1]: must be a finite number (JSON has no Infinity or NaN)"),
        row("edit metadata string not UTF-8", [] {
                v1::EditParams p;
                p.metadata = boost::json::object{{"a", boost::json::object{{"b", "\xed\xa0\x80"}}}};
                return v1::edit(cfg(), "x", p);
            },
            "metadata.a.b: must be valid UTF-8"),
        row("edit creator too long", [] { v1::EditParams p; p.creator = std::string(1025, 'c'); return v1::edit(cfg(), "x", p); },
            "creator: must be at most 1024 characters"),

        // ----------------------------------------------------------- lists
        row("v1 page 0", [] { v1::ListParams p; p.page = 0; return v1::list(cfg(), p); }, "page: must be at least 1"),
        row("v1 page -1", [] { v1::ListParams p; p.page = -1; return v1::list(cfg(), p); }, "page: must be at least 1"),
        row("v1 per_page 9", [] { v1::ListParams p; p.per_page = 9; return v1::list(cfg(), p); },
            "per_page: must be between 10 and 10000"),
        row("v1 per_page 10001", [] { v1::ListParams p; p.per_page = 10001; return v1::list(cfg(), p); },
            "per_page: must be between 10 and 10000"),
        row("v1 per_page 10000, page 1", [] { v1::ListParams p; p.per_page = 10000; p.page = 1; return v1::list(cfg(), p); }, ""),
        row("v1 creator with LF", [] { v1::ListParams p; p.creator = "a\nb"; return v1::list(cfg(), p); },
            "creator: must not contain control characters"),
        row("v2 per_page 0", [] { v2::ListParams p; p.per_page = 0; return v2::list(cfg(), p); },
            "per_page: must be between 10 and 10000"),
        row("v2 per_page 10001", [] { v2::ListParams p; p.per_page = 10001; return v2::list(cfg(), p); },
            "per_page: must be between 10 and 10000"),
        row("v2 sort_order", [] { v2::ListParams p; p.sort_order = "ascending"; return v2::list(cfg(), p); },
            "sort_order: must be \"asc\" or \"desc\""),
        row("v2 sort_order upper case", [] { v2::ListParams p; p.sort_order = "DESC"; return v2::list(cfg(), p); },
            "sort_order: must be \"asc\" or \"desc\""),
        row("v2 sort_order desc", [] { v2::ListParams p; p.sort_order = "desc"; return v2::list(cfg(), p); }, ""),
        row("v2 continuation token with LF", [] { v2::ListParams p; p.continuation_token = "a\nb"; return v2::list(cfg(), p); },
            "continuation_token: must be at most 4096 characters without control characters"),

        // -------------------------------------------------------- variants
        row("variant fit out of enum", [] {
                return v1::variants::create(cfg(), variant(options_with([](auto& o) { o.fit = static_cast<cfimages::Fit>(42); })));
            },
            "options.fit: must be one of scale-down, contain, cover, crop, pad"),
        row("variant metadata out of enum", [] {
                return v1::variants::create(cfg(), variant(options_with([](auto& o) { o.metadata = static_cast<cfimages::MetadataMode>(-1); })));
            },
            "options.metadata: must be one of keep, copyright, none"),
        row("variant width 0", [] {
                return v1::variants::create(cfg(), variant(options_with([](auto& o) { o.width = 0; })));
            },
            "options.width: must be between 1 and 100000"),
        row("variant height -5", [] {
                return v1::variants::create(cfg(), variant(options_with([](auto& o) { o.height = -5; })));
            },
            "options.height: must be between 1 and 100000"),
        row("variant edit fit out of enum", [] {
                v1::variants::EditParams p;
                p.options = options_with([](auto& o) { o.fit = static_cast<cfimages::Fit>(5); });
                return v1::variants::edit(cfg(), "hero", p);
            },
            "options.fit: must be one of scale-down, contain, cover, crop, pad"),
        row("variant edit width 0", [] {
                v1::variants::EditParams p;
                p.options = options_with([](auto& o) { o.width = 0; });
                return v1::variants::edit(cfg(), "hero", p);
            },
            "options.width: must be between 1 and 100000"),
        row("variant create empty id", [] { return v1::variants::create(cfg(), variant(good_options, "")); },
            "id: must not be empty"),
        row("variant create id with quote", [] { return v1::variants::create(cfg(), variant(good_options, "a\"b")); },
            "id: may hold only letters and digits"),

        // --------------------------------------------------- direct upload
        row("expiry without now", [] { return v2::direct_uploads::create(cfg(), expiring(minutes(30), false)); },
            "now: required when expiry is set (builders read no clock)"),
        row("expiry 119 s after now", [] { return v2::direct_uploads::create(cfg(), expiring(seconds(119))); },
            "expiry: must be between 2 minutes and 6 hours after now"),
        row("expiry 2 min after now", [] { return v2::direct_uploads::create(cfg(), expiring(minutes(2))); }, ""),
        row("expiry 6 h after now", [] { return v2::direct_uploads::create(cfg(), expiring(hours(6))); }, ""),
        row("expiry 6 h 1 s after now", [] { return v2::direct_uploads::create(cfg(), expiring(hours(6) + seconds(1))); },
            "expiry: must be between 2 minutes and 6 hours after now"),
        row("expiry in the past", [] { return v2::direct_uploads::create(cfg(), expiring(-minutes(10))); },
            "expiry: must be between 2 minutes and 6 hours after now"),
        row("direct upload metadata too big", [] {
                v2::DirectUploadParams p;
                p.metadata = big_metadata(1025);
                return v2::direct_uploads::create(cfg(), p);
            },
            "metadata: is 1025 bytes as JSON; the limit is 1024 bytes"),
        row("direct upload metadata with NaN", [] {
                v2::DirectUploadParams p;
                p.metadata = boost::json::object{{"q", std::numeric_limits<double>::quiet_NaN()}};
                return v2::direct_uploads::create(cfg(), p);
            },
            "metadata.q: must be a finite number (JSON has no Infinity or NaN)"),
        row("direct upload metadata key not UTF-8", [] {
                v2::DirectUploadParams p;
                p.metadata = boost::json::object{{"\xff", "x"}};
                return v2::direct_uploads::create(cfg(), p);
            },
            "metadata: has a key that is not valid UTF-8"),
        row("direct upload creator with CR", [] {
                v2::DirectUploadParams p;
                p.creator = "a\rb";
                return v2::direct_uploads::create(cfg(), p);
            },
            "creator: must not contain control characters"),
    };
    return all;
}

} // namespace

TEST_CASE("validation: every rule, field and rule named") {
    for (const Row& r : rows()) {
        CAPTURE(r.what);
        const Outcome o = r.call();
        if (r.message.empty()) {
            CHECK_MESSAGE(o.ok, o.message);
            continue;
        }
        REQUIRE_FALSE(o.ok);
        CHECK(o.kind == ErrorKind::invalid_argument);
        CHECK(o.message == r.message);
    }
}

TEST_CASE("validation: refused requests carry no status and no secrets") {
    auto c = cfg();
    c.credentials = cfimages::ApiToken{"s3cr3t\r\n"};
    auto r = v1::get(c, "x");
    REQUIRE_FALSE(r);
    CHECK(r.error().http_status == 0);
    CHECK(r.error().message.find("s3cr3t") == std::string::npos);
    c.credentials = cfimages::ApiKey{"me@example.com", "k3y\n"};
    r = v1::get(c, "x");
    REQUIRE_FALSE(r);
    CHECK(r.error().message.find("k3y") == std::string::npos);
}

TEST_CASE("validation: no header value built from any input holds CR or LF") {
    // Whatever passes validation must never smuggle a header line.
    auto c = cfg();
    c.user_agent = "ua with spaces and \t tab";  // a tab is allowed in a header value
    auto req = v1::stats::get(c);
    REQUIRE(req);
    for (const auto& h : req->http.headers) CHECK(h.value.find_first_of("\r\n") == std::string::npos);
}
