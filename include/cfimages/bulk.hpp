#ifndef CFIMAGES_BULK_HPP
#define CFIMAGES_BULK_HPP

/// @file
/// The policy of bulk transfers (`cfimages sync`, `cfimages export`) as
/// pure code: which files count, what each is called, which shard takes
/// it, the resumable journal, and `UploadOnce`, the state machine that
/// uploads one file exactly once. Nothing here reads a file, a clock or
/// the environment; a driver (the command-line tool, or a program of your
/// own) does the I/O and feeds the answers in.
///
/// @code
/// cfimages::bulk::UploadOnce up;
/// for (;;) switch (up.next()) {
/// case cfimages::bulk::UploadStep::upload: up.on_upload(client.send(v1::create(cfg, params))); break;
/// case cfimages::bulk::UploadStep::probe:  up.on_probe(client.send(v1::get(cfg, id))); break;
/// case cfimages::bulk::UploadStep::done:   return up.outcome();  // uploaded, already_present, failed
/// }
/// @endcode

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <cfimages/detail/multipart.hpp>
#include <cfimages/detail/sha256.hpp>
#include <cfimages/detail/text.hpp>
#include <cfimages/http.hpp>
#include <cfimages/models.hpp>
#include <cfimages/result.hpp>

namespace cfimages {
namespace bulk {

// ---------------------------------------------------------------------------
// Which files, and what they are called.

/// Returns true when any segment of `relative_path` (separated by `/`)
/// starts with a dot: a hidden file, or one inside a hidden folder. Such
/// files are skipped (`.DS_Store`, `.git/...`, editors' swap files).
/// @param relative_path the path relative to the synced folder, `/`-separated.
/// @return whether the path is hidden.
inline bool is_hidden(std::string_view relative_path) noexcept {
    std::size_t start = 0;
    while (start < relative_path.size()) {
        if (relative_path[start] == '.') return true;
        const std::size_t slash = relative_path.find('/', start);
        if (slash == std::string_view::npos) break;
        start = slash + 1;
    }
    return false;
}

/// How many leading bytes of a file `sniff` needs to recognise every
/// format (SVG's `<svg` may come after a prolog or comment).
inline constexpr std::size_t sniff_bytes = 1024;

/// What the magic bytes say a file is.
struct Sniff {
    std::string_view content_type;  ///< `image/png`, ...; empty: not an image Cloudflare accepts.
    std::string_view extension;     ///< `png`, `jpg`, ...; empty when not an image.
    /// Returns true when the bytes are an image Cloudflare Images accepts.
    bool is_image() const noexcept { return !content_type.empty(); }
};

/// Recognises PNG, JPEG, GIF, WebP, SVG, AVIF and HEIC from a file's first
/// bytes (the same sniffing `v1::create` does for a file without a type).
/// @param head at least the first `sniff_bytes` bytes (or the whole file).
/// @return the type and extension; empty ones for anything else.
inline Sniff sniff(std::string_view head) noexcept {
    const cfimages::detail::Sniffed s = cfimages::detail::sniff_image(head);
    return Sniff{s.type, s.ext};
}

/// Returns the custom ID of a synced file: `prefix` followed by its path
/// relative to the synced folder with `/` separators, unchanged otherwise
/// (the upload builder then checks the ID's rules).
/// @param prefix        the `--prefix` (may be empty).
/// @param relative_path the path relative to the folder, `/`-separated.
/// @return the ID.
inline std::string image_id(std::string_view prefix, std::string_view relative_path) {
    std::string id(prefix);
    id.append(relative_path);
    return id;
}

// ---------------------------------------------------------------------------
// Shards.

/// Shard K of N: one of N disjoint parts of a set of IDs, so that N
/// machines or jobs can split one transfer. `{1, 1}` is the whole set.
struct Shard {
    std::uint32_t k = 1;  ///< 1..n.
    std::uint32_t n = 1;  ///< At least 1.
};

/// Parses `K/N` (decimal, 1 <= K <= N <= 1000000).
/// @param text the option's value.
/// @return the shard, or `invalid_argument` naming `shard` and the rule.
inline Result<Shard> parse_shard(std::string_view text) {
    const auto rule = [] { return ApiError::invalid("shard", "expected K/N with 1 <= K <= N <= 1000000 (e.g. 2/8)"); };
    const std::size_t slash = text.find('/');
    if (slash == std::string_view::npos) return rule();
    auto number = [](std::string_view s, std::uint32_t& out) {
        if (s.empty() || s.size() > 7) return false;
        std::uint32_t v = 0;
        for (char c : s) {
            if (c < '0' || c > '9') return false;
            v = v * 10u + static_cast<std::uint32_t>(c - '0');
        }
        out = v;
        return true;
    };
    Shard s;
    if (!number(text.substr(0, slash), s.k) || !number(text.substr(slash + 1), s.n)) return rule();
    if (s.n < 1 || s.n > 1000000 || s.k < 1 || s.k > s.n) return rule();
    return s;
}

/// Returns the shard (1..n) that takes `id`: `mix(fnv1a64(id)) mod n + 1`,
/// where fnv1a64 is 64-bit FNV-1a over the ID's bytes and mix is
/// splitmix64's finaliser. Fixed forever: every version of the tool, on
/// every machine, splits a set the same way, so shards of one set may be
/// run by different builds.
/// @param id the image ID.
/// @param n  the number of shards (0 is taken as 1).
/// @return 1..n.
inline std::uint32_t shard_of(std::string_view id, std::uint32_t n) noexcept {
    if (n <= 1) return 1;
    std::uint64_t h = 1469598103934665603ull;
    for (char c : id) {
        h ^= static_cast<unsigned char>(c);
        h *= 1099511628211ull;
    }
    h ^= h >> 30;
    h *= 0xbf58476d1ce4e5b9ull;
    h ^= h >> 27;
    h *= 0x94d049bb133111ebull;
    h ^= h >> 31;
    return static_cast<std::uint32_t>(h % n) + 1u;
}

/// Returns true when shard `s` takes `id`.
/// @param s  the shard.
/// @param id the image ID.
/// @return whether `shard_of(id, s.n) == s.k`.
inline bool in_shard(const Shard& s, std::string_view id) noexcept { return shard_of(id, s.n) == s.k; }

// ---------------------------------------------------------------------------
// Exactly once.

/// What `UploadOnce` wants done next.
enum class UploadStep {
    upload,  ///< Send the upload (`v1::create`) and report it with `on_upload`.
    probe,   ///< Ask whether the ID exists (`v1::get`) and report it with `on_probe`.
    done,    ///< Finished: see `outcome()`.
};

/// How one file's transfer ended.
enum class Outcome {
    pending,          ///< Not finished yet.
    uploaded,         ///< This run stored it.
    already_present,  ///< The ID was there already (HTTP 409, or found by a probe).
    failed,           ///< Not stored, or unknown: `error()` says why.
};

/// Returns the outcome's name as the journal and summaries spell it
/// (`uploaded`, `already_present`, `failed`, `pending`).
inline const char* to_string(Outcome o) noexcept {
    switch (o) {
    case Outcome::pending: return "pending";
    case Outcome::uploaded: return "uploaded";
    case Outcome::already_present: return "already_present";
    case Outcome::failed: return "failed";
    }
    return "pending";
}

/// Returns true for a failed upload after which the image may exist all
/// the same: no answer (a timeout, a connection lost; the transport
/// cannot always tell whether the request went out) or a 5xx (the server
/// may have stored it before failing). 408 counts too: the server gave up
/// on a request it may have been acting on.
/// @param e the upload's error.
/// @return whether to ask before sending again.
inline bool is_ambiguous(const ApiError& e) noexcept {
    if (e.kind == ErrorKind::transport) return true;
    if (e.kind == ErrorKind::decode) return true;  // a 2xx we could not read: it was stored
    return e.kind == ErrorKind::api && (e.http_status >= 500 || e.http_status == 408);
}

/// The exactly-once policy for one upload with a custom ID, as a state
/// machine (sans-IO: it sends nothing; see the file comment's loop).
///
/// - A 2xx answer: `uploaded`.
/// - HTTP 409, whatever the error code: the ID exists, `already_present`
///   (an earlier run, or another machine, stored it).
/// - HTTP 429: refused before acting; upload again (the rate limiter the
///   call went through has learned to wait).
/// - An ambiguous failure (`is_ambiguous`): probe. Found:
///   `already_present`; not found (404): upload again; the probe failing
///   otherwise: `failed`, with both errors in the message (nothing is sent
///   again while the state is unknown; a later run's upload gets a 409).
/// - Any other error (400, 401, 403, 413, ...; `invalid_argument`): `failed`.
///
/// At most `max_uploads` uploads are sent (default 5), then `failed`.
class UploadOnce {
public:
    /// A machine that will send at most `max_uploads` uploads (at least 1).
    /// @param max_uploads the bound on uploads sent for this file.
    explicit UploadOnce(int max_uploads = 5) noexcept : max_uploads_(max_uploads < 1 ? 1 : max_uploads) {}

    /// Returns what to do next.
    UploadStep next() const noexcept { return step_; }
    /// Returns how it ended (`pending` until `next()` is `done`).
    Outcome outcome() const noexcept { return outcome_; }
    /// Returns why it failed (meaningful when `outcome()` is `failed`).
    const ApiError& error() const noexcept { return error_; }
    /// Returns the uploads sent so far.
    int uploads() const noexcept { return uploads_; }
    /// Returns the probes sent so far.
    int probes() const noexcept { return probes_; }

    /// Reports the answer to the upload (`next()` was `upload`).
    /// @param r the upload's result; only success and the error are read.
    template <class T>
    void on_upload(const Result<T>& r) {
        if (step_ != UploadStep::upload) return;
        ++uploads_;
        if (r) return finish(Outcome::uploaded);
        const ApiError& e = r.error();
        if (e.kind == ErrorKind::api && e.http_status == 409) return finish(Outcome::already_present);
        if (is_ambiguous(e)) {
            ambiguous_ = e;
            step_ = UploadStep::probe;
            return;
        }
        if (e.kind == ErrorKind::api && e.http_status == 429 && uploads_ < max_uploads_) return;  // again
        fail(e);
    }

    /// Reports the answer to the probe (`next()` was `probe`).
    /// @param r the `v1::get` result; only success and the error are read.
    template <class T>
    void on_probe(const Result<T>& r) {
        if (step_ != UploadStep::probe) return;
        ++probes_;
        if (r) return finish(Outcome::already_present);
        const ApiError& e = r.error();
        if (e.kind == ErrorKind::api && e.http_status == 404) {
            if (uploads_ >= max_uploads_) return fail(ambiguous_);
            step_ = UploadStep::upload;
            return;
        }
        ApiError both = e;
        both.message = "upload: " + ambiguous_.message + "; then asking whether it arrived: " + e.message;
        fail(std::move(both));
    }

private:
    void finish(Outcome o) noexcept {
        outcome_ = o;
        step_ = UploadStep::done;
    }
    void fail(ApiError e) {
        error_ = std::move(e);
        finish(Outcome::failed);
    }

    int max_uploads_;
    int uploads_ = 0;
    int probes_ = 0;
    UploadStep step_ = UploadStep::upload;
    Outcome outcome_ = Outcome::pending;
    ApiError ambiguous_;
    ApiError error_;
};

// ---------------------------------------------------------------------------
// The journal.
//
// A journal is a text file of lines ending in "\n", only ever appended to:
//
//   cfimages-journal<TAB>1<TAB><operation><TAB><account id><TAB><base URL>
//   <outcome><TAB><id>
//   ...
//
// The first line binds it to one transfer's operation (`sync`, `export`)
// and destination (or source): a journal never vouches for another
// account or API root. Each later line records one finished file:
// `uploaded` or `already_present` (sync), `exported` (export). IDs are
// written with `%`, control characters and DEL as `%XX`. A last line with
// no newline was cut short (a crash while writing it): it is ignored, and
// the writer cuts the file back to its last newline before appending
// (`JournalReader::valid_size`), so the torn bytes never join a later line.
// Unknown lines are ignored.

/// What a journal is bound to.
struct JournalBinding {
    std::string operation;   ///< `sync` or `export`.
    std::string account_id;  ///< The account.
    std::string base_url;    ///< The API root (`Config::base_url`).
};

} // namespace bulk

// One internal namespace for the whole library (cfimages::detail).
namespace detail {
inline constexpr std::string_view journal_magic = "cfimages-journal";

inline std::string journal_escape(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    static constexpr char hex[] = "0123456789ABCDEF";
    for (char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7f || c == '%') {
            out.push_back('%');
            out.push_back(hex[u >> 4]);
            out.push_back(hex[u & 15]);
        } else {
            out.push_back(c);
        }
    }
    return out;
}

inline std::optional<std::string> journal_unescape(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    auto val = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        return -1;
    };
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '%') {
            out.push_back(s[i]);
            continue;
        }
        if (i + 2 >= s.size()) return std::nullopt;
        const int hi = val(s[i + 1]), lo = val(s[i + 2]);
        if (hi < 0 || lo < 0) return std::nullopt;
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
    }
    return out;
}
} // namespace detail

namespace bulk {

/// Returns the journal's first line (with its newline) for `b`.
/// @param b the operation and destination.
/// @return the magic word `cfimages-journal`, version 1, the operation, the
///         account and the base URL, tab-separated and escaped, and a newline.
inline std::string journal_header(const JournalBinding& b) {
    std::string line(detail::journal_magic);
    line.append("\t1\t").append(detail::journal_escape(b.operation));
    line.append("\t").append(detail::journal_escape(b.account_id));
    line.append("\t").append(detail::journal_escape(b.base_url)).append("\n");
    return line;
}

/// Returns one record line (with its newline): what happened, a tab,
/// the escaped ID.
/// @param what `uploaded`, `already_present` or `exported`.
/// @param id   the image ID.
/// @return the line to append.
inline std::string journal_record(std::string_view what, std::string_view id) {
    std::string line(what);
    line.push_back('\t');
    line.append(detail::journal_escape(id)).push_back('\n');
    return line;
}

/// A set of image IDs that keeps 16 bytes per ID, not the ID itself: the
/// IDs of a journal of 10^7 uploads take about 270 MB (400 MB for a moment
/// while the table doubles) instead of the 1 GB or more of a set of strings. Each ID is kept as the first 128 bits
/// of its SHA-256, so two different IDs are taken for one with a
/// probability near 10^-25 at 10^7 IDs, far below a disk's error rate;
/// such a false "done" would skip a file, never send one twice.
class IdSet {
public:
    /// Adds `id`.
    /// @return true when it was not there yet.
    bool insert(std::string_view id) {
        if ((count_ + 1) * 4 > slots_.size() * 3) grow();
        return place(key_of(id));
    }

    /// Returns true when `id` was added.
    bool contains(std::string_view id) const noexcept {
        if (slots_.empty()) return false;
        const Key k = key_of(id);
        const std::size_t mask = slots_.size() - 1;
        for (std::size_t i = static_cast<std::size_t>(k.hi) & mask;; i = (i + 1) & mask) {
            if (slots_[i] == k) return true;
            if (slots_[i].empty()) return false;
        }
    }
    /// Returns 1 when `id` was added, else 0 (as `std::set::count`).
    std::size_t count(std::string_view id) const noexcept { return contains(id) ? 1 : 0; }
    /// Returns how many IDs were added.
    std::size_t size() const noexcept { return count_; }
    /// Returns true when no ID was added.
    bool empty() const noexcept { return count_ == 0; }

private:
    struct Key {
        std::uint64_t hi = 0, lo = 0;
        bool empty() const noexcept { return hi == 0 && lo == 0; }
        bool operator==(const Key& o) const noexcept { return hi == o.hi && lo == o.lo; }
    };

    static Key key_of(std::string_view id) noexcept {
        const auto d = cfimages::detail::sha256(id);
        Key k;
        for (std::size_t i = 0; i < 8; ++i) {
            k.hi = k.hi << 8 | d[i];
            k.lo = k.lo << 8 | d[8 + i];
        }
        if (k.empty()) k.lo = 1;  // all-zero marks a free slot
        return k;
    }

    bool place(const Key& k) noexcept {
        const std::size_t mask = slots_.size() - 1;
        for (std::size_t i = static_cast<std::size_t>(k.hi) & mask;; i = (i + 1) & mask) {
            if (slots_[i] == k) return false;
            if (slots_[i].empty()) {
                slots_[i] = k;
                ++count_;
                return true;
            }
        }
    }

    // Open addressing, linear probing, at most 3/4 full; the digest's bits
    // are uniform, so its high word is the slot.
    void grow() {
        std::vector<Key> old(slots_.empty() ? 64 : slots_.size() * 2);
        old.swap(slots_);
        count_ = 0;
        for (const Key& k : old)
            if (!k.empty()) place(k);
    }

    std::vector<Key> slots_;
    std::size_t count_ = 0;
};

/// Reads a journal in pieces of any size (a file read in blocks) and
/// collects the IDs it holds. Pure: give it the bytes, ask what it found.
class JournalReader {
public:
    /// A reader that accepts only a journal bound to `expect`.
    /// @param expect the run's operation and destination.
    explicit JournalReader(JournalBinding expect) : expect_(std::move(expect)) {}

    /// Takes the next bytes of the file.
    /// @param chunk any number of bytes, continuing the previous ones.
    /// @return `invalid_argument` when the file is not a journal or is
    ///         bound elsewhere (the message names both destinations); the
    ///         reader takes nothing more after an error.
    std::optional<ApiError> feed(std::string_view chunk) {
        if (error_) return error_;
        std::size_t start = 0;
        for (;;) {
            const std::size_t nl = chunk.find('\n', start);
            if (nl == std::string_view::npos) break;
            if (partial_.empty()) {
                line(chunk.substr(start, nl - start));
            } else {
                partial_.append(chunk.substr(start, nl - start));
                line(partial_);
                partial_.clear();
            }
            if (error_) return error_;
            start = nl + 1;
            valid_size_ = fed_ + start;
        }
        fed_ += chunk.size();
        partial_.append(chunk.substr(start));
        return std::nullopt;
    }

    /// Ends the file. A last line without a newline (a record cut short by
    /// a crash) is dropped: `torn()` then says to cut the file back to
    /// `valid_size()` before appending.
    /// @return the error `feed` gave, if any.
    std::optional<ApiError> finish() {
        torn_ = !partial_.empty();
        partial_.clear();
        return error_;
    }

    /// Returns true when the file had a valid header line.
    bool has_header() const noexcept { return header_; }
    /// Returns true when the last line was cut short (see `finish`).
    bool torn() const noexcept { return torn_; }
    /// Returns the bytes up to and including the last newline: the size
    /// to cut the file back to before appending.
    std::uint64_t valid_size() const noexcept { return valid_size_; }
    /// Returns the IDs recorded as finished.
    const IdSet& done() const noexcept { return done_; }
    /// Moves the IDs out (the reader is spent).
    IdSet take_done() noexcept { return std::move(done_); }

private:
    void line(std::string_view l) {
        if (!header_) {
            const std::string want = journal_header(expect_);
            if (l == std::string_view(want).substr(0, want.size() - 1)) {
                header_ = true;
                return;
            }
            if (l.substr(0, detail::journal_magic.size() + 1) != std::string(detail::journal_magic) + "\t") {
                error_ = ApiError::invalid("journal", "not a cfimages journal (its first line is not a "
                                                      "'cfimages-journal' header)");
                return;
            }
            std::string shown = cfimages::detail::one_line(l.substr(detail::journal_magic.size() + 1), 300);
            for (char& c : shown)
                if (c == '\t') c = ' ';
            error_ = ApiError::invalid(
                "journal", "belongs to another transfer (" + shown + "), not this one (1 " + expect_.operation +
                               " " + expect_.account_id + " " + expect_.base_url +
                               "); it never vouches for another account or API root: give another --journal");
            return;
        }
        const std::size_t tab = l.find('\t');
        if (tab == std::string_view::npos) return;
        const std::string_view what = l.substr(0, tab);
        if (what != "uploaded" && what != "already_present" && what != "exported") return;
        auto id = detail::journal_unescape(l.substr(tab + 1));
        if (!id || id->empty()) return;
        done_.insert(*id);
    }

    JournalBinding expect_;
    std::string partial_;
    std::uint64_t fed_ = 0;
    std::uint64_t valid_size_ = 0;
    bool header_ = false;
    bool torn_ = false;
    std::optional<ApiError> error_;
    IdSet done_;
};

/// Returns the default journal's file name for a transfer of `folder`
/// (an absolute, canonical path) bound to `b`: 32 hex digits of SHA-256
/// over the four values, then `.journal`. The same folder and destination
/// always give the same name; the tool keeps it outside the folder (in
/// `$XDG_STATE_HOME/cfimages/journals/`).
/// @param b      the operation and destination.
/// @param folder the synced or exported folder.
/// @return e.g. `3f2a...9c.journal`.
inline std::string journal_file_name(const JournalBinding& b, std::string_view folder) {
    cfimages::detail::Sha256 h;
    for (std::string_view part : {std::string_view(b.operation), std::string_view(b.account_id),
                                  std::string_view(b.base_url), folder}) {
        h.update(part);
        h.update(std::string_view("\0", 1));
    }
    return cfimages::detail::to_hex(h.finish()).substr(0, 32) + ".journal";
}

// ---------------------------------------------------------------------------
// Export.

/// Returns where an exported image goes, relative to the export folder:
/// its ID, `/` making folders, plus an extension from `content_type` when the
/// ID's last segment has no extension (`image/jpeg` -> `.jpg`; an unknown
/// type adds nothing).
/// @param id           the image ID.
/// @param content_type the blob's `Content-Type`.
/// @return the relative path, or `invalid_argument` for an ID that cannot
///         be a path safely: empty, absolute, with empty, `.` or `..`
///         segments, or with a NUL or backslash.
inline Result<std::string> export_path(std::string_view id, std::string_view content_type) {
    if (id.empty()) return ApiError::invalid("id", "must not be empty");
    if (id.find('\0') != std::string_view::npos || id.find('\\') != std::string_view::npos)
        return ApiError::invalid("id", "contains a NUL or backslash; not written as a path");
    if (id.front() == '/' || id.back() == '/')
        return ApiError::invalid("id", "starts or ends with '/'; not written as a path");
    std::size_t start = 0;
    std::string_view last;
    while (start <= id.size()) {
        std::size_t end = id.find('/', start);
        if (end == std::string_view::npos) end = id.size();
        last = id.substr(start, end - start);
        if (last.empty() || last == "." || last == "..")
            return ApiError::invalid("id", "has an empty, '.' or '..' segment; not written as a path");
        start = end + 1;
    }
    std::string path(id);
    const std::size_t dot = last.rfind('.');
    if (dot == std::string_view::npos || dot == 0 || dot + 1 == last.size()) {
        std::string_view type = content_type.substr(0, content_type.find(';'));
        while (!type.empty() && type.back() == ' ') type.remove_suffix(1);
        static constexpr std::pair<std::string_view, std::string_view> known[] = {
            {"image/png", "png"},   {"image/jpeg", "jpg"},     {"image/gif", "gif"},
            {"image/webp", "webp"}, {"image/svg+xml", "svg"}, {"image/avif", "avif"},
            {"image/heic", "heic"}, {"image/heif", "heif"},   {"image/bmp", "bmp"},
            {"image/tiff", "tiff"},
        };
        for (const auto& k : known)
            if (cfimages::iequals(type, k.first)) {
                path.push_back('.');
                path.append(k.second);
                break;
            }
    }
    return path;
}

/// The suffix of the temporary name an export writes to before renaming
/// the file to its final name: an interrupted export never leaves a
/// partial file under a final name.
inline constexpr std::string_view partial_suffix = ".cfimages-partial";

} // namespace bulk
} // namespace cfimages

#endif // CFIMAGES_BULK_HPP
