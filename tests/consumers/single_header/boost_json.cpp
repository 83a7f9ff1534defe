// Boost.JSON in header-only mode: its implementation is compiled here, in
// exactly one translation unit, instead of linking libboost_json.
#include <boost/json/src.hpp>
