#ifndef CFIMAGES_DETAIL_ENVELOPE_HPP
#define CFIMAGES_DETAIL_ENVELOPE_HPP

// How this works
// --------------
// Every Images call answers with Cloudflare's v4 envelope,
//     {"success": bool, "errors": [...], "messages": [...], "result": ...}
// except when it does not: a 404 can be the text `ERROR 5404: Image not
// found` with a `cf-images: err=5404` header, a proxy 502 is HTML, a code
// can arrive as a string, other hosts answer a bare `{"code":5550}` or
// `{"code":"103","message":...}`, the edge says `error code: 1015`. `parse_envelope` sorts any response into one of
// three outcomes, in this order:
//   1. the server refused (non-2xx, or `success: false` under any status)
//      -> `api`, with codes and messages recovered from whatever shape the
//      body has;
//   2. a 2xx whose body is not an envelope with `success: true` and a
//      usable `result` -> `decode`, naming the field that is wrong;
//   3. otherwise the caller's decoder turns `result` into the typed value.
// The DOM lives in a monotonic arena sized from the body: it is thrown away
// as soon as the typed value is built, so it never needs a general heap.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <cfimages/detail/json.hpp>
#include <cfimages/detail/text.hpp>
#include <cfimages/http.hpp>
#include <cfimages/models.hpp>
#include <cfimages/request.hpp>
#include <cfimages/result.hpp>
#include <cfimages/retry.hpp>

/// Keeps a big, cold function out of line (one copy instead of one per
/// caller: compile time and code size; these run once per response).
#ifndef CFIMAGES_NOINLINE
#if defined(__GNUC__) || defined(__clang__)
#define CFIMAGES_NOINLINE __attribute__((noinline))
#elif defined(_MSC_VER)
#define CFIMAGES_NOINLINE __declspec(noinline)
#else
#define CFIMAGES_NOINLINE
#endif
#endif

namespace cfimages {
namespace detail {

inline const char* reason_phrase(int status) noexcept {
    switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 413: return "Payload Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Entity";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "";
    }
}

inline std::string status_text(int status) {
    std::string s = "HTTP ";
    append_int(s, status);
    const char* r = reason_phrase(status);
    if (*r != '\0') s.append(" ").append(r);
    return s;
}

inline std::string_view trim(std::string_view s) noexcept {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
        s.remove_suffix(1);
    return s;
}

// Finds `needle` (lower-case ASCII) in `hay` ignoring ASCII case.
inline std::size_t find_ci(std::string_view hay, std::string_view needle) noexcept {
    if (needle.size() > hay.size()) return std::string_view::npos;
    for (std::size_t i = 0; i + needle.size() <= hay.size(); ++i)
        if (iequals(hay.substr(i, needle.size()), needle)) return i;
    return std::string_view::npos;
}

// Reads a leading run of digits (at most 18, so it cannot overflow).
inline bool leading_code(std::string_view s, std::int64_t& out) noexcept {
    std::size_t i = 0;
    std::int64_t v = 0;
    while (i < s.size() && i < 18 && s[i] >= '0' && s[i] <= '9') v = v * 10 + (s[i++] - '0');
    if (i == 0) return false;
    out = v;
    return true;
}

inline std::int64_t code_of(const boost::json::value& v) noexcept {
    if (v.is_int64()) return v.get_int64();
    if (v.is_uint64()) return v.get_uint64() > 0x7fffffffffffffffULL ? 0 : static_cast<std::int64_t>(v.get_uint64());
    if (v.is_double()) {
        double d = v.get_double();
        return (d >= 0 && d < 1e15) ? static_cast<std::int64_t>(d) : 0;
    }
    if (v.is_string()) {
        std::int64_t c = 0;
        return leading_code(trim(std::string_view(v.get_string())), c) ? c : 0;
    }
    return 0;
}

inline std::string str_of(const boost::json::value* v) {
    if (v == nullptr || !v->is_string()) return {};
    return std::string(v->get_string().data(), v->get_string().size());
}

// Reads one error entry: `{"code": 5400, "message": "...",
// "documentation_url": "...", "source": {"pointer": "..."}}`.
inline Message read_entry(const boost::json::object& o) {
    Message m;
    if (const auto* c = o.if_contains("code")) m.code = code_of(*c);
    m.message = one_line(str_of(o.if_contains("message")));
    m.documentation_url = one_line(str_of(o.if_contains("documentation_url")));
    if (const auto* src = find_object(o, "source"))
        m.pointer = one_line(str_of(src->if_contains("pointer")));
    return m;
}

// Reads an `errors` / `messages` array, tolerating entries that are bare
// strings and codes that are strings.
inline void read_messages(const boost::json::value* v, std::vector<Message>& out) {
    if (v == nullptr || !v->is_array()) return;
    for (const boost::json::value& item : v->get_array()) {
        Message m;
        if (const auto* o = item.if_object()) {
            m = read_entry(*o);
        } else if (item.is_string()) {
            m.message = one_line(std::string_view(item.get_string()));
        } else {
            continue;
        }
        out.push_back(std::move(m));
    }
}

// Reads the code of a `cf-images: err=5404` header; 0 when there is none.
inline std::int64_t cf_images_code(const HttpResponse& r) {
    std::int64_t c = 0;
    if (auto h = r.header("cf-images")) {
        const std::size_t p = h->find("err=");
        if (p != std::string_view::npos && leading_code(h->substr(p + 4), c)) return c;
    }
    return 0;
}

// Recovers the error of a JSON object that is not the v4 envelope, or is
// one whose `errors` is not an array. Real bodies:
//   {"code":"103","message":"forbidden endpoint"}     batch host, HTTP 403
//   {"code":5550}                                      upload URL host, HTTP 415
//   {"success":false,"message":"..."}
//   {"success":false,"errors":{"code":5400,"message":"..."}}
//   {"error":"..."} or {"error":{"code":...,"message":...}}
// At most one error comes out of it; its code may still come from the
// `cf-images` header.
inline void recover_from_object(const HttpResponse& r, const boost::json::object& body, ApiError& e) {
    Message m;
    const auto* errors = find_object(body, "errors");
    const auto* error = body.if_contains("error");
    if (errors != nullptr && (errors->contains("code") || errors->contains("message"))) {
        m = read_entry(*errors);
    } else if (error != nullptr && error->is_object()) {
        m = read_entry(error->get_object());
    } else {
        if (const auto* c = body.if_contains("code")) m.code = code_of(*c);
        m.message = one_line(str_of(body.if_contains("message")));
        if (m.message.empty()) m.message = one_line(str_of(error));
        m.documentation_url = one_line(str_of(body.if_contains("documentation_url")));
    }
    if (m.code == 0) m.code = cf_images_code(r);
    if (m.code == 0 && m.message.empty()) return;
    if (m.message.empty())
        m.message = r.status >= 200 && r.status < 300 ? std::string("the server answered success: false")
                                                      : status_text(r.status);
    e.errors.push_back(std::move(m));
}

// Reads `retry-after-ms` (milliseconds) or a delta-seconds `Retry-After`
// with the one grammar of these headers, server_retry_delay (retry.hpp);
// a date needs a clock, which a parser has not: the retry policy reads it.
inline void read_retry_after(const HttpResponse& r, ApiError& e) {
    e.retry_after = server_retry_delay(r, std::nullopt);
}

// Recovers what it can from a body that is not a JSON envelope.
inline void recover_from_text(const HttpResponse& r, ApiError& e) {
    std::string_view body = trim(r.body);
    std::int64_t code = 0;
    std::string text;
    // `ERROR 5404: Image not found`
    if (body.size() > 6 && iequals(body.substr(0, 5), "error") && (body[5] == ' ' || body[5] == ':')) {
        std::string_view rest = trim(body.substr(5));
        // Cloudflare's edge answers some refusals with the text
        // `error code: 1015` (rate limited), `error code: 1020`, ...
        if (rest.size() > 4 && iequals(rest.substr(0, 4), "code") && (rest[4] == ':' || rest[4] == ' '))
            rest = trim(rest.substr(4));
        if (!rest.empty() && rest.front() == ':') rest = trim(rest.substr(1));
        std::int64_t c = 0;
        if (leading_code(rest, c)) {
            code = c;
            // The code may end the body (`ERROR 5404`): nothing follows it.
            const std::size_t end = rest.find_first_not_of("0123456789");
            rest = end == std::string_view::npos ? std::string_view() : rest.substr(end);
            if (!rest.empty() && rest.front() == ':') rest.remove_prefix(1);
        }
        std::size_t eol = rest.find('\n');
        text = one_line(trim(rest.substr(0, eol)), 200);
    } else if (body.find("<html") != std::string_view::npos || body.find("<HTML") != std::string_view::npos ||
               (body.size() > 1 && body[0] == '<' && (body[1] == '!' || body[1] == '?'))) {
        std::size_t t0 = find_ci(body, "<title>");
        std::size_t t1 = t0 == std::string_view::npos ? t0 : find_ci(body.substr(t0), "</title>");
        if (t1 != std::string_view::npos) t1 += t0;
        text = status_text(e.http_status) + " (HTML body";
        if (t1 != std::string_view::npos) text.append(": ").append(one_line(body.substr(t0 + 7, t1 - t0 - 7), 120));
        text.push_back(')');
    } else if (!body.empty()) {
        text = one_line(body, 200);
    }
    // `cf-images: err=5404` names the code even when the body does not.
    if (code == 0) code = cf_images_code(r);
    if (code != 0 || !text.empty()) {
        Message m;
        m.code = code;
        m.message = text.empty() ? status_text(e.http_status) : text;
        e.errors.push_back(std::move(m));
    }
}

inline void finish_api_message(ApiError& e, std::string_view body) {
    if (!e.errors.empty() && !e.errors.front().message.empty()) {
        e.message = e.errors.front().message;
        if (e.errors.size() > 1) {
            e.message.append(" (and ");
            append_int(e.message, static_cast<std::int64_t>(e.errors.size() - 1));
            e.message.append(e.errors.size() == 2 ? " more error)" : " more errors)");
        }
    } else if (e.http_status >= 200 && e.http_status < 300) {
        e.message = "the server answered success: false without an error";
    } else {
        e.message = status_text(e.http_status);
        e.message.append(trim(body).empty() ? " with an empty body" : " without error details");
    }
}

inline bool looks_like_json(std::string_view body) noexcept {
    std::string_view t = trim(body);
    return !t.empty() && (t.front() == '{' || t.front() == '[');
}

// Builds the `api` error for a refused call from any body shape.
inline ApiError api_error(const HttpResponse& r, const boost::json::object* env) {
    ApiError e;
    e.kind = ErrorKind::api;
    e.http_status = r.status;
    if (env != nullptr) {
        read_messages(env->if_contains("errors"), e.errors);
        read_messages(env->if_contains("messages"), e.messages);
    }
    if (e.errors.empty()) {
        if (env == nullptr) recover_from_text(r, e);
        else recover_from_object(r, *env, e);
    }
    finish_api_message(e, r.body);
    read_retry_after(r, e);
    return e;
}

/// The parsed DOM of one response, in a monotonic arena sized from the
/// body (thrown away as a whole).
struct EnvelopeDoc {
    explicit EnvelopeDoc(std::size_t body_size) : arena(body_size + 1024) {}
    boost::json::monotonic_resource arena;
    boost::json::value doc;
    const boost::json::value* result = nullptr; ///< null for an absent/null result when allowed
};

/// Everything about an envelope that does not depend on the result type:
/// parse, refusals, shape. Returns the error, or nothing with `env.result`
/// pointing at `result` (nullptr: a null result the caller allows). One
/// out-of-line function, so each result type only adds its decoder.
CFIMAGES_NOINLINE inline std::optional<ApiError> open_envelope(const HttpResponse& r, bool null_result_ok,
                                                                EnvelopeDoc& out) {
    const bool ok = r.status >= 200 && r.status < 300;
    boost::system::error_code ec;
    bool parsed = false;
    if (looks_like_json(r.body)) {
        boost::json::parse_options opt;
        opt.max_depth = 64;
        out.doc = boost::json::parse(r.body, ec, &out.arena, opt);
        parsed = !ec;
    }
    const boost::json::object* env = parsed ? out.doc.if_object() : nullptr;
    if (env != nullptr) {
        if (const auto* s = env->if_contains("success"); s != nullptr && s->is_bool() && !s->get_bool())
            return api_error(r, env);
    }
    if (!ok) return api_error(r, env);

    const Path root{};
    if (!parsed) {
        if (trim(r.body).empty()) return decode_error(root, "empty, expected a JSON envelope");
        if (looks_like_json(r.body)) return decode_error(root, "invalid JSON (" + ec.message() + ")");
        return decode_error(root, "not JSON (" + one_line(r.body, 60) + ")");
    }
    if (env == nullptr) return type_error(root, "an object", out.doc);
    const auto* success = env->if_contains("success");
    if (success == nullptr) return decode_error(root.child("success"), "missing");
    if (!success->is_bool()) return type_error(root.child("success"), "a boolean", *success);
    const auto* result = env->if_contains("result");
    if (result == nullptr || result->is_null()) {
        if (null_result_ok) {
            out.result = nullptr;
            return std::nullopt;
        }
        return decode_error(root.child("result"), result == nullptr ? "missing" : "null");
    }
    out.result = result;
    return std::nullopt;
}

template <class T, class Decode>
Result<T> parse_envelope_body(const HttpResponse& r, Decode&& decode, bool null_result_ok) {
    EnvelopeDoc env(r.body.size());
    if (auto e = open_envelope(r, null_result_ok, env)) return std::move(*e);
    const Path root{};
    if (env.result == nullptr) {
        const boost::json::value null_value;
        return decode(null_value, root.child("result"));
    }
    return decode(*env.result, root.child("result"));
}

/// Parses an envelope response and hands `result` to `decode`, a callable
/// `(const boost::json::value& result, const Path& where) -> Result<T>`.
/// `null_result_ok` is for calls whose result carries nothing (delete).
/// Every error, `decode` ones included, carries the response's status:
/// `http_status` is 0 only when there was no response. (Answers carrying
/// images try the one-pass reader first: image_parse.hpp.)
template <class T, class Decode>
Result<T> parse_envelope(const HttpResponse& r, Decode&& decode, bool null_result_ok = false) {
    Result<T> res = parse_envelope_body<T>(r, std::forward<Decode>(decode), null_result_ok);
    if (!res.has_value()) res.error().http_status = r.status;
    return res;
}

// The result of a delete carries nothing (`{}`, sometimes null).
inline Result<Deleted> parse_deleted(const HttpResponse& r, const ParseContext&) {
    return parse_envelope<Deleted>(r, [](const boost::json::value&, const Path&) -> Result<Deleted> {
        return Deleted{};
    }, true);
}

} // namespace detail
} // namespace cfimages

#endif // CFIMAGES_DETAIL_ENVELOPE_HPP
