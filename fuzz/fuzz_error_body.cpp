// libFuzzer target: the recognizer that turns a refused call's body (JSON
// envelope, `ERROR 5404: ...` text, HTML from a proxy, anything) into an
// ApiError: detail::api_error and detail::recover_from_text.
//
// Input layout:
//   byte 0  status (index into a table, or raw for values >= 64)
//   byte 1  flags: bit 0 cf-images header, bit 1 retry-after, bit 2
//           retry-after-ms (each takes a length byte and its value, in bit
//           order); bit 3 "ERROR <code>: <text>" mode (the next 4 bytes are
//           the code, the rest the text)
//   rest    body
//
// Invariants: kind api, the response status, a non-empty single-line
// bounded message (errors' texts single-line too); a code written as
// `ERROR <code>:` is recovered; a JSON envelope's `errors` entries are all
// kept, and a JSON object without such entries (`{"code":5550}`,
// `{"message":...}`, `errors` as an object) gives at most one error, whose
// code is the top-level `code` when that is a number; the same input gives
// the same error.

#include <cstddef>
#include <cstdint>
#include <string>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <cfimages/detail/envelope.hpp>

#include "common.hpp"

namespace {

using namespace cfimages;

constexpr int statuses[] = {400, 401, 403, 404, 405, 408, 409, 413, 415, 422, 429, 500, 502, 503, 504, 200,
                            0,   -1,  100, 302, 599, 600, 999, 2147483647, -2147483647 - 1, 204, 299, 301,
                            418, 451, 520, 530};

void check_same(const ApiError& a, const ApiError& b) {
    FUZZ_CHECK(a.kind == b.kind && a.http_status == b.http_status && a.message == b.message);
    FUZZ_CHECK(a.errors == b.errors && a.messages == b.messages && a.retry_after == b.retry_after);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    HttpResponse r;
    r.status = data[0] < 64 ? statuses[data[0] % 32] : 100 + static_cast<int>(data[0] - 64) * 3;
    const unsigned flags = data[1];
    std::size_t pos = 2;
    static const char* const names[] = {"cf-images", "retry-after", "retry-after-ms"};
    for (unsigned bit = 0; bit < 3; ++bit) {
        if ((flags & (1u << bit)) == 0) continue;
        if (pos >= size) break;
        std::size_t len = data[pos++];
        if (len > size - pos) len = size - pos;
        r.headers.push_back({names[bit], std::string(reinterpret_cast<const char*>(data + pos), len)});
        pos += len;
    }
    std::int64_t want_code = 0;
    if ((flags & 8) != 0 && size - pos >= 4) {
        std::uint32_t c = 0;
        for (int i = 0; i < 4; ++i) c = (c << 8) | data[pos++];
        want_code = static_cast<std::int64_t>(c % 100000000u) + 1;
        r.body = "ERROR " + std::to_string(want_code) + ": ";
    }
    r.body.append(reinterpret_cast<const char*>(data + pos), size - pos);

    // As text (no envelope).
    ApiError e = detail::api_error(r, nullptr);
    FUZZ_CHECK(e.kind == ErrorKind::api);
    FUZZ_CHECK(e.http_status == r.status);
    cfimages_fuzz::check_error(e);
    FUZZ_CHECK(e.message.size() <= cfimages_fuzz::max_response_message);
    check_same(e, detail::api_error(r, nullptr));
    if (want_code != 0) {
        FUZZ_CHECK(e.code() == want_code);
        FUZZ_CHECK(!e.errors.empty() && !e.errors.front().message.empty());
    }

    ApiError t;
    t.http_status = r.status;
    detail::recover_from_text(r, t);
    FUZZ_CHECK(t.errors.size() <= 1);
    for (const auto& m : t.errors) cfimages_fuzz::check_line(m.message, false);

    // As an envelope, when the body is a JSON object.
    boost::system::error_code ec;
    boost::json::parse_options opt;
    opt.max_depth = 64;
    boost::json::value doc = boost::json::parse(r.body, ec, {}, opt);
    if (!ec && doc.is_object()) {
        const boost::json::object& env = doc.get_object();
        ApiError j = detail::api_error(r, &env);
        FUZZ_CHECK(j.kind == ErrorKind::api && j.http_status == r.status);
        cfimages_fuzz::check_error(j);
        FUZZ_CHECK(j.message.size() <= cfimages_fuzz::max_response_message);
        std::size_t kept = 0;
        if (const auto* errs = env.if_contains("errors"); errs != nullptr && errs->is_array())
            for (const auto& item : errs->get_array())
                if (item.is_object() || item.is_string()) ++kept;
        if (kept > 0) {
            FUZZ_CHECK(j.errors.size() == kept);
        } else {
            FUZZ_CHECK(j.errors.size() <= 1);
            const boost::json::value* code = env.if_contains("code");
            const boost::json::value* errs = env.if_contains("errors");
            const boost::json::value* err = env.if_contains("error");
            const bool entry_elsewhere = (errs != nullptr && errs->is_object() &&
                                          (errs->get_object().contains("code") ||
                                           errs->get_object().contains("message"))) ||
                                         (err != nullptr && err->is_object());
            if (!entry_elsewhere && code != nullptr && code->is_int64() && code->get_int64() != 0)
                FUZZ_CHECK(j.code() == code->get_int64());
        }
        check_same(j, detail::api_error(r, &env));
    }
    return 0;
}
