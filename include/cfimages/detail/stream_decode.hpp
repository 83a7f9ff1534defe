#ifndef CFIMAGES_DETAIL_STREAM_DECODE_HPP
#define CFIMAGES_DETAIL_STREAM_DECODE_HPP

// How this works
// --------------
// The fast path for the answers that carry images (get, upload, edit, and
// the v1/v2 lists, whose 10,000-image pages run to megabytes). Building a
// DOM and then copying it into `Image` structs touches every byte twice and
// allocates every string twice; here a SAX handler on
// `boost::json::basic_parser` writes each field straight into its `Image`:
// strings are allocated once at their final size, `uploaded` is parsed from
// the parser's buffer without ever becoming a string, and only `meta` (a
// JSON object in the model) is built as a DOM, by the same `value_stack`
// the DOM parser uses.
//
// It only ever answers the happy path. Anything it does not expect (a
// non-2xx status, `success` not exactly `true`, a field of the wrong type,
// a duplicate key that the DOM would resolve by "last wins", a date that
// does not parse, a parse error) makes it give up, and the DOM path
// (`parse_envelope_body`) decides, so every error keeps its exact message
// and field path. Giving up costs one extra parse, only on answers that are
// errors anyway.
//
// For pages, everything in `result` except `images` is captured as a small
// DOM (`images` replaced by null) and handed to the caller's own decoder,
// so fields such as `continuation_token`, and the v1 page's request
// context, are read by exactly the code the DOM path uses.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/value.hpp>
#include <boost/json/value_stack.hpp>

#include <cfimages/detail/decode.hpp>
#include <cfimages/detail/fast_page.hpp>
#include <cfimages/detail/json.hpp>
#include <cfimages/detail/text.hpp>
#include <cfimages/http.hpp>
#include <cfimages/models.hpp>
#include <cfimages/result.hpp>

namespace cfimages {
namespace detail {

class ImageStreamHandler {
public:
    // Limits as the DOM parser's own handler sets them.
    static constexpr std::size_t max_object_size = boost::json::object::max_size();
    static constexpr std::size_t max_array_size = boost::json::array::max_size();
    static constexpr std::size_t max_key_size = boost::json::string::max_size();
    static constexpr std::size_t max_string_size = boost::json::string::max_size();

    /// `page`: `result` is `{"images": [...], ...}`; otherwise `result` is one image.
    explicit ImageStreamHandler(bool page) : page_(page) {}

    // What the parse produced; meaningful only when `usable()`.
    bool usable() const noexcept {
        return !bail_ && success_ && result_seen_ && (!page_ || images_seen_) && where_ == Where::done;
    }
    Image& image() noexcept { return image_; }
    std::vector<Image>& images() noexcept { return images_; }
    /// Drops the images a reused vector held beyond this page's.
    void trim_images() { images_.erase(images_.begin() + static_cast<std::ptrdiff_t>(used_), images_.end()); }
    boost::json::value take_shell() { return shell_st_.release(); }

    // ---------------------------------------------------- parser events
    bool on_document_begin(boost::system::error_code&) { return true; }
    bool on_document_end(boost::system::error_code&) { return true; }

    bool on_object_begin(boost::system::error_code& ec) {
        if (enter_nested()) return true;
        switch (target()) {
        case Target::envelope: where_ = Where::env; return true;
        case Target::result:
            if (page_) {
                where_ = Where::result;
                shell_st_.reset();
                shell_count_ = 0;
            } else {
                begin_image(image_);
                where_ = Where::image;
            }
            return true;
        case Target::image:
            // A page decoded into a reused vector overwrites its images in
            // place, so their strings keep their capacity (parse_into).
            if (used_ == images_.size()) images_.emplace_back();
            begin_image(images_[used_++]);
            where_ = Where::image;
            return true;
        case Target::meta:
            meta_st_.reset();
            ++meta_depth_;
            return true;
        case Target::shell: ++shell_depth_; return true;
        case Target::skip: ++skip_depth_; return true;
        default: return give_up(ec);
        }
    }

    bool on_object_end(std::size_t n, boost::system::error_code& ec) {
        if (skip_depth_ > 0) {
            --skip_depth_;
            return true;
        }
        if (meta_depth_ > 0) {
            meta_st_.push_object(n);
            if (--meta_depth_ == 0) {
                boost::json::value v = meta_st_.release();
                replace_meta(cur_->meta, std::move(v.get_object()));
            }
            return true;
        }
        if (shell_depth_ > 0) {
            shell_st_.push_object(n);
            if (--shell_depth_ == 0) ++shell_count_;
            return true;
        }
        switch (where_) {
        case Where::env: where_ = Where::done; return true;
        case Where::result:
            shell_st_.push_key("images");
            shell_st_.push_null();
            shell_st_.push_object(shell_count_ + 1);
            where_ = Where::env;
            return true;
        case Where::image:
            if ((seen_ & bit(Field::id)) == 0) return give_up(ec);  // required
            // Absent fields take their defaults (a reused image may hold old values).
            for (Field f : {Field::filename, Field::creator, Field::meta, Field::require_signed_urls,
                            Field::uploaded, Field::variants, Field::draft})
                if ((seen_ & bit(f)) == 0) reset(f);
            where_ = page_ ? Where::images : Where::env;
            return true;
        default: return give_up(ec);
        }
    }

    bool on_array_begin(boost::system::error_code& ec) {
        if (enter_nested()) return true;
        switch (target()) {
        case Target::images: where_ = Where::images; return true;
        case Target::variants: where_ = Where::variants; variant_count_ = 0; return true;
        case Target::shell: ++shell_depth_; return true;
        case Target::skip: ++skip_depth_; return true;
        default: return give_up(ec);
        }
    }

    bool on_array_end(std::size_t n, boost::system::error_code& ec) {
        if (skip_depth_ > 0) {
            --skip_depth_;
            return true;
        }
        if (meta_depth_ > 0) {
            meta_st_.push_array(n);
            --meta_depth_;
            return true;
        }
        if (shell_depth_ > 0) {
            shell_st_.push_array(n);
            if (--shell_depth_ == 0) ++shell_count_;
            return true;
        }
        switch (where_) {
        case Where::images: where_ = Where::result; return true;
        case Where::variants: {
            auto& vs = cur_->variants;
            vs.erase(vs.begin() + static_cast<std::ptrdiff_t>(variant_count_), vs.end());
            where_ = Where::image;
            return true;
        }
        default: return give_up(ec);
        }
    }

    bool on_key_part(boost::json::string_view s, std::size_t, boost::system::error_code&) {
        if (skip_depth_ > 0) return true;
        if (meta_depth_ > 0) meta_st_.push_chars(s);
        else if (shell_depth_ > 0) shell_st_.push_chars(s);
        else key_.append(s.data(), s.size());
        return true;
    }

    bool on_key(boost::json::string_view s, std::size_t, boost::system::error_code& ec) {
        if (skip_depth_ > 0) return true;
        if (meta_depth_ > 0) {
            meta_st_.push_key(s);
            return true;
        }
        if (shell_depth_ > 0) {
            shell_st_.push_key(s);
            return true;
        }
        std::string_view k(s.data(), s.size());
        if (!key_.empty()) {
            key_.append(s.data(), s.size());
            k = key_;
        }
        const bool ok = select_field(k);
        key_.clear();
        return ok || give_up(ec);
    }

    bool on_string_part(boost::json::string_view s, std::size_t, boost::system::error_code&) {
        if (skip_depth_ > 0) return true;
        if (meta_depth_ > 0) meta_st_.push_chars(s);
        else if (shell_depth_ > 0) shell_st_.push_chars(s);
        else str_.append(s.data(), s.size());
        return true;
    }

    bool on_string(boost::json::string_view s, std::size_t, boost::system::error_code& ec) {
        if (skip_depth_ > 0) return true;
        if (meta_depth_ > 0) {
            meta_st_.push_string(s);
            return true;
        }
        if (shell_depth_ > 0) {
            shell_st_.push_string(s);
            return true;
        }
        std::string_view v(s.data(), s.size());
        if (!str_.empty()) {
            str_.append(s.data(), s.size());
            v = str_;
        }
        const bool ok = take_string(v);
        str_.clear();
        return ok || give_up(ec);
    }

    bool on_number_part(boost::json::string_view, boost::system::error_code&) { return true; }

    bool on_int64(std::int64_t i, boost::json::string_view, boost::system::error_code& ec) {
        return scalar(ec, [&](boost::json::value_stack& st) { st.push_int64(i); });
    }
    bool on_uint64(std::uint64_t u, boost::json::string_view, boost::system::error_code& ec) {
        return scalar(ec, [&](boost::json::value_stack& st) { st.push_uint64(u); });
    }
    bool on_double(double d, boost::json::string_view, boost::system::error_code& ec) {
        return scalar(ec, [&](boost::json::value_stack& st) { st.push_double(d); });
    }

    bool on_bool(bool b, boost::system::error_code& ec) {
        if (nested_scalar([&](boost::json::value_stack& st) { st.push_bool(b); })) return true;
        switch (target()) {
        case Target::success:
            if (!b) return give_up(ec);  // success: false is the DOM path's (api error)
            success_ = true;
            return true;
        case Target::require_signed_urls: cur_->require_signed_urls = b; return true;
        case Target::draft: cur_->draft = b; return true;
        case Target::shell: shell_st_.push_bool(b); ++shell_count_; return true;
        case Target::skip: return true;
        default: return give_up(ec);
        }
    }

    bool on_null(boost::system::error_code& ec) {
        if (nested_scalar([&](boost::json::value_stack& st) { st.push_null(); })) return true;
        switch (target()) {
        // Optional fields: null means the default, as the DOM readers do.
        case Target::filename: reset(Field::filename); return true;
        case Target::creator: reset(Field::creator); return true;
        case Target::meta: reset(Field::meta); return true;
        case Target::require_signed_urls: reset(Field::require_signed_urls); return true;
        case Target::uploaded: reset(Field::uploaded); return true;
        case Target::variants: reset(Field::variants); return true;
        case Target::draft: reset(Field::draft); return true;
        case Target::skip: return true;
        case Target::images: return true;  // a null list: no images
        case Target::shell: shell_st_.push_null(); ++shell_count_; return true;
        default: return give_up(ec);  // null id, success or result, or a null image
        }
    }

    bool on_comment_part(boost::json::string_view, boost::system::error_code&) { return true; }
    bool on_comment(boost::json::string_view, boost::system::error_code&) { return true; }

private:
    // The containers this handler decodes itself; everything else is
    // captured into a DOM (meta, the page shell) or skipped.
    enum class Where : unsigned char { top, env, result, images, image, variants, done };
    // What the next value is, from where we are and the last key.
    enum class Field : unsigned char {
        skip, success, result, images, shell,
        id, filename, creator, meta, require_signed_urls, uploaded, variants, draft
    };
    enum class Target : unsigned char {
        none, envelope, success, result, images, image, shell, skip,
        id, filename, creator, meta, require_signed_urls, uploaded, variants, variant, draft
    };

    static constexpr unsigned bit(Field f) noexcept { return 1u << static_cast<unsigned>(f); }

    // A container opening inside a skipped or captured value: one level deeper.
    bool enter_nested() noexcept {
        if (skip_depth_ > 0) ++skip_depth_;
        else if (meta_depth_ > 0) ++meta_depth_;
        else if (shell_depth_ > 0) ++shell_depth_;
        else return false;
        return true;
    }

    // Forwards a scalar inside meta or the shell; true when it was one.
    template <class Push>
    bool nested_scalar(Push&& push) {
        if (skip_depth_ > 0) return true;
        if (meta_depth_ > 0) {
            push(meta_st_);
            return true;
        }
        if (shell_depth_ > 0) {
            push(shell_st_);
            return true;
        }
        return false;
    }

    // A number: fine in meta, the shell or a skipped field; wrong anywhere we decode.
    template <class Push>
    bool scalar(boost::system::error_code& ec, Push&& push) {
        if (nested_scalar(push)) return true;
        switch (target()) {
        case Target::shell: push(shell_st_); ++shell_count_; return true;
        case Target::skip: return true;
        default: return give_up(ec);
        }
    }

    Target target() const noexcept {
        switch (where_) {
        case Where::top: return Target::envelope;
        case Where::images: return Target::image;
        case Where::variants: return Target::variant;
        case Where::env:
        case Where::result:
        case Where::image:
            switch (field_) {
            case Field::skip: return Target::skip;
            case Field::success: return Target::success;
            case Field::result: return Target::result;
            case Field::images: return Target::images;
            case Field::shell: return Target::shell;
            case Field::id: return Target::id;
            case Field::filename: return Target::filename;
            case Field::creator: return Target::creator;
            case Field::meta: return Target::meta;
            case Field::require_signed_urls: return Target::require_signed_urls;
            case Field::uploaded: return Target::uploaded;
            case Field::variants: return Target::variants;
            case Field::draft: return Target::draft;
            }
            return Target::none;
        case Where::done: return Target::none;
        }
        return Target::none;
    }

    // Sets `field_` from a key; false on a duplicate the DOM would resolve
    // differently (last wins) than a streaming reader (first seen).
    bool select_field(std::string_view k) {
        Field f = Field::skip;
        unsigned* seen = &seen_;
        switch (where_) {
        case Where::env:
            seen = &env_seen_;
            if (k == "success") f = Field::success;
            else if (k == "result") f = Field::result;
            break;
        case Where::result:
            seen = &result_seen_bits_;
            if (k == "images") {
                f = Field::images;
                images_seen_ = true;
            } else {
                f = Field::shell;
                shell_st_.push_key(boost::json::string_view(k.data(), k.size()));
            }
            break;
        case Where::image:
            if (k == "id") f = Field::id;
            else if (k == "filename") f = Field::filename;
            else if (k == "creator") f = Field::creator;
            else if (k == "meta") f = Field::meta;
            else if (k == "requireSignedURLs") f = Field::require_signed_urls;
            else if (k == "uploaded") f = Field::uploaded;
            else if (k == "variants") f = Field::variants;
            else if (k == "draft") f = Field::draft;
            break;
        default: return false;
        }
        if (f != Field::skip && f != Field::shell) {
            if ((*seen & bit(f)) != 0) return false;
            *seen |= bit(f);
        }
        if (f == Field::result) result_seen_ = true;
        field_ = f;
        return true;
    }

    bool take_string(std::string_view v) {
        switch (target()) {
        case Target::id: cur_->id.assign(v.data(), v.size()); return true;
        case Target::filename: assign_reusing(cur_->filename, v); return true;
        case Target::creator: assign_reusing(cur_->creator, v); return true;
        case Target::uploaded: {
            auto tp = parse_rfc3339(v);
            if (!tp) return false;
            cur_->uploaded = *tp;
            return true;
        }
        case Target::variant: set_variant(cur_->variants, variant_count_++, v); return true;
        case Target::shell:
            shell_st_.push_string(boost::json::string_view(v.data(), v.size()));
            ++shell_count_;
            return true;
        case Target::skip: return true;
        default: return false;
        }
    }

    void begin_image(Image& img) {
        cur_ = &img;
        seen_ = 0;
    }

    // Gives an optional field of the current image its default.
    void reset(Field f) noexcept {
        switch (f) {
        case Field::filename: cur_->filename.reset(); break;
        case Field::creator: cur_->creator.reset(); break;
        case Field::meta: replace_meta(cur_->meta, boost::json::object()); break;
        case Field::require_signed_urls: cur_->require_signed_urls = false; break;
        case Field::uploaded: cur_->uploaded = {}; break;
        case Field::variants: cur_->variants.clear(); break;
        case Field::draft: cur_->draft = false; break;
        default: break;
        }
    }

    bool give_up(boost::system::error_code& ec) {
        bail_ = true;
        ec = boost::json::error::extra_data;  // any failure code: the DOM path reports the real one
        return false;
    }

    bool page_;
    bool bail_ = false;
    bool success_ = false;
    bool result_seen_ = false;
    bool images_seen_ = false;
    Where where_ = Where::top;
    Field field_ = Field::skip;
    unsigned seen_ = 0, env_seen_ = 0, result_seen_bits_ = 0;
    int skip_depth_ = 0, meta_depth_ = 0, shell_depth_ = 0;
    std::size_t shell_count_ = 0;
    Image image_;
    std::vector<Image> images_;
    std::size_t used_ = 0;           // images of this page so far (images_ may hold more, for reuse)
    std::size_t variant_count_ = 0;  // URLs of the current image so far
    Image* cur_ = &image_;
    std::string key_, str_;
    boost::json::value_stack meta_st_;
    boost::json::value_stack shell_st_;
};

template <class T>
inline constexpr bool is_image_page_v =
    std::is_same_v<T, v1::ImagePage> || std::is_same_v<T, v2::ImagePage>;

/// The streaming fast path of `parse_envelope` for `Image` (decoded by
/// `decode_image_result`) and the image pages. Returns the decoded value
/// when the response is a 2xx envelope with `success: true` that decodes
/// cleanly; nullopt in every other case, for the DOM path to judge.
/// `reuse` (pages only) lends the images of an earlier page: they are
/// overwritten in place and become the new page's, so a steady walk over
/// pages allocates little beyond what the first page did. Whatever the
/// outcome, `*reuse` is left empty.
template <class T, class Decode>
std::optional<Result<T>> stream_parse_envelope(const HttpResponse& r, Decode& decode,
                                               std::vector<Image>* reuse = nullptr) {
    constexpr bool image = std::is_same_v<T, Image>;
    if constexpr (!image && !is_image_page_v<T>) {
        (void)r;
        (void)decode;
        (void)reuse;
        return std::nullopt;
    } else {
        if constexpr (image) {
            // Only the stock image decoder is known to mean "result is an image".
            using Fn = Result<Image> (*)(const boost::json::value&, const Path&);
            if constexpr (std::is_convertible_v<Decode&, Fn>) {
                if (static_cast<Fn>(decode) != &decode_image_result) return std::nullopt;
            } else {
                return std::nullopt;
            }
        }
        std::vector<Image> lent;
        if (reuse != nullptr) lent.swap(*reuse);
        if (r.status < 200 || r.status >= 300 || r.body.empty()) return std::nullopt;
        boost::json::parse_options opt;
        opt.max_depth = 64;  // as the DOM path
        boost::json::basic_parser<ImageStreamHandler> p(opt, !image);
        if constexpr (!image) {
            // One allocation for the page instead of ~14 doublings that move
            // every Image: an image's JSON takes at least ~256 bytes (ID,
            // filename, upload time, variant URLs), so this rarely grows,
            // and slots never used are never touched.
            lent.reserve(r.body.size() / 256);
            // The strict reader first (fast_page.hpp); it declines anything unusual.
            FastPageReader fast(r.body, lent);
            if (fast.read()) {
                boost::json::object shell;
                shell.emplace("images", nullptr);
                if (auto& token = fast.continuation_token()) shell.emplace("continuation_token", *token);
                const Path root{};
                Result<T> page = decode(boost::json::value(std::move(shell)), root.child("result"));
                if (page) {
                    page->images = std::move(lent);
                    return page;
                }
            }
            p.handler().images().swap(lent);
        }
        boost::system::error_code ec;
        const std::size_t n = p.write_some(false, r.body.data(), r.body.size(), ec);
        ImageStreamHandler& h = p.handler();
        if (ec || n != r.body.size() || !h.usable()) return std::nullopt;
        if constexpr (image) {
            return Result<T>(std::move(h.image()));
        } else {
            // The caller's decoder reads everything but the images.
            const boost::json::value shell = h.take_shell();
            const Path root{};
            Result<T> page = decode(shell, root.child("result"));
            if (!page) return std::nullopt;
            h.trim_images();
            page->images = std::move(h.images());
            return page;
        }
    }
}

} // namespace detail
} // namespace cfimages

#endif // CFIMAGES_DETAIL_STREAM_DECODE_HPP
