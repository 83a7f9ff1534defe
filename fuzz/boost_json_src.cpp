// Boost.JSON's implementation, compiled once with the fuzz targets'
// sanitizer and coverage flags, so the parser the codec relies on is
// instrumented too (the distribution's libboost_json is not).
#include <boost/json/src.hpp>
