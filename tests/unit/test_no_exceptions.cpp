// The codec's only two throws, and what they become in a build without
// exceptions (-fno-exceptions: scripts/test no-exceptions): Result<T>::value()
// on an error and the page arena asked for an alignment it cannot give
// write one line to stderr and abort, as std::expected::value() does there.
#include <cfimages/result.hpp>
#include <cfimages/detail/page_arena.hpp>

#include <doctest/doctest.h>

#include <cstddef>
#include <string>

#if defined(CFIMAGES_NO_EXCEPTIONS) && defined(__unix__)
#include <csignal>
#include <sys/wait.h>
#include <unistd.h>
#endif

namespace {

cfimages::Result<int> refused() {
    return cfimages::fail(cfimages::ApiError::invalid("width", "must be positive"));
}

constexpr std::size_t too_aligned = 2 * alignof(std::max_align_t);

} // namespace

#if !defined(CFIMAGES_NO_EXCEPTIONS)

TEST_CASE("no-exceptions: with exceptions on, value() throws and the arena throws bad_alloc") {
    CHECK_THROWS_AS(refused().value(), cfimages::BadResultAccess);
    cfimages::detail::PageArena arena;
    boost::json::memory_resource& mr = arena;
    CHECK_THROWS_AS(mr.allocate(16, too_aligned), std::bad_alloc);
    CHECK(mr.allocate(16, alignof(std::max_align_t)) != nullptr);
}

#elif defined(__unix__)

namespace {

// Runs `f` in a child process; returns its stderr, and whether it died of SIGABRT.
template <class F>
std::string run_child(F f, bool& aborted) {
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        ::dup2(fds[1], 2);
        ::close(fds[0]);
        f();
        ::_exit(0);  // not reached when f aborts
    }
    ::close(fds[1]);
    std::string err;
    char buf[512];
    for (;;) {
        const ssize_t n = ::read(fds[0], buf, sizeof buf);
        if (n <= 0) break;
        err.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fds[0]);
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    aborted = WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
    return err;
}

} // namespace

TEST_CASE("no-exceptions: Result<T>::value() on an error aborts with the error's message") {
    bool aborted = false;
    const std::string err = run_child([] { (void)refused().value(); }, aborted);
    CHECK(aborted);
    CHECK(err == "cfimages: Result<T>::value() called on an error: width: must be positive\n");

    // A value is returned as usual.
    cfimages::Result<int> ok = 7;
    CHECK(ok.value() == 7);
}

TEST_CASE("no-exceptions: the page arena aborts when asked for more than max_align_t") {
    bool aborted = false;
    const std::string err = run_child(
        [] {
            cfimages::detail::PageArena arena;
            boost::json::memory_resource& mr = arena;
            (void)mr.allocate(16, too_aligned);
        },
        aborted);
    CHECK(aborted);
    CHECK(err.find("alignment above max_align_t") != std::string::npos);
}

#else

TEST_CASE("no-exceptions: Result<T>::value() on a value") {
    cfimages::Result<int> ok = 7;
    CHECK(ok.value() == 7);
    CHECK_FALSE(refused().has_value());
}

#endif
