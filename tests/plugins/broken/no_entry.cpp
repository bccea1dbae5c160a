// A shared library that is not an lrlab plugin: no lrlab_plugin_entry.
extern "C" int not_a_plugin() { return 42; }
