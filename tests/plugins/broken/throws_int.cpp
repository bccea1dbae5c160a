// A plugin whose registration throws something that is not a std::exception (`throw 42`).
#include <lrlab/sdk.hpp>

LRLAB_PLUGIN(throws_int, "0.0.1") { throw 42; }
