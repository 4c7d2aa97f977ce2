#pragma once

#include <vector>

#include "common/db/migrations.h"

namespace ccms::assessment {

// services/assessment/migrations/V*.sql, compiled in.
const std::vector<db::Migration>& Migrations();

}  // namespace ccms::assessment
