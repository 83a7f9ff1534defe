// Boost.JSON compiled into the program (its header-only mode). Boost.JSON
// 1.81's sources use try/catch, so this one file keeps exceptions on.
#include <boost/json/src.hpp>
