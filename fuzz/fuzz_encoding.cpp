// libFuzzer target: the text machinery under every request and response:
// percent-encoding, path-parameter and custom-ID rules, RFC 3339 parsing
// and formatting, one_line, image sniffing and the multipart writer.
//
// Input: byte 0 picks the check, the rest is its input.
//
// Invariants: decode(percent_encode(x)) == x and the output holds only
// unreserved characters and %XX; an accepted path parameter or custom ID is
// UTF-8 of at most 1024 characters and encodes to one segment that is not
// a dot segment; parse_rfc3339(format_rfc3339(t)) is t
// truncated to milliseconds, and anything parse_rfc3339 accepts formats
// and parses back to itself at that precision; one_line output has no
// control characters, no doubled or edge spaces, and respects its cap;
// a multipart body never contains its boundary inside a part and reads
// back into exactly the parts it was built from.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <fuzzer/FuzzedDataProvider.h>

#include <cfimages/detail/multipart.hpp>
#include <cfimages/detail/params.hpp>
#include <cfimages/detail/text.hpp>

#include "common.hpp"

namespace {

using namespace cfimages;
namespace fz = cfimages_fuzz;
using std::chrono::milliseconds;
using std::chrono::system_clock;

// Characters of well-formed UTF-8: lead bytes, counted without the library.
std::size_t code_points(std::string_view s) {
    std::size_t n = 0;
    for (char c : s)
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
    return n;
}

void check_encode(std::string_view s) {
    std::string enc;
    detail::percent_encode(enc, s);
    FUZZ_CHECK(fz::is_encoded(enc));
    FUZZ_CHECK(fz::decode(enc) == s);
    FUZZ_CHECK(enc.size() <= 3 * s.size());
    for (char c : enc) FUZZ_CHECK(c != '/' && c != '?' && c != '#' && c != '&' && c != '=' && c != '+');

    if (!detail::check_path_param("id", s)) {
        FUZZ_CHECK(!s.empty() && s != "." && s != ".." && !fz::has_control(s));
        FUZZ_CHECK(detail::is_utf8(s) && code_points(s) <= 1024);
        FUZZ_CHECK(enc != "." && enc != ".." && enc.find('/') == std::string::npos);
    }
    if (!detail::check_custom_id("id", s, false)) {
        FUZZ_CHECK(!s.empty() && detail::is_utf8(s) && code_points(s) <= 1024 && !fz::has_control(s) &&
                   !detail::is_uuid(s));
        FUZZ_CHECK(s.front() != '/' && s.back() != '/' && s.find("//") == std::string_view::npos);
        FUZZ_CHECK(detail::check_custom_id("id", s, true).has_value());
    }
    if (!detail::check_header_value("v", s)) FUZZ_CHECK(!fz::has_crlf_or_nul(s));
}

system_clock::time_point truncate_ms(system_clock::time_point t) {
    return system_clock::time_point(std::chrono::duration_cast<milliseconds>(t.time_since_epoch()));
}

void check_format_round_trip(system_clock::time_point t) {
    const std::string f = detail::format_rfc3339(t);
    FUZZ_CHECK(f.size() == 20 || f.size() == 24);
    auto back = detail::parse_rfc3339(f);
    FUZZ_CHECK(back.has_value());
    FUZZ_CHECK(*back == truncate_ms(t));
    FUZZ_CHECK(detail::format_rfc3339(*back) == f);
}

void check_rfc3339(std::string_view s) {
    auto t = detail::parse_rfc3339(s);
    if (!t) return;
    FUZZ_CHECK(s.size() >= 20);
    check_format_round_trip(*t);
}

void check_one_line(std::string_view s, std::size_t cap) {
    const std::string o = detail::one_line(s, cap);
    FUZZ_CHECK(!fz::has_control(o));
    FUZZ_CHECK(o.size() <= cap + 3);
    FUZZ_CHECK(o.find("  ") == std::string::npos);
    if (!o.empty()) FUZZ_CHECK(o.front() != ' ' && o.back() != ' ');
    bool printable = false;
    for (char c : s)
        if (static_cast<unsigned char>(c) > 0x20 && c != 0x7f) printable = true;
    FUZZ_CHECK(o.empty() == !printable);
}

void check_multipart(FuzzedDataProvider& in) {
    // Names and filenames are free of control characters, as every caller
    // guarantees; data and content types are arbitrary.
    std::vector<std::string> store;
    const std::size_t n = in.ConsumeIntegralInRange<std::size_t>(0, 6);
    store.reserve(4 * n);
    std::vector<detail::Part> parts;
    for (std::size_t i = 0; i < n; ++i) {
        detail::Part p;
        store.push_back(in.ConsumeRandomLengthString(64));
        for (char& c : store.back())
            if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '_';
        if (store.back().empty()) store.back() = "f";
        p.name = store.back();
        if (in.ConsumeBool()) {
            store.push_back(in.ConsumeRandomLengthString(64));
            for (char& c : store.back())
                if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '_';
            p.filename = store.back();
        }
        if (in.ConsumeBool()) {
            store.push_back(in.ConsumeRandomLengthString(32));
            for (char& c : store.back())
                if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '_';
            p.content_type = store.back();
        }
        store.push_back(in.ConsumeRandomLengthString(4096));
        p.data = store.back();
        parts.push_back(p);
    }
    std::string body;
    const std::string type = detail::build_multipart(parts, body);
    const std::string boundary = fz::boundary_of(type);
    FUZZ_CHECK(!boundary.empty() && boundary.size() <= 70);
    for (char c : boundary) FUZZ_CHECK(fz::is_unreserved(static_cast<unsigned char>(c)));
    for (const auto& p : parts) {
        FUZZ_CHECK(p.data.find(boundary) == std::string_view::npos);
        FUZZ_CHECK(p.name.find(boundary) == std::string_view::npos);
        FUZZ_CHECK(p.filename.find(boundary) == std::string_view::npos);
    }
    std::vector<fz::ParsedPart> back;
    FUZZ_CHECK(fz::parse_multipart(body, boundary, back));
    FUZZ_CHECK(back.size() == parts.size());
    for (std::size_t i = 0; i < parts.size(); ++i) {
        FUZZ_CHECK(back[i].name == fz::quoted_escape(parts[i].name));
        FUZZ_CHECK(back[i].has_filename == !parts[i].filename.empty());
        FUZZ_CHECK(back[i].filename == fz::quoted_escape(parts[i].filename));
        FUZZ_CHECK(back[i].content_type == parts[i].content_type);
        FUZZ_CHECK(back[i].data == parts[i].data);
    }
    // Pure: the same parts give the same bytes.
    std::string again;
    FUZZ_CHECK(detail::build_multipart(parts, again) == type && again == body);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    const std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
    switch (data[0] % 6) {
    case 0: check_encode(rest); break;
    case 1: check_rfc3339(rest); break;
    case 2: {
        FuzzedDataProvider in(data + 1, size - 1);
        const auto ns = in.ConsumeIntegral<std::int64_t>();
        check_format_round_trip(system_clock::time_point(
            std::chrono::duration_cast<system_clock::duration>(std::chrono::nanoseconds(ns))));
        break;
    }
    case 3: check_one_line(rest.substr(rest.empty() ? 0 : 1), rest.empty() ? 300 : 1 + data[1] % 64 * 8); break;
    case 4: {
        const detail::Sniffed s = detail::sniff_image(rest);
        FUZZ_CHECK(s.type.empty() == s.ext.empty());
        if (!s.type.empty()) FUZZ_CHECK(s.type.substr(0, 6) == "image/");
        break;
    }
    default: {
        FuzzedDataProvider in(data + 1, size - 1);
        check_multipart(in);
        break;
    }
    }
    return 0;
}
