// Compile-time baseline (bench/compare/run): Boost.JSON's umbrella header,
// and one document parsed and read.
#include <boost/json.hpp>

#include <cstddef>
#include <string_view>

std::size_t boost_json_probe(std::string_view text);

std::size_t boost_json_probe(std::string_view text) {
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(text, ec);
    if (ec || !v.is_object()) return 0;
    const boost::json::value* result = v.as_object().if_contains("result");
    return result != nullptr && result->is_object() ? result->as_object().size() : 0;
}
