// Compile-time baseline (bench/compare/run): Boost.JSON's umbrella header alone.
#include <boost/json.hpp>

std::size_t boost_json_probe(const boost::json::value& v);

std::size_t boost_json_probe(const boost::json::value& v) { return v.is_object() ? v.get_object().size() : 0; }
