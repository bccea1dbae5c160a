#pragma once
// The SDK version: the one number a plugin and the core must agree on.
//
// It changes whenever a plugin built against the old headers could misbehave when loaded by a new
// core: a changed virtual interface (Schedule, Policy, Task, PolicyControl), a changed layout of
// Param, Params, ComponentDecl or PluginEntry, or a changed meaning of an existing call. Adding a
// free inline helper or a new component does not change it. The loader refuses any other version.
#define LRLAB_SDK_VERSION 4  // 4: Task::persist_model and Task::save_model

// Symbols the core and the plugins share (exception types, the entry point) keep default
// visibility even though plugins are built with -fvisibility=hidden.
#define LRLAB_API __attribute__((visibility("default")))
