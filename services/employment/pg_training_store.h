#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/time/civil_time.h"
#include "common/db/pool.h"
#include "common/db/query.h"
#include "common/kafka/outbox.h"
#include "services/employment/training_store.h"

namespace ccms::employment {

// TrainingStore on PostgreSQL (tables training_programmes, training_enrolments,
// training_attendance).
class PgTrainingStore final : public TrainingStore {
 public:
  // `signal` (the relay) is woken after a commit that wrote events; may be null.
  PgTrainingStore(db::ConnectionPool& pool, kafka::OutboxSignal* signal)
      : pool_(pool), signal_(signal) {}

  absl::StatusOr<ProgrammeRecord> Register(const auth::Principal& principal,
                                           const std::string& provider_partner_id,
                                           const std::string& request_id,
                                           const ProgrammeDecision& decide) override;
  absl::StatusOr<std::pair<EnrolmentRecord, ProgrammeRecord>> Enrol(
      const auth::Principal& principal, const std::string& programme_id, const std::string& case_id,
      const std::string& request_id, const EnrolDecision& decide) override;
  absl::StatusOr<EnrolmentRecord> Update(const auth::Principal& principal,
                                         const std::string& enrolment_id, std::string_view method,
                                         const std::string& request_id,
                                         const EnrolmentDecision& decide) override;
  absl::StatusOr<std::pair<std::vector<ProgrammeRecord>, std::string>> ListProgrammes(
      const auth::Principal& principal, const ProgrammeFilter& filter) override;
  absl::StatusOr<std::pair<std::vector<EnrolmentRecord>, std::string>> ListEnrolments(
      const auth::Principal& principal, const std::string& programme_id, int page_size,
      const std::string& after_id) override;

  // In the consumer's transaction when records closes the case: its enrolments not completed
  // become WITHDRAWN on `on` (their places free again); returns each with its programme after
  // (the caller writes their events).
  static std::vector<std::pair<EnrolmentRecord, ProgrammeRecord>> WithdrawOnCaseClosed(
      pqxx::transaction_base& tx, const std::string& case_id, absl::CivilDay on);

  static std::vector<db::Query> Queries();

 private:
  db::ConnectionPool& pool_;
  kafka::OutboxSignal* signal_;
};

}  // namespace ccms::employment
