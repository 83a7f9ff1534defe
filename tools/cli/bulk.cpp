// `cfimages sync DIR` and `cfimages export DIR` (issue 13).
//
// The policy is pure code in <cfimages/bulk.hpp> (which files, their IDs,
// shards, the exactly-once machine `UploadOnce`, the journal format); this
// file does the I/O around it: walks the folder, reads and writes files,
// keeps the journal file, draws progress, and sends calls with one
// cfimages::beast::AsyncClient on one io_context (`--concurrency` calls in
// flight, paced by the client's rate limiter, idempotent calls retried by
// its call machine; uploads are decided by UploadOnce, never retried
// blindly).
//
// Everything runs on the io_context's one thread: completion handlers,
// the progress timer and the synchronous file reads in between, so the
// run's state needs no locks.
//
// Output: errors as `error <code>: <path>: <message>` on stderr; a
// progress line on stderr when it is a terminal (or JSON once a second
// with --progress json); the last stdout line is the summary object.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json.hpp>

#include <cfimages/beast.hpp>
#include <cfimages/beast/async.hpp>
#include <cfimages/bulk.hpp>
#include <cfimages/cfimages.hpp>
#include <cfimages/detail/text.hpp>
#include <cfimages/file_source.hpp>

#include "bulk.hpp"

namespace cfimages_cli {

const char* const sync_synopsis =
    "DIR [--prefix P] [--concurrency N] [--journal FILE] [--shard K/N] [--metadata JSON] "
    "[--require-signed-urls] [--batch] [--batch-tokens N] [--dry-run] [--progress auto|json|never]";

const char* const sync_details =
    "  DIR                     the folder to upload, recursively. Hidden files (a name\n"
    "                          starting with '.') and files that are not PNG, JPEG, GIF,\n"
    "                          WebP, SVG, AVIF or HEIC by their first bytes are skipped and\n"
    "                          counted; hidden folders are not entered\n"
    "  --prefix P              custom ID = P + the path relative to DIR ('/' separators)\n"
    "  --concurrency N         calls in flight, 1 to 256 (default 16); the client's rate\n"
    "                          limiter paces them\n"
    "  --journal FILE          the resumable journal (default: one per DIR and destination\n"
    "                          under $XDG_STATE_HOME/cfimages/journals, or\n"
    "                          ~/.local/state/cfimages/journals). A rerun sends nothing it\n"
    "                          holds; a journal of another account or API root is refused\n"
    "  --shard K/N             take only shard K of N (1 <= K <= N): a fixed partition of the\n"
    "                          files by ID, so N machines or jobs split one set\n"
    "  --metadata JSON         JSON object stored with every image\n"
    "  --require-signed-urls   private images; Cloudflare refuses this with custom IDs, and\n"
    "                          sync names every image, so it is refused here (exit 2)\n"
    "  --batch                 send through batch.imagedelivery.net with a batch token\n"
    "                          (200 requests/s per token instead of 1,200 per 5 minutes)\n"
    "  --batch-tokens N        as --batch, with N tokens at once (1 to 64). The batch host\n"
    "                          is CFIMAGES_BATCH_BASE_URL when set (for a local test server)\n"
    "  --dry-run               print the plan (one JSON line per file), send nothing\n"
    "  --progress MODE         auto: a progress line on stderr when it is a terminal\n"
    "                          (default); json: one JSON object per second on stderr;\n"
    "                          never\n"
    "\n"
    "Exactly once: an upload that failed ambiguously (no answer, a 5xx) is followed by\n"
    "asking whether the ID exists before sending again; HTTP 409 counts as already\n"
    "present. Each failure is one line on stderr: 'error <code>: <path>: <message>'.\n"
    "The last stdout line is one JSON object: the counts files, uploaded,\n"
    "already_present, skipped and failed, and seconds, in that order.\n"
    "Exit status: 0 when nothing failed, 1 otherwise, 2 usage.\n";

const char* const export_synopsis = "DIR [--concurrency N] [--journal FILE] [--progress auto|json|never]";

const char* const export_details =
    "  DIR                     where to write: DIR/<id> ('/' in an ID makes folders; an ID\n"
    "                          without an extension gets one from the content type). Each\n"
    "                          file is written under a temporary name, then renamed\n"
    "  --concurrency N         calls in flight, 1 to 256 (default 16)\n"
    "  --journal FILE          the resumable journal (default: one per DIR and account, as\n"
    "                          for sync)\n"
    "  --progress MODE         auto (default), json or never, as for sync\n"
    "\n"
    "The summary line is sync's; 'uploaded' counts the files written.\n"
    "Exit status: 0 when nothing failed, 1 otherwise, 2 usage.\n";

std::vector<OptionSpec> sync_options() {
    return {{"prefix", true},      {"concurrency", true}, {"journal", true},  {"shard", true},
            {"metadata", true},    {"require-signed-urls", false},            {"batch", false},
            {"batch-tokens", true}, {"dry-run", false},   {"progress", true}};
}

std::vector<OptionSpec> export_options() {
    return {{"concurrency", true}, {"journal", true}, {"progress", true}};
}

namespace {

namespace fs = std::filesystem;
namespace bulk = cfimages::bulk;
using Clock = std::chrono::steady_clock;

// ---------------------------------------------------------------------------
// Options shared by both commands.

enum class ProgressMode { never, line, json };

ProgressMode progress_mode(const ParsedArgs& a) {
    const std::string m = a.get("progress").value_or("auto");
    if (m == "never") return ProgressMode::never;
    if (m == "json") return ProgressMode::json;
    if (m != "auto") throw UsageError("--progress: expected auto, json or never");
    return ::isatty(STDERR_FILENO) ? ProgressMode::line : ProgressMode::never;
}

std::size_t concurrency(const ParsedArgs& a) {
    if (auto v = a.get("concurrency")) {
        const std::int64_t n = parse_int("concurrency", *v);
        if (n < 1 || n > 256) throw UsageError("--concurrency: expected 1 to 256");
        return static_cast<std::size_t>(n);
    }
    return 16;
}

// Where the journal lives by default: outside the folder, the same path
// for the same folder and destination.
fs::path default_journal(const bulk::JournalBinding& b, const fs::path& folder) {
    fs::path base;
    if (const char* x = std::getenv("XDG_STATE_HOME"); x != nullptr && *x == '/') base = x;
    else if (const char* h = std::getenv("HOME"); h != nullptr && *h == '/') base = fs::path(h) / ".local" / "state";
    else throw UsageError("no place for the journal: set HOME or XDG_STATE_HOME, or give --journal");
    return base / "cfimages" / "journals" / bulk::journal_file_name(b, folder.string());
}

fs::path absolute_path(const std::string& p) {
    std::error_code ec;
    fs::path a = fs::weakly_canonical(fs::absolute(p, ec), ec);
    if (ec) a = fs::absolute(p);
    return a;
}

std::string errno_text(int e) { return std::strerror(e); }

// ---------------------------------------------------------------------------
// The journal file: read at start through bulk::JournalReader, then
// appended to with one write(2) per finished file, so a record is in the
// kernel (and survives kill -9) as soon as the file is done; fdatasync at
// most once a second and at the end, for power loss.

class JournalFile {
public:
    JournalFile() = default;
    JournalFile(const JournalFile&) = delete;
    JournalFile& operator=(const JournalFile&) = delete;
    ~JournalFile() {
        if (fd_ >= 0) {
            ::fdatasync(fd_);
            ::close(fd_);
        }
    }

    // Reads `path` (when it exists) and, unless `read_only`, opens it for
    // appending, creating it and its folder. Throws UsageError when it is
    // another transfer's journal or cannot be used.
    void open(const fs::path& path, const bulk::JournalBinding& binding, bool read_only) {
        path_ = path.string();
        std::error_code ec;
        if (!read_only) {
            fs::create_directories(path.parent_path(), ec);
            if (ec) throw UsageError("--journal: cannot create " + path.parent_path().string() + ": " + ec.message());
        }
        const int flags = read_only ? O_RDONLY : (O_RDWR | O_CREAT | O_APPEND);
        const int fd = ::open(path_.c_str(), flags | O_CLOEXEC, 0600);
        if (fd < 0) {
            if (read_only && errno == ENOENT) return;  // a dry run creates nothing
            throw UsageError("--journal: cannot open " + path_ + ": " + errno_text(errno));
        }
        bulk::JournalReader reader(binding);
        std::vector<char> buf(1u << 16);
        for (;;) {
            const ssize_t n = ::read(fd, buf.data(), buf.size());
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) {
                const int e = errno;
                ::close(fd);
                throw UsageError("--journal: cannot read " + path_ + ": " + errno_text(e));
            }
            if (n == 0) break;
            if (auto err = reader.feed(std::string_view(buf.data(), static_cast<std::size_t>(n)))) {
                ::close(fd);
                throw UsageError(path_ + ": " + err->message);
            }
        }
        if (auto err = reader.finish()) {
            ::close(fd);
            throw UsageError(path_ + ": " + err->message);
        }
        done_ = reader.take_done();
        if (read_only) {
            ::close(fd);
            return;
        }
        fd_ = fd;
        // A record cut short by a crash must not join the next line.
        if (reader.torn() && ::ftruncate(fd_, static_cast<off_t>(reader.valid_size())) != 0)
            throw UsageError("--journal: cannot repair " + path_ + ": " + errno_text(errno));
        if (!reader.has_header() && !write_all(bulk::journal_header(binding)))
            throw UsageError("--journal: cannot write " + path_ + ": " + errno_text(errno));
    }

    bool holds(std::string_view id) const { return done_.contains(id); }
    std::size_t size() const { return done_.size(); }
    const std::string& path() const { return path_; }

    // Appends one record; returns false (errno set) when it could not.
    bool append(std::string_view what, std::string_view id) {
        if (fd_ < 0) return true;
        if (!write_all(bulk::journal_record(what, id))) return false;
        const auto now = Clock::now();
        if (now - last_sync_ >= std::chrono::seconds(1)) {
            ::fdatasync(fd_);
            last_sync_ = now;
        }
        return true;
    }

private:
    bool write_all(const std::string& line) {
        std::size_t off = 0;
        while (off < line.size()) {
            const ssize_t n = ::write(fd_, line.data() + off, line.size() - off);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) return false;
            off += static_cast<std::size_t>(n);
        }
        return true;
    }

    int fd_ = -1;
    std::string path_;
    bulk::IdSet done_;
    Clock::time_point last_sync_ = Clock::now();
};

// ---------------------------------------------------------------------------
// Counting, progress and the summary.

struct Counters {
    std::uint64_t files = 0;  // taken (in this shard): the summary's "files"
    std::uint64_t uploaded = 0;
    std::uint64_t already_present = 0;
    std::uint64_t skipped = 0;
    std::uint64_t failed = 0;
    std::uint64_t bytes_done = 0;
    std::uint64_t total = 0;        // files expected in all (for progress)
    std::uint64_t bytes_total = 0;  // their bytes
    bool total_known = true;        // export: false while the listing goes on
    std::uint64_t finished() const { return uploaded + already_present + skipped + failed; }
};

std::string human_bytes(std::uint64_t b) {
    char buf[32];
    const double d = static_cast<double>(b);
    if (b < 1000) std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(b));
    else if (b < 1000000) std::snprintf(buf, sizeof buf, "%.1f kB", d / 1e3);
    else if (b < 1000000000) std::snprintf(buf, sizeof buf, "%.1f MB", d / 1e6);
    else std::snprintf(buf, sizeof buf, "%.2f GB", d / 1e9);
    return buf;
}

std::string human_duration(double s) {
    char buf[32];
    const auto t = static_cast<long long>(s + 0.5);
    if (t < 60) std::snprintf(buf, sizeof buf, "%llds", t);
    else if (t < 3600) std::snprintf(buf, sizeof buf, "%lldm%02llds", t / 60, t % 60);
    else std::snprintf(buf, sizeof buf, "%lldh%02lldm", t / 3600, (t % 3600) / 60);
    return buf;
}

class Reporter {
public:
    Reporter(const BulkContext& ctx, ProgressMode mode) : ctx_(ctx), mode_(mode) {}

    Counters c;

    double seconds() const { return std::chrono::duration<double>(Clock::now() - started_).count(); }

    // `error <code>: <path>: <message>` on stderr, under the progress line.
    void error(std::string_view code, std::string_view path, std::string_view message) {
        std::string line = "error ";
        line.append(code).append(": ").append(cfimages::detail::one_line(path, 1000));
        line.append(": ").append(cfimages::detail::one_line(message, 2000));
        line = ctx_.redact(std::move(line));
        line.push_back('\n');
        clear_line();
        std::fwrite(line.data(), 1, line.size(), stderr);
        std::fflush(stderr);
    }

    void error(const cfimages::ApiError& e, std::string_view path) {
        std::string code = e.code() != 0 ? std::to_string(e.code()) : std::string(cfimages::to_string(e.kind));
        std::string msg = e.message.empty() ? std::string("failed") : e.message;
        if (e.http_status != 0 && msg.find(std::to_string(e.http_status)) == std::string::npos)
            msg += " (HTTP " + std::to_string(e.http_status) + ")";
        error(code, path, msg);
    }

    void warn(std::string_view message) {
        std::string line = ctx_.redact("warning: " + std::string(message)) + "\n";
        clear_line();
        std::fwrite(line.data(), 1, line.size(), stderr);
    }

    // How often `tick` wants to be called; zero: never.
    std::chrono::milliseconds interval() const {
        if (mode_ == ProgressMode::line) return std::chrono::milliseconds(100);  // at most 10 redraws a second
        if (mode_ == ProgressMode::json) return std::chrono::milliseconds(1000);
        return std::chrono::milliseconds(0);
    }

    // Draws the progress line, or writes one JSON object; `last`: the run
    // is over (the line then ends with a newline).
    void tick(bool last) {
        if (mode_ == ProgressMode::never) return;
        const double s = seconds();
        const std::uint64_t done = c.finished();
        const double rate = s > 0.0 ? static_cast<double>(done) / s : 0.0;
        const std::uint64_t total = std::max(c.total, done);
        std::optional<double> eta;
        if (c.total_known && rate > 0.0) eta = static_cast<double>(total - done) / rate;
        char num[64];
        if (mode_ == ProgressMode::json) {
            std::string j = "{\"files_done\":" + std::to_string(done) + ",\"files_total\":";
            j += c.total_known ? std::to_string(total) : std::string("null");
            j += ",\"bytes_done\":" + std::to_string(c.bytes_done) + ",\"bytes_total\":";
            j += c.total_known ? std::to_string(std::max(c.bytes_total, c.bytes_done)) : std::string("null");
            std::snprintf(num, sizeof num, "%.2f", rate);
            j += ",\"files_per_second\":" + std::string(num) + ",\"eta_seconds\":";
            if (eta) {
                std::snprintf(num, sizeof num, "%.1f", *eta);
                j += num;
            } else {
                j += "null";
            }
            j += ",\"uploaded\":" + std::to_string(c.uploaded) + ",\"already_present\":" +
                 std::to_string(c.already_present) + ",\"skipped\":" + std::to_string(c.skipped) +
                 ",\"failed\":" + std::to_string(c.failed);
            std::snprintf(num, sizeof num, "%.3f", s);
            j += ",\"seconds\":" + std::string(num) + "}\n";
            std::fwrite(j.data(), 1, j.size(), stderr);
            std::fflush(stderr);
            return;
        }
        std::string line = "\r" + std::to_string(done) + "/" + std::to_string(total) + (c.total_known ? "" : "+") +
                           " files  " + human_bytes(c.bytes_done);
        if (c.total_known) line += "/" + human_bytes(std::max(c.bytes_total, c.bytes_done));
        std::snprintf(num, sizeof num, "  %.1f files/s", rate);
        line += num;
        line += "  ETA " + (eta ? human_duration(*eta) : std::string("?"));
        line += "  " + std::to_string(c.failed) + " failed\x1b[K";
        if (last) line += "\n";
        drawn_ = !last;
        std::fwrite(line.data(), 1, line.size(), stderr);
        std::fflush(stderr);
    }

    // The last stdout line.
    void summary() {
        char secs[32];
        std::snprintf(secs, sizeof secs, "%.3f", seconds());
        std::string j = "{\"files\":" + std::to_string(c.files) + ",\"uploaded\":" + std::to_string(c.uploaded) +
                        ",\"already_present\":" + std::to_string(c.already_present) +
                        ",\"skipped\":" + std::to_string(c.skipped) + ",\"failed\":" + std::to_string(c.failed) +
                        ",\"seconds\":" + secs + "}\n";
        std::fwrite(j.data(), 1, j.size(), stdout);
        std::fflush(stdout);
    }

    // A plan line (dry run) on stdout.
    void plan(const boost::json::object& o) {
        std::string s = ctx_.redact(boost::json::serialize(o)) + "\n";
        std::fwrite(s.data(), 1, s.size(), stdout);
    }

private:
    void clear_line() {
        if (drawn_) std::fwrite("\r\x1b[K", 1, 4, stderr);
    }

    const BulkContext& ctx_;
    ProgressMode mode_;
    Clock::time_point started_ = Clock::now();
    bool drawn_ = false;
};

// Redraws the progress every reporter.interval() on the io_context until
// stopped.
class Ticker {
public:
    Ticker(boost::asio::io_context& ioc, Reporter& r) : timer_(ioc), r_(r) {}
    void start() {
        if (r_.interval().count() == 0) return;
        arm();
    }
    void stop() {
        stopped_ = true;
        timer_.cancel();
    }

private:
    void arm() {
        timer_.expires_after(r_.interval());
        timer_.async_wait([this](const boost::system::error_code& ec) {
            if (ec || stopped_) return;
            r_.tick(false);
            arm();
        });
    }
    boost::asio::steady_timer timer_;
    Reporter& r_;
    bool stopped_ = false;
};

// Runs a transfer on `ioc` from `start` until nothing is left: progress
// ticks meanwhile, then the last progress line and the summary. Returns
// the exit status (1 when a file failed).
template <class Start>
int run_transfer(boost::asio::io_context& ioc, Reporter& reporter, std::optional<Ticker>& ticker, Start start) {
    ticker.emplace(ioc, reporter);
    ticker->start();
    boost::asio::post(ioc, std::move(start));
    ioc.run();
    reporter.tick(true);
    reporter.summary();
    return reporter.c.failed == 0 ? 0 : 1;
}

// ---------------------------------------------------------------------------
// Walking the folder: a stack of directory iterators, so a folder that
// cannot be read is reported (not silently left out) and the walk goes
// on. Hidden folders are not entered; symbolic links to folders are not
// followed (no loops); symbolic links to files are files.

struct Entry {
    std::string rel;     // relative to the root, '/'-separated
    fs::path abs;        // to open
    std::uint64_t size = 0;
    std::string error;   // a folder or file that could not be read
};

class Walker {
public:
    Walker(const fs::path& root, fs::path exclude) : exclude_(std::move(exclude)) {
        std::error_code ec;
        fs::directory_iterator it(root, ec);
        if (ec) throw UsageError("DIR: cannot read " + root.string() + ": " + ec.message());
        stack_.push_back({std::move(it), std::string()});
    }

    // The next file (or unreadable folder); false at the end.
    bool next(Entry& out) {
        while (!stack_.empty()) {
            Level& top = stack_.back();
            if (top.it == fs::directory_iterator()) {
                stack_.pop_back();
                continue;
            }
            const fs::directory_entry entry = *top.it;
            const std::string prefix = top.prefix;
            std::error_code ec;
            top.it.increment(ec);
            if (ec) {
                stack_.pop_back();
                out = Entry{prefix, entry.path().parent_path(), 0, "cannot read the folder: " + ec.message()};
                return true;
            }
            const std::string name = entry.path().filename().string();
            const std::string rel = prefix + name;
            if (entry.path() == exclude_) continue;
            const fs::file_status ls = entry.symlink_status(ec);
            if (ec) continue;
            if (fs::is_directory(ls)) {
                if (!name.empty() && name[0] == '.') continue;  // hidden folder: not entered
                fs::directory_iterator sub(entry.path(), ec);
                if (ec) {
                    out = Entry{rel, entry.path(), 0, "cannot read the folder: " + ec.message()};
                    return true;
                }
                stack_.push_back({std::move(sub), rel + "/"});
                continue;
            }
            if (!fs::is_regular_file(entry.status(ec)) || ec) continue;  // fifos, sockets, dangling links
            const std::uintmax_t size = entry.file_size(ec);
            out = Entry{rel, entry.path(), ec ? 0 : static_cast<std::uint64_t>(size), std::string()};
            return true;
        }
        return false;
    }

private:
    struct Level {
        fs::directory_iterator it;
        std::string prefix;
    };
    std::vector<Level> stack_;
    fs::path exclude_;
};

// Reads up to `n` bytes from the start of a file; nullopt with `err`.
std::optional<std::string> read_head(const fs::path& p, std::size_t n, std::string& err) {
    const int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        err = errno_text(errno);
        return std::nullopt;
    }
    std::string buf(n, '\0');
    std::size_t got = 0;
    while (got < n) {
        const ssize_t r = ::read(fd, &buf[got], n - got);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) {
            err = errno_text(errno);
            ::close(fd);
            return std::nullopt;
        }
        if (r == 0) break;
        got += static_cast<std::size_t>(r);
    }
    ::close(fd);
    buf.resize(got);
    return buf;
}

std::string join_shown(const std::string& dir, const std::string& rel) {
    if (dir.empty() || dir == ".") return rel;
    return dir.back() == '/' ? dir + rel : dir + "/" + rel;
}

cfimages::beast::ClientOptions bulk_client_options(const BulkContext& ctx, std::size_t n) {
    cfimages::beast::ClientOptions o = ctx.options;
    o.max_connections = n;
    // A bulk run would rather wait out a long rate-limit block (Cloudflare
    // blocks a credential for five minutes after a 429) than fail files.
    if (o.rate_limit_max_wait < std::chrono::minutes(6)) o.rate_limit_max_wait = std::chrono::minutes(6);
    return o;
}

// ---------------------------------------------------------------------------
// sync

class SyncRun {
public:
    SyncRun(const BulkContext& ctx, const ParsedArgs& a) : ctx_(ctx), reporter_(ctx, progress_mode(a)) {
        dir_shown_ = a.positionals[0];
        std::error_code ec;
        if (!fs::is_directory(dir_shown_, ec))
            throw UsageError("DIR: " + dir_shown_ + " is not a folder");
        root_ = fs::canonical(dir_shown_, ec);
        if (ec) throw UsageError("DIR: " + dir_shown_ + ": " + ec.message());
        prefix_ = a.get("prefix").value_or("");
        concurrency_ = concurrency(a);
        dry_run_ = a.has("dry-run");
        if (auto s = a.get("shard")) {
            auto sh = bulk::parse_shard(*s);
            if (!sh) throw UsageError("--shard: " + sh.error().message.substr(sh.error().message.find(':') + 2));
            shard_ = *sh;
        }
        if (a.has("require-signed-urls"))
            throw UsageError("--require-signed-urls: Cloudflare refuses custom IDs on images that require signed "
                             "URLs, and sync gives every image its path as ID");
        if (auto m = a.get("metadata")) {
            boost::system::error_code jec;
            boost::json::value v = boost::json::parse(*m, jec);
            if (jec) throw UsageError("--metadata: not valid JSON (" + jec.message() + ")");
            // The builder's own check, once, before any file.
            static const char pixel[] = "\x89PNG\r\n\x1a\n";
            cfimages::v1::CreateParams probe;
            probe.file = cfimages::File{std::string_view(pixel, 8), "x.png", "image/png"};
            probe.id = "x";
            probe.metadata = v;
            auto r = cfimages::v1::create(ctx_.cfg, probe);
            if (!r && r.error().message.find("metadata") != std::string::npos)
                throw UsageError("--metadata: " + r.error().message.substr(r.error().message.find(':') + 2));
            metadata_ = std::move(v);
        }
        if (a.has("batch") || a.has("batch-tokens")) {
            batch_tokens_ = 1;
            if (auto n = a.get("batch-tokens")) {
                const std::int64_t v = parse_int("batch-tokens", *n);
                if (v < 1 || v > 64) throw UsageError("--batch-tokens: expected 1 to 64");
                batch_tokens_ = static_cast<std::size_t>(v);
            }
        }
        binding_ = {"sync", ctx_.cfg.account_id, ctx_.cfg.base_url};
        journal_path_ = a.get("journal") ? absolute_path(*a.get("journal")) : default_journal(binding_, root_);
        journal_.open(journal_path_, binding_, dry_run_);
    }

    int run() {
        count_files();
        walker_.emplace(root_, journal_path_);
        if (dry_run_) {
            Entry e;
            while (walker_->next(e)) take(e);
            reporter_.tick(true);
            reporter_.summary();
            return reporter_.c.failed == 0 ? 0 : 1;
        }
        client_.emplace(ioc_.get_executor(), bulk_client_options(ctx_, concurrency_));
        if (batch_tokens_ > 0) {
            cfimages::BatchTokenOptions bo;
            bo.size = batch_tokens_;
            if (const char* b = std::getenv("CFIMAGES_BATCH_BASE_URL"); b != nullptr && *b != '\0') bo.base_url = b;
            client_->use_batch_tokens(ctx_.cfg, bo);
        }
        return run_transfer(ioc_, reporter_, ticker_, [this] { start_more(); });
    }

private:
    struct Job {
        fs::path abs;
        std::string shown;
        std::string id;
        std::string filename;
        std::string_view type;
        std::uint64_t size = 0;
        bulk::UploadOnce machine;
    };

    // The first pass: how many files this shard takes, and their bytes,
    // for the progress line (stat only; nothing is read).
    void count_files() {
        if (reporter_.interval().count() == 0) return;
        Walker w(root_, journal_path_);
        Entry e;
        while (w.next(e)) {
            if (!e.error.empty() || !bulk::in_shard(shard_, bulk::image_id(prefix_, e.rel))) continue;
            ++reporter_.c.total;
            reporter_.c.bytes_total += e.size;
        }
    }

    // Decides what to do with one walked entry; returns a job to start, if any.
    std::unique_ptr<Job> take(const Entry& e) {
        Counters& c = reporter_.c;
        const std::string shown = join_shown(dir_shown_, e.rel);
        if (!e.error.empty()) {
            ++c.files;
            ++c.failed;
            reporter_.error("io", shown, e.error);
            return nullptr;
        }
        const std::string id = bulk::image_id(prefix_, e.rel);
        if (!bulk::in_shard(shard_, id)) return nullptr;
        ++c.files;
        boost::json::object plan;
        if (dry_run_) {
            plan["path"] = shown;
            plan["id"] = id;
            plan["bytes"] = e.size;
        }
        auto skip = [&](const char* reason) -> std::unique_ptr<Job> {
            ++c.skipped;
            c.bytes_done += e.size;
            if (dry_run_) {
                plan["action"] = "skip";
                plan["reason"] = reason;
                reporter_.plan(plan);
            }
            return nullptr;
        };
        const std::string name = e.abs.filename().string();
        if (bulk::is_hidden(name)) return skip("hidden");
        if (journal_.holds(id)) {
            ++c.already_present;
            c.bytes_done += e.size;
            if (dry_run_) {
                plan["action"] = "already_present";
                plan["reason"] = "journal";
                reporter_.plan(plan);
            }
            return nullptr;
        }
        std::string err;
        auto head = read_head(e.abs, bulk::sniff_bytes, err);
        if (!head) {
            ++c.failed;
            reporter_.error("io", shown, "cannot read: " + err);
            return nullptr;
        }
        const bulk::Sniff s = bulk::sniff(*head);
        if (!s.is_image()) return skip("not an image");
        if (dry_run_) {
            ++c.uploaded;  // a dry run counts what it would upload
            c.bytes_done += e.size;
            plan["action"] = "upload";
            plan["content_type"] = s.content_type;
            reporter_.plan(plan);
            return nullptr;
        }
        auto job = std::make_unique<Job>();
        job->abs = e.abs;
        job->shown = shown;
        job->id = id;
        job->filename = name;
        job->type = s.content_type;
        job->size = e.size;
        return job;
    }

    // Keeps `concurrency_` files in flight while the walk has more.
    void start_more() {
        while (active_ < concurrency_ && !walk_done_) {
            Entry e;
            if (!walker_->next(e)) {
                walk_done_ = true;
                break;
            }
            if (auto job = take(e)) {
                ++active_;
                step(std::shared_ptr<Job>(std::move(job)));
            }
        }
        if (walk_done_ && active_ == 0) finish();
    }

    // The upload request of a job: the file streamed from disk
    // (cfimages::file_source), never held in memory whole; each attempt
    // opens it again, so a file replaced between attempts is sent as it
    // is then.
    cfimages::Result<cfimages::Request<cfimages::Image>> upload_request(const Job& j) {
        auto source = cfimages::file_source(j.abs.string());
        if (!source) return cfimages::fail(source.error());
        cfimages::v1::CreateParams p;
        p.file = cfimages::File{{}, j.filename, std::string(j.type), std::move(*source)};
        p.id = j.id;
        if (metadata_) p.metadata = *metadata_;
        return cfimages::v1::create(ctx_.cfg, p);
    }

    void step(std::shared_ptr<Job> job) {
        switch (job->machine.next()) {
        case bulk::UploadStep::upload:
            client_->async_send(upload_request(*job), [this, job](cfimages::Result<cfimages::Image> r) {
                job->machine.on_upload(r);
                step(job);
            });
            return;
        case bulk::UploadStep::probe:
            client_->async_send(cfimages::v1::get(ctx_.cfg, job->id), [this, job](cfimages::Result<cfimages::Image> r) {
                job->machine.on_probe(r);
                step(job);
            });
            return;
        case bulk::UploadStep::done: break;
        }
        Counters& c = reporter_.c;
        c.bytes_done += job->size;
        switch (job->machine.outcome()) {
        case bulk::Outcome::uploaded:
        case bulk::Outcome::already_present:
            if (job->machine.outcome() == bulk::Outcome::uploaded) ++c.uploaded;
            else ++c.already_present;
            if (!journal_.append(bulk::to_string(job->machine.outcome()), job->id) && !journal_warned_) {
                journal_warned_ = true;
                reporter_.warn("cannot write the journal " + journal_.path() + ": " + errno_text(errno) +
                               " (a rerun asks the API instead)");
            }
            break;
        default:
            ++c.failed;
            reporter_.error(job->machine.error(), job->shown);
            break;
        }
        --active_;
        start_more();
    }

    void finish() {
        if (finished_) return;
        finished_ = true;
        if (ticker_) ticker_->stop();
        // A batch token renewal may still be pending: nothing else is.
        ioc_.stop();
    }

    const BulkContext& ctx_;
    Reporter reporter_;
    std::string dir_shown_;
    fs::path root_;
    std::string prefix_;
    std::size_t concurrency_ = 16;
    bool dry_run_ = false;
    bulk::Shard shard_;
    std::optional<boost::json::value> metadata_;
    std::size_t batch_tokens_ = 0;
    bulk::JournalBinding binding_;
    fs::path journal_path_;
    JournalFile journal_;
    bool journal_warned_ = false;

    boost::asio::io_context ioc_{1};
    std::optional<cfimages::beast::AsyncClient> client_;
    std::optional<Ticker> ticker_;
    std::optional<Walker> walker_;
    std::size_t active_ = 0;
    bool walk_done_ = false;
    bool finished_ = false;
};

// ---------------------------------------------------------------------------
// export

class ExportRun {
public:
    ExportRun(const BulkContext& ctx, const ParsedArgs& a)
        : ctx_(ctx), reporter_(ctx, progress_mode(a)), walk_(ctx.cfg, cfimages::v2::ListParams{}) {
        dir_shown_ = a.positionals[0];
        std::error_code ec;
        fs::create_directories(dir_shown_, ec);
        if (ec || !fs::is_directory(dir_shown_, ec))
            throw UsageError("DIR: cannot create the folder " + dir_shown_ + (ec ? ": " + ec.message() : std::string()));
        root_ = fs::canonical(dir_shown_, ec);
        if (ec) throw UsageError("DIR: " + dir_shown_ + ": " + ec.message());
        concurrency_ = concurrency(a);
        binding_ = {"export", ctx_.cfg.account_id, ctx_.cfg.base_url};
        const fs::path jp = a.get("journal") ? absolute_path(*a.get("journal")) : default_journal(binding_, root_);
        journal_.open(jp, binding_, false);
        reporter_.c.total_known = false;
    }

    int run() {
        client_.emplace(ioc_.get_executor(), bulk_client_options(ctx_, concurrency_));
        return run_transfer(ioc_, reporter_, ticker_, [this] { pump(); });
    }

private:
    // Fetches the next page when the queue runs low (the listing is read
    // only as fast as images are written), and starts downloads.
    void pump() {
        Counters& c = reporter_.c;
        if (!listing_ && !listing_over() && queue_.size() < 2000) fetch_page();
        while (active_ < concurrency_ && !queue_.empty()) {
            std::string id = std::move(queue_.front());
            queue_.pop_front();
            if (journal_.holds(id)) {
                ++c.already_present;
                continue;
            }
            ++active_;
            download(std::move(id));
        }
        if (active_ == 0 && queue_.empty() && !listing_ && listing_over()) finish();
    }

    bool listing_over() const { return walk_.finished() || list_error_; }

    void fetch_page() {
        auto request = walk_.request();
        if (!request) return list_failed(request.error());
        listing_ = true;
        client_->async_send(std::move(*request), [this](cfimages::Result<cfimages::v2::ImagePage> page) {
            listing_ = false;
            if (!page) return list_failed(page.error());
            auto fresh = walk_.advance(*page);
            if (!fresh) return list_failed(fresh.error());
            for (auto& img : page->images) {
                queue_.push_back(std::move(img.id));
                ++reporter_.c.files;
                ++reporter_.c.total;
            }
            if (walk_.finished()) reporter_.c.total_known = true;
            pump();
        });
    }

    void list_failed(const cfimages::ApiError& e) {
        // The rest of the listing is unknown: one failure, the export stops
        // taking new images (those queued still go).
        ++reporter_.c.failed;
        cfimages::ApiError shown = e;
        shown.message = "listing the images: " + e.message;
        reporter_.error(shown, dir_shown_);
        list_error_ = true;
        reporter_.c.total_known = true;
        pump();
    }

    void download(std::string id) {
        auto request = cfimages::v1::blobs::get(ctx_.cfg, id);  // before `id` moves into the handler
        client_->async_send(std::move(request),
                            [this, id = std::move(id)](cfimages::Result<cfimages::Blob> blob) {
                                write(id, blob);
                                --active_;
                                pump();
                            });
    }

    void write(const std::string& id, const cfimages::Result<cfimages::Blob>& blob) {
        Counters& c = reporter_.c;
        if (!blob) {
            ++c.failed;
            reporter_.error(blob.error(), id);
            return;
        }
        auto rel = bulk::export_path(id, blob->content_type);
        if (!rel) {
            ++c.failed;
            reporter_.error(rel.error(), id);
            return;
        }
        const fs::path final_path = root_ / fs::path(*rel);
        const std::string shown = join_shown(dir_shown_, *rel);
        std::error_code ec;
        fs::create_directories(final_path.parent_path(), ec);
        if (ec) {
            ++c.failed;
            reporter_.error("io", shown, "cannot create the folder: " + ec.message());
            return;
        }
        const std::string tmp = final_path.string() + std::string(bulk::partial_suffix);
        const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        bool ok = fd >= 0;
        int err = ok ? 0 : errno;
        std::size_t off = 0;
        while (ok && off < blob->bytes.size()) {
            const ssize_t n = ::write(fd, blob->bytes.data() + off, blob->bytes.size() - off);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) {
                ok = false;
                err = errno;
                break;
            }
            off += static_cast<std::size_t>(n);
        }
        if (fd >= 0 && ::close(fd) != 0 && ok) {
            ok = false;
            err = errno;
        }
        if (ok && ::rename(tmp.c_str(), final_path.c_str()) != 0) {
            ok = false;
            err = errno;
        }
        if (!ok) {
            ::unlink(tmp.c_str());
            ++c.failed;
            reporter_.error("io", shown, "cannot write: " + errno_text(err));
            return;
        }
        ++c.uploaded;
        c.bytes_done += blob->bytes.size();
        if (!journal_.append("exported", id) && !journal_warned_) {
            journal_warned_ = true;
            reporter_.warn("cannot write the journal " + journal_.path() + ": " + errno_text(errno));
        }
    }

    void finish() {
        if (finished_) return;
        finished_ = true;
        if (ticker_) ticker_->stop();
        ioc_.stop();
    }

    const BulkContext& ctx_;
    Reporter reporter_;
    cfimages::ListWalk<cfimages::v2::ListParams> walk_;
    std::string dir_shown_;
    fs::path root_;
    std::size_t concurrency_ = 16;
    bulk::JournalBinding binding_;
    JournalFile journal_;
    bool journal_warned_ = false;

    boost::asio::io_context ioc_{1};
    std::optional<cfimages::beast::AsyncClient> client_;
    std::optional<Ticker> ticker_;
    std::deque<std::string> queue_;
    std::size_t active_ = 0;
    bool listing_ = false;
    bool list_error_ = false;
    bool finished_ = false;
};

} // namespace

int run_sync(const BulkContext& ctx, const ParsedArgs& a) {
    SyncRun run(ctx, a);
    return run.run();
}

int run_export(const BulkContext& ctx, const ParsedArgs& a) {
    ExportRun run(ctx, a);
    return run.run();
}

} // namespace cfimages_cli
