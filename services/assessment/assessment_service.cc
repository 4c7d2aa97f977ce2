#include "services/assessment/assessment_service.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/grpc/proto_convert.h"
#include "common/grpc/request_checks.h"
#include "common/grpc/status.h"
#include "common/grpc/unary_handler.h"
#include "common/ids/uuid.h"
#include "common/log/log.h"
#include "common/time/calendar.h"
#include "services/assessment/case_mutators.h"
#include "services/assessment/domain/access.h"
#include "services/assessment/event_builder.h"
#include "services/assessment/page_token.h"
#include "services/assessment/proto_mapping.h"

namespace ccms::assessment {
namespace {

using domain::Action;
using grpc_util::CheckCaseId;
using grpc_util::CheckPageSize;
using grpc_util::CheckRequestId;
using grpc_util::CheckUuidField;
using grpc_util::DateField;
using grpc_util::DayNotInFuture;
using grpc_util::DistrictFilterField;
using grpc_util::FieldViolation;
using grpc_util::OptionalUuidField;
using grpc_util::ToProtoDate;
using grpc_util::ToProtoTimestamp;

constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 500;
constexpr size_t kMaxNoteLength = 4000;
constexpr size_t kMaxIdLength = 128;
constexpr int kHistoryLength = 20;

void Fill(const AssessmentRecord& a, bool detail, v1::Assessment* out) {
  out->set_assessment_id(a.assessment_id);
  out->set_case_id(a.case_id);
  out->set_instrument_id(a.instrument_id);
  out->set_instrument_version(a.instrument_version);
  out->set_instrument_kind(ToProto(a.instrument_kind));
  out->set_kind(ToProto(a.kind));
  *out->mutable_assessed_on() = ToProtoDate(a.assessed_on);
  out->set_assessor_id(a.assessor_id);
  out->set_total_score(a.scores.total);
  for (const auto& s : a.scores.sub_scores) {
    auto* sub = out->add_sub_scores();
    sub->set_subscale_id(s.subscale);
    sub->set_score(s.score);
    sub->set_abnormal(s.abnormal);
  }
  out->set_risk_level(ToProto(a.scores.risk));
  out->set_abnormal(a.scores.abnormal);
  for (auto k : a.scores.crisis) out->add_crisis_kinds(ToProto(k));
  out->set_policy_version(a.policy_version);
  *out->mutable_created_at() = ToProtoTimestamp(a.created_at);
  if (detail) {
    for (const auto& answer : a.answers) {
      auto* ans = out->add_answers();
      ans->set_item_id(answer.item_id);
      ans->set_option_id(answer.option_id);
    }
    out->set_notes(a.notes);
  }
}

void Fill(const CrisisFlagRecord& f, absl::Time now, v1::CrisisFlag* out) {
  out->set_flag_id(f.flag_id);
  out->set_case_id(f.case_id);
  out->set_district_code(f.district_code);
  out->set_kind(ToProto(f.kind));
  out->set_source(f.from_assessment ? v1::CRISIS_SOURCE_ASSESSMENT : v1::CRISIS_SOURCE_STAFF);
  out->set_assessment_id(f.assessment_id);
  *out->mutable_raised_at() = ToProtoTimestamp(f.raised_at);
  out->set_raised_by(f.raised_by);
  *out->mutable_acknowledge_by() = ToProtoTimestamp(f.acknowledge_by);
  if (f.acknowledged_at.has_value()) {
    *out->mutable_acknowledged_at() = ToProtoTimestamp(*f.acknowledged_at);
    out->set_acknowledged_by(f.acknowledged_by);
  }
  out->set_overdue(!f.acknowledged_at.has_value() && now > f.acknowledge_by);
  out->set_note(f.note);
}

void Fill(const LedgerEntryRecord& e, v1::PointsEntry* out) {
  out->set_entry_id(e.entry_id);
  out->set_amount(e.amount);
  out->set_reason(e.reason);
  out->set_source(e.source);
  *out->mutable_occurred_on() = ToProtoDate(e.occurred_on);
  *out->mutable_recorded_at() = ToProtoTimestamp(e.recorded_at);
  out->set_note(e.note);
}

void Fill(const CatalogEntry& e, bool with_items, v1::Instrument* out) {
  const domain::Instrument& in = e.instrument;
  out->set_instrument_id(in.id);
  out->set_version(in.version);
  out->set_kind(ToProto(in.kind));
  out->set_title(in.title);
  for (const auto& s : in.subscales) {
    auto* sub = out->add_subscales();
    sub->set_subscale_id(s.id);
    sub->set_title(s.title);
    sub->set_abnormal_from(s.abnormal_from);
  }
  out->set_medium_from(in.medium_from);
  out->set_high_from(in.high_from);
  out->set_checksum(e.sha256);
  out->set_current(e.current);
  if (!with_items) return;
  for (const auto& item : in.items) {
    auto* it = out->add_items();
    it->set_item_id(item.id);
    it->set_subscale_id(item.subscale);
    it->set_text(item.text);
    it->set_weight(item.weight);
    for (const auto& o : item.options) {
      auto* opt = it->add_options();
      opt->set_option_id(o.id);
      opt->set_text(o.text);
      opt->set_score(o.score);
      opt->set_crisis(ToProto(o.crisis));
    }
  }
}

// The instrument as shipped, with the item weights a policy version sets.
domain::Instrument Weighted(const domain::Instrument& instrument,
                            const domain::AssessmentPolicy& policy) {
  auto it = policy.weights.find(instrument.id);
  return it == policy.weights.end() ? instrument : domain::WithWeights(instrument, it->second);
}

}  // namespace

absl::Status AssessmentServiceImpl::EnsureCaseKnown(const auth::Principal& caller,
                                                    const std::string& case_id) {
  auto known = store_.CaseKnown(case_id);
  if (!known.ok()) return known.status();
  if (*known) return absl::OkStatus();
  // Records audits the lookup as ours on behalf of the caller, whose token we forward.
  auto facts = records_.GetCase(case_id, OnBehalfOf{caller.token});
  if (!facts.ok()) return facts.status();
  std::vector<domain::RecordsFact> seed;
  seed.push_back(domain::CaseOpenedFact{facts->district_code, facts->office_id,
                                        facts->supervision_start, facts->supervision_end,
                                        facts->minor});
  if (facts->intake_reported_on.has_value()) {
    seed.push_back(domain::IntakeReportedFact{*facts->intake_reported_on});
  }
  if (facts->status == domain::CaseStatus::kClosed) {
    seed.push_back(domain::CaseClosedFact{time::ShanghaiDay(clock_.Now())});
  }
  auth::Principal system;
  system.subject = kServiceActor;
  system.role = auth::Role::kService;
  system.all_districts = true;
  Mutation m;
  m.case_id = case_id;
  m.create_in_district = facts->district_code;
  m.actor = kServiceActor;
  auto seeded = store_.MutateCase(
      system, m, RecordsFactsMutator(std::move(seed), policies_, clock_, "records:" + case_id));
  if (!seeded.ok()) return seeded.status();
  log::Info("case_learned_from_records", {{"case_id", case_id}});
  return absl::OkStatus();
}

absl::Status AssessmentServiceImpl::LevelState(const auth::Principal& principal,
                                               const domain::CaseState& s,
                                               v1::SupervisionLevelState* out) {
  out->set_case_id(s.case_id);
  out->set_district_code(s.district_code);
  out->set_level(ToProto(s.level));
  if (s.level_effective_on) *out->mutable_effective_on() = ToProtoDate(*s.level_effective_on);
  out->set_rule(s.level_rule);
  for (const auto& r : s.level_reasons) out->add_reasons(r);
  out->set_policy_version(s.level_policy_version);
  out->set_key_attention(s.key_attention);
  for (const auto& r : domain::KeyAttentionReasons(s)) out->add_key_attention_reasons(r);
  out->set_social_risk(ToProto(s.social_risk));
  out->set_psych_abnormal(s.psych_abnormal);
  if (s.intake_reported_on) {
    *out->mutable_initial_strict_until() = ToProtoDate(domain::InitialStrictUntil(
        *s.intake_reported_on, PolicyOn(time::ShanghaiDay(clock_.Now()))));
  }
  out->set_overridden(s.override_level.has_value());
  out->set_version(s.version);
  auto history = store_.LevelHistory(principal, s.case_id, kHistoryLength);
  if (!history.ok()) return history.status();
  for (const auto& c : *history) {
    auto* h = out->add_history();
    h->set_change_id(c.change_id);
    h->set_level(ToProto(c.level));
    h->set_previous_level(ToProto(c.previous_level));
    *h->mutable_effective_on() = ToProtoDate(c.effective_on);
    h->set_rule(c.rule);
    for (const auto& r : c.reasons) h->add_reasons(r);
    h->set_policy_version(c.policy_version);
    h->set_override(c.override);
    h->set_override_reason(c.override_reason);
    h->set_actor(c.actor);
    *h->mutable_recorded_at() = ToProtoTimestamp(c.recorded_at);
  }
  return absl::OkStatus();
}

absl::Status AssessmentServiceImpl::DoListInstruments(const auth::Principal& principal,
                                                      const v1::ListInstrumentsRequest&,
                                                      v1::ListInstrumentsResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kRead); !st.ok()) return st;
  for (const CatalogEntry* e : catalog_.Current()) {
    Fill(*e, /*with_items=*/false, response->add_instruments());
  }
  return absl::OkStatus();
}

absl::Status AssessmentServiceImpl::DoGetInstrument(const auth::Principal& principal,
                                                    const v1::GetInstrumentRequest& request,
                                                    v1::GetInstrumentResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kRead); !st.ok()) return st;
  if (request.version() < 0) {
    return grpc_util::InvalidArgumentWithViolations({{"version", "must be 0 (current) or more"}});
  }
  const CatalogEntry* e = catalog_.Find(request.instrument_id(), request.version());
  if (e == nullptr) return absl::NotFoundError("instrument version not found");
  // The item weights of the version in force today.
  CatalogEntry weighted = *e;
  weighted.instrument = Weighted(e->instrument, PolicyOn(time::ShanghaiDay(clock_.Now())));
  Fill(weighted, /*with_items=*/true, response->mutable_instrument());
  return absl::OkStatus();
}

absl::Status AssessmentServiceImpl::DoRecordAssessment(const auth::Principal& principal,
                                                       const v1::RecordAssessmentRequest& request,
                                                       v1::RecordAssessmentResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kRecordAssessment); !st.ok()) return st;
  if (auto st = CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st = CheckCaseId(request.case_id()); !st.ok()) return st;

  const absl::Time now = clock_.Now();
  const absl::CivilDay today = time::ShanghaiDay(now);
  std::vector<FieldViolation> violations;
  const CatalogEntry* entry = nullptr;
  if (request.instrument_version() < 0) {
    violations.push_back({"instrument_version", "must be 0 (current) or more"});
  } else {
    entry = catalog_.Find(request.instrument_id(), request.instrument_version());
    if (entry == nullptr) {
      violations.push_back(
          catalog_.Find(request.instrument_id(), 0) == nullptr
              ? FieldViolation{"instrument_id", "is not a shipped instrument"}
              : FieldViolation{"instrument_version", "is not a shipped version of the instrument"});
    }
  }
  const domain::AssessmentKind kind = FromProto(request.kind());
  if (kind == domain::AssessmentKind::kUnspecified) {
    violations.push_back({"kind", "is required: INTAKE, PERIODIC, TRIGGERED or DISCHARGE"});
  }
  const absl::CivilDay assessed_on =
      DayNotInFuture(request.assessed_on(), "assessed_on", today, &violations);
  const std::string assessor_id =
      request.assessor_id().empty()
          ? principal.subject
          : std::string(absl::StripAsciiWhitespace(request.assessor_id()));
  if (assessor_id.size() > kMaxIdLength) {
    violations.push_back({"assessor_id", "must be at most 128 characters"});
  }
  if (request.notes().size() > kMaxNoteLength) {
    violations.push_back({"notes", "must be at most 4000 bytes"});
  }
  // An assessment is scored and followed up by the version in force on the day it was made.
  const domain::AssessmentPolicy& policy = PolicyOn(assessed_on);
  domain::ScoredAssessment scores;
  std::vector<domain::AnswerInput> answers;
  if (entry != nullptr) {
    if (request.answers_size() > 500) {
      violations.push_back({"answers", "has too many answers"});
    } else {
      for (const auto& a : request.answers()) answers.push_back({a.item_id(), a.option_id()});
      for (auto& v : domain::Score(Weighted(entry->instrument, policy), answers, &scores)) {
        violations.push_back({v.field, v.description});
      }
    }
  }
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);

  const std::string case_id = absl::AsciiStrToLower(request.case_id());
  if (auto st = EnsureCaseKnown(principal, case_id); !st.ok()) return st;

  Mutation m;
  m.request_id = absl::AsciiStrToLower(request.request_id());
  m.method = "RecordAssessment";
  m.case_id = case_id;
  auto mutate = [&](const domain::CaseState& current) -> absl::StatusOr<CaseWrite> {
    if (current.status == domain::CaseStatus::kClosed) {
      return absl::FailedPreconditionError("the case is closed; no new assessments");
    }
    CaseWrite w;
    w.state = current;
    w.today = today;
    w.points_base = policy.points_base;
    AssessmentRecord a;
    a.assessment_id = ids::NewUuid();
    a.case_id = case_id;
    a.district_code = current.district_code;
    a.instrument_id = entry->instrument.id;
    a.instrument_version = entry->instrument.version;
    a.instrument_sha256 = entry->sha256;
    a.instrument_kind = entry->instrument.kind;
    a.kind = kind;
    a.assessed_on = assessed_on;
    a.assessor_id = assessor_id;
    a.answers = answers;
    a.scores = scores;
    a.notes = request.notes();
    a.policy_version = policy.version;
    a.created_by = principal.subject;
    a.created_at = now;
    domain::AssessmentOutcome outcome{a.instrument_kind, a.kind,
                                      a.assessed_on,     a.scores.risk,
                                      a.scores.abnormal, !a.scores.crisis.empty()};
    w.effects = domain::ApplyAssessment(w.state, outcome, policy, today);
    w.events.push_back(AssessmentRecordedEvent(a, principal.subject, now));
    for (domain::CrisisKind k : a.scores.crisis) {
      CrisisFlagRecord f;
      f.flag_id = ids::NewUuid();
      f.case_id = case_id;
      f.district_code = current.district_code;
      f.kind = k;
      f.from_assessment = true;
      f.assessment_id = a.assessment_id;
      f.raised_at = now;
      f.raised_by = principal.subject;
      f.acknowledge_by = now + absl::Hours(policy.crisis_ack_hours);
      w.events.push_back(CrisisRaisedEvent(f, policy.version, now));
      w.new_flags.push_back(std::move(f));
    }
    w.resource_id = a.assessment_id;
    w.assessment = std::move(a);
    FinishWrite(&w, principal.subject, now, policy.version);
    return w;
  };
  auto result = store_.MutateCase(principal, m, mutate);
  if (!result.ok()) return result.status();
  auto record = store_.GetAssessment(principal, result->resource_id, /*audit=*/false);
  if (!record.ok()) return record.status();
  Fill(*record, /*detail=*/true, response->mutable_assessment());
  auto flags = store_.CrisisFlagsOfAssessment(result->resource_id);
  if (!flags.ok()) return flags.status();
  for (const auto& f : *flags) Fill(f, now, response->add_crisis_flags());
  if (!flags->empty()) {
    log::Warn("crisis_flag_raised", {{"case_id", case_id},
                                     {"district_code", record->district_code},
                                     {"flags", static_cast<int>(flags->size())},
                                     {"source", "assessment"}});
    CrisisChanged();
  }
  return LevelState(principal, result->state, response->mutable_supervision());
}

absl::Status AssessmentServiceImpl::DoGetAssessment(const auth::Principal& principal,
                                                    const v1::GetAssessmentRequest& request,
                                                    v1::GetAssessmentResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kRead); !st.ok()) return st;
  if (auto st = CheckUuidField(request.assessment_id(), "assessment_id", "an assessment id (UUID)");
      !st.ok()) {
    return st;
  }
  auto record = store_.GetAssessment(principal, absl::AsciiStrToLower(request.assessment_id()),
                                     /*audit=*/true);
  if (!record.ok()) return record.status();
  Fill(*record, /*detail=*/true, response->mutable_assessment());
  return absl::OkStatus();
}

absl::Status AssessmentServiceImpl::DoListAssessments(const auth::Principal& principal,
                                                      const v1::ListAssessmentsRequest& request,
                                                      v1::ListAssessmentsResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kRead); !st.ok()) return st;
  if (auto st = CheckCaseId(request.case_id()); !st.ok()) return st;
  std::vector<FieldViolation> violations;
  const int page_size =
      CheckPageSize(request.page_size(), kDefaultPageSize, kMaxPageSize, &violations);
  std::string after;
  if (!DecodeToken("a1:", request.page_token(), &after) ||
      (!after.empty() && !ids::IsUuid(after))) {
    violations.push_back({"page_token", "is not a token from a previous ListAssessments response"});
  }
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  auto page =
      store_.ListAssessments(principal, absl::AsciiStrToLower(request.case_id()), page_size, after);
  if (!page.ok()) return page.status();
  for (const auto& a : page->items) Fill(a, /*detail=*/false, response->add_assessments());
  response->set_next_page_token(EncodeToken("a1:", page->next));
  return absl::OkStatus();
}

absl::Status AssessmentServiceImpl::DoListDueAssessments(
    const auth::Principal& principal, const v1::ListDueAssessmentsRequest& request,
    v1::ListDueAssessmentsResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kRead); !st.ok()) return st;
  const absl::CivilDay today = time::ShanghaiDay(clock_.Now());
  std::vector<FieldViolation> violations;
  DueFilter f;
  f.page_size = CheckPageSize(request.page_size(), kDefaultPageSize, kMaxPageSize, &violations);
  if (!DecodeToken("d1:", request.page_token(), &f.after)) {
    violations.push_back(
        {"page_token", "is not a token from a previous ListDueAssessments response"});
  }
  f.district_code = request.district_code();
  DistrictFilterField(f.district_code, &violations);
  f.case_id = absl::AsciiStrToLower(request.case_id());
  OptionalUuidField(f.case_id, "case_id", "a case id (UUID)", &violations);
  auto before = DateField(request.due_before(), "due_before", &violations);
  f.due_before = before.value_or(domain::DefaultDueHorizon(today, PolicyOn(today)));
  if (request.overdue_only()) f.overdue_before = today;
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  auto page = store_.ListDue(principal, f);
  if (!page.ok()) return page.status();
  for (const auto& d : page->items) {
    auto* out = response->add_due();
    out->set_due_id(d.due_id);
    out->set_case_id(d.case_id);
    out->set_district_code(d.district_code);
    out->set_instrument_kind(ToProto(d.instrument_kind));
    out->set_kind(ToProto(d.kind));
    *out->mutable_window_opens_on() = ToProtoDate(d.window_opens_on);
    *out->mutable_due_on() = ToProtoDate(d.due_on);
    out->set_overdue(d.due_on < today);
  }
  response->set_next_page_token(EncodeToken("d1:", page->next));
  return absl::OkStatus();
}

absl::Status AssessmentServiceImpl::DoGetSupervisionLevel(
    const auth::Principal& principal, const v1::GetSupervisionLevelRequest& request,
    v1::GetSupervisionLevelResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kRead); !st.ok()) return st;
  if (auto st = CheckCaseId(request.case_id()); !st.ok()) return st;
  auto state = store_.GetCaseState(principal, absl::AsciiStrToLower(request.case_id()));
  if (!state.ok()) return state.status();
  return LevelState(principal, *state, response->mutable_supervision());
}

absl::Status AssessmentServiceImpl::DoOverrideSupervisionLevel(
    const auth::Principal& principal, const v1::OverrideSupervisionLevelRequest& request,
    v1::OverrideSupervisionLevelResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kOverrideLevel); !st.ok()) return st;
  if (auto st = CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st = CheckCaseId(request.case_id()); !st.ok()) return st;
  std::vector<FieldViolation> violations;
  const domain::Level level = FromProto(request.level());
  if (level == domain::Level::kUnspecified) {
    violations.push_back({"level", "is required: STRICT, STANDARD or RELAXED"});
  }
  const std::string reason(absl::StripAsciiWhitespace(request.reason()));
  if (reason.empty()) {
    violations.push_back({"reason", "is required: why the level is set by hand"});
  } else if (reason.size() > kMaxNoteLength) {
    violations.push_back({"reason", "must be at most 4000 bytes"});
  }
  if (request.version() < 0) violations.push_back({"version", "must not be negative"});
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);

  const absl::Time now = clock_.Now();
  const absl::CivilDay today = time::ShanghaiDay(now);
  Mutation m;
  m.request_id = absl::AsciiStrToLower(request.request_id());
  m.method = "OverrideSupervisionLevel";
  m.case_id = absl::AsciiStrToLower(request.case_id());
  if (request.version() != 0) m.expected_version = request.version();
  const domain::AssessmentPolicy& policy = PolicyOn(today);
  auto mutate = [&](const domain::CaseState& current) -> absl::StatusOr<CaseWrite> {
    if (current.status != domain::CaseStatus::kActive || !current.intake_reported_on) {
      return absl::FailedPreconditionError(
          "the case has no supervision level: it is not active (intake not reported, or closed)");
    }
    CaseWrite w;
    w.state = current;
    w.today = today;
    w.points_base = policy.points_base;
    w.effects = domain::ApplyOverride(w.state, level, policy, today);
    w.override_reason = reason;
    w.level_change_id = ids::NewUuid();
    w.resource_id = w.level_change_id;
    FinishWrite(&w, principal.subject, now, policy.version);
    return w;
  };
  auto result = store_.MutateCase(principal, m, mutate);
  if (!result.ok()) return result.status();
  log::Info("supervision_level_overridden",
            {{"case_id", m.case_id}, {"level", std::string(domain::LevelName(level))}});
  return LevelState(principal, result->state, response->mutable_supervision());
}

absl::Status AssessmentServiceImpl::DoRaiseCrisisFlag(const auth::Principal& principal,
                                                      const v1::RaiseCrisisFlagRequest& request,
                                                      v1::RaiseCrisisFlagResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kRaiseCrisis); !st.ok()) return st;
  if (auto st = CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st = CheckCaseId(request.case_id()); !st.ok()) return st;
  std::vector<FieldViolation> violations;
  const domain::CrisisKind kind = FromProto(request.kind());
  if (kind == domain::CrisisKind::kUnspecified) {
    violations.push_back({"kind", "is required: SELF_HARM, SUICIDE, VIOLENCE or OTHER"});
  }
  if (request.note().size() > kMaxNoteLength) {
    violations.push_back({"note", "must be at most 4000 bytes"});
  }
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);

  const std::string case_id = absl::AsciiStrToLower(request.case_id());
  if (auto st = EnsureCaseKnown(principal, case_id); !st.ok()) return st;
  const absl::Time now = clock_.Now();
  const absl::CivilDay today = time::ShanghaiDay(now);
  Mutation m;
  m.request_id = absl::AsciiStrToLower(request.request_id());
  m.method = "RaiseCrisisFlag";
  m.case_id = case_id;
  const domain::AssessmentPolicy& policy = PolicyOn(today);
  auto mutate = [&](const domain::CaseState& current) -> absl::StatusOr<CaseWrite> {
    CaseWrite w;
    w.state = current;
    w.today = today;
    w.points_base = policy.points_base;
    w.effects = domain::ApplyCrisisRaised(w.state, policy, today);
    CrisisFlagRecord f;
    f.flag_id = ids::NewUuid();
    f.case_id = case_id;
    f.district_code = current.district_code;
    f.kind = kind;
    f.raised_at = now;
    f.raised_by = principal.subject;
    f.acknowledge_by = now + absl::Hours(policy.crisis_ack_hours);
    f.note = request.note();
    w.events.push_back(CrisisRaisedEvent(f, policy.version, now));
    w.resource_id = f.flag_id;
    w.new_flags.push_back(std::move(f));
    FinishWrite(&w, principal.subject, now, policy.version);
    return w;
  };
  auto result = store_.MutateCase(principal, m, mutate);
  if (!result.ok()) return result.status();
  auto flag = store_.GetCrisisFlag(principal, result->resource_id);
  if (!flag.ok()) return flag.status();
  log::Warn("crisis_flag_raised", {{"case_id", case_id},
                                   {"district_code", flag->district_code},
                                   {"flags", 1},
                                   {"source", "staff"}});
  CrisisChanged();
  Fill(*flag, now, response->mutable_flag());
  return absl::OkStatus();
}

absl::Status AssessmentServiceImpl::DoAcknowledgeCrisisFlag(
    const auth::Principal& principal, const v1::AcknowledgeCrisisFlagRequest& request,
    v1::AcknowledgeCrisisFlagResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kAcknowledgeCrisis); !st.ok()) return st;
  if (auto st = CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st = CheckUuidField(request.flag_id(), "flag_id", "a crisis flag id (UUID)"); !st.ok()) {
    return st;
  }
  if (request.note().size() > kMaxNoteLength) {
    return grpc_util::InvalidArgumentWithViolations({{"note", "must be at most 4000 bytes"}});
  }
  const std::string flag_id = absl::AsciiStrToLower(request.flag_id());
  auto flag = store_.GetCrisisFlag(principal, flag_id);  // scoped: NOT_FOUND outside
  if (!flag.ok()) return flag.status();
  const absl::Time now = clock_.Now();
  Mutation m;
  m.request_id = absl::AsciiStrToLower(request.request_id());
  m.method = "AcknowledgeCrisisFlag";
  m.case_id = flag->case_id;
  const domain::AssessmentPolicy& policy = PolicyOn(time::ShanghaiDay(now));
  auto mutate = [&](const domain::CaseState& current) -> absl::StatusOr<CaseWrite> {
    CaseWrite w;
    w.state = current;
    w.today = time::ShanghaiDay(now);
    w.points_base = policy.points_base;
    CrisisAck ack{flag_id, now, principal.subject, request.note()};
    CrisisFlagRecord f = *flag;
    f.district_code = current.district_code;
    w.events.push_back(CrisisAcknowledgedEvent(f, ack));
    w.ack = std::move(ack);
    w.resource_id = flag_id;
    w.policy_version = policy.version;
    return w;
  };
  auto result = store_.MutateCase(principal, m, mutate);
  if (!result.ok()) return result.status();
  auto after = store_.GetCrisisFlag(principal, flag_id);
  if (!after.ok()) return after.status();
  log::Info("crisis_flag_acknowledged", {{"case_id", flag->case_id},
                                         {"district_code", after->district_code},
                                         {"within_deadline", now <= flag->acknowledge_by}});
  CrisisChanged();
  Fill(*after, now, response->mutable_flag());
  return absl::OkStatus();
}

absl::Status AssessmentServiceImpl::DoListCrisisFlags(const auth::Principal& principal,
                                                      const v1::ListCrisisFlagsRequest& request,
                                                      v1::ListCrisisFlagsResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kRead); !st.ok()) return st;
  std::vector<FieldViolation> violations;
  CrisisFilter f;
  f.page_size = CheckPageSize(request.page_size(), kDefaultPageSize, kMaxPageSize, &violations);
  if (!DecodeToken("f1:", request.page_token(), &f.after)) {
    violations.push_back({"page_token", "is not a token from a previous ListCrisisFlags response"});
  }
  f.district_code = request.district_code();
  DistrictFilterField(f.district_code, &violations);
  f.case_id = absl::AsciiStrToLower(request.case_id());
  OptionalUuidField(f.case_id, "case_id", "a case id (UUID)", &violations);
  f.unacknowledged_only = request.unacknowledged_only();
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  auto page = store_.ListCrisisFlags(principal, f);
  if (!page.ok()) return page.status();
  const absl::Time now = clock_.Now();
  for (const auto& flag : page->items) Fill(flag, now, response->add_flags());
  response->set_next_page_token(EncodeToken("f1:", page->next));
  return absl::OkStatus();
}

absl::Status AssessmentServiceImpl::DoGetPointsLedger(const auth::Principal& principal,
                                                      const v1::GetPointsLedgerRequest& request,
                                                      v1::GetPointsLedgerResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kRead); !st.ok()) return st;
  if (auto st = CheckCaseId(request.case_id()); !st.ok()) return st;
  absl::CivilDay month = domain::MonthOf(time::ShanghaiDay(clock_.Now()));
  if (request.year() != 0 || request.month() != 0) {
    auto day = time::MakeDate(request.year(), request.month(), 1);
    if (!day.has_value() || request.year() < 2000 || request.year() > 2100) {
      return grpc_util::InvalidArgumentWithViolations(
          {{"month", "year and month must name a calendar month (2000..2100, 1..12)"}});
    }
    month = *day;
  }
  const std::string case_id = absl::AsciiStrToLower(request.case_id());
  auto ledger = store_.GetLedgerMonth(principal, case_id, month);
  if (!ledger.ok()) return ledger.status();
  response->set_case_id(case_id);
  response->set_year(static_cast<int32_t>(month.year()));
  response->set_month(month.month());
  for (const auto& e : ledger->entries) Fill(e, response->add_entries());
  response->set_total(ledger->total);
  response->set_closed(ledger->closed);
  response->set_policy_version(ledger->policy_version);
  return absl::OkStatus();
}

absl::Status AssessmentServiceImpl::DoAddPointsEntry(const auth::Principal& principal,
                                                     const v1::AddPointsEntryRequest& request,
                                                     v1::AddPointsEntryResponse* response) {
  if (auto st = domain::Authorize(principal, Action::kAdjustPoints); !st.ok()) return st;
  if (auto st = CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st = CheckCaseId(request.case_id()); !st.ok()) return st;
  const absl::Time now = clock_.Now();
  const absl::CivilDay today = time::ShanghaiDay(now);
  std::vector<FieldViolation> violations;
  if (request.amount() == 0 || request.amount() < -100 || request.amount() > 100) {
    violations.push_back({"amount", "must be between -100 and 100, and not 0"});
  }
  const std::string note(absl::StripAsciiWhitespace(request.note()));
  if (note.empty()) {
    violations.push_back({"note", "is required: why the points are added or taken"});
  } else if (note.size() > kMaxNoteLength) {
    violations.push_back({"note", "must be at most 4000 bytes"});
  }
  const absl::CivilDay occurred_on =
      DayNotInFuture(request.occurred_on(), "occurred_on", today, &violations);
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);

  Mutation m;
  m.request_id = absl::AsciiStrToLower(request.request_id());
  m.method = "AddPointsEntry";
  m.case_id = absl::AsciiStrToLower(request.case_id());
  const domain::AssessmentPolicy& policy = PolicyOn(today);
  auto mutate = [&](const domain::CaseState& current) -> absl::StatusOr<CaseWrite> {
    if (current.status == domain::CaseStatus::kClosed) {
      return absl::FailedPreconditionError("the case is closed; its ledger no longer changes");
    }
    CaseWrite w;
    w.state = current;
    w.today = today;
    w.points_base = policy.points_base;
    w.policy_version = policy.version;
    w.effects.ledger.push_back({"ADJUSTMENT", request.amount(), occurred_on});
    w.ledger_source = m.request_id;
    w.ledger_note = note;
    w.resource_id = m.request_id;
    return w;
  };
  auto result = store_.MutateCase(principal, m, mutate);
  if (!result.ok()) return result.status();
  for (absl::CivilDay month : {domain::MonthOf(occurred_on), domain::MonthOf(today)}) {
    auto ledger = store_.GetLedgerMonth(principal, m.case_id, month);
    if (!ledger.ok()) return ledger.status();
    for (const auto& e : ledger->entries) {
      if (e.source == m.request_id) {
        Fill(e, response->mutable_entry());
        return absl::OkStatus();
      }
    }
  }
  return absl::InternalError("the entry was written but cannot be read back");
}

CCMS_UNARY_HANDLER(AssessmentServiceImpl, ListInstruments)
CCMS_UNARY_HANDLER(AssessmentServiceImpl, GetInstrument)
CCMS_UNARY_HANDLER(AssessmentServiceImpl, RecordAssessment)
CCMS_UNARY_HANDLER(AssessmentServiceImpl, GetAssessment)
CCMS_UNARY_HANDLER(AssessmentServiceImpl, ListAssessments)
CCMS_UNARY_HANDLER(AssessmentServiceImpl, ListDueAssessments)
CCMS_UNARY_HANDLER(AssessmentServiceImpl, GetSupervisionLevel)
CCMS_UNARY_HANDLER(AssessmentServiceImpl, OverrideSupervisionLevel)
CCMS_UNARY_HANDLER(AssessmentServiceImpl, RaiseCrisisFlag)
CCMS_UNARY_HANDLER(AssessmentServiceImpl, AcknowledgeCrisisFlag)
CCMS_UNARY_HANDLER(AssessmentServiceImpl, ListCrisisFlags)
CCMS_UNARY_HANDLER(AssessmentServiceImpl, GetPointsLedger)
CCMS_UNARY_HANDLER(AssessmentServiceImpl, AddPointsEntry)

}  // namespace ccms::assessment
