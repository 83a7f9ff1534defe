#ifndef CFIMAGES_DETAIL_PAGE_ARENA_HPP
#define CFIMAGES_DETAIL_PAGE_ARENA_HPP

// Why an arena for `meta`
// -----------------------
// `Image::meta` is a `boost::json::object`, and Boost.JSON allocates every
// key of every object on its own: a 10,000-image page was ~40,000 mallocs
// and as many frees for metadata alone, nearly half the time it took to
// decode the page. The strict page reader (fast_page.hpp) builds every
// `meta` of a page in one `PageArena` instead: a Boost.JSON memory
// resource, shared by reference count (`make_shared_resource`), so it
// lives exactly as long as the last object that uses it, wherever that
// object was moved or copied to.
//
// Unlike `boost::json::monotonic_resource` it is safe to use from several
// threads at once: metas of images of one page may be changed
// concurrently on different threads, as if each had its own allocator.
// Allocation is a lock-free bump; only starting a new block takes a lock.
// Freeing is a no-op until the arena goes, as with any monotonic
// resource: memory a long-lived meta keeps rewriting is not reused.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <new>

#include <boost/json/memory_resource.hpp>

#include <cfimages/detail/no_exceptions.hpp>

namespace cfimages {
namespace detail {

class PageArena final : public boost::json::memory_resource {
public:
    /// `first_block`: bytes of the first block (later ones double, to 1 MiB).
    explicit PageArena(std::size_t first_block = 16 * 1024) : next_size_(round_up(first_block)) {
        std::lock_guard<std::mutex> lock(grow_);
        add_block(next_size_);
    }
    PageArena(const PageArena&) = delete;
    PageArena& operator=(const PageArena&) = delete;

    ~PageArena() override {
        Block* b = last_;
        while (b != nullptr) {
            Block* prev = b->prev;
            ::operator delete(static_cast<void*>(b));
            b = prev;
        }
    }

private:
    // Every block and every allocation is a multiple of `grain`, so any
    // alignment up to it holds without padding.
    static constexpr std::size_t grain = alignof(std::max_align_t);

    struct Block {
        Block* prev;
        std::size_t size;                // usable bytes after the header
        std::atomic<std::size_t> used;   // may run past size: then the block is full
        unsigned char* data() noexcept { return reinterpret_cast<unsigned char*>(this) + header(); }
    };
    static constexpr std::size_t header() noexcept { return (sizeof(Block) + grain - 1) / grain * grain; }
    static constexpr std::size_t round_up(std::size_t n) noexcept { return (n + grain - 1) / grain * grain; }

    // Caller holds grow_.
    Block* add_block(std::size_t size) {
        void* raw = ::operator new(header() + size);
        Block* b = ::new (raw) Block{last_, size, {0}};
        last_ = b;
        current_.store(b, std::memory_order_release);
        return b;
    }

    void* do_allocate(std::size_t n, std::size_t align) override {
        if (align > grain) {  // Boost.JSON never asks for more than max_align_t
#if defined(CFIMAGES_NO_EXCEPTIONS)
            fatal("PageArena: alignment above max_align_t requested");
#else
            throw std::bad_alloc();
#endif
        }
        n = round_up(n == 0 ? 1 : n);
        for (;;) {
            Block* b = current_.load(std::memory_order_acquire);
            const std::size_t off = b->used.fetch_add(n, std::memory_order_relaxed);
            if (off <= b->size && n <= b->size - off) return b->data() + off;
            std::lock_guard<std::mutex> lock(grow_);
            if (current_.load(std::memory_order_acquire) != b) continue;  // another thread grew it
            if (next_size_ < max_block) next_size_ *= 2;
            add_block(n > next_size_ ? n : next_size_);
        }
    }

    void do_deallocate(void*, std::size_t, std::size_t) override {}

    bool do_is_equal(const memory_resource& other) const noexcept override { return this == &other; }

    static constexpr std::size_t max_block = 1024 * 1024;

    std::atomic<Block*> current_{nullptr};
    std::mutex grow_;
    Block* last_ = nullptr;  // newest block; guarded by grow_
    std::size_t next_size_;  // guarded by grow_
};

} // namespace detail
} // namespace cfimages

#endif // CFIMAGES_DETAIL_PAGE_ARENA_HPP
