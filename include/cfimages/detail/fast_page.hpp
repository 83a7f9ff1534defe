#ifndef CFIMAGES_DETAIL_FAST_PAGE_HPP
#define CFIMAGES_DETAIL_FAST_PAGE_HPP

// How this works
// --------------
// The first of three readers for a list page, tried in order:
//
//   1. this one: a strict reader for the shape a successful page has in
//      practice (plain ASCII or valid UTF-8 strings without escapes,
//      integers, no duplicate fields). It scans the body once, writes
//      each field straight into its `Image` and never calls back per
//      token, which is what made the SAX reader cost ~1 us per image;
//   2. the SAX reader on `boost::json::basic_parser` (stream_decode.hpp),
//      for any well-formed success this one declines;
//   3. the DOM path (envelope.hpp), which judges everything else and
//      words every error.
//
// It never decides anything on its own: on the first byte it is not sure
// about (an escape, a fraction or exponent, a duplicate key, an unknown
// key in `result`, deep nesting, a date it cannot parse, malformed JSON)
// it returns false and the next reader starts over. So whatever it
// accepts is valid JSON that the DOM path would decode to the same page;
// fuzz/fuzz_page_decode.cpp checks exactly that.
//
// `meta` is built by Boost.JSON's own `value_stack`, as the DOM parser
// builds it, so duplicate keys inside it resolve the same way; its memory
// comes from one arena per page (page_arena.hpp says why and what that
// means for the caller).

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#if defined(__SSE2__) || defined(_M_X64) || (defined(_M_IX86_FP) && _M_IX86_FP >= 2)
#include <emmintrin.h>
#define CFIMAGES_FAST_PAGE_SSE2 1
#endif

#include <boost/json/value.hpp>
#include <boost/json/value_stack.hpp>

#include <cfimages/detail/page_arena.hpp>
#include <cfimages/detail/text.hpp>
#include <cfimages/models.hpp>

namespace cfimages {
namespace detail {

// Field writers shared with the SAX reader: both overwrite a reused Image
// in place, keeping the capacity of the strings it already holds.
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
    /// `images`: decoded into, reusing the elements it holds (trimmed to
    /// the page on success; unspecified contents on failure).
    FastPageReader(std::string_view body, std::vector<Image>& images) noexcept
        : begin_(body.data()), p_(body.data()), end_(body.data() + body.size()), images_(images) {}

    /// Reads the whole body; false when the next reader must decide.
    bool read() {
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
                if (result || !read_result()) return false;
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

    /// The page's `continuation_token` (nullopt: absent or null).
    std::optional<std::string>& continuation_token() noexcept { return token_; }

private:
    // Fields of an image, as bits for duplicate detection.
    static constexpr unsigned f_id = 1u << 0, f_filename = 1u << 1, f_creator = 1u << 2, f_meta = 1u << 3,
                              f_rsu = 1u << 4, f_uploaded = 1u << 5, f_variants = 1u << 6, f_draft = 1u << 7;
    static constexpr int max_depth = 32;  // deeper: the next reader

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
            } else {
                return false;  // other fields: the page decoder may read them; let the SAX reader capture them
            }
            if (!next_member('}')) return false;
        } while (!closed_);
        return images;
    }

    bool read_images() {
        std::size_t used = 0;
        if (take_null()) {
            images_.clear();
            return true;
        }
        if (!open('[')) return false;
        if (!open(']')) {
            do {
                if (used == images_.size()) images_.emplace_back();
                if (!read_image(images_[used++]) || !next_member(']')) return false;
            } while (!closed_);
        }
        images_.erase(images_.begin() + static_cast<std::ptrdiff_t>(used), images_.end());
        return true;
    }

    bool read_image(Image& img) {
        if (!open('{')) return false;
        unsigned seen = 0;
        if (open('}')) return false;  // no id
        do {
            std::string_view key, s;
            if (!read_key(key)) return false;
            unsigned f = 0;
            if (is(key, "id")) f = f_id;
            else if (is(key, "meta")) f = f_meta;
            else if (is(key, "draft")) f = f_draft;
            else if (is(key, "creator")) f = f_creator;
            else if (is(key, "filename")) f = f_filename;
            else if (is(key, "uploaded")) f = f_uploaded;
            else if (is(key, "variants")) f = f_variants;
            else if (is(key, "requireSignedURLs")) f = f_rsu;
            if ((seen & f) != 0) return false;  // a duplicate: the DOM's "last wins" decides
            seen |= f;
            switch (f) {
            case 0:
                if (!skip_value(1)) return false;
                break;
            case f_id:
                if (!read_string(s)) return false;
                img.id.assign(s.data(), s.size());
                break;
            case f_filename:
            case f_creator: {
                auto& field = f == f_filename ? img.filename : img.creator;
                if (take_null()) field.reset();
                else if (read_string(s)) assign_reusing(field, s);
                else return false;
                break;
            }
            case f_meta:
                if (take_null()) {
                    replace_meta(img.meta, boost::json::object());
                } else {
                    if (!arena_.is_shared()) {  // still the default resource
                        // Sized so a page's metadata rarely needs a second block.
                        const std::size_t first = static_cast<std::size_t>(end_ - begin_) / 8;
                        arena_ = boost::json::make_shared_resource<PageArena>(
                            first < 4096 ? 4096 : first > (1u << 20) ? (1u << 20) : first);
                    }
                    st_.reset(arena_);
                    if (!push_object(1)) return false;
                    boost::json::value built = st_.release();
                    // An empty meta holds no memory, and no reference to the arena.
                    replace_meta(img.meta, built.get_object().empty() ? boost::json::object()
                                                                      : std::move(built.get_object()));
                }
                break;
            case f_rsu:
            case f_draft: {
                bool& field = f == f_rsu ? img.require_signed_urls : img.draft;
                if (take_null()) field = false;
                else if (!read_bool(field)) return false;
                break;
            }
            case f_uploaded:
                if (take_null()) {
                    img.uploaded = {};
                } else {
                    if (!read_string(s)) return false;
                    auto tp = parse_rfc3339(s);
                    if (!tp) return false;
                    img.uploaded = *tp;
                }
                break;
            case f_variants:
                if (take_null()) img.variants.clear();
                else if (!read_variants(img.variants)) return false;
                break;
            default: return false;
            }
            if (!next_member('}')) return false;
        } while (!closed_);
        if ((seen & f_id) == 0) return false;
        // Absent fields take their defaults (a reused image may hold old values).
        if ((seen & f_filename) == 0) img.filename.reset();
        if ((seen & f_creator) == 0) img.creator.reset();
        if ((seen & f_meta) == 0) replace_meta(img.meta, boost::json::object());
        if ((seen & f_rsu) == 0) img.require_signed_urls = false;
        if ((seen & f_uploaded) == 0) img.uploaded = {};
        if ((seen & f_variants) == 0) img.variants.clear();
        if ((seen & f_draft) == 0) img.draft = false;
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
#if defined(CFIMAGES_FAST_PAGE_SSE2)
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
    std::vector<Image>& images_;
    std::optional<std::string> token_;
    boost::json::storage_ptr arena_;  // for every meta of this page; made on the first one
    boost::json::value_stack st_;
};

} // namespace detail
} // namespace cfimages

#endif // CFIMAGES_DETAIL_FAST_PAGE_HPP
