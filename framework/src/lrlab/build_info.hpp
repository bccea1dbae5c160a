#pragma once
// What this lrlab binary is: recorded with every experiment so a result can be traced to its code.
namespace lrlab::build_info {
extern const char* const version;     // the project version, "0.1.0"
extern const char* const git_commit;  // the commit it was configured from, or "unknown"
extern const char* const compiler;
extern const char* const build_type;
extern const char* const cxx_flags;
extern const bool git_dirty;          // tracked files differed from the commit at build time
// sha256 of `git diff HEAD` over the sources of the binary (framework/, cmake/, CMakeLists.txt) at
// build time; empty when they are the commit's
extern const char* const source_changes;
}  // namespace lrlab::build_info
