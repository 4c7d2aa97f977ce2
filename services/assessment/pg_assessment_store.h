#pragma once

#include <pqxx/transaction>
#include <vector>

#include "common/db/pool.h"
#include "common/kafka/outbox.h"
#include "services/assessment/assessment_store.h"

namespace ccms::assessment {

// Topic of the assessment service's events.
inline constexpr char kAssessmentTopic[] = "ccms.assessment.v1";

// AssessmentStore over PostgreSQL. Each statement is a named prepared query (Queries()); district
// scope is a predicate of every case query; each mutation is one transaction holding the change,
// its audit row, its idempotency key and its outbox events.
class PgAssessmentStore final : public AssessmentStore {
 public:
  // `signal` is told after each commit that wrote an event (may be null).
  PgAssessmentStore(db::ConnectionPool& pool, kafka::OutboxSignal* signal)
      : pool_(pool), signal_(signal) {}

  static std::vector<db::Query> Queries();

  // The consumer's path: applies a change inside the inbox transaction `tx` (no idempotency
  // key, no audit row: the inbox dedupes). The relay picks the events up on its next poll.
  absl::Status MutateInTransaction(pqxx::work& tx, const Mutation& mutation,
                                   const CaseMutator& mutate);

  absl::Status RegisterInstruments(const std::vector<InstrumentFingerprint>& shipped) override;
  absl::StatusOr<domain::CaseState> GetCaseState(const auth::Principal& principal,
                                                 const std::string& case_id) override;
  absl::StatusOr<bool> CaseKnown(const std::string& case_id) override;
  absl::StatusOr<MutationResult> MutateCase(const auth::Principal& principal,
                                            const Mutation& mutation,
                                            const CaseMutator& mutate) override;
  absl::StatusOr<AssessmentRecord> GetAssessment(const auth::Principal& principal,
                                                 const std::string& assessment_id,
                                                 bool audit) override;
  absl::StatusOr<Page<AssessmentRecord>> ListAssessments(const auth::Principal& principal,
                                                         const std::string& case_id, int page_size,
                                                         const std::string& after) override;
  absl::StatusOr<Page<DueRecord>> ListDue(const auth::Principal& principal,
                                          const DueFilter& filter) override;
  absl::StatusOr<std::vector<LevelChangeRecord>> LevelHistory(const auth::Principal& principal,
                                                              const std::string& case_id,
                                                              int limit) override;
  absl::StatusOr<CrisisFlagRecord> GetCrisisFlag(const auth::Principal& principal,
                                                 const std::string& flag_id) override;
  absl::StatusOr<std::vector<CrisisFlagRecord>> CrisisFlagsOfAssessment(
      const std::string& assessment_id) override;
  absl::StatusOr<Page<CrisisFlagRecord>> ListCrisisFlags(const auth::Principal& principal,
                                                         const CrisisFilter& filter) override;
  absl::StatusOr<LedgerMonth> GetLedgerMonth(const auth::Principal& principal,
                                             const std::string& case_id,
                                             absl::CivilDay month) override;
  absl::StatusOr<std::vector<CrisisCount>> CountCrisisFlags(absl::Time now) override;
  absl::Status OpenMonthForActiveCases(absl::CivilDay month, int base,
                                       const std::string& policy_version) override;
  absl::StatusOr<std::vector<MonthToClose>> MonthsToClose(absl::CivilDay before_month,
                                                          int limit) override;
  absl::StatusOr<std::vector<std::string>> CasesToReview(absl::CivilDay today, int limit) override;
  absl::Status CloseMonth(const MonthToClose& month, int base, const std::string& policy_version,
                          const std::string& actor, const CaseMutator& mutate) override;

 private:
  db::ConnectionPool& pool_;
  kafka::OutboxSignal* signal_;
};

}  // namespace ccms::assessment
