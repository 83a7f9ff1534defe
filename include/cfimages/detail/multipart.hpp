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

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <cfimages/detail/text.hpp>
#include <cfimages/result.hpp>

namespace cfimages {
namespace detail {

struct Part {
    std::string_view name;
    std::string_view data;
    std::string_view filename{};      // empty: a plain field
    std::string_view content_type{};  // empty: no Content-Type line
};

inline std::uint64_t fnv1a(std::uint64_t h, std::string_view s) noexcept {
    for (char c : s) {
        h ^= static_cast<unsigned char>(c);
        h *= 0x100000001b3ULL;
    }
    return h;
}

inline std::uint64_t hash_parts(const std::vector<Part>& parts, std::uint64_t salt) noexcept {
    std::uint64_t h = 0xcbf29ce484222325ULL ^ (salt * 0x9e3779b97f4a7c15ULL);
    constexpr std::size_t edge = 4096;
    for (const Part& p : parts) {
        h = fnv1a(h, p.name);
        h = fnv1a(h, p.filename);
        h = fnv1a(h, p.content_type);
        if (p.data.size() <= 2 * edge) {
            h = fnv1a(h, p.data);
        } else {
            h = fnv1a(h, p.data.substr(0, edge));
            h = fnv1a(h, p.data.substr(p.data.size() - edge));
        }
        // The size as 8 little-endian bytes, so the boundary (and so the
        // golden request bytes) is the same on every platform.
        const std::uint64_t n = p.data.size();
        char size_bytes[8];
        for (unsigned i = 0; i < 8; ++i) size_bytes[i] = static_cast<char>((n >> (8 * i)) & 0xff);
        h = fnv1a(h, std::string_view(size_bytes, sizeof size_bytes));
    }
    return h;
}

inline bool occurs_in(const std::vector<Part>& parts, std::string_view b) noexcept {
    for (const Part& p : parts) {
        if (p.data.find(b) != std::string_view::npos || p.name.find(b) != std::string_view::npos ||
            p.filename.find(b) != std::string_view::npos)
            return true;
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
        body.append("--").append(boundary).append("\r\nContent-Disposition: form-data; name=");
        append_quoted(body, p.name);
        if (!p.filename.empty()) {
            body.append("; filename=");
            append_quoted(body, p.filename);
        }
        body.append("\r\n");
        if (!p.content_type.empty()) body.append("Content-Type: ").append(p.content_type).append("\r\n");
        body.append("\r\n").append(p.data).append("\r\n");
    }
    body.append("--").append(boundary).append("--\r\n");
    return "multipart/form-data; boundary=" + boundary;
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
