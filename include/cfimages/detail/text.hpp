#ifndef CFIMAGES_DETAIL_TEXT_HPP
#define CFIMAGES_DETAIL_TEXT_HPP

// Small text machinery shared by builders and parsers: percent-encoding,
// integer printing, validation of the strings that end up in URLs and
// headers, and RFC 3339 time stamps (pure calendar arithmetic, no clock).

#include <array>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <cfimages/result.hpp>

namespace cfimages {
namespace detail {

inline bool is_unreserved(unsigned char c) noexcept {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '.' || c == '_' || c == '~';
}

// Percent-encodes everything outside RFC 3986's unreserved set. Used for
// path segments and query values alike: a custom ID `a/b` must travel as
// one segment `a%2Fb`, and `?`, `#`, `&`, `=`, `+` must never be read as
// syntax by a server or proxy.
// Runs of unreserved characters (all of a typical ID) are appended at
// once: a push_back per character cost more than the rest of the URL.
inline void percent_encode(std::string& out, std::string_view s) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::size_t i = 0;
    while (i < s.size()) {
        std::size_t j = i;
        while (j < s.size() && is_unreserved(static_cast<unsigned char>(s[j]))) ++j;
        out.append(s.data() + i, j - i);
        if (j == s.size()) break;
        const auto c = static_cast<unsigned char>(s[j]);
        const char esc[3] = {'%', hex[c >> 4], hex[c & 15]};
        out.append(esc, 3);
        i = j + 1;
    }
}

inline void append_int(std::string& out, std::int64_t v) {
    std::array<char, 24> buf{};
    auto r = std::to_chars(buf.data(), buf.data() + buf.size(), v);
    out.append(buf.data(), r.ptr);
}

inline std::string int_to_string(std::int64_t v) {
    std::string s;
    append_int(s, v);
    return s;
}

inline bool has_control(std::string_view s) noexcept {
    for (char ch : s) {
        auto c = static_cast<unsigned char>(ch);
        if (c < 0x20 || c == 0x7f) return true;
    }
    return false;
}

// True when `s` is well-formed UTF-8: no stray continuation bytes, no
// overlong forms, no surrogates, nothing past U+10FFFF. Text that ends up
// in a JSON string must be, or the body is not JSON.
inline bool is_utf8(std::string_view s) noexcept {
    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) {
            ++i;
            continue;
        }
        std::size_t n = 0;
        unsigned char lo = 0x80, hi = 0xBF;  // range of the first continuation byte
        if (c >= 0xC2 && c <= 0xDF) n = 1;
        else if (c == 0xE0) { n = 2; lo = 0xA0; }
        else if (c == 0xED) { n = 2; hi = 0x9F; }
        else if (c >= 0xE1 && c <= 0xEF) n = 2;
        else if (c == 0xF0) { n = 3; lo = 0x90; }
        else if (c >= 0xF1 && c <= 0xF3) n = 3;
        else if (c == 0xF4) { n = 3; hi = 0x8F; }
        else return false;
        if (s.size() - i - 1 < n) return false;
        for (std::size_t k = 1; k <= n; ++k) {
            const auto cc = static_cast<unsigned char>(s[i + k]);
            if (cc < (k == 1 ? lo : 0x80) || cc > (k == 1 ? hi : 0xBF)) return false;
        }
        i += n + 1;
    }
    return true;
}

// The number of code points in `s`, which must be well-formed UTF-8: the
// bytes that do not continue a sequence. The API counts lengths this way
// (JSON Schema's maxLength), so 600 "é" (1200 bytes) are 600 characters.
inline std::size_t utf8_length(std::string_view s) noexcept {
    std::size_t n = 0;
    for (char ch : s) n += (static_cast<unsigned char>(ch) & 0xC0) != 0x80 ? 1u : 0u;
    return n;
}

// True when `s` is UTF-8 of at most `max_chars` code points. Byte length
// bounds the count from above, so short text is not counted at all.
inline bool utf8_at_most(std::string_view s, std::size_t max_chars) noexcept {
    return s.size() <= max_chars || utf8_length(s) <= max_chars;
}

// A plain loop: find_first_of calls memchr over the set once per
// character, and every header value of every request passes here.
inline bool has_crlf(std::string_view s) noexcept {
    for (char c : s)
        if (c == '\r' || c == '\n' || c == '\0') return true;
    return false;
}

// A value that becomes one path segment: non-empty, not a dot segment
// (which servers and proxies collapse), no control characters, UTF-8 (IDs
// are JSON strings to the API) of at most `max_len` characters (code
// points, not bytes: a custom ID of 1024 "é" is 2048 bytes).
inline std::optional<ApiError> check_path_param(std::string_view field, std::string_view v,
                                                std::size_t max_len = 1024) {
    if (v.empty()) return ApiError::invalid(field, "must not be empty");
    if (v == "." || v == "..") return ApiError::invalid(field, "must not be '.' or '..'");
    // Every builder checks its account ID and most an image ID: one
    // branch-free pass settles printable ASCII, the usual case.
    bool printable_ascii = true;
    for (char ch : v) {
        const auto c = static_cast<unsigned char>(ch);
        printable_ascii &= c >= 0x20 && c < 0x7f;
    }
    if (!printable_ascii) {
        if (has_control(v)) return ApiError::invalid(field, "must not contain control characters");
        if (!is_utf8(v)) return ApiError::invalid(field, "must be valid UTF-8");
    }
    if (!utf8_at_most(v, max_len))
        return ApiError::invalid(field, "must be at most " + int_to_string(static_cast<std::int64_t>(max_len)) +
                                            " characters");
    return std::nullopt;
}

inline std::optional<ApiError> check_header_value(std::string_view field, std::string_view v) {
    if (has_crlf(v)) return ApiError::invalid(field, "must not contain CR, LF or NUL");
    return std::nullopt;
}

inline bool is_hex(char c) noexcept {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// 8-4-4-4-12 hex digits: Cloudflare refuses custom IDs of this shape
// because they would collide with its own generated IDs.
inline bool is_uuid(std::string_view s) noexcept {
    if (s.size() != 36) return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s[i] != '-') return false;
        } else if (!is_hex(s[i])) {
            return false;
        }
    }
    return true;
}

// Days since 1970-01-01 for a proleptic Gregorian date (H. Hinnant's
// days_from_civil); exact for every year we can meet.
constexpr std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) noexcept {
    y -= m <= 2 ? 1 : 0;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? static_cast<unsigned>(-3) : 9u)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct CivilDate {
    std::int64_t y;
    unsigned m, d;
};

constexpr CivilDate civil_from_days(std::int64_t z) noexcept {
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    return {y + (m <= 2 ? 1 : 0), m, d};
}

constexpr unsigned days_in_month(unsigned y, unsigned m) noexcept {
    constexpr unsigned char days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29u : days[(m - 1) % 12];
}

inline bool parse_digits(std::string_view s, std::size_t pos, std::size_t n, unsigned& out) noexcept {
    if (pos + n > s.size()) return false;
    unsigned v = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
        if (s[i] < '0' || s[i] > '9') return false;
        v = v * 10 + static_cast<unsigned>(s[i] - '0');
    }
    out = v;
    return true;
}

// True when `us` microseconds since the epoch fit system_clock's duration.
// With 64-bit nanoseconds (libstdc++) that is about the years 1678 to 2262:
// a server date outside it, such as Go's zero time `0001-01-01T00:00:00Z`,
// is refused instead of overflowing.
inline bool fits_system_clock(std::int64_t us) noexcept {
    using Dur = std::chrono::system_clock::duration;
    constexpr std::int64_t hi = std::chrono::duration_cast<std::chrono::microseconds>(Dur::max()).count();
    constexpr std::int64_t lo = std::chrono::duration_cast<std::chrono::microseconds>(Dur::min()).count();
    return us >= lo && us <= hi;
}

// Parses RFC 3339 (`2014-01-02T02:20:00.123Z`, `...+01:00`; fractional
// seconds of any length, kept to the microsecond).
inline std::optional<std::chrono::system_clock::time_point> parse_rfc3339(std::string_view s) noexcept {
    // The fixed-width head `YYYY-MM-DDTHH:MM:SS`, read without a loop
    // or a call per field: list pages hold one date per image.
    if (s.size() < 20) return std::nullopt;
    auto digit = [&s](std::size_t i) noexcept { return static_cast<unsigned>(static_cast<unsigned char>(s[i])) - '0'; };
    const bool bad = digit(0) > 9 || digit(1) > 9 || digit(2) > 9 || digit(3) > 9 || digit(5) > 9 ||
                     digit(6) > 9 || digit(8) > 9 || digit(9) > 9 || digit(11) > 9 || digit(12) > 9 ||
                     digit(14) > 9 || digit(15) > 9 || digit(17) > 9 || digit(18) > 9;
    if (bad || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
        s[13] != ':' || s[16] != ':')
        return std::nullopt;
    const unsigned Y = digit(0) * 1000 + digit(1) * 100 + digit(2) * 10 + digit(3);
    const unsigned M = digit(5) * 10 + digit(6), D = digit(8) * 10 + digit(9);
    const unsigned h = digit(11) * 10 + digit(12), mi = digit(14) * 10 + digit(15), sec = digit(17) * 10 + digit(18);
    if (M < 1 || M > 12 || D < 1 || D > days_in_month(Y, M) || h > 23 || mi > 59 || sec > 60)
        return std::nullopt;
    std::size_t i = 19;
    std::int64_t micros = 0;
    if (i < s.size() && s[i] == '.') {
        ++i;
        std::size_t start = i;
        int digits = 0;  // digits past the sixth are below a microsecond: dropped
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
            if (digits < 6) {
                micros = micros * 10 + (s[i] - '0');
                ++digits;
            }
            ++i;
        }
        if (i == start) return std::nullopt;
        for (; digits < 6; ++digits) micros *= 10;
    }
    std::int64_t offset = 0;
    if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) {
        ++i;
    } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
        unsigned oh = 0, om = 0;
        if (!parse_digits(s, i + 1, 2, oh) || i + 3 >= s.size() || s[i + 3] != ':' ||
            !parse_digits(s, i + 4, 2, om) || oh > 23 || om > 59)
            return std::nullopt;
        offset = (s[i] == '+' ? 1 : -1) * static_cast<std::int64_t>(oh * 3600 + om * 60);
        i += 6;
    } else {
        return std::nullopt;
    }
    if (i != s.size()) return std::nullopt;
    const std::int64_t secs = days_from_civil(Y, M, D) * 86400 + h * 3600 + mi * 60 + sec - offset;
    // |secs| < 4e11 for years 0000-9999, so this cannot overflow.
    const std::int64_t us = secs * 1000000 + micros;
    if (!fits_system_clock(us)) return std::nullopt;
    return std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::microseconds(us)));
}

// Formats as `YYYY-MM-DDTHH:MM:SSZ`, plus `.mmm` when there are milliseconds.
inline std::string format_rfc3339(std::chrono::system_clock::time_point tp) {
    using namespace std::chrono;
    const auto ms_total = duration_cast<milliseconds>(tp.time_since_epoch()).count();
    std::int64_t secs = ms_total / 1000;
    std::int64_t ms = ms_total % 1000;
    if (ms < 0) { ms += 1000; --secs; }
    std::int64_t days = secs / 86400;
    std::int64_t rem = secs % 86400;
    if (rem < 0) { rem += 86400; --days; }
    const CivilDate c = civil_from_days(days);
    char buf[32];
    auto two = [](char* p, std::int64_t v) { p[0] = static_cast<char>('0' + v / 10); p[1] = static_cast<char>('0' + v % 10); };
    std::int64_t y = c.y;
    if (y < 0 || y > 9999) y = y < 0 ? 0 : 9999;
    buf[0] = static_cast<char>('0' + y / 1000);
    buf[1] = static_cast<char>('0' + y / 100 % 10);
    buf[2] = static_cast<char>('0' + y / 10 % 10);
    buf[3] = static_cast<char>('0' + y % 10);
    buf[4] = '-'; two(buf + 5, c.m); buf[7] = '-'; two(buf + 8, c.d);
    buf[10] = 'T'; two(buf + 11, rem / 3600); buf[13] = ':'; two(buf + 14, rem / 60 % 60);
    buf[16] = ':'; two(buf + 17, rem % 60);
    std::size_t n = 19;
    if (ms != 0) {
        buf[n++] = '.';
        buf[n++] = static_cast<char>('0' + ms / 100);
        buf[n++] = static_cast<char>('0' + ms / 10 % 10);
        buf[n++] = static_cast<char>('0' + ms % 10);
    }
    buf[n++] = 'Z';
    return std::string(buf, n);
}

// Makes arbitrary server text fit one log line: control characters become
// spaces, runs of spaces collapse, and the result is capped.
inline std::string one_line(std::string_view s, std::size_t cap = 300) {
    std::string out;
    out.reserve(s.size() < cap ? s.size() : cap);
    bool space = false;
    for (char ch : s) {
        auto c = static_cast<unsigned char>(ch);
        if (c < 0x20 || c == 0x7f || c == ' ') {
            space = !out.empty();
            continue;
        }
        // The separating space counts too, so the result never exceeds cap + 3.
        if (out.size() + (space ? 1 : 0) >= cap) { out.append("..."); return out; }
        if (space) { out.push_back(' '); space = false; }
        out.push_back(ch);
    }
    return out;
}

// Appends `.key` to a field path for an error message (no dot on an empty
// path). The key may come from the caller's metadata or the server's
// variant names, so it is made printable and bounded.
inline void append_key(std::string& path, std::string_view key) {
    if (!path.empty()) path.push_back('.');
    path.append(one_line(key, 64));
}

// The value of a hex digit, or -1.
inline int hex_value(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Decodes %XX escapes; false on a malformed escape. '+' stays '+': in a
// path it is not a space.
inline bool percent_decode(std::string_view s, std::string& out) {
    out.clear();
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '%') {
            out.push_back(s[i]);
            continue;
        }
        if (i + 2 >= s.size()) return false;
        const int hi = hex_value(s[i + 1]);
        const int lo = hex_value(s[i + 2]);
        if (hi < 0 || lo < 0) return false;
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
    }
    return true;
}

// True when every '%' in s starts a well-formed escape.

} // namespace detail
} // namespace cfimages

#endif // CFIMAGES_DETAIL_TEXT_HPP
