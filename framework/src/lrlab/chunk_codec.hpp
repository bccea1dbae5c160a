#pragma once
// A trial's chunk of rows as bytes, and back: how a worker rank hands rows to rank 0 (the MPI sweep).
//
// Compact and flat (no Boost.Serialization archive): fixed-width integers and doubles copied as
// their bits, strings as length + bytes. Doubles keep every bit, so what rank 0 stores is exactly
// what the worker computed. Native byte order: every rank of a sweep runs the same lrlab binary on
// the same kind of machine. Kept free of MPI so it is built and tested without it.
#include <string>
#include <string_view>

#include "lrlab/trial_record.hpp"

namespace lrlab {

std::string encode_chunk(const TrialChunk& chunk);

// Throws std::runtime_error on bytes that are not a whole chunk of this format.
TrialChunk decode_chunk(std::string_view bytes);

}  // namespace lrlab
