#pragma once

#include <cstdint>
#include <string>

namespace ccms::bench {

// `ccms-load city-seed`: grows a city straight in the services' databases (docs/benchmarks.md,
// "City scale"). argv[0] is "city-seed". Returns the process exit code.
int CitySeedMain(int argc, char** argv);

// The identity number of the city's i-th person (GB 11643, check character computed), with the
// birth day and sex the seeder's SQL derives from i as well (CityBirthDayIndex, CityPersonMale):
// region 3301xx (16 codes no other bench generator uses), the birth date 1955-01-01 plus
// CityBirthDayIndex(i) days, a sequence whose parity is the sex. Distinct for i < 16 * 18000 * 250.
std::string CityIdNumber(int64_t i);
// Days after 1955-01-01 of the i-th person's birth: ((i / 16) % 18000).
int64_t CityBirthDayIndex(int64_t i);
// 88% of the people are men ((i * 37) % 100 < 88), as in the seeds' registers.
bool CityPersonMale(int64_t i);

}  // namespace ccms::bench
