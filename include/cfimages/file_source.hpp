#ifndef CFIMAGES_FILE_SOURCE_HPP
#define CFIMAGES_FILE_SOURCE_HPP

/// @file
/// `file_source`: a file on disk as a `BodySource`, so an upload streams
/// it instead of holding it in memory (`File::source`).

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#if !defined(_WIN32)
#include <sys/types.h>
#endif

#include <cfimages/detail/text.hpp>
#include <cfimages/http.hpp>
#include <cfimages/result.hpp>

namespace cfimages {
namespace detail {

// 64-bit seek and tell on every platform (`long` is 32 bits on Windows).
inline bool file_seek(std::FILE* f, std::uint64_t offset, int whence) noexcept {
#if defined(_WIN32)
    return ::_fseeki64(f, static_cast<__int64>(offset), whence) == 0;
#else
    return ::fseeko(f, static_cast<off_t>(offset), whence) == 0;
#endif
}
inline std::int64_t file_tell(std::FILE* f) noexcept {
#if defined(_WIN32)
    return static_cast<std::int64_t>(::_ftelli64(f));
#else
    return static_cast<std::int64_t>(::ftello(f));
#endif
}

// The source behind `file_source`: one open FILE, reads serialised by a
// mutex (a seek and a read are one step), so any thread may read at any
// offset, and every attempt may start again from 0.
class FileBodySource final : public BodySource {
public:
    FileBodySource(std::FILE* f, std::string path, std::uint64_t size) noexcept
        : file_(f), path_(std::move(path)), size_(size) {}
    FileBodySource(const FileBodySource&) = delete;
    FileBodySource& operator=(const FileBodySource&) = delete;
    ~FileBodySource() override { std::fclose(file_); }

    std::uint64_t size() const noexcept override { return size_; }

    // A file that is shorter or longer than it was when opened fails the
    // read: sending its first `size_` bytes would be sending the wrong file.
    Result<std::size_t> read(std::uint64_t offset, char* out, std::size_t n) const override {
        if (n == 0) return std::size_t{0};
        if (offset >= size_) return changed("read past its size");
        if (static_cast<std::uint64_t>(n) > size_ - offset) n = static_cast<std::size_t>(size_ - offset);
        std::lock_guard<std::mutex> lock(mutex_);
        std::clearerr(file_);
        if (!file_seek(file_, offset, SEEK_SET)) return failed("cannot seek in");
        const std::size_t got = std::fread(out, 1, n, file_);
        if (got < n) {
            if (std::ferror(file_)) return failed("cannot read");
            return changed("is shorter than when it was opened");
        }
        if (offset + got == size_) {
            char extra = 0;
            if (std::fread(&extra, 1, 1, file_) == 1) return changed("is longer than when it was opened");
        }
        return got;
    }

private:
    ApiError failed(const char* what) const {
        const int err = errno;
        return ApiError::make(ErrorKind::transport,
                              std::string("file: ") + what + ' ' + path_ + ": " + std::strerror(err));
    }
    ApiError changed(const char* what) const {
        return ApiError::make(ErrorKind::transport, "file: " + path_ + " changed while it was being sent: " + what +
                                                        " (" + int_to_string(static_cast<std::int64_t>(size_)) +
                                                        " bytes)");
    }

    std::FILE* file_;
    std::string path_;
    std::uint64_t size_;
    mutable std::mutex mutex_;
};

} // namespace detail

/// Opens the file at `path` as a `BodySource` for `File::source`: an
/// upload then streams it in chunks instead of holding it in memory.
///
/// The size is taken now and is the `Content-Length`; the file is kept
/// open until the last request holding the source is gone. `read` may be
/// called from any thread and from any offset (each attempt reads from 0
/// again). A file that becomes shorter or longer while it is sent fails
/// that attempt (`ErrorKind::transport`, not retried), rather than send
/// bytes that are not the file's; a change that keeps the size is not
/// detected.
/// @code
/// auto src = cfimages::file_source("photos/cat.png");
/// if (!src) { std::cerr << src.error() << '\n'; return 2; }
/// cfimages::v1::CreateParams p;
/// p.file = cfimages::File{{}, "cat.png", "", *src};
/// @endcode
/// @return the source, or `invalid_argument` naming the path when it
///   cannot be opened, sized or read (missing, a directory, no permission).
inline Result<std::shared_ptr<const BodySource>> file_source(std::string path) {
    auto refuse = [&](const char* what, int err) {
        return ApiError::invalid("file", std::string(what) + ' ' + path + ": " + std::strerror(err));
    };
    errno = 0;
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (f == nullptr) return refuse("cannot open", errno != 0 ? errno : ENOENT);
    std::int64_t size = -1;
    if (detail::file_seek(f, 0, SEEK_END)) size = detail::file_tell(f);
    if (size < 0 || !detail::file_seek(f, 0, SEEK_SET)) {
        const int err = errno != 0 ? errno : EIO;
        std::fclose(f);
        return refuse("cannot find the size of", err);
    }
    // Opening a directory succeeds on some systems; reading it does not.
    char first = 0;
    errno = 0;
    if (std::fread(&first, 1, 1, f) != 1 && std::ferror(f)) {
        const int err = errno != 0 ? errno : EIO;
        std::fclose(f);
        return refuse("cannot read", err);
    }
    std::shared_ptr<const BodySource> src =
        std::make_shared<detail::FileBodySource>(f, std::move(path), static_cast<std::uint64_t>(size));
    return src;
}

} // namespace cfimages

#endif // CFIMAGES_FILE_SOURCE_HPP
