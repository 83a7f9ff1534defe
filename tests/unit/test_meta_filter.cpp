#include <cfimages/meta_filter.hpp>

#include <doctest/doctest.h>

#include <string>
#include <vector>

using cfimages::ErrorKind;
using cfimages::v2::MetaFilter;
using cfimages::v2::MetaOp;

namespace {

std::string query_of(const std::vector<MetaFilter>& fs) {
    std::string q;
    cfimages::v2::append_query(q, fs);
    return q;
}

} // namespace

TEST_CASE("meta filters: golden table, text <-> filter <-> query") {
    struct Row {
        std::string text;    // as the CLI takes it
        MetaFilter filter;   // typed
        std::string query;   // exact bytes on the wire
    };
    const Row rows[] = {
        {"status[eq]=active", {"status", MetaOp::eq, {"active"}}, "meta.status[eq]=active"},
        {"status[eq:string]=active", {"status", MetaOp::eq_string, {"active"}}, "meta.status[eq:string]=active"},
        {"priority[eq:number]=5", {"priority", MetaOp::eq_number, {"5"}}, "meta.priority[eq:number]=5"},
        {"ok[eq:boolean]=true", {"ok", MetaOp::eq_boolean, {"true"}}, "meta.ok[eq:boolean]=true"},
        {"status[in]=pending|deleted|flagged", {"status", MetaOp::in, {"pending", "deleted", "flagged"}},
         "meta.status[in]=pending|deleted|flagged"},
        {"status[in:string]=a", {"status", MetaOp::in_string, {"a"}}, "meta.status[in:string]=a"},
        {"ratings[in:number]=4|5", {"ratings", MetaOp::in_number, {"4", "5"}}, "meta.ratings[in:number]=4|5"},
        {"size[eq:number]=-1.5e3", {"size", MetaOp::eq_number, {"-1.5e3"}}, "meta.size[eq:number]=-1.5e3"},
        {"size[in:number]=0|10.25|1E+2", {"size", MetaOp::in_number, {"0", "10.25", "1E+2"}},
         "meta.size[in:number]=0|10.25|1E%2B2"},
        {"ok[eq:boolean]=false", {"ok", MetaOp::eq_boolean, {"false"}}, "meta.ok[eq:boolean]=false"},
        {"region.name[eq]=eu-west", {"region.name", MetaOp::eq, {"eu-west"}}, "meta.region.name[eq]=eu-west"},
        {"meta.a.b.c.d.e[eq]=x", {"a.b.c.d.e", MetaOp::eq, {"x"}}, "meta.a.b.c.d.e[eq]=x"},
        {"title[eq]=a b&c=d#e+f|g", {"title", MetaOp::eq, {"a b&c=d#e+f|g"}},
         "meta.title[eq]=a%20b%26c%3Dd%23e%2Bf%7Cg"},
        {"my field/x[eq]=caf\xc3\xa9", {"my field/x", MetaOp::eq, {"caf\xc3\xa9"}},
         "meta.my%20field%2Fx[eq]=caf%C3%A9"},
        {"tag[in]=a&b|c d", {"tag", MetaOp::in, {"a&b", "c d"}}, "meta.tag[in]=a%26b|c%20d"},
        {"empty[eq]=", {"empty", MetaOp::eq, {""}}, "meta.empty[eq]="},
        {"x[eq]=a]=b", {"x", MetaOp::eq, {"a]=b"}}, "meta.x[eq]=a%5D%3Db"},
    };
    for (const Row& r : rows) {
        CAPTURE(r.text);
        auto parsed = cfimages::v2::parse_meta_filter(r.text);
        REQUIRE(parsed);
        CHECK(*parsed == r.filter);
        CHECK_FALSE(cfimages::v2::validate({r.filter}).has_value());
        CHECK(query_of({r.filter}) == r.query);
    }
}

TEST_CASE("meta filters: only the operators Cloudflare's list-v2 reference documents") {
    // https://developers.cloudflare.com/api/resources/images/subresources/v2/methods/list/
    // lists eq, eq:string, eq:number, eq:boolean, in, in:string, in:number.
    const std::vector<std::string> documented = {"eq", "eq:string", "eq:number", "eq:boolean",
                                                 "in", "in:string", "in:number"};
    for (const std::string& op : documented) {
        CAPTURE(op);
        CHECK(cfimages::v2::parse_meta_op(op).has_value());
        CHECK(cfimages::v2::parse_meta_filter("n[" + op + "]=" + (op == "eq:boolean" ? "true" : "1")).has_value());
    }
    // Range operators are not documented there: refused, saying why.
    for (const char* op : {"gt", "gte", "lt", "lte", "gt:number", "gte:number", "lt:number", "lte:number"}) {
        CAPTURE(op);
        CHECK_FALSE(cfimages::v2::parse_meta_op(op).has_value());
        auto f = cfimages::v2::parse_meta_filter(std::string("n[") + op + "]=1");
        REQUIRE_FALSE(f);
        CHECK(f.error().kind == ErrorKind::invalid_argument);
        CHECK(f.error().message == "meta: operator '" + std::string(op) +
                                       "' is not in Cloudflare's list-v2 documentation (use eq, eq:string, "
                                       "eq:number, eq:boolean, in, in:string or in:number)");
    }
    // Nor is anything else.
    for (const char* op : {"ne", "eq:date", "in:boolean", "nin", "EQ", "eq ", " eq"}) {
        CAPTURE(op);
        CHECK_FALSE(cfimages::v2::parse_meta_op(op).has_value());
    }
    // And no value outside the enumeration validates or has a name.
    for (int i = static_cast<int>(MetaOp::in_number) + 1; i < 16; ++i) {
        CHECK(cfimages::v2::to_string(static_cast<MetaOp>(i)).empty());
        CHECK(cfimages::v2::validate({{"n", static_cast<MetaOp>(i), {"1"}}}).has_value());
    }
}

TEST_CASE("meta filters: append_query joins onto URLs and queries") {
    const std::vector<MetaFilter> two = {{"status", MetaOp::eq, {"active"}},
                                         {"priority", MetaOp::eq_number, {"5"}}};
    const std::string tail = "meta.status[eq]=active&meta.priority[eq:number]=5";
    struct Row { std::string before, after; };
    const Row rows[] = {
        {"", tail},
        {"creator=user123", "creator=user123&" + tail},
        {"https://api.cloudflare.com/client/v4/accounts/a/images/v2",
         "https://api.cloudflare.com/client/v4/accounts/a/images/v2?" + tail},
        {"https://x/images/v2?per_page=10", "https://x/images/v2?per_page=10&" + tail},
        {"https://x/images/v2?", "https://x/images/v2?" + tail},
        {"a=1&", "a=1&" + tail},
    };
    for (const Row& r : rows) {
        std::string q = r.before;
        cfimages::v2::append_query(q, two);
        CHECK(q == r.after);
    }
    std::string unchanged = "https://x/images/v2";
    cfimages::v2::append_query(unchanged, {});
    CHECK(unchanged == "https://x/images/v2");
}

TEST_CASE("meta filters: validate enforces the API limits") {
    std::vector<MetaFilter> five(5, MetaFilter{"a", MetaOp::eq, {"1"}});
    CHECK_FALSE(cfimages::v2::validate(five).has_value());
    CHECK_FALSE(cfimages::v2::validate({}).has_value());
    auto six = five;
    six.push_back(five[0]);
    auto e = cfimages::v2::validate(six);
    REQUIRE(e);
    CHECK(e->kind == ErrorKind::invalid_argument);
    CHECK(e->message == "meta: has 6 filters; the API allows at most 5");

    struct Row {
        MetaFilter f;
        std::string message;
    };
    const std::vector<std::string> eleven(11, "v");
    const std::vector<std::string> ten(10, "v");
    CHECK_FALSE(cfimages::v2::validate({{"a", MetaOp::in, ten}}).has_value());
    const Row rows[] = {
        {{"", MetaOp::eq, {"x"}}, "meta[0].field: must not be empty"},
        {{"a.b.c.d.e.f", MetaOp::eq, {"x"}}, "meta[0].field: nests 6 levels; the API allows at most 5"},
        {{".a", MetaOp::eq, {"x"}}, "meta[0].field: must not have empty parts around '.'"},
        {{"a.", MetaOp::eq, {"x"}}, "meta[0].field: must not have empty parts around '.'"},
        {{"a..b", MetaOp::eq, {"x"}}, "meta[0].field: must not have empty parts around '.'"},
        {{"a\r\nb", MetaOp::eq, {"x"}}, "meta[0].field: must not contain control characters (CR, LF, ...)"},
        {{"a[b]", MetaOp::eq, {"x"}}, "meta[0].field: must not contain '[' or ']'"},
        {{std::string(1025, 'f'), MetaOp::eq, {"x"}}, "meta[0].field: must be at most 1024 characters"},
        {{"a", static_cast<MetaOp>(15), {"x"}}, "meta[0].op: is not a known operator"},
        {{"a", MetaOp::eq, {}}, "meta[0] (a[eq]): needs exactly one value"},
        {{"a", MetaOp::eq, {"x", "y"}}, "meta[0] (a[eq]): needs exactly one value"},
        {{"a", MetaOp::in, {}}, "meta[0] (a[in]): needs at least one value"},
        {{"a", MetaOp::in, eleven}, "meta[0] (a[in]): has 11 values; the API allows at most 10"},
        {{"a", MetaOp::in, {"x", ""}}, "meta[0] (a[in]): list values must not be empty"},
        {{"a", MetaOp::in_string, {"x|y"}}, "meta[0] (a[in:string]): list values must not contain '|' (the separator)"},
        {{"a", MetaOp::eq, {"x\ny"}}, "meta[0] (a[eq]): values must not contain control characters (CR, LF, ...)"},
        {{"a", MetaOp::eq, {std::string(1025, 'v')}}, "meta[0] (a[eq]): values must be at most 1024 characters"},
        {{"a", MetaOp::eq_number, {"ten"}}, "meta[0] (a[eq:number]): 'ten' is not a number"},
        {{"a", MetaOp::eq_number, {""}}, "meta[0] (a[eq:number]): '' is not a number"},
        {{"a", MetaOp::in_number, {"1."}}, "meta[0] (a[in:number]): '1.' is not a number"},
        {{"a", MetaOp::in_number, {".5"}}, "meta[0] (a[in:number]): '.5' is not a number"},
        {{"a", static_cast<MetaOp>(7), {"1"}}, "meta[0].op: is not a known operator"},
        {{"a", MetaOp::eq_number, {"1e"}}, "meta[0] (a[eq:number]): '1e' is not a number"},
        {{"a", MetaOp::eq_number, {"0x10"}}, "meta[0] (a[eq:number]): '0x10' is not a number"},
        {{"a", MetaOp::in_number, {"1", "two"}}, "meta[0] (a[in:number]): 'two' is not a number"},
        {{"a", MetaOp::eq_boolean, {"yes"}}, "meta[0] (a[eq:boolean]): value must be true or false (got 'yes')"},
    };
    for (const Row& r : rows) {
        CAPTURE(r.message);
        auto err = cfimages::v2::validate({r.f});
        REQUIRE(err);
        CHECK(err->kind == ErrorKind::invalid_argument);
        CHECK(err->message == r.message);
    }
    // The index names the offending filter.
    auto second = cfimages::v2::validate({{"ok", MetaOp::eq, {"x"}}, {"", MetaOp::eq, {"x"}}});
    REQUIRE(second);
    CHECK(second->message == "meta[1].field: must not be empty");
}

TEST_CASE("meta filters: parse refuses malformed text") {
    const std::pair<const char*, const char*> rows[] = {
        {"", "meta: must look like field[op]=value (e.g. status[eq]=active)"},
        {"status=active", "meta: must look like field[op]=value (e.g. status[eq]=active)"},
        {"status[eq]active", "meta: must look like field[op]=value (e.g. status[eq]=active)"},
        {"status[eq", "meta: must look like field[op]=value (e.g. status[eq]=active)"},
        {"status[like]=x",
         "meta: unknown operator 'like' (use eq, eq:string, eq:number, eq:boolean, in, in:string or in:number)"},
        {"status[]=x",
         "meta: unknown operator '' (use eq, eq:string, eq:number, eq:boolean, in, in:string or in:number)"},
        {"priority[gte]=5",
         "meta: operator 'gte' is not in Cloudflare's list-v2 documentation (use eq, eq:string, eq:number, "
         "eq:boolean, in, in:string or in:number)"},
        {"[eq]=x", "meta[0].field: must not be empty"},
        {"meta.[eq]=x", "meta[0].field: must not be empty"},
        {"a.b.c.d.e.f[eq]=x", "meta[0].field: nests 6 levels; the API allows at most 5"},
        {"a[in]=1|2|3|4|5|6|7|8|9|10|11", "meta[0] (a[in]): has 11 values; the API allows at most 10"},
        {"a[in]=1||2", "meta[0] (a[in]): list values must not be empty"},
        {"a[eq:number]=big", "meta[0] (a[eq:number]): 'big' is not a number"},
        {"a[eq]=x\r\nInjected: 1", "meta[0] (a[eq]): values must not contain control characters (CR, LF, ...)"},
    };
    for (const auto& row : rows) {
        const std::string text = row.first;
        const std::string message = row.second;
        CAPTURE(text);
        auto r = cfimages::v2::parse_meta_filter(text);
        REQUIRE_FALSE(r);
        CHECK(r.error().kind == ErrorKind::invalid_argument);
        CHECK(r.error().message == message);
    }
}

TEST_CASE("meta filters: to_string / parse_meta_op round trip") {
    for (int i = 0; i <= static_cast<int>(MetaOp::in_number); ++i) {
        const auto op = static_cast<MetaOp>(i);
        CHECK(cfimages::v2::parse_meta_op(cfimages::v2::to_string(op)) == op);
    }
    CHECK(cfimages::v2::to_string(static_cast<MetaOp>(15)).empty());
    CHECK_FALSE(cfimages::v2::parse_meta_op("EQ").has_value());
}
