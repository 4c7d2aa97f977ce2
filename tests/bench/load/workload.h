#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ccms/records/v1/case_service.pb.h"

namespace ccms::bench {

// The districts the load spreads cases over: enough that the per-district case-number counter
// row (taken FOR UPDATE by every OpenCase of its district) is not a hot spot.
const std::vector<std::string>& BenchDistricts();

// The n-th of a large set of distinct, valid 18-digit resident identity numbers (GB 11643,
// check character computed): n picks the region, the birth date (1950-01-01 onwards, so every
// person is an adult at the judgment date below) and the 3-digit sequence. Distinct for n in
// [0, IdNumberSpace()); callers add a per-run base so two runs on one database never collide.
std::string IdNumberFor(uint64_t n);
uint64_t IdNumberSpace();

// The GB 11643 check character of 17 digits.
char IdCheckCharacter(const std::string& first17);

// A valid OpenCaseRequest for the n-th person, in district BenchDistricts()[n % 16], with a
// fresh request id.
records::v1::OpenCaseRequest MakeOpenCase(uint64_t n);

}  // namespace ccms::bench
