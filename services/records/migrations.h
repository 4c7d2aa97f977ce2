#pragma once

#include <vector>

#include "common/db/migrations.h"

namespace ccms::records {

// services/records/migrations/V*.sql, compiled in.
const std::vector<db::Migration>& Migrations();

}  // namespace ccms::records
