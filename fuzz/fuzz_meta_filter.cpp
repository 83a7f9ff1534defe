// libFuzzer target: v2::list metadata filters (meta_filter.hpp).
//
// Input: byte 0 picks the check, the rest is its input.
//
// Invariants: parse_meta_filter never crashes and refuses with an
// invalid_argument error and a one-line message; a filter it accepts uses
// an operator Cloudflare's list-v2 reference documents (eq and in, plain
// or typed), validates, and written back as `meta.field[op]=v1|v2` parses
// to the same filter; for random filters that validate, v2::list appends exactly
// `meta.<field parts>[op]=<values>` per filter, every field part and value
// made of unreserved characters and %XX that decode back to the input,
// never a raw '&', '=', '#', '|' or '.' from caller text.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <fuzzer/FuzzedDataProvider.h>

#include <cfimages/meta_filter.hpp>
#include <cfimages/v2.hpp>

#include "common.hpp"

namespace {

using namespace cfimages;
using namespace cfimages::v2;
namespace fz = cfimages_fuzz;

template <class T>
void check_refusal(const Result<T>& r) {
    fz::check_result(r);
    if (!r) FUZZ_CHECK(r.error().kind == ErrorKind::invalid_argument && r.error().http_status == 0);
}

std::string as_text(const MetaFilter& f) {
    std::string t = "meta." + f.field + "[" + std::string(to_string(f.op)) + "]=";
    for (std::size_t i = 0; i < f.values.size(); ++i) {
        if (i != 0) t.push_back('|');
        t += f.values[i];
    }
    return t;
}

void check_parse(std::string_view text) {
    const Result<MetaFilter> f = parse_meta_filter(text);
    check_refusal(f);
    if (!f) return;
    const std::string_view op = to_string(f->op);
    FUZZ_CHECK(op == "eq" || op == "eq:string" || op == "eq:number" || op == "eq:boolean" || op == "in" ||
               op == "in:string" || op == "in:number");
    FUZZ_CHECK(!validate({*f}).has_value());
    const Result<MetaFilter> back = parse_meta_filter(as_text(*f));
    FUZZ_CHECK(back.has_value() && *back == *f);
}

// Reads `meta.<enc>(.<enc>)*[op]=<enc>(|<enc>)*` at the front of `q`.
void check_encoded(std::string_view& q, const MetaFilter& f) {
    FUZZ_CHECK(q.substr(0, 5) == "meta.");
    q.remove_prefix(5);
    const std::size_t open = q.find('[');
    FUZZ_CHECK(open != std::string_view::npos);
    std::string field;
    std::string_view parts = q.substr(0, open);
    while (true) {
        const std::size_t dot = parts.find('.');
        const std::string_view p = parts.substr(0, dot);
        FUZZ_CHECK(!p.empty() && fz::is_encoded(p));
        field += fz::decode(p);
        if (dot == std::string_view::npos) break;
        field.push_back('.');
        parts.remove_prefix(dot + 1);
    }
    FUZZ_CHECK(field == f.field);
    q.remove_prefix(open + 1);
    const std::string op = std::string(to_string(f.op)) + "]=";
    FUZZ_CHECK(q.substr(0, op.size()) == op);
    q.remove_prefix(op.size());
    std::size_t end = q.find('&');
    if (end == std::string_view::npos) end = q.size();
    std::string_view vals = q.substr(0, end);
    for (std::size_t i = 0; i < f.values.size(); ++i) {
        const std::size_t bar = i + 1 < f.values.size() ? vals.find('|') : vals.size();
        FUZZ_CHECK(bar != std::string_view::npos);
        const std::string_view v = vals.substr(0, bar);
        FUZZ_CHECK(fz::is_encoded(v));
        FUZZ_CHECK(fz::decode(v) == f.values[i]);
        vals.remove_prefix(bar == vals.size() ? bar : bar + 1);
    }
    FUZZ_CHECK(vals.empty());
    q.remove_prefix(end);
}

void check_list(FuzzedDataProvider& in) {
    ListParams p;
    const std::size_t n = in.ConsumeIntegralInRange<std::size_t>(0, 6);
    for (std::size_t i = 0; i < n; ++i) {
        MetaFilter f;
        f.field = in.ConsumeBool() ? in.PickValueInArray<const char*>({"status", "a.b.c", "x y/z"})
                                   : in.ConsumeRandomLengthString(64);
        // The documented operators, and one value past them (refused).
        f.op = static_cast<MetaOp>(in.ConsumeIntegralInRange<int>(0, static_cast<int>(MetaOp::in_number) + 1));
        const std::size_t nv = in.ConsumeIntegralInRange<std::size_t>(0, 11);
        for (std::size_t k = 0; k < nv; ++k)
            f.values.push_back(in.ConsumeBool() ? in.PickValueInArray<const char*>({"1", "-2.5e3", "true", "a&b=c#d"})
                                                : in.ConsumeRandomLengthString(40));
        p.meta.push_back(std::move(f));
    }
    if (in.ConsumeBool()) p.creator = in.ConsumeRandomLengthString(20);
    Config cfg;
    cfg.account_id = "acc";
    cfg.credentials = ApiToken{"t"};
    const auto r = v2::list(cfg, p);
    check_refusal(r);
    if (validate(p.meta)) FUZZ_CHECK(!r.has_value());
    if (!r) return;
    fz::check_headers(r->http.headers);
    const std::string& url = r->http.url;
    FUZZ_CHECK(url.find('#') == std::string::npos);
    std::string_view q = url;
    const std::size_t qm = q.find('?');
    if (p.meta.empty()) return;
    FUZZ_CHECK(qm != std::string_view::npos);
    // The meta filters come after the documented parameters.
    // ('.' is unreserved, so "meta." may occur inside an encoded creator;
    // "&meta." may not.)
    std::size_t first = qm + 1;
    if (q.substr(first, 5) != "meta.") {
        first = q.find("&meta.", qm);
        FUZZ_CHECK(first != std::string_view::npos);
        ++first;
    }
    q.remove_prefix(first);
    for (std::size_t i = 0; i < p.meta.size(); ++i) {
        if (i != 0) {
            FUZZ_CHECK(!q.empty() && q.front() == '&');
            q.remove_prefix(1);
        }
        check_encoded(q, p.meta[i]);
    }
    FUZZ_CHECK(q.empty());
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    const std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
    if (data[0] % 2 == 0) {
        check_parse(rest);
    } else {
        FuzzedDataProvider in(data + 1, size - 1);
        check_list(in);
    }
    return 0;
}
