// Conformance of all 17 operations against a Prism mock of the official
// OpenAPI description (tests/data/images-openapi.json), sent over real HTTP
// with cfimages::beast::Client (or another transport, see below).
//
// Prism checks every request against the spec and lists what is wrong in an
// `sl-violations` response header; entries whose location starts with
// "request" are about us (those starting with "response" are about the
// spec's own examples). Each case states the request violations it expects:
// none, except for the spec faults documented in ../shared/spec/README.md,
// which are named here (`spec_fault_*`) so that any other violation fails.
//
// Needs CFIMAGES_CONFORMANCE_BASE_URL (e.g. http://127.0.0.1:4010, set by
// scripts/conformance). Without it the program exits 77, which CTest
// reports as skipped (SKIP_RETURN_CODE).
//
// Another transport runs the same suite by defining, before including this
// file, CFIMAGES_CONFORMANCE_CLIENT (a type with `send(Request<T>)` and
// `send_raw(HttpRequest, bool idempotent)`) and
// CFIMAGES_CONFORMANCE_CLIENT_NAME (see conformance_curl.cpp).

#ifndef CFIMAGES_CONFORMANCE_CLIENT
#include <cfimages/beast.hpp>
#define CFIMAGES_CONFORMANCE_CLIENT cfimages::beast::Client
#define CFIMAGES_CONFORMANCE_CLIENT_NAME "Beast"
#endif
#include <cfimages/cfimages.hpp>

#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

// ---------------------------------------------------------------------------
// The spec faults of ../shared/spec/README.md, as Prism reports them.

/// One `sl-violations` entry that concerns the request: where and which rule.
struct Violation {
    std::string location;  // joined with '.', e.g. "request.path.variant_id"
    std::string code;      // e.g. "pattern"
    friend bool operator<(const Violation& a, const Violation& b) {
        return a.location != b.location ? a.location < b.location : a.code < b.code;
    }
    friend bool operator==(const Violation& a, const Violation& b) {
        return a.location == b.location && a.code == b.code;
    }
};

// `signing_key_name` carries the pattern ^[a-zA-Z0-9]$ (one character).
const Violation spec_fault_signing_key_name{"request.path.signing_key_name", "pattern"};
// The variant `id` carries the same one-character pattern, in the path...
const Violation spec_fault_variant_id_path{"request.path.variant_id", "pattern"};
// ...and in the body of a variant create.
const Violation spec_fault_variant_id_body{"request.body.id", "pattern"};
// A multipart `metadata` part is "must be object": Prism reads multipart
// fields as text, while Cloudflare documents metadata as a JSON text field.
const Violation spec_fault_multipart_metadata{"request.body.metadata", "type"};

// Not in the spec README: `image_id` carries maxLength 32, but the IDs the
// service assigns are 36-character UUIDs (the spec's own example,
// 107b9558-dd06-4bbd-5fef-9c2c16bb7900, breaks it) and custom IDs may have
// up to 1024 characters.
const Violation spec_fault_image_id_length{"request.path.image_id", "maxLength"};

std::string to_text(const std::set<Violation>& vs) {
    std::string s = "{";
    for (const auto& v : vs) s += (s.size() > 1 ? ", " : "") + v.location + " " + v.code;
    return s + "}";
}

// Reads the request entries of the `sl-violations` header.
std::set<Violation> request_violations(const cfimages::HttpResponse& r, std::string& raw) {
    std::set<Violation> out;
    auto h = r.header("sl-violations");
    if (!h) return out;
    raw = std::string(*h);
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(*h, ec);
    if (ec || !v.is_array()) {
        out.insert({"<unparsable sl-violations>", std::string(*h)});
        return out;
    }
    for (const auto& e : v.as_array()) {
        if (!e.is_object()) continue;
        const auto& o = e.as_object();
        std::string loc;
        if (auto* l = o.if_contains("location"); l && l->is_array())
            for (const auto& part : l->as_array()) {
                if (!loc.empty()) loc += '.';
                loc += part.is_string() ? std::string(part.as_string()) : boost::json::serialize(part);
            }
        if (loc.rfind("request", 0) != 0) continue;  // response entries: the spec's examples
        std::string code;
        if (auto* c = o.if_contains("code"))
            code = c->is_string() ? std::string(c->as_string()) : boost::json::serialize(*c);
        out.insert({loc, code});
    }
    return out;
}

// ---------------------------------------------------------------------------
// Shared state: one client, one config, and a record for the summary.

std::string base_url() {
    const char* b = std::getenv("CFIMAGES_CONFORMANCE_BASE_URL");
    return b ? std::string(b) : std::string();
}

cfimages::Config token_config() {
    cfimages::Config cfg;
    cfg.account_id = "023e105f4ecef8ad9ca31a8372d0c353";
    cfg.credentials = cfimages::ApiToken{"conformance-token-0123456789"};
    cfg.base_url = base_url();
    return cfg;
}

CFIMAGES_CONFORMANCE_CLIENT& client() {
    static CFIMAGES_CONFORMANCE_CLIENT c;
    return c;
}

struct Row {
    std::string operation, case_name;
    int status = 0;
    std::set<Violation> expected, seen;
    bool ok = false;
};
std::vector<Row>& rows() {
    static std::vector<Row> r;
    return r;
}

// The 17 operations, by the spec's method and path template.
const std::vector<std::string>& all_operations() {
    static const std::vector<std::string> ops = {
        "POST /images/v1",           "GET /images/v1",
        "GET /images/v1/{id}",       "PATCH /images/v1/{id}",
        "DELETE /images/v1/{id}",    "GET /images/v1/{id}/blob",
        "GET /images/v1/keys",       "PUT /images/v1/keys/{name}",
        "DELETE /images/v1/keys/{name}", "GET /images/v1/stats",
        "GET /images/v1/variants",   "GET /images/v1/variants/{id}",
        "POST /images/v1/variants",  "PATCH /images/v1/variants/{id}",
        "DELETE /images/v1/variants/{id}", "GET /images/v2",
        "POST /images/v2/direct_upload",
    };
    return ops;
}

// Sends `req` raw, checks its request violations are exactly `expected`,
// and that the typed parse succeeds (no violation expected) or reports the
// 422 as an `api` error (a spec fault expected). Returns the parsed value
// when there is one.
template <class T>
std::optional<T> check(const std::string& operation, const std::string& case_name,
                       cfimages::Result<cfimages::Request<T>> req,
                       std::set<Violation> expected = {}) {
    INFO(operation << " [" << case_name << "]");
    Row row{operation, case_name, 0, expected, {}, false};
    REQUIRE_MESSAGE(req.has_value(), (req ? std::string() : req.error().message));
    auto raw = client().send_raw(req->http, req->idempotent);
    REQUIRE_MESSAGE(raw.has_value(), (raw ? std::string() : raw.error().message));
    std::string header;
    row.seen = request_violations(*raw, header);
    row.status = raw->status;
    INFO("sl-violations: " << header);
    CHECK_MESSAGE(row.seen == expected, "request violations " << to_text(row.seen)
                                                              << ", expected " << to_text(expected));
    std::optional<T> value;
    auto parsed = req->parse(*raw);
    if (expected.empty()) {
        CHECK(raw->status / 100 == 2);
        CHECK_MESSAGE(parsed.has_value(), (parsed ? std::string() : parsed.error().message));
        if (parsed) value = std::move(*parsed);
    } else {
        CHECK(raw->status == 422);
        REQUIRE_FALSE(parsed.has_value());
        CHECK(parsed.error().kind == cfimages::ErrorKind::api);
        CHECK(parsed.error().http_status == 422);
    }
    row.ok = row.seen == expected && (expected.empty() ? value.has_value() : !parsed.has_value());
    rows().push_back(std::move(row));
    return value;
}

// A valid 1x1 PNG.
const std::string& png_bytes() {
    static const std::string png = [] {
        const unsigned char b[] = {
            0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48,
            0x44, 0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00,
            0x00, 0x1f, 0x15, 0xc4, 0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78,
            0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0xf0, 0x1f, 0x00, 0x05, 0x00, 0x01, 0xff, 0x89, 0x99,
            0x3d, 0x1d, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82};
        return std::string(reinterpret_cast<const char*>(b), sizeof b);
    }();
    return png;
}

} // namespace

// ---------------------------------------------------------------------------
// images.v1

TEST_CASE("images.v1.create") {
    const auto cfg = token_config();
    {
        cfimages::v1::CreateParams p;
        p.file = cfimages::File{png_bytes(), "pixel.png", ""};
        auto img = check("POST /images/v1", "file", cfimages::v1::create(cfg, p));
        if (img) CHECK_FALSE(img->id.empty());
    }
    {
        cfimages::v1::CreateParams p;
        p.url = "https://example.com/pixel.png";
        p.id = "conformance/custom-id";
        p.creator = "conformance";
        p.require_signed_urls = false;
        check("POST /images/v1", "url, id, creator, requireSignedURLs", cfimages::v1::create(cfg, p));
    }
    {
        cfimages::v1::CreateParams p;
        p.file = cfimages::File{png_bytes(), "", ""};
        p.require_signed_urls = true;
        check("POST /images/v1", "file, requireSignedURLs=true", cfimages::v1::create(cfg, p));
    }
    {
        cfimages::v1::CreateParams p;
        p.file = cfimages::File{png_bytes(), "pixel.png", ""};
        p.metadata = boost::json::object{{"key", "value"}};
        check("POST /images/v1", "metadata (spec fault)", cfimages::v1::create(cfg, p),
              {spec_fault_multipart_metadata});
    }
}

TEST_CASE("images.v1.list") {
    const auto cfg = token_config();
    check("GET /images/v1", "defaults", cfimages::v1::list(cfg));
    cfimages::v1::ListParams p;
    p.page = 2;
    p.per_page = 10;
    p.creator = "conformance";
    auto page = check("GET /images/v1", "page, per_page, creator", cfimages::v1::list(cfg, p));
    if (page) CHECK_FALSE(page->images.empty());
}

TEST_CASE("images.v1.get") {
    auto img = check("GET /images/v1/{id}", "plain id", cfimages::v1::get(token_config(), "abc123"));
    if (img) {
        CHECK_FALSE(img->id.empty());
        CHECK(img->uploaded != std::chrono::system_clock::time_point{});
    }
    check("GET /images/v1/{id}", "custom id with /", cfimages::v1::get(token_config(), "a/b c"));
    check("GET /images/v1/{id}", "server-assigned UUID (spec fault)",
          cfimages::v1::get(token_config(), "107b9558-dd06-4bbd-5fef-9c2c16bb7900"),
          {spec_fault_image_id_length});
}

TEST_CASE("images.v1.edit") {
    cfimages::v1::EditParams p;
    p.metadata = boost::json::object{{"key", "value"}, {"n", 1}};
    p.require_signed_urls = true;
    p.creator = "conformance";
    check("PATCH /images/v1/{id}", "metadata, requireSignedURLs, creator",
          cfimages::v1::edit(token_config(), "abc123", p));
    cfimages::v1::EditParams only;
    only.require_signed_urls = false;
    check("PATCH /images/v1/{id}", "requireSignedURLs only",
          cfimages::v1::edit(token_config(), "abc123", only));
}

TEST_CASE("images.v1.delete") {
    check("DELETE /images/v1/{id}", "id", cfimages::v1::remove(token_config(), "abc123"));
}

TEST_CASE("images.v1.blobs.get") {
    auto blob = check("GET /images/v1/{id}/blob", "id", cfimages::v1::blobs::get(token_config(), "abc123"));
    if (blob) CHECK_FALSE(blob->bytes.empty());
}

// ---------------------------------------------------------------------------
// keys, stats

TEST_CASE("images.v1.keys") {
    const auto cfg = token_config();
    auto keys = check("GET /images/v1/keys", "list", cfimages::v1::keys::list(cfg));
    if (keys) CHECK_FALSE(keys->empty());
    check("PUT /images/v1/keys/{name}", "one-character name", cfimages::v1::keys::update(cfg, "k"));
    check("PUT /images/v1/keys/{name}", "real name (spec fault)",
          cfimages::v1::keys::update(cfg, "someKey"), {spec_fault_signing_key_name});
    check("DELETE /images/v1/keys/{name}", "one-character name", cfimages::v1::keys::remove(cfg, "k"));
    check("DELETE /images/v1/keys/{name}", "real name (spec fault)",
          cfimages::v1::keys::remove(cfg, "someKey"), {spec_fault_signing_key_name});
}

TEST_CASE("images.v1.stats.get") {
    auto s = check("GET /images/v1/stats", "get", cfimages::v1::stats::get(token_config()));
    if (s) CHECK(s->allowed > 0);
}

// ---------------------------------------------------------------------------
// variants

TEST_CASE("images.v1.variants") {
    const auto cfg = token_config();
    auto all = check("GET /images/v1/variants", "list", cfimages::v1::variants::list(cfg));
    if (all) CHECK(all->count("hero") == 1);

    check("GET /images/v1/variants/{id}", "one-character id", cfimages::v1::variants::get(cfg, "h"));
    check("GET /images/v1/variants/{id}", "real id (spec fault)",
          cfimages::v1::variants::get(cfg, "hero"), {spec_fault_variant_id_path});

    cfimages::Variant v;
    v.id = "t";
    v.options.fit = cfimages::Fit::cover;
    v.options.metadata = cfimages::MetadataMode::keep;
    v.options.width = 100;
    v.options.height = 80;
    v.never_require_signed_urls = true;
    check("POST /images/v1/variants", "one-character id", cfimages::v1::variants::create(cfg, v));
    v.id = "thumb";
    check("POST /images/v1/variants", "real id (spec fault)", cfimages::v1::variants::create(cfg, v),
          {spec_fault_variant_id_body});

    cfimages::v1::variants::EditParams e;
    e.options.fit = cfimages::Fit::scale_down;
    e.options.metadata = cfimages::MetadataMode::none;
    e.options.width = 1366;
    e.options.height = 768;
    e.never_require_signed_urls = false;
    check("PATCH /images/v1/variants/{id}", "one-character id", cfimages::v1::variants::edit(cfg, "t", e));
    check("PATCH /images/v1/variants/{id}", "real id (spec fault)",
          cfimages::v1::variants::edit(cfg, "thumb", e), {spec_fault_variant_id_path});

    check("DELETE /images/v1/variants/{id}", "one-character id", cfimages::v1::variants::remove(cfg, "t"));
    check("DELETE /images/v1/variants/{id}", "real id (spec fault)",
          cfimages::v1::variants::remove(cfg, "thumb"), {spec_fault_variant_id_path});
}

// ---------------------------------------------------------------------------
// images.v2

TEST_CASE("images.v2.list") {
    const auto cfg = token_config();
    auto first = check("GET /images/v2", "defaults", cfimages::v2::list(cfg));
    if (first) CHECK(first->has_more());
    cfimages::v2::ListParams p;
    p.per_page = 10;
    p.sort_order = "asc";
    p.creator = "conformance";
    p.continuation_token = "iD0bxlWFSVUWsDHbzIqvDkgBW4otifAA";
    check("GET /images/v2", "continuation_token, per_page, sort_order, creator", cfimages::v2::list(cfg, p));
}

TEST_CASE("images.v2.directUploads.create") {
    const auto cfg = token_config();
    const auto now = std::chrono::system_clock::time_point(std::chrono::hours(24 * 365 * 56));
    {
        cfimages::v2::DirectUploadParams p;
        auto d = check("POST /images/v2/direct_upload", "no fields", cfimages::v2::direct_uploads::create(cfg, p));
        if (d) CHECK(d->upload_url.rfind("https://", 0) == 0);
    }
    {
        cfimages::v2::DirectUploadParams p;
        p.now = now;
        p.expiry = now + std::chrono::hours(1);
        p.id = "conformance/direct";
        p.creator = "conformance";
        p.require_signed_urls = false;
        check("POST /images/v2/direct_upload", "expiry, id, creator, requireSignedURLs",
              cfimages::v2::direct_uploads::create(cfg, p));
    }
    {
        cfimages::v2::DirectUploadParams p;
        p.metadata = boost::json::object{{"key", "value"}};
        check("POST /images/v2/direct_upload", "metadata (spec fault)",
              cfimages::v2::direct_uploads::create(cfg, p), {spec_fault_multipart_metadata});
    }
}

// ---------------------------------------------------------------------------
// Credentials as X-Auth-Email/X-Auth-Key, and the typed send() path.

TEST_CASE("api key credentials and Client::send") {
    auto cfg = token_config();
    cfg.credentials = cfimages::ApiKey{"user@example.com", "conformance-api-key-0123456789"};
    check("GET /images/v1/stats", "X-Auth-Email + X-Auth-Key", cfimages::v1::stats::get(cfg));

    auto stats = client().send(cfimages::v1::stats::get(token_config()));
    REQUIRE_MESSAGE(stats.has_value(), (stats ? std::string() : stats.error().message));
    CHECK(stats->allowed == 100000);
    auto refused = client().send(cfimages::v1::variants::get(token_config(), "hero"));
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error().kind == cfimages::ErrorKind::api);
}

TEST_CASE("every operation was exercised") {
    std::set<std::string> seen;
    for (const auto& r : rows()) seen.insert(r.operation);
    for (const auto& op : all_operations()) CHECK_MESSAGE(seen.count(op) == 1, "not exercised: " << op);
    CHECK(seen.size() == all_operations().size());
}

int main(int argc, char** argv) {
    if (base_url().empty()) {
        std::puts("conformance_beast: CFIMAGES_CONFORMANCE_BASE_URL is not set (start Prism with "
                  "scripts/conformance); skipped");
        return 77;
    }
    doctest::Context ctx;
    ctx.applyCommandLine(argc, argv);
    const int rc = ctx.run();
    if (ctx.shouldExit()) return rc;

    // Summary: one line per case, then the spec faults that were seen.
    std::set<std::string> ops;
    std::size_t ok = 0;
    std::map<std::string, std::set<std::string>> faults;
    std::printf("\nconformance (%s client) against %s\n", CFIMAGES_CONFORMANCE_CLIENT_NAME,
                base_url().c_str());
    for (const auto& r : rows()) {
        ops.insert(r.operation);
        ok += r.ok ? 1 : 0;
        std::printf("  %-4s %3d  %-34s %s%s\n", r.ok ? "ok" : "FAIL", r.status, r.operation.c_str(),
                    r.case_name.c_str(), r.seen.empty() ? "" : ("  violations " + to_text(r.seen)).c_str());
        for (const auto& v : r.seen) faults[v.location + " " + v.code].insert(r.operation);
    }
    std::printf("%zu of %zu cases conform, %zu of %zu operations exercised\n", ok, rows().size(),
                ops.size(), all_operations().size());
    for (const auto& [fault, where] : faults) {
        std::printf("  expected spec fault: %s (", fault.c_str());
        bool first = true;
        for (const auto& w : where) { std::printf("%s%s", first ? "" : ", ", w.c_str()); first = false; }
        std::printf(")\n");
    }
    return rc;
}
