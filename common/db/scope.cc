#include "common/db/scope.h"

#include <vector>

#include "common/db/pool.h"

namespace ccms::db {

DistrictScope ScopeOf(const auth::Principal& principal) {
  return {
      principal.all_districts,
      TextArrayLiteral(principal.all_districts ? std::vector<std::string>{} : principal.districts)};
}

}  // namespace ccms::db
