#ifndef CFIMAGES_DETAIL_FAST_PAGE_HPP
#define CFIMAGES_DETAIL_FAST_PAGE_HPP

// How this works
// --------------
// The one reader that writes `Image` fields, for every answer that
// carries images (get, upload, edit, both list pages). It reads the shape
// a successful answer has in practice (plain ASCII or valid UTF-8 strings
// without escapes, integers, no duplicate fields): it scans the body once
// and writes each field straight into its `Image`, with no DOM and no
// callback per token. The field map is image_fields.hpp, shared with the
// fallback.
//
// It never decides anything on its own: on the first byte it is not sure
// about (an escape, a fraction or exponent, a duplicate key, deep
// nesting, a date it cannot parse, `success` not `true`, malformed JSON)
// it returns false, and the DOM path (envelope.hpp, decode.hpp) starts
// over and judges: it decodes what is valid and names the field of what
// is not. So whatever this reader accepts is valid JSON that the DOM path
// would decode to the same value; fuzz/fuzz_page_decode.cpp checks exactly
// that. Declining costs one extra parse, almost only on answers that are
// errors anyway.
//
// `meta` is built by Boost.JSON's own `value_stack`, as the DOM parser
// builds it, so duplicate keys inside it resolve the same way; on a page,
// its memory comes from one arena per page (page_arena.hpp).

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>
#include <boost/json/value_stack.hpp>

#include <cfimages/detail/image_fields.hpp>

#include <cfimages/detail/page_arena.hpp>
#include <cfimages/detail/sse2.hpp>
#include <cfimages/detail/text.hpp>
#include <cfimages/models.hpp>

namespace cfimages {
namespace detail {

// Field writers: they overwrite a reused Image in place, keeping the
// capacity of the strings it already holds.
inline void assign_reusing(std::optional<std::string>& field, std::string_view v) {
    if (field) field->assign(v.data(), v.size());
    else field.emplace(v);
}

// Replaces `meta` with `with`, memory resource included: assignment
// would keep `meta`'s own resource and copy into it (an earlier page's
// arena, which would then grow with every reuse).
inline void replace_meta(boost::json::object& meta, boost::json::object&& with) noexcept {
    meta.~object();
    ::new (static_cast<void*>(&meta)) boost::json::object(std::move(with));
}

// Sets URL `n` of `vs` (the first `n` are this page's already).
inline void set_variant(std::vector<std::string>& vs, std::size_t n, std::string_view v) {
    if (n < vs.size()) {
        vs[n].assign(v.data(), v.size());
    } else {
        if (vs.capacity() == 0) vs.reserve(4);  // one allocation for the usual 1-4 URLs
        vs.emplace_back(v);
    }
}

class FastPageReader {
public:
    /// A list page: `images` is decoded into, reusing the elements it
    /// holds (trimmed to the page on success; unspecified contents on
    /// failure).
    FastPageReader(std::string_view body, std::vector<Image>& images) noexcept
        : begin_(body.data()), p_(body.data()), end_(body.data() + body.size()), images_(&images) {}

    /// One image (`result` is the image itself).
    explicit FastPageReader(std::string_view body) noexcept
        : begin_(body.data()), p_(body.data()), end_(body.data() + body.size()) {}

    /// Reads the whole body as a page envelope; false when the fallback
    /// must decide.
    bool read() { return images_ != nullptr && read_envelope(nullptr); }

    /// Reads the whole body as an envelope whose result is one image,
    /// into `img` (default-constructed); false when the fallback must decide.
    bool read_one(Image& img) { return images_ == nullptr && read_envelope(&img); }

    /// The page's `continuation_token` (nullopt: absent or null).
    std::optional<std::string>& continuation_token() noexcept { return token_; }

private:
    static constexpr int max_depth = 32;  // deeper: the fallback

    // `{"success": true, "result": ..., ...}`; other members are skipped.
    bool read_envelope(Image* one) {
        bool success = false, result = false;
        if (!open('{')) return false;
        if (peek_is('}')) return false;  // no success, no result
        for (;;) {
            std::string_view key;
            if (!read_key(key)) return false;
            if (is(key, "success")) {
                if (success || !literal("true")) return false;  // false: an error, for the DOM path
                success = true;
            } else if (is(key, "result")) {
                if (result || !(one != nullptr ? read_image(*one) : read_result())) return false;
                result = true;
            } else if (!skip_value(0)) {
                return false;
            }
            if (!next_member('}')) return false;
            if (closed_) break;
        }
        skip_ws();
        return success && result && p_ == end_;
    }

    // ------------------------------------------------------------ tokens
    // A key equal to a literal: a fixed-size compare the compiler inlines
    // (string_view's == called memcmp for every key of every image).
    template <std::size_t N>
    static bool is(std::string_view key, const char (&lit)[N]) noexcept {
        return key.size() == N - 1 && std::memcmp(key.data(), lit, N - 1) == 0;
    }
    static bool is_ws(char c) noexcept { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }
    void skip_ws() noexcept {
        while (p_ != end_ && is_ws(*p_)) ++p_;
    }
    bool peek_is(char c) noexcept {
        skip_ws();
        return p_ != end_ && *p_ == c;
    }
    bool open(char c) noexcept {
        if (!peek_is(c)) return false;
        ++p_;
        return true;
    }
    // After a member or element: ',' (more follow) or `close` (sets closed_).
    bool next_member(char close) noexcept {
        skip_ws();
        if (p_ == end_) return false;
        if (*p_ == ',') {
            ++p_;
            closed_ = false;
            return true;
        }
        if (*p_ == close) {
            ++p_;
            closed_ = true;
            return true;
        }
        return false;
    }
    bool literal(std::string_view word) noexcept {
        skip_ws();
        if (static_cast<std::size_t>(end_ - p_) < word.size() || std::memcmp(p_, word.data(), word.size()) != 0)
            return false;
        p_ += word.size();
        return true;
    }
    // A string without escapes, as a view into the body. Non-ASCII bytes
    // must form valid UTF-8, as Boost.JSON requires.
    bool read_string(std::string_view& out) noexcept {
        if (!open('"')) return false;
        const char* start = p_;
        for (;;) {
            p_ = scan_plain(p_, end_);
            if (p_ == end_) return false;
            const auto c = static_cast<unsigned char>(*p_);
            if (c == '"') break;
            if (c < 0x80) return false;  // an escape or a control character
            const char* next = utf8_sequence(p_, end_);
            if (next == nullptr) return false;
            p_ = next;
        }
        out = std::string_view(start, static_cast<std::size_t>(p_ - start));
        ++p_;
        return true;
    }
    bool read_key(std::string_view& key) noexcept {
        if (!read_string(key)) return false;
        return open(':');
    }
    // True when the next value is `null` (consumed).
    bool take_null() noexcept {
        skip_ws();
        if (static_cast<std::size_t>(end_ - p_) >= 4 && std::memcmp(p_, "null", 4) == 0) {
            p_ += 4;
            return true;
        }
        return false;
    }
    bool read_bool(bool& out) noexcept {
        skip_ws();
        if (literal("true")) out = true;
        else if (literal("false")) out = false;
        else return false;
        return true;
    }
    // An integer of at most 18 digits (so it fits int64 exactly, as
    // Boost.JSON would store it), not -0; anything else declines.
    bool read_int(std::int64_t& out) noexcept {
        skip_ws();
        const bool neg = p_ != end_ && *p_ == '-';
        const char* d = p_ + (neg ? 1 : 0);
        const char* q = d;
        std::int64_t v = 0;
        while (q != end_ && *q >= '0' && *q <= '9' && q - d < 18) v = v * 10 + (*q++ - '0');
        const auto n = q - d;
        if (n == 0 || (n > 1 && *d == '0') || (neg && v == 0)) return false;
        // A 19th digit, a fraction or an exponent: Boost.JSON's reader decides.
        if (q != end_ && (*q == '.' || *q == 'e' || *q == 'E' || (*q >= '0' && *q <= '9'))) return false;
        out = neg ? -v : v;
        p_ = q;
        return true;
    }

    // Skips any value this reader understands, checking it as it goes.
    bool skip_value(int depth) noexcept {
        skip_ws();
        if (p_ == end_) return false;
        std::string_view s;
        std::int64_t i = 0;
        bool b = false;
        switch (*p_) {
        case '"': return read_string(s);
        case '{':
            if (depth >= max_depth) return false;
            ++p_;
            if (open('}')) return true;
            do {
                if (!read_key(s) || !skip_value(depth + 1) || !next_member('}')) return false;
            } while (!closed_);
            return true;
        case '[':
            if (depth >= max_depth) return false;
            ++p_;
            if (open(']')) return true;
            do {
                if (!skip_value(depth + 1) || !next_member(']')) return false;
            } while (!closed_);
            return true;
        case 't':
        case 'f': return read_bool(b);
        case 'n': return take_null();
        default: return read_int(i);
        }
    }

    // A value inside `meta`, pushed as Boost.JSON's parser would push it
    // (building the objects in place was slower: they regrow and search
    // for duplicates on every key).
    bool push_value(int depth) {
        skip_ws();
        if (p_ == end_) return false;
        std::string_view s;
        switch (*p_) {
        case '"':
            if (!read_string(s)) return false;
            st_.push_string(boost::json::string_view(s.data(), s.size()));
            return true;
        case '{': return push_object(depth + 1);
        case '[': {
            if (depth + 1 >= max_depth) return false;
            ++p_;
            std::size_t n = 0;
            if (!open(']')) {
                do {
                    if (!push_value(depth + 1) || !next_member(']')) return false;
                    ++n;
                } while (!closed_);
            }
            st_.push_array(n);
            return true;
        }
        case 't':
        case 'f': {
            bool b = false;
            if (!read_bool(b)) return false;
            st_.push_bool(b);
            return true;
        }
        case 'n':
            if (!take_null()) return false;
            st_.push_null();
            return true;
        default: {
            std::int64_t i = 0;
            if (!read_int(i)) return false;
            st_.push_int64(i);
            return true;
        }
        }
    }
    bool push_object(int depth) {
        if (depth >= max_depth || !open('{')) return false;
        std::size_t n = 0;
        if (!open('}')) {
            do {
                std::string_view k;
                if (!read_key(k)) return false;
                st_.push_key(boost::json::string_view(k.data(), k.size()));
                if (!push_value(depth) || !next_member('}')) return false;
                ++n;
            } while (!closed_);
        }
        st_.push_object(n);
        return true;
    }

    // ------------------------------------------------------------ page
    bool read_result() {
        if (!open('{')) return false;
        bool images = false, token = false;
        if (open('}')) return false;  // no images
        do {
            std::string_view key;
            if (!read_key(key)) return false;
            if (is(key, "images")) {
                if (images || !read_images()) return false;
                images = true;
            } else if (is(key, "continuation_token")) {
                if (token) return false;
                token = true;
                std::string_view s;
                if (!take_null()) {
                    if (!read_string(s)) return false;
                    token_.emplace(s);
                }
            } else if (!skip_value(1)) {  // fields the page types do not hold
                return false;
            }
            if (!next_member('}')) return false;
        } while (!closed_);
        return images;
    }

    bool read_images() {
        std::vector<Image>& images = *images_;
        std::size_t used = 0;
        if (take_null()) {
            images.clear();
            return true;
        }
        if (!open('[')) return false;
        if (!open(']')) {
            do {
                if (used == images.size()) images.emplace_back();
                if (!read_image(images[used++]) || !next_member(']')) return false;
            } while (!closed_);
        }
        images.erase(images.begin() + static_cast<std::ptrdiff_t>(used), images.end());
        return true;
    }

    // An image object, over whatever `img` held (a reused image).
    bool read_image(Image& img) {
        if (!open('{')) return false;
        unsigned seen = 0;
        if (open('}')) return false;  // no id
        do {
            std::string_view key;
            if (!read_key(key)) return false;
            bool known = false, ok = true;
            unsigned bit = 1;
            visit_image_fields(img, [&](const auto& name, auto& field) {
                if (!is(key, name)) {
                    bit <<= 1;
                    return true;
                }
                known = true;
                // A duplicate: the DOM's "last wins" decides.
                ok = (seen & bit) == 0 && read_field(field);
                seen |= bit;
                return false;
            });
            if (!ok || (!known && !skip_value(1)) || !next_member('}')) return false;
        } while (!closed_);
        // Absent fields take their defaults; an absent required one declines.
        unsigned bit = 1;
        return visit_image_fields(img, [&](const auto&, auto& field) {
            const bool present = (seen & bit) != 0;
            bit <<= 1;
            return present || reset_field(field);
        });
    }

    // One reader per member type of image_fields.hpp. Null gives the
    // default, except for a required (plain string) field.
    bool read_field(std::string& out) {
        std::string_view s;
        if (!read_string(s)) return false;
        out.assign(s.data(), s.size());
        return true;
    }
    bool read_field(std::optional<std::string>& out) {
        std::string_view s;
        if (take_null()) out.reset();
        else if (read_string(s)) assign_reusing(out, s);
        else return false;
        return true;
    }
    bool read_field(bool& out) {
        if (take_null()) out = false;
        else if (!read_bool(out)) return false;
        return true;
    }
    bool read_field(std::chrono::system_clock::time_point& out) {
        if (take_null()) {
            out = {};
            return true;
        }
        std::string_view s;
        if (!read_string(s)) return false;
        auto tp = parse_rfc3339(s);
        if (!tp) return false;
        out = *tp;
        return true;
    }
    bool read_field(std::vector<std::string>& out) {
        if (take_null()) {
            out.clear();
            return true;
        }
        return read_variants(out);
    }
    bool read_field(boost::json::object& meta) {
        if (take_null()) {
            replace_meta(meta, boost::json::object());
            return true;
        }
        if (images_ != nullptr && !arena_.is_shared()) {  // a page, still on the default resource
            // Sized so a page's metadata rarely needs a second block.
            const std::size_t first = static_cast<std::size_t>(end_ - begin_) / 8;
            arena_ = boost::json::make_shared_resource<PageArena>(
                first < 4096 ? 4096 : first > (1u << 20) ? (1u << 20) : first);
        }
        st_.reset(arena_);
        if (!push_object(1)) return false;
        boost::json::value built = st_.release();
        // An empty meta holds no memory, and no reference to the arena.
        replace_meta(meta, built.get_object().empty() ? boost::json::object() : std::move(built.get_object()));
        return true;
    }

    // The default of an absent field; false for a required one.
    static bool reset_field(std::string&) noexcept { return false; }
    static bool reset_field(std::optional<std::string>& f) noexcept {
        f.reset();
        return true;
    }
    static bool reset_field(bool& f) noexcept {
        f = false;
        return true;
    }
    static bool reset_field(std::chrono::system_clock::time_point& f) noexcept {
        f = {};
        return true;
    }
    static bool reset_field(std::vector<std::string>& f) noexcept {
        f.clear();
        return true;
    }
    static bool reset_field(boost::json::object& f) noexcept {
        replace_meta(f, boost::json::object());
        return true;
    }

    bool read_variants(std::vector<std::string>& vs) {
        if (!open('[')) return false;
        std::size_t n = 0;
        if (!open(']')) {
            do {
                std::string_view s;
                if (!read_string(s)) return false;
                set_variant(vs, n++, s);
                if (!next_member(']')) return false;
            } while (!closed_);
        }
        vs.erase(vs.begin() + static_cast<std::ptrdiff_t>(n), vs.end());
        return true;
    }

    // ------------------------------------------------------------ bytes
    // Returns the first byte at or after `p` that is not plain printable
    // ASCII other than '"' and '\\' (or `end`).
    static const char* scan_plain(const char* p, const char* end) noexcept {
#if defined(CFIMAGES_SSE2)
        const __m128i quote = _mm_set1_epi8('"');
        const __m128i backslash = _mm_set1_epi8('\\');
        const __m128i space = _mm_set1_epi8(0x20);
        while (end - p >= 16) {
            const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
            // Signed compare: bytes >= 0x80 are negative, so they count as < 0x20 too.
            const __m128i stop = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)),
                                              _mm_cmplt_epi8(v, space));
            const int mask = _mm_movemask_epi8(stop);
            if (mask != 0) return p + ctz(static_cast<unsigned>(mask));
            p += 16;
        }
#endif
        while (p != end) {
            const auto c = static_cast<unsigned char>(*p);
            if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80) return p;
            ++p;
        }
        return p;
    }

    static int ctz(unsigned x) noexcept {
#if defined(__GNUC__) || defined(__clang__)
        return __builtin_ctz(x);
#else
        int n = 0;
        while ((x & 1u) == 0) {
            x >>= 1;
            ++n;
        }
        return n;
#endif
    }

    // One UTF-8 sequence starting at a byte >= 0x80: the byte after it, or
    // nullptr when it is not well formed (RFC 3629: no overlongs, no
    // surrogates, nothing above U+10FFFF).
    static const char* utf8_sequence(const char* p, const char* end) noexcept {
        const auto b0 = static_cast<unsigned char>(p[0]);
        auto at = [&](std::ptrdiff_t i) { return static_cast<unsigned char>(p[i]); };
        auto cont = [&](std::ptrdiff_t i) { return p + i < end && (at(i) & 0xC0) == 0x80; };
        if (b0 >= 0xC2 && b0 <= 0xDF) return cont(1) ? p + 2 : nullptr;
        if (b0 >= 0xE0 && b0 <= 0xEF) {
            if (!cont(1) || !cont(2)) return nullptr;
            if (b0 == 0xE0 && at(1) < 0xA0) return nullptr;  // overlong
            if (b0 == 0xED && at(1) > 0x9F) return nullptr;  // surrogate
            return p + 3;
        }
        if (b0 >= 0xF0 && b0 <= 0xF4) {
            if (!cont(1) || !cont(2) || !cont(3)) return nullptr;
            if (b0 == 0xF0 && at(1) < 0x90) return nullptr;  // overlong
            if (b0 == 0xF4 && at(1) > 0x8F) return nullptr;  // above U+10FFFF
            return p + 4;
        }
        return nullptr;
    }

    const char* begin_;
    const char* p_;
    const char* end_;
    bool closed_ = false;
    std::vector<Image>* images_ = nullptr;  // null: reading one image
    std::optional<std::string> token_;
    boost::json::storage_ptr arena_;  // for every meta of this page; made on the first one
    boost::json::value_stack st_;
};

} // namespace detail
} // namespace cfimages

#endif // CFIMAGES_DETAIL_FAST_PAGE_HPP
