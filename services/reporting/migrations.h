#pragma once

#include <vector>

#include "common/db/migrations.h"

namespace ccms::reporting {

// services/reporting/migrations/V*.sql, compiled in.
const std::vector<db::Migration>& Migrations();

}  // namespace ccms::reporting
