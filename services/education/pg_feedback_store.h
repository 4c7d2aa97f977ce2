#pragma once

#include <vector>

#include "common/db/pool.h"
#include "common/db/query.h"
#include "common/kafka/outbox.h"
#include "services/education/feedback_store.h"

namespace ccms::education {

// FeedbackStore on PostgreSQL (tables questionnaires, survey_responses, complaints of
// migrations/V004; cases of V001).
class PgFeedbackStore final : public FeedbackStore {
 public:
  // `signal` (the relay) is woken after a commit that wrote events; may be null.
  PgFeedbackStore(db::ConnectionPool& pool, kafka::OutboxSignal* signal)
      : pool_(pool), signal_(signal) {}

  absl::StatusOr<QuestionnaireRecord> PublishQuestionnaire(
      const auth::Principal& principal, const std::string& request_id,
      const QuestionnaireRecord& questionnaire) override;
  absl::StatusOr<FeedbackState> Mutate(const auth::Principal& principal, const std::string& case_id,
                                       std::string_view method, const std::string& request_id,
                                       const std::string& questionnaire_id,
                                       int questionnaire_version,
                                       const FeedbackDecision& decide) override;
  absl::StatusOr<ComplaintPage> ListComplaints(const auth::Principal& principal,
                                               const ComplaintFilter& filter) override;

  static std::vector<db::Query> Queries();

 private:
  db::ConnectionPool& pool_;
  kafka::OutboxSignal* signal_;
};

}  // namespace ccms::education
