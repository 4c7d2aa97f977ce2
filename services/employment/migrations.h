#pragma once

#include <vector>

#include "common/db/migrations.h"

namespace ccms::employment {

// services/employment/migrations/V*.sql, compiled in.
const std::vector<db::Migration>& Migrations();

}  // namespace ccms::employment
