// The baseline for min_get.cpp: the same answer from stdin, parsed with
// boost::json::parse and the image ID printed; no request, no typed model.
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <cstdio>
#include <string>

int main() {
    std::string body;
    char buf[4096];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, stdin)) > 0;) body.append(buf, n);
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(body, ec);
    if (ec || !v.is_object()) return 1;
    const boost::json::value* id = v.as_object().if_contains("result");
    if (id == nullptr || !id->is_object()) return 1;
    id = id->as_object().if_contains("id");
    if (id == nullptr || !id->is_string()) return 1;
    std::puts(id->as_string().c_str());
    return 0;
}
