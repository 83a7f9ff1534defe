#ifndef CFIMAGES_DETAIL_MULTIPART_HPP
#define CFIMAGES_DETAIL_MULTIPART_HPP

// How this works
// --------------
// Uploads are multipart/form-data (RFC 7578). Each part is
//     --<boundary>\r\n
//     Content-Disposition: form-data; name="<name>"[; filename="<file>"]\r\n
//     [Content-Type: <type>\r\n]
//     \r\n
//     <bytes>\r\n
// and the body ends with `--<boundary>--\r\n`.
// Builders must be pure, so the boundary is not random: it is a hash of
// the parts (for a large file, its size and its first and last 4 KiB, so
// hashing never costs a pass over megabytes). The boundary is then searched
// for in every part; in the astronomically rare case it occurs, a counter
// is mixed in and the next candidate is tried. The body is sized exactly
// before it is written, so a 10 MB file is copied once.

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <cfimages/detail/sse2.hpp>
#include <cfimages/detail/text.hpp>
#include <cfimages/http.hpp>
#include <cfimages/result.hpp>

namespace cfimages {
namespace detail {

struct Part {
    std::string_view name;
    std::string_view data;
    std::string_view filename{};      // empty: a plain field
    std::string_view content_type{};  // empty: no Content-Type line
    // A streamed part (at most one per body): `data` is empty and the
    // `source_size` bytes are read from `source` while sending.
    // `source_first` holds its first 4 KiB (all of it up to 8 KiB),
    // `source_last` its last 4 KiB when it is larger.
    std::shared_ptr<const BodySource> source{};
    std::uint64_t source_size = 0;
    std::string source_first{};
    std::string source_last{};
};

// How many bytes at each end of a part's data the boundary hash reads.
inline constexpr std::size_t hash_edge = 4096;

inline std::uint64_t fnv1a(std::uint64_t h, std::string_view s) noexcept {
    for (char c : s) {
        h ^= static_cast<unsigned char>(c);
        h *= 0x100000001b3ULL;
    }
    return h;
}

inline std::uint64_t hash_parts(const std::vector<Part>& parts, std::uint64_t salt) noexcept {
    std::uint64_t h = 0xcbf29ce484222325ULL ^ (salt * 0x9e3779b97f4a7c15ULL);
    constexpr std::size_t edge = hash_edge;
    for (const Part& p : parts) {
        h = fnv1a(h, p.name);
        h = fnv1a(h, p.filename);
        h = fnv1a(h, p.content_type);
        if (p.source) {
            // The same bytes as for the buffered data below.
            h = fnv1a(h, p.source_first);
            h = fnv1a(h, p.source_last);
        } else if (p.data.size() <= 2 * edge) {
            h = fnv1a(h, p.data);
        } else {
            h = fnv1a(h, p.data.substr(0, edge));
            h = fnv1a(h, p.data.substr(p.data.size() - edge));
        }
        // The size as 8 little-endian bytes, so the boundary (and so the
        // golden request bytes) is the same on every platform.
        const std::uint64_t n = p.source ? p.source_size : p.data.size();
        char size_bytes[8];
        for (unsigned i = 0; i < 8; ++i) size_bytes[i] = static_cast<char>((n >> (8 * i)) & 0xff);
        h = fnv1a(h, std::string_view(size_bytes, sizeof size_bytes));
    }
    return h;
}

// Returns true when `needle` occurs in `hay`. Every buffered upload is
// searched for its boundary, so this runs over each file's bytes once per
// request: with SSE2 it tests 32 candidate positions at a time for the
// needle's first and last bytes (a pair that random bytes match once in
// 65,536 positions) and compares the rest only there, about 3x
// std::string_view::find on binary data (memchr for the first byte stops
// every 256 bytes or so).
inline bool contains(std::string_view hay, std::string_view needle) noexcept {
    const std::size_t m = needle.size();
#if defined(CFIMAGES_SSE2)
    if (m >= 2 && hay.size() >= m + 31) {
        const char* p = hay.data();
        const char* n = needle.data();
        const __m128i first = _mm_set1_epi8(n[0]);
        const __m128i last = _mm_set1_epi8(n[m - 1]);
        // Candidate starts are [0, end); a block reads p[i, i + 31 + m).
        const std::size_t end = hay.size() - m + 1;
        auto matches = [&](std::size_t i) {
            const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
            const __m128i z = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i + m - 1));
            return _mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(a, first), _mm_cmpeq_epi8(z, last)));
        };
        std::size_t i = 0;
        for (; i + 32 <= end; i += 32) {
            if ((matches(i) | matches(i + 16)) == 0) continue;
            for (std::size_t j = i; j < i + 32; ++j)
                if (std::memcmp(p + j, n, m) == 0) return true;
        }
        return hay.substr(i).find(needle) != std::string_view::npos;
    }
#endif
    return hay.find(needle) != std::string_view::npos;
}

inline bool occurs_in(const std::vector<Part>& parts, std::string_view b) noexcept {
    for (const Part& p : parts) {
        if (contains(p.data, b) || contains(p.name, b) || contains(p.filename, b)) return true;
        // A streamed part's middle is searched while it is sent.
        if (p.source && (contains(p.source_first, b) || contains(p.source_last, b))) return true;
    }
    return false;
}

// Returns a boundary derived from the parts and absent from all of them.
inline std::string make_boundary(const std::vector<Part>& parts) {
    static constexpr char hex[] = "0123456789abcdef";
    for (std::uint64_t salt = 0;; ++salt) {
        std::uint64_t h = hash_parts(parts, salt);
        std::string b = "cfimages-";
        for (int i = 60; i >= 0; i -= 4) b.push_back(hex[(h >> i) & 15]);
        if (salt != 0) {
            b.push_back('-');
            append_int(b, static_cast<std::int64_t>(salt));
        }
        if (!occurs_in(parts, b)) return b;
    }
}

// Writes a quoted-string parameter value. Control characters are refused
// by the callers; `"` and `\` are percent-escaped as browsers do (HTML's
// form-data encoding), so the header cannot be broken out of.
inline void append_quoted(std::string& out, std::string_view v) {
    out.push_back('"');
    for (char c : v) {
        if (c == '"') out.append("%22");
        else if (c == '\\') out.append("%5C");
        else out.push_back(c);
    }
    out.push_back('"');
}

// Writes a part's delimiter and header lines, up to its first data byte.
inline void append_part_head(std::string& body, std::string_view boundary, const Part& p) {
    body.append("--").append(boundary).append("\r\nContent-Disposition: form-data; name=");
    append_quoted(body, p.name);
    if (!p.filename.empty()) {
        body.append("; filename=");
        append_quoted(body, p.filename);
    }
    body.append("\r\n");
    if (!p.content_type.empty()) body.append("Content-Type: ").append(p.content_type).append("\r\n");
    body.append("\r\n");
}

// Builds the body; returns the Content-Type header value (with boundary).
inline std::string build_multipart(const std::vector<Part>& parts, std::string& body) {
    std::string boundary = make_boundary(parts);
    std::size_t size = boundary.size() + 6;
    for (const Part& p : parts)
        size += boundary.size() + 60 + p.name.size() + 3 * p.filename.size() + p.content_type.size() +
                p.data.size() + 40;
    body.clear();
    body.reserve(size);
    for (const Part& p : parts) {
        append_part_head(body, boundary, p);
        body.append(p.data).append("\r\n");
    }
    body.append("--").append(boundary).append("--\r\n");
    return "multipart/form-data; boundary=" + boundary;
}

/// A multipart body streamed from a file source: the head bytes, then
/// the file's bytes read through its `BodySource`, then the tail bytes.
/// Made by the builders for a `File` with a `source`; `size()` is the
/// exact Content-Length. Thread-safe as far as the file's source is
/// (`read` changes nothing here).
class MultipartSource final : public BodySource {
public:
    /// Holds `head`, the `file_size` bytes of `file`, `tail`; `boundary`
    /// is what the file's bytes must not contain.
    MultipartSource(std::string head, std::shared_ptr<const BodySource> file, std::uint64_t file_size,
                    std::string tail, std::string boundary)
        : head_(std::move(head)), tail_(std::move(tail)), boundary_(std::move(boundary)), file_(std::move(file)),
          file_size_(file_size) {}

    /// Returns head, file and tail sizes together.
    std::uint64_t size() const noexcept override {
        return static_cast<std::uint64_t>(head_.size()) + file_size_ + static_cast<std::uint64_t>(tail_.size());
    }

    /// Copies up to `n` bytes from `offset`: head, file and tail bytes as
    /// they fall. @return the count, or the file source's error, or
    /// `invalid_argument` when the file's bytes hold the boundary (the
    /// body would not parse as its parts), or `transport` when asked to
    /// read past the end.
    Result<std::size_t> read(std::uint64_t offset, char* out, std::size_t n) const override {
        const std::uint64_t total = size();
        if (n == 0) return std::size_t{0};
        if (offset >= total)
            return ApiError::make(ErrorKind::transport, "the request body was read past its end");
        const std::uint64_t head_end = head_.size();
        const std::uint64_t file_end = head_end + file_size_;
        std::size_t done = 0;
        while (done < n && offset < total) {
            const std::uint64_t want_all = n - done;
            if (offset < head_end) {
                const auto k = static_cast<std::size_t>(std::min<std::uint64_t>(want_all, head_end - offset));
                std::memcpy(out + done, head_.data() + offset, k);
                done += k;
                offset += k;
            } else if (offset < file_end) {
                const std::uint64_t at = offset - head_end;
                const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(want_all, file_size_ - at));
                auto got = file_->read(at, out + done, want);
                if (!got) return std::move(got).error();
                if (*got == 0 || *got > want)
                    return ApiError::make(ErrorKind::transport,
                                          "the file being uploaded ended before its size (" +
                                              int_to_string(static_cast<std::int64_t>(file_size_)) + " bytes)");
                if (auto e = check_boundary(at, std::string_view(out + done, *got))) return std::move(*e);
                done += *got;
                offset += *got;
                if (*got < want) break;  // the file source gave less: the caller asks again
            } else {
                const std::uint64_t at = offset - file_end;
                const auto k = static_cast<std::size_t>(std::min<std::uint64_t>(want_all, tail_.size() - at));
                std::memcpy(out + done, tail_.data() + at, k);
                done += k;
                offset += k;
            }
        }
        return done;
    }

    /// The bytes before the file's (every part before it and its header).
    const std::string& head() const noexcept { return head_; }
    /// The bytes after the file's (CRLF, later parts, the closing delimiter).
    const std::string& tail() const noexcept { return tail_; }

private:
    // Searches `chunk` (the file's bytes from `at`) for the boundary,
    // including an occurrence that starts in the bytes before it: those
    // are read again, so each read stands alone (any offset, any thread).
    std::optional<ApiError> check_boundary(std::uint64_t at, std::string_view chunk) const {
        const std::string_view b = boundary_;
        if (b.empty() || b.size() > 128) return std::nullopt;  // never: boundaries are about 30 bytes
        bool hit = contains(chunk, b);
        if (!hit && at > 0) {
            char seam[2 * 128];
            const std::size_t before = static_cast<std::size_t>(std::min<std::uint64_t>(at, b.size() - 1));
            std::size_t have = 0;
            while (have < before) {
                auto got = file_->read(at - before + have, seam + have, before - have);
                if (!got) return std::move(got).error();
                if (*got == 0 || *got > before - have)
                    return ApiError::make(ErrorKind::transport, "the file being uploaded ended before its size");
                have += *got;
            }
            const std::size_t after = std::min(chunk.size(), b.size() - 1);
            std::memcpy(seam + have, chunk.data(), after);
            hit = contains(std::string_view(seam, have + after), b);
        }
        if (!hit) return std::nullopt;
        return ApiError::invalid("file", "its bytes contain the multipart boundary " + boundary_ +
                                             " and cannot be streamed; upload it from memory (File::data)");
    }
    std::string head_, tail_, boundary_;
    std::shared_ptr<const BodySource> file_;
    std::uint64_t file_size_ = 0;
};

// Sets the body of `r` to the multipart form of `parts` and adds its
// Content-Type header: buffered in `body`, or, when a part is streamed,
// as a `MultipartSource` in `body_source` (and `body` empty).
inline void set_multipart(HttpRequest& r, const std::vector<Part>& parts) {
    const auto streamed =
        std::find_if(parts.begin(), parts.end(), [](const Part& p) { return p.source != nullptr; });
    if (streamed == parts.end()) {
        std::string type = build_multipart(parts, r.body);
        r.headers.push_back({"Content-Type", std::move(type)});
        return;
    }
    std::string boundary = make_boundary(parts);
    std::string head, tail;
    std::string* out = &head;
    for (auto it = parts.begin(); it != parts.end(); ++it) {
        append_part_head(*out, boundary, *it);
        if (it == streamed) out = &tail;
        else out->append(it->data);
        out->append("\r\n");
    }
    tail.append("--").append(boundary).append("--\r\n");
    r.headers.push_back({"Content-Type", "multipart/form-data; boundary=" + boundary});
    r.body.clear();
    r.body_source = std::make_shared<MultipartSource>(std::move(head), streamed->source, streamed->source_size,
                                                      std::move(tail), std::move(boundary));
}

// Recognises the image formats Cloudflare Images accepts from their magic
// bytes; returns the media type and a file extension, or empty strings.
struct Sniffed {
    std::string_view type;
    std::string_view ext;
};

inline Sniffed sniff_image(std::string_view d) noexcept {
    auto starts = [&](std::string_view m, std::size_t at = 0) {
        return d.size() >= at + m.size() && d.substr(at, m.size()) == m;
    };
    if (starts("\x89PNG\r\n\x1a\n")) return {"image/png", "png"};
    if (starts("\xFF\xD8\xFF")) return {"image/jpeg", "jpg"};
    if (starts("GIF87a") || starts("GIF89a")) return {"image/gif", "gif"};
    if (starts("RIFF") && starts("WEBP", 8)) return {"image/webp", "webp"};
    if (starts("ftyp", 4)) {
        if (starts("avif", 8) || starts("avis", 8)) return {"image/avif", "avif"};
        if (starts("heic", 8) || starts("heix", 8) || starts("mif1", 8) || starts("msf1", 8))
            return {"image/heic", "heic"};
    }
    // SVG is text: skip a BOM and leading space, allow an XML prolog or comments.
    std::string_view t = d.substr(0, 1024);
    if (t.substr(0, 3) == "\xEF\xBB\xBF") t.remove_prefix(3);
    while (!t.empty() && (t.front() == ' ' || t.front() == '\n' || t.front() == '\r' || t.front() == '\t'))
        t.remove_prefix(1);
    if (!t.empty() && t.front() == '<' && t.find("<svg") != std::string_view::npos) return {"image/svg+xml", "svg"};
    return {};
}

} // namespace detail
} // namespace cfimages

#endif // CFIMAGES_DETAIL_MULTIPART_HPP
