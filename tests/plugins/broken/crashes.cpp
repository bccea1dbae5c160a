// A plugin whose registration crashes: the loader must name it. The crash is a SIGSEGV raised
// directly rather than a write through a null pointer, which the sanitizer builds would report
// as a finding of their own instead of letting the crash happen.
#include <signal.h>

#include <lrlab/sdk.hpp>

LRLAB_PLUGIN(crashes, "0.0.1") { raise(SIGSEGV); }
