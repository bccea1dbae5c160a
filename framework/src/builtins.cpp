#include "lrlab/builtins.hpp"

namespace lrlab {

void register_sequential(Registry& r);
void register_warmup(Registry& r);
void register_chain(Registry& r);
void register_rebase(Registry& r);

void register_builtin_components(Registry& r) {
  register_sequential(r);
  register_warmup(r);
  register_chain(r);
  register_rebase(r);
}

}  // namespace lrlab
