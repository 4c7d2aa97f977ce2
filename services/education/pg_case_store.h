#pragma once

#include <pqxx/row>
#include <pqxx/transaction>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "common/db/query.h"
#include "services/education/case_rows.h"
#include "services/education/domain/case_view.h"
#include "services/education/domain/education_policy.h"

namespace ccms::education {

// The cases education follows from ccms.records.v1 (table `cases`) and their leaves
// (`case_leaves`), written inside the consumer's inbox transaction, so an event applies exactly
// once with its inbox row.
class PgCaseStore {
 public:
  explicit PgCaseStore(const domain::EducationPolicies& policies) : policies_(policies) {}

  // Applies `fact` to case `case_id`, creating the case in `district_code` (the envelope's) when
  // education has not seen it yet (a case opened before education followed records). The due
  // dates of the first contact and the service file are computed again from the intake report.
  absl::Status Apply(pqxx::work& tx, const std::string& case_id, const std::string& district_code,
                     const domain::RecordsFact& fact) const;

  // The case, unscoped (tests and the consumer); NOT_FOUND if unknown.
  static absl::StatusOr<CaseRow> Load(pqxx::transaction_base& tx, const std::string& case_id);

  // A case row read with CCMS_EDUCATION_CASE_COLUMNS first (other stores' joins).
  static CaseRow FromRow(const pqxx::row& row);

  // The named statements of this store.
  static std::vector<db::Query> Queries();

 private:
  const domain::EducationPolicies& policies_;
};

}  // namespace ccms::education
