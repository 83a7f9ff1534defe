// libFuzzer target: every request builder (17 endpoints + batch token) fed
// random Config and parameters from FuzzedDataProvider.
//
// Invariants on every result: a value or an error, never both; an error is
// `invalid_argument` with a well-formed message. On every built request:
// no CR, LF or NUL in any header name or value; the URL is the configured
// root plus the fixed path, with each ID travelling as exactly one
// segment of unreserved characters and %XX that decodes back to the ID,
// query values likewise; no raw '#'; a multipart body's boundary is
// absent from every part and the body reads back into exactly the parts
// the parameters describe; a JSON body or metadata part parses (strictly:
// no Infinity, NaN or invalid UTF-8) as an object holding the parameters; building twice gives the same bytes (builders are pure);
// calls that create things are not idempotent.

#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <fuzzer/FuzzedDataProvider.h>

#include <cfimages/cfimages.hpp>

#include "common.hpp"

namespace {

using namespace cfimages;
namespace fz = cfimages_fuzz;

std::string pick_string(FuzzedDataProvider& in, std::initializer_list<const char*> fixed, std::size_t max_len) {
    const std::size_t k = in.ConsumeIntegralInRange<std::size_t>(0, fixed.size());
    if (k < fixed.size()) return fixed.begin()[k];
    return in.ConsumeRandomLengthString(max_len);
}

Config make_config(FuzzedDataProvider& in) {
    Config cfg;
    cfg.account_id = pick_string(in, {"023e105f4ecef8ad9ca31a8372d0c353", "acc"}, 40);
    switch (in.ConsumeIntegralInRange<int>(0, 4)) {
    case 0: break;
    case 1: cfg.credentials = ApiKey{in.ConsumeRandomLengthString(40), in.ConsumeRandomLengthString(40)}; break;
    case 2: cfg.credentials = BatchToken{in.ConsumeRandomLengthString(40)}; break;
    case 3: cfg.credentials = ApiToken{in.ConsumeRandomLengthString(40)}; break;
    default: cfg.credentials = ApiToken{"token"}; break;
    }
    cfg.base_url = pick_string(in, {default_base_url, "http://127.0.0.1:4010", "https://api.example.com/client/v4//"}, 60);
    if (in.ConsumeBool()) cfg.user_agent = in.ConsumeRandomLengthString(40);
    if (in.ConsumeBool()) cfg.max_upload_bytes = in.ConsumeIntegralInRange<std::size_t>(0, 5000);
    return cfg;
}

std::string make_id(FuzzedDataProvider& in) {
    return pick_string(in, {"img", "a/b", "083eb7b2-5392-4565-b69e-aff66acddd00", ".", "..", "a?b#c", "%2F"}, 1100);
}

std::optional<boost::json::value> make_metadata(FuzzedDataProvider& in) {
    if (!in.ConsumeBool()) return std::nullopt;
    const std::string text = in.ConsumeRandomLengthString(1200);
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(text, ec);
    if (ec) return boost::json::value(boost::json::object());
    return v;
}

std::optional<bool> make_opt_bool(FuzzedDataProvider& in) {
    const int k = in.ConsumeIntegralInRange<int>(0, 2);
    if (k == 2) return std::nullopt;
    return k == 1;
}

// The URL prefix every request of `cfg` starts with: root and account.
std::string root_of(const Config& cfg) {
    const bool batch = std::holds_alternative<BatchToken>(cfg.credentials);
    std::string_view base = cfg.base_url;
    if (batch && base == default_base_url) base = batch_base_url;
    while (!base.empty() && base.back() == '/') base.remove_suffix(1);
    std::string out(base);
    if (!batch) {
        out.append("/accounts/");
        std::string enc;
        detail::percent_encode(enc, cfg.account_id);
        out.append(enc);
    }
    return out;
}

// `url` == root + literal [+ "/" + encoded(id) + suffix] [+ query], with the
// query's values listed in `query` (name, value) in order.
void check_url(const Config& cfg, const std::string& url, std::string_view literal,
               std::optional<std::string_view> id, std::string_view suffix,
               const std::vector<std::pair<std::string, std::string>>& query = {}) {
    const std::string root = root_of(cfg);
    FUZZ_CHECK(url.compare(0, root.size(), root) == 0);
    std::string_view rest = std::string_view(url).substr(root.size());
    FUZZ_CHECK(rest.substr(0, literal.size()) == literal);
    rest.remove_prefix(literal.size());
    if (id) {
        FUZZ_CHECK(!rest.empty() && rest.front() == '/');
        rest.remove_prefix(1);
        std::size_t end = rest.find_first_of("/?");
        if (end == std::string_view::npos) end = rest.size();
        const std::string_view seg = rest.substr(0, end);
        FUZZ_CHECK(fz::is_encoded(seg));
        FUZZ_CHECK(fz::decode(seg) == *id);
        FUZZ_CHECK(seg != "." && seg != "..");
        rest.remove_prefix(end);
    }
    FUZZ_CHECK(rest.substr(0, suffix.size()) == suffix);
    rest.remove_prefix(suffix.size());
    for (std::size_t i = 0; i < query.size(); ++i) {
        FUZZ_CHECK(!rest.empty() && rest.front() == (i == 0 ? '?' : '&'));
        rest.remove_prefix(1);
        const std::string& name = query[i].first;
        FUZZ_CHECK(rest.substr(0, name.size() + 1) == name + "=");
        rest.remove_prefix(name.size() + 1);
        std::size_t end = rest.find('&');
        if (end == std::string_view::npos) end = rest.size();
        FUZZ_CHECK(fz::is_encoded(rest.substr(0, end)));
        FUZZ_CHECK(fz::decode(rest.substr(0, end)) == query[i].second);
        rest.remove_prefix(end);
    }
    FUZZ_CHECK(rest.empty());
    // Whatever the caller's root holds, nothing added to it is a fragment.
    FUZZ_CHECK(url.find('#', root.size()) == std::string::npos);
}

void check_http(const Config& cfg, const HttpRequest& h) {
    if (std::getenv("FUZZ_VERBOSE") != nullptr)
        std::fprintf(stderr, "url: %s\nbase_url: %s\n", h.url.c_str(), cfg.base_url.c_str());
    fz::check_headers(h.headers);
    FUZZ_CHECK(h.url.compare(0, 7, "http://") == 0 || h.url.compare(0, 8, "https://") == 0);
    FUZZ_CHECK(h.header("User-Agent").value_or("") == cfg.user_agent);
    FUZZ_CHECK(h.header("Accept").has_value());
    const bool auth = h.header("Authorization").has_value() || h.header("X-Auth-Key").has_value();
    FUZZ_CHECK(auth);
    if (!h.body.empty()) FUZZ_CHECK(h.header("Content-Type").has_value());
}

bool same(const HttpRequest& a, const HttpRequest& b) {
    return a.method == b.method && a.url == b.url && a.headers == b.headers && a.body == b.body;
}

// Builds twice; checks the shared invariants; returns the request when built.
template <class T, class Build>
const Request<T>* build(Build&& f, std::optional<Result<Request<T>>>& slot, const Config& cfg, bool idempotent,
                        Method m) {
    slot.emplace(f());
    const Result<Request<T>>& r = *slot;
    fz::check_result(r);
    Result<Request<T>> again = f();
    FUZZ_CHECK(again.has_value() == r.has_value());
    if (!r) {
        FUZZ_CHECK(r.error().kind == ErrorKind::invalid_argument);
        FUZZ_CHECK(r.error().http_status == 0);
        FUZZ_CHECK(again.error().message == r.error().message);
        return nullptr;
    }
    FUZZ_CHECK(same(r->http, again->http));
    FUZZ_CHECK(r->parser != nullptr);
    FUZZ_CHECK(r->idempotent == idempotent);
    FUZZ_CHECK(r->http.method == m);
    check_http(cfg, r->http);
    return &*r;
}

boost::json::object parse_object(const std::string& body) {
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(body, ec);
    if (ec) std::fprintf(stderr, "body: %s\nerror: %s\n", body.c_str(), ec.message().c_str());
    FUZZ_CHECK(!ec);
    FUZZ_CHECK(v.is_object());
    return v.as_object();
}

// JSON equality, but a double read back may be one or two units in the
// last place off: Boost.JSON 1.81 does not always round a decimal to the
// nearest double (its precise mode came in 1.83), so the shortest text of
// the caller's double can read back as a neighbour. The metadata's bytes
// are compared exactly with serialize() as well.
bool same_json(const boost::json::value& a, const boost::json::value& b) {
    if (a.is_double() && b.is_double()) {
        const double x = a.get_double(), y = b.get_double();
        const double step = std::nextafter(x, y);
        return x == y || step == y || std::nextafter(step, y) == y;
    }
    if (a.kind() != b.kind()) return false;
    if (a.is_array()) {
        const auto &p = a.get_array(), &q = b.get_array();
        if (p.size() != q.size()) return false;
        for (std::size_t i = 0; i < p.size(); ++i)
            if (!same_json(p[i], q[i])) return false;
        return true;
    }
    if (a.is_object()) {
        const auto &p = a.get_object(), &q = b.get_object();
        if (p.size() != q.size()) return false;
        for (const auto& kv : p) {
            const auto* other = q.if_contains(kv.key());
            if (other == nullptr || !same_json(kv.value(), *other)) return false;
        }
        return true;
    }
    return a == b;
}

std::vector<fz::ParsedPart> parse_form(const HttpRequest& h) {
    const std::string boundary = fz::boundary_of(h.header("Content-Type").value_or(""));
    FUZZ_CHECK(!boundary.empty());
    std::vector<fz::ParsedPart> parts;
    FUZZ_CHECK(fz::parse_multipart(h.body, boundary, parts));
    FUZZ_CHECK(!parts.empty());
    for (const auto& p : parts) {
        FUZZ_CHECK(p.data.find(boundary) == std::string::npos);
        FUZZ_CHECK(p.name.find(boundary) == std::string::npos);
        FUZZ_CHECK(p.filename.find(boundary) == std::string::npos);
    }
    return parts;
}

// The text parts after file/url/expiry, shared by upload and direct upload.
void check_fields(const std::vector<fz::ParsedPart>& parts, std::size_t i, const std::optional<std::string>& id,
                  const std::optional<std::string>& creator, const std::optional<boost::json::value>& metadata,
                  std::optional<bool> rsu, bool rsu_always) {
    auto next = [&](const char* name, const std::string& value) {
        FUZZ_CHECK(i < parts.size());
        FUZZ_CHECK(parts[i].name == name && !parts[i].has_filename && parts[i].content_type.empty());
        FUZZ_CHECK(parts[i].data == value);
        ++i;
    };
    if (id) next("id", *id);
    if (creator) next("creator", *creator);
    if (metadata) {
        // The part is strict JSON (no Infinity, NaN or raw invalid UTF-8)
        // holding the caller's object.
        FUZZ_CHECK(i < parts.size());
        if (!same_json(parse_object(parts[i].data), *metadata))
            std::fprintf(stderr, "metadata given: %s\nmetadata sent:  %s\n", boost::json::serialize(*metadata).c_str(),
                         parts[i].data.c_str());
        FUZZ_CHECK(same_json(parse_object(parts[i].data), *metadata));
        next("metadata", boost::json::serialize(*metadata));
    }
    if (rsu || rsu_always) next("requireSignedURLs", rsu.value_or(false) ? "true" : "false");
    FUZZ_CHECK(i == parts.size());
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider in(data, size);
    const Config cfg = make_config(in);
    const int which = in.ConsumeIntegralInRange<int>(0, 17);

    switch (which) {
    case 0: { // v1::create
        v1::CreateParams p;
        std::string bytes;
        const int src = in.ConsumeIntegralInRange<int>(0, 3);
        if (src == 0 || src == 3) {
            bytes = pick_string(in, {"\x89PNG\r\n\x1a\n....", "\xFF\xD8\xFF\xE0", "GIF89a..", "<svg/>", ""}, 300);
            File f;
            f.data = bytes;
            if (in.ConsumeBool()) f.filename = in.ConsumeRandomLengthString(40);
            if (in.ConsumeBool()) f.content_type = pick_string(in, {"image/png"}, 40);
            p.file = f;
        }
        if (src == 1 || src == 3) p.url = pick_string(in, {"https://example.com/a.png"}, 100);
        if (in.ConsumeBool()) p.id = make_id(in);
        if (in.ConsumeBool()) p.creator = in.ConsumeRandomLengthString(1100);
        p.metadata = make_metadata(in);
        p.require_signed_urls = make_opt_bool(in);
        std::optional<Result<Request<Image>>> slot;
        const auto* r = build<Image>([&] { return v1::create(cfg, p); }, slot, cfg, false, Method::post);
        if (!r) break;
        FUZZ_CHECK(p.file.has_value() != p.url.has_value());
        check_url(cfg, r->http.url, "/images/v1", std::nullopt, "");
        const auto parts = parse_form(r->http);
        if (p.file) {
            FUZZ_CHECK(parts[0].name == "file" && parts[0].has_filename && !parts[0].filename.empty());
            FUZZ_CHECK(parts[0].data == p.file->data);
            FUZZ_CHECK(!parts[0].content_type.empty());
            if (!p.file->content_type.empty()) FUZZ_CHECK(parts[0].content_type == p.file->content_type);
            if (!p.file->filename.empty()) FUZZ_CHECK(parts[0].filename == fz::quoted_escape(p.file->filename));
            FUZZ_CHECK(p.file->data.size() <= cfg.max_upload_bytes);
        } else {
            FUZZ_CHECK(parts[0].name == "url" && parts[0].data == *p.url);
        }
        if (p.id) FUZZ_CHECK(!p.require_signed_urls.value_or(false));
        check_fields(parts, 1, p.id, p.creator, p.metadata, p.require_signed_urls, false);
        break;
    }
    case 1: { // v1::list
        v1::ListParams p;
        if (in.ConsumeBool()) p.page = in.ConsumeIntegral<std::int64_t>();
        if (in.ConsumeBool()) p.per_page = in.ConsumeBool() ? in.ConsumeIntegralInRange<std::int64_t>(0, 20000)
                                                             : in.ConsumeIntegral<std::int64_t>();
        if (in.ConsumeBool()) p.creator = in.ConsumeRandomLengthString(1100);
        std::optional<Result<Request<v1::ImagePage>>> slot;
        const auto* r = build<v1::ImagePage>([&] { return v1::list(cfg, p); }, slot, cfg, true, Method::get);
        if (!r) break;
        std::vector<std::pair<std::string, std::string>> q;
        if (p.page) q.emplace_back("page", std::to_string(*p.page));
        if (p.per_page) q.emplace_back("per_page", std::to_string(*p.per_page));
        if (p.creator) q.emplace_back("creator", *p.creator);
        check_url(cfg, r->http.url, "/images/v1", std::nullopt, "", q);
        FUZZ_CHECK(r->http.body.empty());
        break;
    }
    case 2: case 3: case 4: case 5: { // v1::get, edit, remove, blobs::get
        const std::string id = make_id(in);
        if (which == 2) {
            std::optional<Result<Request<Image>>> slot;
            const auto* r = build<Image>([&] { return v1::get(cfg, id); }, slot, cfg, true, Method::get);
            if (r) check_url(cfg, r->http.url, "/images/v1", id, "");
        } else if (which == 3) {
            v1::EditParams p;
            p.metadata = make_metadata(in);
            p.require_signed_urls = make_opt_bool(in);
            if (in.ConsumeBool()) p.creator = in.ConsumeRandomLengthString(1100);
            std::optional<Result<Request<Image>>> slot;
            const auto* r = build<Image>([&] { return v1::edit(cfg, id, p); }, slot, cfg, true, Method::patch);
            if (!r) break;
            check_url(cfg, r->http.url, "/images/v1", id, "");
            const boost::json::object o = parse_object(r->http.body);
            FUZZ_CHECK(o.size() == (p.metadata ? 1u : 0u) + (p.require_signed_urls ? 1u : 0u) + (p.creator ? 1u : 0u));
            if (p.metadata) FUZZ_CHECK(o.if_contains("metadata") && same_json(*o.if_contains("metadata"), *p.metadata));
            if (p.require_signed_urls)
                FUZZ_CHECK(o.if_contains("requireSignedURLs") &&
                           *o.if_contains("requireSignedURLs") == boost::json::value(*p.require_signed_urls));
            if (p.creator) FUZZ_CHECK(o.if_contains("creator") && o.at("creator").is_string());
        } else if (which == 4) {
            std::optional<Result<Request<Deleted>>> slot;
            const auto* r = build<Deleted>([&] { return v1::remove(cfg, id); }, slot, cfg, true, Method::delete_);
            if (r) check_url(cfg, r->http.url, "/images/v1", id, "");
        } else {
            std::optional<Result<Request<Blob>>> slot;
            const auto* r = build<Blob>([&] { return v1::blobs::get(cfg, id); }, slot, cfg, true, Method::get);
            if (r) check_url(cfg, r->http.url, "/images/v1", id, "/blob");
        }
        break;
    }
    case 6: case 7: case 8: { // keys
        const std::string name = pick_string(in, {"default", "my-key_2"}, 80);
        std::optional<Result<Request<std::vector<SigningKey>>>> slot;
        using K = std::vector<SigningKey>;
        if (which == 6) {
            const auto* r = build<K>([&] { return v1::keys::list(cfg); }, slot, cfg, true, Method::get);
            if (r) check_url(cfg, r->http.url, "/images/v1/keys", std::nullopt, "");
        } else if (which == 7) {
            const auto* r = build<K>([&] { return v1::keys::update(cfg, name); }, slot, cfg, true, Method::put);
            if (r) check_url(cfg, r->http.url, "/images/v1/keys", name, "");
        } else {
            const auto* r = build<K>([&] { return v1::keys::remove(cfg, name); }, slot, cfg, true, Method::delete_);
            if (r) check_url(cfg, r->http.url, "/images/v1/keys", name, "");
        }
        break;
    }
    case 9: {
        std::optional<Result<Request<Stats>>> slot;
        const auto* r = build<Stats>([&] { return v1::stats::get(cfg); }, slot, cfg, true, Method::get);
        if (r) check_url(cfg, r->http.url, "/images/v1/stats", std::nullopt, "");
        break;
    }
    case 10: {
        using M = std::map<std::string, Variant>;
        std::optional<Result<Request<M>>> slot;
        const auto* r = build<M>([&] { return v1::variants::list(cfg); }, slot, cfg, true, Method::get);
        if (r) check_url(cfg, r->http.url, "/images/v1/variants", std::nullopt, "");
        break;
    }
    case 11: case 12: case 13: case 14: { // variants get, create, edit, remove
        const std::string vid = pick_string(in, {"hero", "thumb1"}, 120);
        VariantOptions o;
        o.fit = static_cast<Fit>(in.ConsumeIntegralInRange<int>(0, 5));
        o.metadata = static_cast<MetadataMode>(in.ConsumeIntegralInRange<int>(0, 3));
        o.width = in.ConsumeBool() ? in.ConsumeIntegralInRange<std::int64_t>(0, 100001) : in.ConsumeIntegral<std::int64_t>();
        o.height = in.ConsumeBool() ? in.ConsumeIntegralInRange<std::int64_t>(0, 100001) : in.ConsumeIntegral<std::int64_t>();
        const std::optional<bool> nrsu = make_opt_bool(in);
        std::optional<Result<Request<Variant>>> slot;
        if (which == 11) {
            const auto* r = build<Variant>([&] { return v1::variants::get(cfg, vid); }, slot, cfg, true, Method::get);
            if (r) check_url(cfg, r->http.url, "/images/v1/variants", vid, "");
        } else if (which == 12 || which == 13) {
            const Request<Variant>* r = nullptr;
            if (which == 12) {
                Variant v{vid, o, nrsu.value_or(false)};
                r = build<Variant>([&] { return v1::variants::create(cfg, v); }, slot, cfg, false, Method::post);
                if (r) check_url(cfg, r->http.url, "/images/v1/variants", std::nullopt, "");
            } else {
                v1::variants::EditParams ep{o, nrsu};
                r = build<Variant>([&] { return v1::variants::edit(cfg, vid, ep); }, slot, cfg, true, Method::patch);
                if (r) check_url(cfg, r->http.url, "/images/v1/variants", vid, "");
            }
            if (!r) break;
            const boost::json::object b = parse_object(r->http.body);
            if (which == 12) FUZZ_CHECK(b.if_contains("id") && b.at("id") == boost::json::value(vid));
            const auto* opts = b.if_contains("options");
            FUZZ_CHECK(opts != nullptr && opts->is_object());
            FUZZ_CHECK(opts->at("width") == boost::json::value(o.width));
            FUZZ_CHECK(opts->at("height") == boost::json::value(o.height));
            FUZZ_CHECK(opts->at("fit") == boost::json::value(to_string(o.fit)));
        } else {
            std::optional<Result<Request<Deleted>>> dslot;
            const auto* r = build<Deleted>([&] { return v1::variants::remove(cfg, vid); }, dslot, cfg, true, Method::delete_);
            if (r) check_url(cfg, r->http.url, "/images/v1/variants", vid, "");
        }
        break;
    }
    case 15: { // v2::list
        v2::ListParams p;
        if (in.ConsumeBool()) p.continuation_token = in.ConsumeRandomLengthString(300);
        if (in.ConsumeBool()) p.per_page = in.ConsumeIntegralInRange<std::int64_t>(0, 20000);
        if (in.ConsumeBool()) p.sort_order = pick_string(in, {"asc", "desc"}, 10);
        if (in.ConsumeBool()) p.creator = in.ConsumeRandomLengthString(300);
        std::optional<Result<Request<v2::ImagePage>>> slot;
        const auto* r = build<v2::ImagePage>([&] { return v2::list(cfg, p); }, slot, cfg, true, Method::get);
        if (!r) break;
        std::vector<std::pair<std::string, std::string>> q;
        if (p.continuation_token && !p.continuation_token->empty())
            q.emplace_back("continuation_token", *p.continuation_token);
        if (p.per_page) q.emplace_back("per_page", std::to_string(*p.per_page));
        if (p.sort_order) q.emplace_back("sort_order", *p.sort_order);
        if (p.creator) q.emplace_back("creator", *p.creator);
        check_url(cfg, r->http.url, "/images/v2", std::nullopt, "", q);
        break;
    }
    case 16: { // v2::direct_uploads::create
        v2::DirectUploadParams p;
        using std::chrono::system_clock;
        const auto base = system_clock::time_point(std::chrono::seconds(1700000000));
        const int mode = in.ConsumeIntegralInRange<int>(0, 3);
        if (mode == 1) {
            p.now = base;
            p.expiry = base + std::chrono::seconds(in.ConsumeIntegralInRange<std::int64_t>(-100, 30000));
        } else if (mode == 2) {
            p.now = system_clock::time_point(system_clock::duration(in.ConsumeIntegral<std::int64_t>()));
            p.expiry = system_clock::time_point(system_clock::duration(in.ConsumeIntegral<std::int64_t>()));
        } else if (mode == 3) {
            p.expiry = base;
        }
        if (in.ConsumeBool()) p.id = make_id(in);
        if (in.ConsumeBool()) p.creator = in.ConsumeRandomLengthString(1100);
        p.metadata = make_metadata(in);
        p.require_signed_urls = make_opt_bool(in);
        std::optional<Result<Request<DirectUpload>>> slot;
        const auto* r = build<DirectUpload>([&] { return v2::direct_uploads::create(cfg, p); }, slot, cfg, false,
                                            Method::post);
        if (!r) break;
        check_url(cfg, r->http.url, "/images/v2/direct_upload", std::nullopt, "");
        const auto parts = parse_form(r->http);
        std::size_t i = 0;
        if (p.expiry) {
            FUZZ_CHECK(parts[0].name == "expiry");
            const auto t = detail::parse_rfc3339(parts[0].data);
            FUZZ_CHECK(t.has_value());
            const auto d = *p.expiry - *p.now;
            FUZZ_CHECK(d >= std::chrono::minutes(2) && d <= std::chrono::hours(6));
            i = 1;
        }
        check_fields(parts, i, p.id, p.creator, p.metadata, p.require_signed_urls, true);
        break;
    }
    default: {
        std::optional<Result<Request<v1::BatchTokenGrant>>> slot;
        const auto* r = build<v1::BatchTokenGrant>([&] { return v1::batch_token(cfg); }, slot, cfg, true, Method::get);
        if (r) check_url(cfg, r->http.url, "/images/v1/batch_token", std::nullopt, "");
        break;
    }
    }
    return 0;
}
