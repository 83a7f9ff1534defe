#ifndef CFIMAGES_FUZZ_COMMON_HPP
#define CFIMAGES_FUZZ_COMMON_HPP

// Shared invariant checks for the libFuzzer targets. A violated invariant
// prints what was expected and aborts, so libFuzzer records the input as a
// crash even though no sanitizer fired.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include <cfimages/http.hpp>
#include <cfimages/result.hpp>

namespace cfimages_fuzz {

[[noreturn]] inline void fail_check(const char* what, const char* file, int line) {
    std::fprintf(stderr, "\nINVARIANT VIOLATED at %s:%d: %s\n", file, line, what);
    std::fflush(stderr);
    std::abort();
}

#define FUZZ_CHECK(cond) \
    do { \
        if (!(cond)) ::cfimages_fuzz::fail_check(#cond, __FILE__, __LINE__); \
    } while (0)

// Longest one-line message an ApiError may carry. Errors built from a
// response quote at most a few hundred characters of it (one_line caps
// server text at 300) plus a short summary or a field path; refusals of
// caller input may quote one field of up to 1024 characters.
inline constexpr std::size_t max_response_message = 1024;
inline constexpr std::size_t max_message = 4096;

inline bool has_crlf_or_nul(std::string_view s) {
    return s.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
}

inline bool has_control(std::string_view s) {
    for (char ch : s) {
        auto c = static_cast<unsigned char>(ch);
        if (c < 0x20 || c == 0x7f) return true;
    }
    return false;
}

// The text of an error is for one log line: non-empty, no control
// characters (so no CR/LF), bounded.
inline void check_line(std::string_view s, bool may_be_empty) {
    FUZZ_CHECK(may_be_empty || !s.empty());
    FUZZ_CHECK(!has_control(s));
    FUZZ_CHECK(s.size() <= max_message);
}

inline void check_error(const cfimages::ApiError& e) {
    check_line(e.message, false);
    for (const auto& m : e.errors) {
        check_line(m.message, true);
        check_line(m.documentation_url, true);
        check_line(m.pointer, true);
    }
    for (const auto& m : e.messages) {
        check_line(m.message, true);
        check_line(m.documentation_url, true);
        check_line(m.pointer, true);
    }
    if (e.retry_after) FUZZ_CHECK(e.retry_after->count() >= 0);
}

// Exactly one of value and error; the error well formed.
template <class R>
void check_result(const R& r) {
    FUZZ_CHECK(r.has_value() == static_cast<bool>(r));
    if (r.has_value()) {
        FUZZ_CHECK(r.operator->() != nullptr);
    } else {
        check_error(r.error());
    }
}

inline bool is_unreserved(unsigned char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

inline int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

// True when `s` holds only unreserved characters and %XX escapes
// (upper-case hex), i.e. what percent_encode may produce.
inline bool is_encoded(std::string_view s) {
    for (std::size_t i = 0; i < s.size(); ++i) {
        auto c = static_cast<unsigned char>(s[i]);
        if (is_unreserved(c)) continue;
        if (c != '%' || i + 2 >= s.size()) return false;
        const char h = s[i + 1], l = s[i + 2];
        if (hex_value(h) < 0 || hex_value(l) < 0) return false;
        if ((h >= 'a' && h <= 'f') || (l >= 'a' && l <= 'f')) return false;
        i += 2;
    }
    return true;
}

// Decodes an `is_encoded` string; the caller checked the shape.
inline std::string decode(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%') {
            out.push_back(static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2])));
            i += 2;
        } else {
            out.push_back(s[i]);
        }
    }
    return out;
}

// Headers a codec produces are safe to put on the wire.
inline void check_headers(const cfimages::Headers& hs) {
    for (const auto& h : hs) {
        FUZZ_CHECK(!h.name.empty());
        FUZZ_CHECK(!has_crlf_or_nul(h.name));
        FUZZ_CHECK(!has_crlf_or_nul(h.value));
        for (char c : h.name) FUZZ_CHECK(c != ':' && c != ' ');
    }
}

// One part of a multipart/form-data body as read back by `parse_multipart`.
struct ParsedPart {
    std::string name;          // as written between the quotes (escapes kept)
    std::string filename;      // likewise; empty when absent
    bool has_filename = false;
    std::string content_type;  // empty when there is no Content-Type line
    std::string data;
};

// The quoted-string escaping the builder applies to names and filenames.
inline std::string quoted_escape(std::string_view v) {
    std::string out;
    for (char c : v) {
        if (c == '"') out.append("%22");
        else if (c == '\\') out.append("%5C");
        else out.push_back(c);
    }
    return out;
}

// Reads `name="<v>"` at `s[pos..]`; the value ends at the next quote.
inline bool read_param(std::string_view s, std::size_t& pos, std::string_view key, std::string& out) {
    if (s.substr(pos, key.size() + 2) != std::string(key) + "=\"") return false;
    pos += key.size() + 2;
    const std::size_t end = s.find('"', pos);
    if (end == std::string_view::npos) return false;
    out.assign(s.substr(pos, end - pos));
    pos = end + 1;
    return true;
}

// Splits a multipart/form-data body written with `boundary` back into its
// parts. Strict: anything but the exact layout the builder writes fails.
inline bool parse_multipart(std::string_view body, std::string_view boundary, std::vector<ParsedPart>& out) {
    const std::string open = "--" + std::string(boundary);
    const std::string delim = "\r\n" + open;
    std::size_t pos = 0;
    if (body.substr(0, open.size()) != open) return false;
    pos = open.size();
    while (true) {
        if (body.substr(pos) == "--\r\n") return pos + 4 == body.size();
        if (body.substr(pos, 2) != "\r\n") return false;
        pos += 2;
        const std::size_t hdr_end = body.find("\r\n\r\n", pos);
        if (hdr_end == std::string_view::npos) return false;
        std::string_view hdrs = body.substr(pos, hdr_end - pos);
        ParsedPart p;
        constexpr std::string_view cd = "Content-Disposition: form-data; ";
        if (hdrs.substr(0, cd.size()) != cd) return false;
        std::size_t h = cd.size();
        if (!read_param(hdrs, h, "name", p.name)) return false;
        if (hdrs.substr(h, 2) == "; ") {
            h += 2;
            if (!read_param(hdrs, h, "filename", p.filename)) return false;
            p.has_filename = true;
        }
        if (h != hdrs.size()) {
            constexpr std::string_view ct = "\r\nContent-Type: ";
            if (hdrs.substr(h, ct.size()) != ct) return false;
            p.content_type.assign(hdrs.substr(h + ct.size()));
            if (p.content_type.find('\n') != std::string::npos) return false;
        }
        pos = hdr_end + 4;
        const std::size_t end = body.find(delim, pos);
        if (end == std::string_view::npos) return false;
        p.data.assign(body.substr(pos, end - pos));
        out.push_back(std::move(p));
        pos = end + delim.size();
    }
}

// The boundary from a `multipart/form-data; boundary=...` Content-Type.
inline std::string boundary_of(std::string_view content_type) {
    constexpr std::string_view pre = "multipart/form-data; boundary=";
    if (content_type.substr(0, pre.size()) != pre) return {};
    return std::string(content_type.substr(pre.size()));
}

} // namespace cfimages_fuzz

#endif // CFIMAGES_FUZZ_COMMON_HPP
