#ifndef CFIMAGES_DETAIL_NO_EXCEPTIONS_HPP
#define CFIMAGES_DETAIL_NO_EXCEPTIONS_HPP

// Builds without exceptions (-fno-exceptions, /EHs-c-)
// ---------------------------------------------------
// The codec reports every failure through Result<T>; only two places
// would throw: Result<T>::value() on an error (BadResultAccess) and the
// page arena asked for an alignment it does not provide (std::bad_alloc).
// With exceptions off they write one line to stderr and abort, as
// std::expected::value() does in such builds. CFIMAGES_NO_EXCEPTIONS is
// defined then (a program may also define it itself to get the abort with
// exceptions on).

#include <cstdio>
#include <cstdlib>
#include <string_view>

#if !defined(CFIMAGES_NO_EXCEPTIONS) && !defined(__cpp_exceptions) && !defined(__EXCEPTIONS) && \
    !defined(_CPPUNWIND)
#define CFIMAGES_NO_EXCEPTIONS 1
#endif

namespace cfimages {
namespace detail {

// Writes "cfimages: <what><detail>" and a newline to stderr, then aborts.
// `detail` is an ApiError message at most, which never holds credentials.
[[noreturn]] inline void fatal(const char* what, std::string_view detail = {}) noexcept {
    std::fputs("cfimages: ", stderr);
    std::fputs(what, stderr);
    std::fwrite(detail.data(), 1, detail.size(), stderr);
    std::fputc('\n', stderr);
    std::abort();
}

} // namespace detail
} // namespace cfimages

#endif // CFIMAGES_DETAIL_NO_EXCEPTIONS_HPP
