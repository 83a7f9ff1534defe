// cfimages: the command-line face of the cfimages codec (see DESIGN.md,
// "The command-line tool"). One subcommand per endpoint, sent with the
// Beast client; the typed result is printed as one JSON document on stdout;
// failures print `error <code>: <message>` on stderr, where <code> is the
// Cloudflare error code when the server gave one and otherwise the kind
// (`usage`, `invalid_argument`, `api`, `transport`, `decode`). Exit status:
// 0 success, 1 api, 2 usage or invalid_argument, 3 transport, 4 decode.
// `sign` and `verify` send nothing (verify exits 1 for a URL that is not
// validly signed); `upload-to` sends without credentials.
//
// Commands live in one table (`commands()`): adding one (sign, verify,
// upload-to, ...) is one entry with its words, synopsis, options,
// positional names and handler.
//
// Credentials never reach the output: the tool prints no option or
// environment value, usage errors name options without their values, and
// everything written to stdout or stderr passes through `redact` (see
// `min_scrubbed_secret` for which values it scrubs).

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <iostream>
#include <iterator>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json.hpp>

#include <cfimages/beast.hpp>
#include <cfimages/cfimages.hpp>
#include <cfimages/detail/text.hpp>

#include "args.hpp"
#include "bulk.hpp"
#include "docs.hpp"
#include "output.hpp"

namespace cfimages_cli {
namespace {

// ---------------------------------------------------------------------------
// Exit statuses (DESIGN.md).

constexpr int exit_ok = 0;
constexpr int exit_api = 1;
constexpr int exit_usage = 2;
constexpr int exit_transport = 3;
constexpr int exit_decode = 4;

int exit_status(cfimages::ErrorKind k) {
    switch (k) {
    case cfimages::ErrorKind::api: return exit_api;
    case cfimages::ErrorKind::invalid_argument: return exit_usage;
    case cfimages::ErrorKind::transport: return exit_transport;
    case cfimages::ErrorKind::decode: return exit_decode;
    }
    return exit_api;
}

// ---------------------------------------------------------------------------
// Global options and environment.

const std::vector<OptionSpec>& global_options() {
    static const std::vector<OptionSpec> specs = {
        {"base-url", true},  {"account-id", true}, {"api-token", true},
        {"api-email", true}, {"api-key", true},    {"timeout", true},
        {"max-retries", true}, {"help", false},
    };
    return specs;
}

bool is_global_option(std::string_view arg, bool& takes_value) {
    if (arg.size() < 3 || arg.substr(0, 2) != "--") return false;
    std::string_view name = arg.substr(2);
    const bool has_inline = name.find('=') != std::string_view::npos;
    name = name.substr(0, name.find('='));
    for (const OptionSpec& o : global_options())
        if (o.name == name) {
            takes_value = o.takes_value && !has_inline;
            return true;
        }
    return false;
}

std::optional<std::string> env(const char* name) {
    const char* v = std::getenv(name);
    if (v == nullptr || *v == '\0') return std::nullopt;
    return std::string(v);
}

// Every credential value the tool was given, from options or environment,
// collected before anything else is parsed, so even a usage error is
// redacted.
std::set<std::string>& secrets() {
    static std::set<std::string> s;
    return s;
}

// Which secrets are scrubbed. The tool itself never prints a credential
// (no option or variable value is echoed; usage errors name options, not
// values); scrubbing is the second line, for text that comes from elsewhere
// (a server's answer, a base URL a token was pasted into). It takes every
// occurrence of a value of at least this many characters, also inside
// longer text. Shorter values are left alone: no credential Cloudflare
// issues is that short, and such values are ordinary words ("wrong",
// "public", "test") whose every occurrence would be blanked, garbling the
// tool's own messages ("(<redacted> key, ...") and even the URL `sign`
// prints when the key equals its variant name.
constexpr std::size_t min_scrubbed_secret = 8;

void add_secret(const std::string& s) {
    if (s.size() >= min_scrubbed_secret) secrets().insert(s);
}

void collect_secrets(const std::vector<std::string>& args) {
    for (const char* name : {"CLOUDFLARE_API_TOKEN", "CLOUDFLARE_EMAIL", "CLOUDFLARE_API_KEY"})
        if (auto v = env(name)) add_secret(*v);
    for (std::size_t i = 0; i < args.size(); ++i) {
        for (std::string_view opt : {"--api-token", "--api-email", "--api-key", "--key"}) {
            const std::string& a = args[i];
            if (a == opt && i + 1 < args.size()) add_secret(args[i + 1]);
            else if (a.size() > opt.size() && a.compare(0, opt.size(), opt) == 0 &&
                     a[opt.size()] == '=')
                add_secret(a.substr(opt.size() + 1));
        }
    }
}

// Replaces every known secret in `s` with <redacted>.
std::string redact(std::string s) {
    for (const std::string& secret : secrets()) {
        std::size_t pos = 0;
        while ((pos = s.find(secret, pos)) != std::string::npos) {
            s.replace(pos, secret.size(), "<redacted>");
            pos += 10;
        }
    }
    return s;
}

// Everything a handler needs: the resolved settings, a lazily made client,
// and output that never carries a secret.
class Context {
public:
    explicit Context(const ParsedArgs& a)
        : base_url_(a.get("base-url")), account_id_(a.get("account-id")), token_(a.get("api-token")),
          email_(a.get("api-email")), key_(a.get("api-key")) {
        if (token_ && (email_ || key_))
            throw UsageError("give --api-token or --api-email with --api-key, not both");
        if (email_.has_value() != key_.has_value() && !token_)
            throw UsageError("--api-email and --api-key go together");

        if (auto t = a.get("timeout")) timeout_seconds_ = parse_seconds("timeout", *t);
        if (auto r = a.get("max-retries")) {
            const std::int64_t n = parse_int("max-retries", *r);
            if (n < 0 || n > 100) throw UsageError("--max-retries: expected 0 to 100");
            max_retries_ = static_cast<int>(n);
        }
    }

    // The Config for the library, from the options and the environment
    // through cfimages::config_from_env; refuses to go on without an account
    // or credentials (a usage error: nothing can be sent).
    cfimages::Config config() const {
        auto given = [this](const char* var) {
            const char* v = setting(var);
            return v != nullptr && *v != '\0';
        };
        if (!given(cfimages::env_account_id))
            throw UsageError("no account: give --account-id or set CLOUDFLARE_ACCOUNT_ID");
        if (!given(cfimages::env_api_token) && !given(cfimages::env_email) && !given(cfimages::env_api_key))
            throw UsageError("no credentials: give --api-token (or --api-email and --api-key), "
                             "or set CLOUDFLARE_API_TOKEN (or CLOUDFLARE_EMAIL and "
                             "CLOUDFLARE_API_KEY)");
        auto cfg = cfimages::config_from_env([this](const char* var) { return setting(var); });
        if (cfg) return std::move(*cfg);
        // The message starts with the variable's name; name the option
        // instead when the value came from one.
        std::string msg = cfg.error().message;
        for (const auto& [var, option] : sources())
            if (msg.compare(0, std::strlen(var), var) == 0 && option_value(var) != nullptr) {
                msg = std::string("--") + option + msg.substr(std::strlen(var));
                break;
            }
        throw UsageError(msg);
    }

    // The client settings the global options ask for.
    cfimages::beast::ClientOptions client_options() const {
        cfimages::beast::ClientOptions o;
        if (timeout_seconds_) {
            // --timeout bounds the whole command: every call, attempt
            // and wait of it shares one budget that started with the
            // command, and messages name the option the user typed.
            const auto ms = std::chrono::milliseconds(
                static_cast<std::int64_t>(*timeout_seconds_ * 1000.0 + 0.5));
            o.deadline = ms;
            o.deadline_at = started_ + ms;
            o.timeout = ms;
            o.timeout_name = "--timeout";
            o.deadline_name = "--timeout";
        }
        o.connect_timeout_name = "connect limit";
        if (max_retries_) o.retry.max_retries = *max_retries_;
        return o;
    }

    cfimages::beast::Client& client() {
        if (!client_) client_ = std::make_unique<cfimages::beast::Client>(client_options());
        return *client_;
    }

    // Prints one JSON document and a newline on stdout. The document is
    // always JSON (RFC 8259): a number the server sent beyond the range of
    // a double (1e400), which Boost.JSON holds as infinity and would print
    // as `Infinity`, is printed as null, with a warning naming where.
    void print(boost::json::value v) const {
        const std::vector<std::string> nulled = null_non_finite(v);
        for (std::size_t i = 0; i < nulled.size() && i < 5; ++i)
            warn(nulled[i] + ": a number beyond the range of a double (such as 1e400) is printed as null");
        if (nulled.size() > 5)
            warn(std::to_string(nulled.size() - 5) + " more such numbers are printed as null");
        std::string out = redact(boost::json::serialize(v));
        out.push_back('\n');
        std::fwrite(out.data(), 1, out.size(), stdout);
        std::fflush(stdout);
    }

    // Prints `error <code>: <message>` on stderr (one line).
    void error_line(std::string_view code, std::string_view message) const {
        std::string line = "error ";
        line.append(code).append(": ").append(cfimages::detail::one_line(message, 2000));
        line = redact(std::move(line));
        line.push_back('\n');
        std::fwrite(line.data(), 1, line.size(), stderr);
    }

    // Reports a library error and returns the exit status for its kind.
    int fail(const cfimages::ApiError& e) const {
        std::string code = e.code() != 0 ? std::to_string(e.code())
                                         : std::string(cfimages::to_string(e.kind));
        std::string msg = e.message.empty() ? std::string("failed") : e.message;
        if (e.http_status != 0 && msg.find(std::to_string(e.http_status)) == std::string::npos)
            msg += " (HTTP " + std::to_string(e.http_status) + ")";
        error_line(code, msg);
        return exit_status(e.kind);
    }

    void warn(std::string_view message) const {
        std::string line = "warning: ";
        line.append(message);
        line = redact(std::move(line));
        line.push_back('\n');
        std::fwrite(line.data(), 1, line.size(), stderr);
    }

private:
    // Each variable config_from_env reads, and the option that wins over it.
    static const std::vector<std::pair<const char*, const char*>>& sources() {
        static const std::vector<std::pair<const char*, const char*>> s = {
            {cfimages::env_api_token, "api-token"}, {cfimages::env_email, "api-email"},
            {cfimages::env_api_key, "api-key"},     {cfimages::env_account_id, "account-id"},
            {cfimages::env_base_url, "base-url"},
        };
        return s;
    }

    // The option's value for `var`, or nullptr when that option was not given.
    const char* option_value(std::string_view var) const {
        const std::optional<std::string>* o = nullptr;
        if (var == cfimages::env_api_token) o = &token_;
        else if (var == cfimages::env_email) o = &email_;
        else if (var == cfimages::env_api_key) o = &key_;
        else if (var == cfimages::env_account_id) o = &account_id_;
        else if (var == cfimages::env_base_url) o = &base_url_;
        return o != nullptr && o->has_value() ? (*o)->c_str() : nullptr;
    }

    // What config_from_env sees for `var`: the option when given, else the
    // environment. Credentials come whole from one side: any credential
    // option hides all three credential variables, so --api-email/--api-key
    // are never overridden by a CLOUDFLARE_API_TOKEN in the environment.
    const char* setting(const char* var) const {
        const std::string_view v = var;
        const bool credential = v == cfimages::env_api_token || v == cfimages::env_email ||
                                v == cfimages::env_api_key;
        if (credential && (token_ || email_ || key_)) return option_value(v);
        if (const char* o = option_value(v)) return o;
        return std::getenv(var);
    }

    std::optional<std::string> base_url_;
    std::optional<std::string> account_id_;
    std::optional<std::string> token_;
    std::optional<std::string> email_;
    std::optional<std::string> key_;
    std::optional<double> timeout_seconds_;
    /// When the command started: --timeout counts from here.
    cfimages::CallClock::time_point started_ = cfimages::CallClock::now();
    std::optional<int> max_retries_;
    std::unique_ptr<cfimages::beast::Client> client_;
};

// Sends a built request and prints its typed result through `to`.
template <class T, class ToJson>
int run(Context& ctx, cfimages::Result<cfimages::Request<T>> req, ToJson&& to) {
    if (!req) return ctx.fail(req.error());
    cfimages::Result<T> r = ctx.client().send(std::move(*req));
    if (!r) return ctx.fail(r.error());
    ctx.print(to(*r));
    return exit_ok;
}

template <class T>
int run(Context& ctx, cfimages::Result<cfimages::Request<T>> req) {
    return run(ctx, std::move(req), [](const T& v) { return to_json(v); });
}

// ---------------------------------------------------------------------------
// Shared argument readers.

// Parses --metadata; the builder checks that it is an object within the
// API's size limit.
boost::json::value parse_metadata(const std::string& text) {
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(text, ec);
    if (ec) throw UsageError("--metadata: not valid JSON (" + ec.message() + ")");
    return v;
}

// The file at `path`, streamed while it is sent (never read into memory).
std::shared_ptr<const cfimages::BodySource> open_file(const std::string& path) {
    auto src = cfimages::file_source(path);
    if (!src) {
        std::string why = src.error().message;  // "file: cannot open PATH: reason"
        if (why.compare(0, 6, "file: ") == 0) why.erase(0, 6);
        throw UsageError("--file: " + why);
    }
    return std::move(*src);
}

std::string base_name(const std::string& path) {
    auto slash = path.find_last_of('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

cfimages::VariantOptions variant_options(const ParsedArgs& a) {
    cfimages::VariantOptions o;
    const std::string fit = *a.get("fit");
    auto f = cfimages::parse_fit(fit);
    if (!f) throw UsageError("--fit: expected scale-down, contain, cover, crop or pad");
    o.fit = *f;
    o.width = parse_int("width", *a.get("width"));
    o.height = parse_int("height", *a.get("height"));
    if (auto m = a.get("metadata")) {
        auto mm = cfimages::parse_metadata_mode(*m);
        if (!mm) throw UsageError("--metadata: expected keep, copyright or none");
        o.metadata = *mm;
    }
    return o;
}

void require(const ParsedArgs& a, std::initializer_list<std::string_view> names) {
    for (std::string_view n : names)
        if (!a.has(n)) throw UsageError("missing required option --" + std::string(n));
}

// ---------------------------------------------------------------------------
// Handlers, one per command.

int images_upload(Context& ctx, const ParsedArgs& a) {
    if (a.has("file") == a.has("url")) throw UsageError("give exactly one of --file and --url");
    cfimages::v1::CreateParams p;
    if (auto f = a.get("file")) p.file = cfimages::File{{}, base_name(*f), std::string(), open_file(*f)};
    if (auto u = a.get("url")) p.url = *u;
    if (auto id = a.get("id")) p.id = *id;
    if (auto c = a.get("creator")) p.creator = *c;
    if (auto m = a.get("metadata")) p.metadata = parse_metadata(*m);
    if (a.has("require-signed-urls")) p.require_signed_urls = true;
    return run(ctx, cfimages::v1::create(ctx.config(), p));
}

int images_list(Context& ctx, const ParsedArgs& a) {
    cfimages::v1::ListParams p;
    if (auto v = a.get("page")) p.page = parse_int("page", *v);
    if (auto v = a.get("per-page")) p.per_page = parse_int("per-page", *v);
    if (auto v = a.get("creator")) p.creator = *v;
    return run(ctx, cfimages::v1::list(ctx.config(), p));
}

int images_list_v2(Context& ctx, const ParsedArgs& a) {
    cfimages::v2::ListParams p;
    if (auto v = a.get("continuation-token")) p.continuation_token = *v;
    if (auto v = a.get("per-page")) p.per_page = parse_int("per-page", *v);
    if (auto v = a.get("sort-order")) p.sort_order = *v;
    if (auto v = a.get("creator")) p.creator = *v;
    // --meta 'field[op]=value', repeatable; checked here, before anything
    // is sent (the limits on their number are checked by v2::list).
    const std::vector<std::string> filters = a.all("meta");
    for (std::size_t i = 0; i < filters.size(); ++i) {
        auto f = cfimages::v2::parse_meta_filter(filters[i]);
        if (!f) {
            cfimages::ApiError e = f.error();
            if (filters.size() > 1) e.message += " (--meta number " + std::to_string(i + 1) + ")";
            return ctx.fail(e);
        }
        p.meta.push_back(std::move(*f));
    }
    const cfimages::Config cfg = ctx.config();
    if (!a.has("all")) return run(ctx, cfimages::v2::list(cfg, p));

    // --all: every page, through the library's pager (ListWalk). A server
    // that repeats itself (a mock answering the same example every time)
    // is stopped there: what was collected from the pages before is
    // printed, with a warning that says how much that is.
    cfimages::v2::ImagePage all;
    cfimages::ListWalk<cfimages::v2::ListParams> walk(cfg, p);
    while (!walk.finished()) {
        auto req = walk.request();
        if (!req) return ctx.fail(req.error());
        auto page = ctx.client().send(std::move(*req));
        if (!page) return ctx.fail(page.error());
        auto fresh = walk.advance(*page);
        if (!fresh) {
            ctx.warn(fresh.error().message + "; printing the " + std::to_string(all.images.size()) +
                     " images of the first " + std::to_string(walk.pages() - 1) + " page(s)");
            break;
        }
        for (auto& img : page->images) all.images.push_back(std::move(img));
    }
    ctx.print(to_json(all));
    return exit_ok;
}

int images_get(Context& ctx, const ParsedArgs& a) {
    return run(ctx, cfimages::v1::get(ctx.config(), a.positionals[0]));
}

int images_update(Context& ctx, const ParsedArgs& a) {
    cfimages::v1::EditParams p;
    if (auto m = a.get("metadata")) p.metadata = parse_metadata(*m);
    if (auto r = a.get("require-signed-urls"))
        p.require_signed_urls = parse_bool("require-signed-urls", *r);
    if (auto c = a.get("creator")) p.creator = *c;
    return run(ctx, cfimages::v1::edit(ctx.config(), a.positionals[0], p));
}

int images_delete(Context& ctx, const ParsedArgs& a) {
    return run(ctx, cfimages::v1::remove(ctx.config(), a.positionals[0]));
}

int images_blob(Context& ctx, const ParsedArgs& a) {
    require(a, {"output"});
    const std::string path = *a.get("output");
    auto req = cfimages::v1::blobs::get(ctx.config(), a.positionals[0]);
    if (!req) return ctx.fail(req.error());
    auto blob = ctx.client().send(std::move(*req));
    if (!blob) return ctx.fail(blob.error());
    {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        if (!out) throw UsageError("--output: cannot open " + path + ": " + std::strerror(errno));
        out.write(blob->bytes.data(), static_cast<std::streamsize>(blob->bytes.size()));
        out.close();
        if (!out) throw UsageError("--output: cannot write " + path);
    }
    boost::json::object o;
    o["content_type"] = blob->content_type;
    o["size"] = static_cast<std::uint64_t>(blob->bytes.size());
    o["output"] = path;
    ctx.print(o);
    return exit_ok;
}

int keys_list(Context& ctx, const ParsedArgs& a) {
    const bool show = a.has("show-values");
    return run(ctx, cfimages::v1::keys::list(ctx.config()),
               [show](const std::vector<cfimages::SigningKey>& k) { return keys_json(k, show); });
}

int keys_create(Context& ctx, const ParsedArgs& a) {
    const bool show = a.has("show-values");
    return run(ctx, cfimages::v1::keys::update(ctx.config(), a.positionals[0]),
               [show](const std::vector<cfimages::SigningKey>& k) { return keys_json(k, show); });
}

int keys_delete(Context& ctx, const ParsedArgs& a) {
    return run(ctx, cfimages::v1::keys::remove(ctx.config(), a.positionals[0]),
               [](const std::vector<cfimages::SigningKey>& k) { return keys_json(k, false); });
}

int stats_get(Context& ctx, const ParsedArgs&) {
    return run(ctx, cfimages::v1::stats::get(ctx.config()));
}

int variants_list(Context& ctx, const ParsedArgs&) {
    return run(ctx, cfimages::v1::variants::list(ctx.config()));
}

int variants_get(Context& ctx, const ParsedArgs& a) {
    return run(ctx, cfimages::v1::variants::get(ctx.config(), a.positionals[0]));
}

int variants_delete(Context& ctx, const ParsedArgs& a) {
    return run(ctx, cfimages::v1::variants::remove(ctx.config(), a.positionals[0]));
}

int variants_create(Context& ctx, const ParsedArgs& a) {
    require(a, {"fit", "width", "height"});
    cfimages::Variant v;
    v.id = a.positionals[0];
    v.options = variant_options(a);
    v.never_require_signed_urls = a.has("never-require-signed-urls");
    return run(ctx, cfimages::v1::variants::create(ctx.config(), v));
}

int variants_update(Context& ctx, const ParsedArgs& a) {
    require(a, {"fit", "width", "height"});
    cfimages::v1::variants::EditParams p;
    p.options = variant_options(a);
    if (a.has("never-require-signed-urls")) p.never_require_signed_urls = true;
    return run(ctx, cfimages::v1::variants::edit(ctx.config(), a.positionals[0], p));
}

int direct_upload(Context& ctx, const ParsedArgs& a) {
    cfimages::v2::DirectUploadParams p;
    // The library reads no clock; the tool does, so the expiry window
    // (2 minutes to 6 hours ahead) is checked against the real now.
    p.now = std::chrono::system_clock::now();
    if (auto e = a.get("expiry")) {
        auto tp = cfimages::detail::parse_rfc3339(*e);
        if (!tp) throw UsageError("--expiry: expected an RFC 3339 time such as 2030-01-02T03:04:05Z");
        p.expiry = *tp;
    }
    if (auto id = a.get("id")) p.id = *id;
    if (auto c = a.get("creator")) p.creator = *c;
    if (auto m = a.get("metadata")) p.metadata = parse_metadata(*m);
    if (a.has("require-signed-urls")) p.require_signed_urls = true;
    return run(ctx, cfimages::v2::direct_uploads::create(ctx.config(), p));
}

// The current time in unix seconds. The library reads no clock; sign
// (--expires-in) and verify (without --now) do, here.
std::int64_t unix_now() {
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    return static_cast<std::int64_t>(std::chrono::floor<std::chrono::seconds>(now).count());
}

// The signing key from --key. It is a secret: collect_secrets has already
// put it on the redaction list, and nothing here prints it.
std::string signing_key(const ParsedArgs& a) {
    require(a, {"key"});
    std::string key = *a.get("key");
    if (key.empty()) throw UsageError("--key: must not be empty");
    return key;
}

// About a century: keeps now + --expires-in far from overflowing.
constexpr std::int64_t max_lifetime_seconds = 100LL * 366 * 24 * 3600;

int sign(Context& ctx, const ParsedArgs& a) {
    const std::string key = signing_key(a);
    if (a.has("expires-in") == a.has("exp"))
        throw UsageError("give exactly one of --expires-in and --exp");
    std::int64_t expires = 0;
    const std::int64_t now = unix_now();
    if (auto v = a.get("expires-in")) {
        const std::int64_t secs = parse_int("expires-in", *v);
        if (secs <= 0 || secs > max_lifetime_seconds)
            throw UsageError("--expires-in: expected a number of seconds greater than 0");
        expires = now + secs;
    } else {
        expires = parse_int("exp", *a.get("exp"));
        if (expires <= 0) throw UsageError("--exp: expected a unix time in seconds greater than 0");
    }
    auto url = cfimages::signing::sign_url(a.positionals[0], key, expires);
    if (!url) return ctx.fail(url.error());
    if (expires <= now) ctx.warn("--exp is not in the future; the signed URL has already expired");
    boost::json::object o;
    o["url"] = *url;
    o["expires"] = expires;
    ctx.print(o);
    return exit_ok;
}

int verify(Context& ctx, const ParsedArgs& a) {
    const std::string key = signing_key(a);
    std::int64_t now = 0;
    if (auto v = a.get("now")) {
        now = parse_int("now", *v);
        if (now < 0) throw UsageError("--now: expected a unix time in seconds");
    } else {
        now = unix_now();
    }
    auto r = cfimages::signing::verify_url(a.positionals[0], key, now);
    if (r) {
        boost::json::object o;
        o["valid"] = true;
        o["expires"] = r->expires;
        ctx.print(o);
        return exit_ok;
    }
    // The verdicts on a signed delivery URL (a missing, malformed or wrong
    // `sig`, a bad or past `exp`) mean "invalid": exit 1, the reason on
    // stdout as JSON and on stderr. Anything else (not a delivery URL at
    // all) is an argument the command cannot act on: exit 2.
    const std::string& why = r.error().message;
    if (why.compare(0, 5, "sig: ") != 0 && why.compare(0, 5, "exp: ") != 0)
        return ctx.fail(r.error());
    boost::json::object o;
    o["valid"] = false;
    o["reason"] = why;
    ctx.print(o);
    ctx.error_line("invalid", why);
    return exit_api;
}

int upload_to(Context& ctx, const ParsedArgs& a) {
    require(a, {"file"});
    const std::string path = *a.get("file");
    // No Config, no credentials: the upload URL is its own one-time
    // credential, and this command works with none configured.
    auto req = cfimages::upload_to::build(a.positionals[0],
                                          cfimages::File{{}, base_name(path), std::string(), open_file(path)});
    if (!req) return ctx.fail(req.error());
    for (const cfimages::Header& h : req->http.headers)
        if (cfimages::is_secret_header(h.name))  // cannot happen: upload_to::build adds none
            throw std::logic_error("upload-to request carries a credential header");
    return run(ctx, std::move(req));
}

// Defined after the help text they are generated from.
int completion(Context& ctx, const ParsedArgs& a);
int man(Context& ctx, const ParsedArgs& a);

// ---------------------------------------------------------------------------
// The command table.

// sync and export live in bulk.cpp; they get what the global options
// resolved to, and the same redaction.
BulkContext bulk_context(Context& ctx) {
    return BulkContext{ctx.config(), ctx.client_options(), [](std::string s) { return redact(std::move(s)); }};
}

int sync(Context& ctx, const ParsedArgs& a) { return run_sync(bulk_context(ctx), a); }

int export_images(Context& ctx, const ParsedArgs& a) { return run_export(bulk_context(ctx), a); }

using Handler = int (*)(Context&, const ParsedArgs&);

struct Command {
    std::vector<std::string_view> words;         ///< e.g. {"images", "upload"}.
    std::string_view synopsis;                   ///< Arguments after the words.
    std::string_view summary;                    ///< One line for the overview.
    std::string_view details;                    ///< Option descriptions for `--help`.
    std::vector<OptionSpec> options;
    std::vector<std::string_view> positionals;
    Handler handler;
};

const std::vector<Command>& commands() {
    static const std::vector<Command> table = {
        {{"images", "upload"},
         "(--file PATH | --url URL) [--id ID] [--creator C] [--metadata JSON] [--require-signed-urls]",
         "upload an image from a file or a URL",
         "  --file PATH             image file to upload (content type sniffed)\n"
         "  --url URL               have Cloudflare fetch the image from URL\n"
         "  --id ID                 custom image ID (not with --require-signed-urls)\n"
         "  --creator C             creator tag\n"
         "  --metadata JSON         JSON object stored with the image (at most 1024 bytes)\n"
         "  --require-signed-urls   serve the image only through signed URLs\n",
         {{"file", true}, {"url", true}, {"id", true}, {"creator", true}, {"metadata", true},
          {"require-signed-urls", false}},
         {},
         images_upload},
        {{"images", "list"},
         "[--page N] [--per-page N] [--creator C]",
         "list images, one page (v1, deprecated by Cloudflare)",
         "  --page N                page number, from 1\n"
         "  --per-page N            images per page (10 to 10000)\n"
         "  --creator C             only images with this creator tag\n",
         {{"page", true}, {"per-page", true}, {"creator", true}},
         {},
         images_list},
        {{"images", "list-v2"},
         "[--continuation-token T] [--per-page N] [--sort-order asc|desc] [--creator C] "
         "[--meta FILTER]... [--all]",
         "list images with a continuation token (v2)",
         "  --continuation-token T  start at the page this token names\n"
         "  --per-page N            images per page (10 to 10000)\n"
         "  --sort-order asc|desc   by upload time\n"
         "  --creator C             only images with this creator tag\n"
         "  --meta FILTER           only images whose metadata matches FILTER, written\n"
         "                          field[op]=value (e.g. status[eq]=active,\n"
         "                          region.name[in]=eu|us, priority[eq:number]=5); op is\n"
         "                          eq, eq:string, eq:number, eq:boolean, in, in:string or\n"
         "                          in:number (the operators Cloudflare documents); repeat\n"
         "                          for up to 5 filters (all must match)\n"
         "  --all                   follow continuation tokens through every page\n",
         {{"continuation-token", true}, {"per-page", true}, {"sort-order", true},
          {"creator", true}, {"meta", true, true}, {"all", false}},
         {},
         images_list_v2},
        {{"images", "get"}, "ID", "show one image", "", {}, {"ID"}, images_get},
        {{"images", "update"},
         "ID [--metadata JSON] [--require-signed-urls true|false] [--creator C]",
         "change an image's metadata, signed-URL requirement or creator",
         "  --metadata JSON                   replaces the image's metadata (a JSON object)\n"
         "  --require-signed-urls true|false  serve only through signed URLs, or not\n"
         "  --creator C                       creator tag\n",
         {{"metadata", true}, {"require-signed-urls", true}, {"creator", true}},
         {"ID"},
         images_update},
        {{"images", "delete"}, "ID", "delete an image", "", {}, {"ID"}, images_delete},
        {{"images", "blob"},
         "ID --output PATH",
         "download an image's original bytes",
         "  --output PATH           file to write the image to (stdout gets a JSON summary)\n",
         {{"output", true}},
         {"ID"},
         images_blob},
        {{"keys", "list"},
         "[--show-values]",
         "list the signing keys",
         "  --show-values           print the key values (secrets; redacted by default)\n",
         {{"show-values", false}},
         {},
         keys_list},
        {{"keys", "create"},
         "NAME [--show-values]",
         "create (or roll) the signing key NAME",
         "  --show-values           print the key values (secrets; redacted by default)\n",
         {{"show-values", false}},
         {"NAME"},
         keys_create},
        {{"keys", "delete"}, "NAME", "delete the signing key NAME", "", {}, {"NAME"}, keys_delete},
        {{"stats"}, "", "show how many images the account stores and allows", "", {}, {}, stats_get},
        {{"variants", "list"}, "", "list the variants", "", {}, {}, variants_list},
        {{"variants", "get"}, "ID", "show one variant", "", {}, {"ID"}, variants_get},
        {{"variants", "delete"}, "ID", "delete a variant", "", {}, {"ID"}, variants_delete},
        {{"variants", "create"},
         "ID --fit F --width W --height H [--metadata keep|copyright|none] [--never-require-signed-urls]",
         "create a variant",
         "  --fit F                      scale-down, contain, cover, crop or pad\n"
         "  --width W, --height H        maximum size in pixels\n"
         "  --metadata keep|copyright|none  EXIF data kept (default none)\n"
         "  --never-require-signed-urls  serve this variant unsigned even for private images\n",
         {{"fit", true}, {"width", true}, {"height", true}, {"metadata", true},
          {"never-require-signed-urls", false}},
         {"ID"},
         variants_create},
        {{"variants", "update"},
         "ID --fit F --width W --height H [--metadata keep|copyright|none] [--never-require-signed-urls]",
         "change a variant",
         "  --fit F                      scale-down, contain, cover, crop or pad\n"
         "  --width W, --height H        maximum size in pixels\n"
         "  --metadata keep|copyright|none  EXIF data kept (default none)\n"
         "  --never-require-signed-urls  serve this variant unsigned even for private images\n",
         {{"fit", true}, {"width", true}, {"height", true}, {"metadata", true},
          {"never-require-signed-urls", false}},
         {"ID"},
         variants_update},
        {{"direct-upload"},
         "[--expiry RFC3339] [--id ID] [--creator C] [--metadata JSON] [--require-signed-urls]",
         "create a one-time upload URL for a creator (v2)",
         "  --expiry RFC3339        when the URL expires: 2 minutes to 6 hours from now\n"
         "                          (default 30 minutes), e.g. 2030-01-02T03:04:05Z\n"
         "  --id ID                 custom image ID\n"
         "  --creator C             creator tag\n"
         "  --metadata JSON         JSON object stored with the image\n"
         "  --require-signed-urls   serve the image only through signed URLs\n",
         {{"expiry", true}, {"id", true}, {"creator", true}, {"metadata", true},
          {"require-signed-urls", false}},
         {},
         direct_upload},
        {{"upload-to"},
         "URL --file PATH",
         "upload a file to a one-time upload URL from direct-upload (no credentials)",
         "  URL                     the uploadURL that 'cfimages direct-upload' printed\n"
         "  --file PATH             image file to upload (content type sniffed; at most 10 MB)\n"
         "\n"
         "The POST carries no credentials (the URL is its own one-time credential), so\n"
         "this works with none configured. Prints the uploaded image.\n",
         {{"file", true}},
         {"URL"},
         upload_to},
        {{"sync"},
         sync_synopsis,
         "upload every image under DIR, exactly once, resumable (custom ID = path)",
         sync_details,
         sync_options(),
         {"DIR"},
         sync},
        {{"export"},
         export_synopsis,
         "write the original of every image to DIR/<id>, resumable",
         export_details,
         export_options(),
         {"DIR"},
         export_images},
        {{"sign"},
         "URL --key KEY (--expires-in SECONDS | --exp UNIX)",
         "sign a delivery URL of a private image (no API call)",
         "  URL                     a delivery URL (imagedelivery.net or a custom domain's\n"
         "                          /cdn-cgi/imagedelivery/...) for a Cloudflare-generated\n"
         "                          image ID and a named variant\n"
         "  --key KEY               the signing key's value ('keys list --show-values');\n"
         "                          never printed\n"
         "  --expires-in SECONDS    valid for this long from now (the tool reads the clock)\n"
         "  --exp UNIX              valid until this unix time (seconds)\n"
         "\n"
         "Prints {\"url\": SIGNED_URL, \"expires\": UNIX}. Custom IDs and flexible variants\n"
         "cannot be served signed and are refused (exit 2).\n",
         {{"key", true}, {"expires-in", true}, {"exp", true}},
         {"URL"},
         sign},
        {{"verify"},
         "URL --key KEY [--now UNIX]",
         "check a signed delivery URL's signature and expiry (no API call)",
         "  URL                     a signed delivery URL (as 'cfimages sign' prints it)\n"
         "  --key KEY               the signing key's value; never printed\n"
         "  --now UNIX              check expiry against this unix time (default: the clock)\n"
         "\n"
         "Valid: prints {\"valid\": true, \"expires\": UNIX}, exit 0. Invalid (signature\n"
         "missing or wrong, expired): prints {\"valid\": false, \"reason\": ...} and\n"
         "'error invalid: <reason>' on stderr, exit 1. Not a delivery URL: exit 2.\n",
         {{"key", true}, {"now", true}},
         {"URL"},
         verify},
        {{"completion"},
         "bash|zsh",
         "print a shell completion script",
         "  bash|zsh                the shell: load it with  source <(cfimages completion bash),\n"
         "                          or install it (bash: share/bash-completion/completions/cfimages,\n"
         "                          zsh: a file _cfimages on $fpath)\n",
         {},
         {"SHELL"},
         completion},
        {{"man"},
         "",
         "print the manual page, cfimages(1), in roff (read it with  man -l <(cfimages man))",
         "",
         {},
         {},
         man},
    };
    return table;
}

// ---------------------------------------------------------------------------
// Help.

const char* const global_help =
    "Global options (before or after the command):\n"
    "  --base-url URL          API root (default https://api.cloudflare.com/client/v4)\n"
    "  --account-id ID         Cloudflare account ID\n"
    "  --api-token T           API token (Authorization: Bearer)\n"
    "  --api-email E --api-key K  global API key and its account e-mail\n"
    "  --timeout SECONDS       give up after this long: the whole command, every attempt\n"
    "                          and wait between retries included\n"
    "  --max-retries N         retries of a failed idempotent call (default 2)\n"
    "  --help                  show help (also after a command)\n"
    "  --version, -V           print the version and exit\n"
    "\n"
    "Environment (options win): CLOUDFLARE_API_TOKEN, CLOUDFLARE_EMAIL + CLOUDFLARE_API_KEY,\n"
    "CLOUDFLARE_ACCOUNT_ID, CLOUDFLARE_BASE_URL.\n"
    "\n"
    "Output: one JSON document on stdout (the API's result, typed and normalised).\n"
    "Errors: 'error <code>: <message>' on stderr; <code> is the Cloudflare error code when\n"
    "there is one, else usage, invalid_argument, api, transport or decode.\n"
    "Exit status: 0 success, 1 api (verify: invalid URL), 2 usage or invalid_argument,\n"
    "3 transport, 4 decode.\n";

std::string words_of(const Command& c) {
    std::string s;
    for (auto w : c.words) {
        if (!s.empty()) s.push_back(' ');
        s.append(w);
    }
    return s;
}

std::string tool_usage() {
    std::ostringstream os;
    os << "usage: cfimages [--base-url URL] [--account-id ID] [--api-token T | --api-email E "
          "--api-key K]\n"
          "                [--timeout SECONDS] [--max-retries N] COMMAND ...\n\n"
          "Commands:\n";
    for (const Command& c : commands()) {
        std::string line = "  " + words_of(c);
        if (!c.synopsis.empty()) line += " " + std::string(c.synopsis);
        os << line << "\n      " << c.summary << '\n';
    }
    os << "\nRun 'cfimages COMMAND --help' for a command's options.\n\n" << global_help;
    return os.str();
}

std::string command_usage(const Command& c) {
    std::ostringstream os;
    os << "usage: cfimages [global options] " << words_of(c);
    if (!c.synopsis.empty()) os << ' ' << c.synopsis;
    os << "\n\n" << c.summary << ".\n";
    if (!c.details.empty()) os << "\nOptions:\n" << c.details;
    os << '\n' << global_help;
    return os.str();
}

std::string group_usage(std::string_view group) {
    std::ostringstream os;
    os << "usage: cfimages [global options] " << group << " SUBCOMMAND ...\n\nSubcommands:\n";
    for (const Command& c : commands())
        if (c.words.size() > 1 && c.words[0] == group) {
            os << "  " << words_of(c);
            if (!c.synopsis.empty()) os << ' ' << c.synopsis;
            os << "\n      " << c.summary << '\n';
        }
    os << "\nRun 'cfimages " << group << " SUBCOMMAND --help' for details.\n";
    return os.str();
}

bool is_group(std::string_view w) {
    for (const Command& c : commands())
        if (c.words.size() > 1 && c.words[0] == w) return true;
    return false;
}

void out(const std::string& s) {
    std::fwrite(s.data(), 1, s.size(), stdout);
}

bool is_help(std::string_view a) { return a == "--help" || a == "-h"; }

bool is_version(std::string_view a) { return a == "--version" || a == "-V"; }

// The command table as the completion and man page generators see it.
std::vector<CommandDoc> command_docs() {
    std::vector<CommandDoc> d;
    for (const Command& c : commands())
        d.push_back({words_of(c), c.synopsis, c.summary, c.details, c.options});
    return d;
}

int completion(Context&, const ParsedArgs& a) {
    const std::string& shell = a.positionals[0];
    if (shell == "bash") out(bash_completion(command_docs(), global_options()));
    else if (shell == "zsh") out(zsh_completion(command_docs(), global_options()));
    else throw UsageError("SHELL: expected bash or zsh");
    return exit_ok;
}

int man(Context&, const ParsedArgs&) {
    // The synopsis is the overview's usage lines.
    const std::string usage = tool_usage();
    const std::size_t b = usage.find("cfimages ");
    const std::size_t e = usage.find("\n\n");
    std::string synopsis = usage.substr(b, e - b) + "\ncfimages --version";
    out(man_page(command_docs(), synopsis, global_help, CFIMAGES_VERSION_STRING));
    return exit_ok;
}

int usage_error(const std::string& message, std::string_view hint_command) {
    std::string line = redact("error usage: " + message);
    line += "\n(run 'cfimages ";
    if (!hint_command.empty()) line.append(hint_command).append(" ");
    line += "--help' for usage)\n";
    std::fwrite(line.data(), 1, line.size(), stderr);
    return exit_usage;
}

int main_impl(int argc, char** argv) {
    std::vector<std::string> args(argv + (argc > 0 ? 1 : 0), argv + (argc > 0 ? argc : 0));
    collect_secrets(args);

    // Find the command words: the first words that are not global options
    // (nor their values).
    std::vector<std::size_t> word_at;
    for (std::size_t i = 0; i < args.size() && word_at.size() < 2; ++i) {
        bool takes_value = false;
        if (is_help(args[i])) {
            if (word_at.empty()) { out(tool_usage()); return exit_ok; }
            break;
        }
        if (is_version(args[i]) && word_at.empty()) {
            out(std::string("cfimages ") + CFIMAGES_VERSION_STRING + "\n");
            return exit_ok;
        }
        if (is_global_option(args[i], takes_value)) {
            if (takes_value) ++i;
            continue;
        }
        if (args[i].size() > 1 && args[i][0] == '-') break;  // a command option
        word_at.push_back(i);
        if (!is_group(args[i])) break;
    }
    if (word_at.empty()) {
        // A global option error (e.g. unknown option) is the likelier story.
        for (const auto& a : args)
            if (a.size() > 1 && a[0] == '-') {
                bool tv = false;
                if (!is_global_option(a, tv)) {
                    std::string name = a.substr(0, a.find('='));
                    return usage_error("unknown option " + name, "");
                }
            }
        std::string u = "error usage: missing COMMAND\n" + tool_usage();
        std::fwrite(u.data(), 1, u.size(), stderr);
        return exit_usage;
    }

    const std::string& first = args[word_at[0]];
    const Command* cmd = nullptr;
    if (is_group(first)) {
        const bool rest_is_help = [&] {
            for (std::size_t i = word_at[0] + 1; i < args.size(); ++i)
                if (is_help(args[i])) return true;
            return false;
        }();
        if (word_at.size() < 2) {
            if (rest_is_help) { out(group_usage(first)); return exit_ok; }
            std::string u = "error usage: missing " + first + " SUBCOMMAND\n" + group_usage(first);
            std::fwrite(u.data(), 1, u.size(), stderr);
            return exit_usage;
        }
        for (const Command& c : commands())
            if (c.words.size() == 2 && c.words[0] == first && c.words[1] == args[word_at[1]]) cmd = &c;
        if (cmd == nullptr)
            return usage_error("unknown command " + first + " " + args[word_at[1]], first);
    } else {
        for (const Command& c : commands())
            if (c.words.size() == 1 && c.words[0] == first) cmd = &c;
        if (cmd == nullptr) return usage_error("unknown command " + first, "");
        word_at.resize(1);
    }

    std::vector<std::string> rest;
    for (std::size_t i = 0; i < args.size(); ++i) {
        bool is_word = false;
        for (std::size_t w : word_at) is_word = is_word || w == i;
        if (!is_word) rest.push_back(args[i]);
    }
    for (const auto& a : rest) {
        if (a == "--") break;
        if (is_help(a)) { out(command_usage(*cmd)); return exit_ok; }
    }

    std::vector<OptionSpec> specs = cmd->options;
    specs.insert(specs.end(), global_options().begin(), global_options().end());
    try {
        ParsedArgs parsed = parse_args(rest, specs, cmd->positionals);
        Context ctx(parsed);
        return cmd->handler(ctx, parsed);
    } catch (const UsageError& e) {
        return usage_error(e.what(), words_of(*cmd));
    }
}

} // namespace
} // namespace cfimages_cli

int main(int argc, char** argv) {
    try {
        return cfimages_cli::main_impl(argc, argv);
    } catch (const std::bad_alloc&) {
        std::fputs("error internal: out of memory\n", stderr);
    } catch (const std::exception& e) {
        // Library calls do not throw; this is a last resort. The text of a
        // standard exception holds no credentials.
        std::string line = cfimages_cli::redact(std::string("error internal: ") + e.what()) + "\n";
        std::fwrite(line.data(), 1, line.size(), stderr);
    }
    return 70;
}
