// libFuzzer target: every response parser (the 17 endpoints and the batch
// token), fed arbitrary statuses, headers and bodies, plus the retry
// decision on the same response.
//
// Input layout (so seeds stay readable):
//   byte 0  which request's parser (mod 18)
//   byte 1  status: index into a table of interesting statuses, or raw
//   byte 2  header flags: bit 0 content-type, 1 cf-images, 2 retry-after,
//           3 retry-after-ms, 4 x-should-retry; each set flag takes one
//           length byte and that many value bytes, in bit order
//   rest    body
//
// Invariants: a result holds a value or an ApiError, never both or
// neither; a value only for a 2xx status; a non-2xx is an `api` error;
// every error carries the response status and a non-empty, single-line,
// bounded message; a retry delay lies within [0, max_delay].

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <cfimages/cfimages.hpp>
#include <cfimages/retry.hpp>

#include "common.hpp"

namespace {

using namespace cfimages;
using cfimages_fuzz::check_result;

struct Requests {
    Request<Image> create, get, edit;
    Request<v1::ImagePage> list;
    Request<Deleted> remove, variant_remove;
    Request<Blob> blob;
    Request<std::vector<SigningKey>> keys_list, keys_update, keys_remove;
    Request<Stats> stats;
    Request<std::map<std::string, Variant>> variants_list;
    Request<Variant> variant_get, variant_create, variant_edit;
    Request<v2::ImagePage> list_v2;
    Request<DirectUpload> direct_upload;
    Request<v1::BatchTokenGrant> batch_token;
};

template <class T>
Request<T> must(Result<Request<T>> r) {
    if (!r) cfimages_fuzz::fail_check("a fixed builder call failed", __FILE__, __LINE__);
    return std::move(*r);
}

const Requests& requests() {
    static const Requests rs = [] {
        Config cfg;
        cfg.account_id = "023e105f4ecef8ad9ca31a8372d0c353";
        cfg.credentials = ApiToken{"token"};
        Requests r;
        v1::CreateParams cp;
        cp.url = "https://example.com/a.png";
        r.create = must(v1::create(cfg, cp));
        v1::ListParams lp;
        lp.page = 2;
        lp.per_page = 10;
        r.list = must(v1::list(cfg, lp));
        r.get = must(v1::get(cfg, "img"));
        v1::EditParams ep;
        ep.creator = "c";
        r.edit = must(v1::edit(cfg, "img", ep));
        r.remove = must(v1::remove(cfg, "img"));
        r.blob = must(v1::blobs::get(cfg, "img"));
        r.keys_list = must(v1::keys::list(cfg));
        r.keys_update = must(v1::keys::update(cfg, "k"));
        r.keys_remove = must(v1::keys::remove(cfg, "k"));
        r.stats = must(v1::stats::get(cfg));
        r.variants_list = must(v1::variants::list(cfg));
        r.variant_get = must(v1::variants::get(cfg, "hero"));
        Variant v;
        v.id = "hero";
        v.options.width = 10;
        v.options.height = 10;
        r.variant_create = must(v1::variants::create(cfg, v));
        v1::variants::EditParams vp;
        vp.options = v.options;
        r.variant_edit = must(v1::variants::edit(cfg, "hero", vp));
        r.variant_remove = must(v1::variants::remove(cfg, "hero"));
        r.list_v2 = must(v2::list(cfg));
        r.direct_upload = must(v2::direct_uploads::create(cfg, {}));
        r.batch_token = must(v1::batch_token(cfg));
        return r;
    }();
    return rs;
}

constexpr int statuses[] = {200, 201, 202, 204, 206, 299, 100, 199, 300, 301, 304, 400, 401, 403, 404, 405,
                            408, 409, 413, 415, 422, 429, 500, 502, 503, 504, 599, 600, 0, -1, 999, 2147483647};

// Value-specific invariants.
void check_value(const HttpResponse&, const Image&) {}
void check_value(const HttpResponse&, const Deleted&) {}
void check_value(const HttpResponse& r, const Blob& b) {
    FUZZ_CHECK(b.bytes == r.body);
}
void check_value(const HttpResponse&, const std::vector<SigningKey>&) {}
void check_value(const HttpResponse&, const Stats&) {}
void check_value(const HttpResponse&, const std::map<std::string, Variant>& m) {
    for (const auto& kv : m) {
        FUZZ_CHECK(kv.second.options.width >= 0);
        FUZZ_CHECK(kv.second.options.height >= 0);
    }
}
void check_value(const HttpResponse&, const Variant& v) {
    FUZZ_CHECK(v.options.width >= 0 && v.options.height >= 0);
}
void check_value(const HttpResponse&, const v1::ImagePage& p) {
    FUZZ_CHECK(p.page == 2 && p.per_page == 10);
}
void check_value(const HttpResponse&, const v2::ImagePage&) {}
void check_value(const HttpResponse&, const DirectUpload&) {}
void check_value(const HttpResponse&, const v1::BatchTokenGrant&) {}

template <class T>
void run(const Request<T>& req, const HttpResponse& resp) {
    Result<T> r = req.parse(resp);
    check_result(r);
    const bool ok = resp.status >= 200 && resp.status < 300;
    if (r) {
        FUZZ_CHECK(ok);
        check_value(resp, *r);
    } else {
        const ApiError& e = r.error();
        FUZZ_CHECK(e.message.size() <= cfimages_fuzz::max_response_message);
        FUZZ_CHECK(e.http_status == resp.status);
        if (!ok) FUZZ_CHECK(e.kind == ErrorKind::api);
        else FUZZ_CHECK(e.kind == ErrorKind::api || e.kind == ErrorKind::decode);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 3) return 0;
    const Requests& rs = requests();
    const unsigned which = data[0] % 18;
    const unsigned st = data[1];
    const unsigned flags = data[2];
    std::size_t pos = 3;

    HttpResponse resp;
    resp.status = st < 128 ? statuses[st % 32] : 100 + static_cast<int>(st - 128) * 4;
    static const char* const names[] = {"Content-Type", "cf-images", "Retry-After", "retry-after-ms",
                                        "x-should-retry"};
    for (unsigned bit = 0; bit < 5; ++bit) {
        if ((flags & (1u << bit)) == 0) continue;
        if (pos >= size) break;
        std::size_t len = data[pos++];
        if (len > size - pos) len = size - pos;
        resp.headers.push_back({names[bit], std::string(reinterpret_cast<const char*>(data + pos), len)});
        pos += len;
    }
    resp.body.assign(reinterpret_cast<const char*>(data + pos), size - pos);

    switch (which) {
    case 0: run(rs.create, resp); break;
    case 1: run(rs.list, resp); break;
    case 2: run(rs.get, resp); break;
    case 3: run(rs.edit, resp); break;
    case 4: run(rs.remove, resp); break;
    case 5: run(rs.blob, resp); break;
    case 6: run(rs.keys_list, resp); break;
    case 7: run(rs.keys_update, resp); break;
    case 8: run(rs.keys_remove, resp); break;
    case 9: run(rs.stats, resp); break;
    case 10: run(rs.variants_list, resp); break;
    case 11: run(rs.variant_get, resp); break;
    case 12: run(rs.variant_create, resp); break;
    case 13: run(rs.variant_edit, resp); break;
    case 14: run(rs.variant_remove, resp); break;
    case 15: run(rs.list_v2, resp); break;
    case 16: run(rs.direct_upload, resp); break;
    default: run(rs.batch_token, resp); break;
    }

    // The retry decision reads the same untrusted headers.
    RetryPolicy policy;
    const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1700000000));
    const RetryDecision d = decide_retry(policy, resp, data[0] % 3, (data[1] & 1) != 0, now, 0.5);
    FUZZ_CHECK(d.delay.count() >= 0 && d.delay <= policy.max_delay);
    if (!d.retry) FUZZ_CHECK(d.delay.count() == 0);
    if (auto w = server_retry_delay(resp, now)) FUZZ_CHECK(w->count() >= 0);
    return 0;
}
