// mpi::launched(): in every build, so that one without MPI refuses to run as one of N ranks
// (each would otherwise run the whole sweep into the same database).
#include <cstdlib>

#include "lrlab/mpi_transport.hpp"

namespace lrlab::mpi {
namespace {
long env_long(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::strtol(v, nullptr, 10) : 0;
}
}  // namespace

bool launched() {
  // Open MPI's mpirun, MPICH/Hydra's mpiexec (and srun --mpi=pmi2); srun --mpi=pmix sets PMIX_RANK
  // and the step's task count. Slurm's own variables alone do not count: a batch script sees them
  // too, and runs one process.
  if (env_long("OMPI_COMM_WORLD_SIZE") > 1 || env_long("PMI_SIZE") > 1) return true;
  return std::getenv("PMIX_RANK") && env_long("SLURM_STEP_NUM_TASKS") > 1;
}

}  // namespace lrlab::mpi
