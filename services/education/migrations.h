#pragma once

#include <vector>

#include "common/db/migrations.h"

namespace ccms::education {

// services/education/migrations/V*.sql, compiled in.
const std::vector<db::Migration>& Migrations();

}  // namespace ccms::education
