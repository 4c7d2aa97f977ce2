#include "services/records/records_service.h"

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "ccms/records/v1/records_events.pb.h"
#include "common/grpc/proto_convert.h"
#include "common/grpc/status.h"
#include "common/grpc/unary_handler.h"
#include "common/ids/uuid.h"
#include "common/kafka/outbox.h"
#include "common/time/calendar.h"
#include "services/records/domain/access.h"
#include "services/records/domain/discharge_rules.h"
#include "services/records/handler_support.h"

namespace ccms::records {
namespace {

using grpc_util::FieldViolation;
using grpc_util::FromProtoDate;
using grpc_util::ToProtoDate;
using grpc_util::ToProtoTimestamp;

constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 500;
constexpr char kPageTokenPrefix[] = "c1:";

void ToProtoCase(const CaseRecord& c, v1::Case* out) {
  out->set_case_id(c.case_id);
  out->set_case_number(c.case_number);
  out->set_status(ToProto(c.status));
  auto* p = out->mutable_person();
  p->set_person_id(c.person_id);
  p->set_name(c.name);
  p->set_id_number_masked(absl::StrCat("**************", c.id_last4));
  *p->mutable_birth_date() = ToProtoDate(c.birth_date);
  p->set_sex(ToProto(c.sex));
  p->set_phone(c.phone);
  p->set_household_address(c.household_address);
  p->set_residence_address(c.residence_address);
  auto* s = out->mutable_sentence();
  s->set_kind(ToProto(c.sentence_kind));
  s->set_offence_category(c.offence_category);
  s->set_deciding_authority(c.deciding_authority);
  *s->mutable_judgment_effective_date() = ToProtoDate(c.judgment_effective_date);
  *s->mutable_start_date() = ToProtoDate(c.start_date);
  *s->mutable_end_date() = ToProtoDate(c.end_date);
  s->set_prohibition_orders(c.prohibition_orders);
  if (c.offence_date.has_value()) *s->mutable_offence_date() = ToProtoDate(*c.offence_date);
  auto* a = out->mutable_assignment();
  a->set_district_code(c.district_code);
  a->set_office_id(c.office_id);
  a->set_officer_id(c.officer_id);
  a->set_social_worker_id(c.social_worker_id);
  out->set_minor(c.minor);
  *out->mutable_intake_deadline() = ToProtoDate(c.intake_deadline);
  if (c.intake_reported_on.has_value()) {
    *out->mutable_intake_reported_on() = ToProtoDate(*c.intake_reported_on);
  }
  out->set_intake_late(c.intake_late);
  *out->mutable_created_at() = ToProtoTimestamp(c.created_at);
  *out->mutable_updated_at() = ToProtoTimestamp(c.updated_at);
  out->set_version(c.version);
  if (c.closed_on.has_value()) *out->mutable_closed_on() = ToProtoDate(*c.closed_on);
  out->set_discharge_certificate(c.discharge_certificate);
  out->set_discharge_announced(c.discharge_announced);
  if (c.discharge_summary_on.has_value()) {
    *out->mutable_discharge_summary_received_on() = ToProtoDate(*c.discharge_summary_on);
  }
}

}  // namespace

absl::Status RecordsServiceImpl::DoOpenCase(const auth::Principal& principal,
                                            const v1::OpenCaseRequest& request,
                                            v1::OpenCaseResponse* response) {
  if (auto st = domain::Authorize(principal, domain::CaseAction::kOpen); !st.ok()) {
    return AuditDenied(principal, "OpenCase", "", request.request_id(), st);
  }
  if (auto st = CheckRequestId(request.request_id()); !st.ok()) return st;

  std::vector<FieldViolation> violations;
  domain::NewCase in;
  const auto& person = request.person();
  in.name = std::string(absl::StripAsciiWhitespace(person.name()));
  in.id_number = std::string(absl::StripAsciiWhitespace(person.id_number()));
  in.birth_date = DateField(person.birth_date(), "person.birth_date", &violations);
  in.sex = person.sex() == common::v1::SEX_MALE     ? domain::Sex::kMale
           : person.sex() == common::v1::SEX_FEMALE ? domain::Sex::kFemale
                                                    : domain::Sex::kUnspecified;
  in.phone = std::string(absl::StripAsciiWhitespace(person.phone()));
  in.household_address = person.household_address();
  in.residence_address = person.residence_address();
  const auto& sentence = request.sentence();
  in.sentence_kind = FromProto(sentence.kind());
  in.offence_category = sentence.offence_category();
  in.deciding_authority = sentence.deciding_authority();
  in.judgment_effective_date = DateField(sentence.judgment_effective_date(),
                                         "sentence.judgment_effective_date", &violations);
  in.offence_date = DateField(sentence.offence_date(), "sentence.offence_date", &violations);
  in.supervision_start_date = DateField(sentence.start_date(), "sentence.start_date", &violations);
  in.supervision_end_date = DateField(sentence.end_date(), "sentence.end_date", &violations);
  in.prohibition_orders = sentence.prohibition_orders();
  const auto& assignment = request.assignment();
  in.district_code = std::string(absl::StripAsciiWhitespace(assignment.district_code()));
  in.office_id = assignment.office_id();
  in.officer_id = assignment.officer_id();
  in.social_worker_id = assignment.social_worker_id();

  const absl::Time now = clock_.Now();
  const absl::CivilDay today = time::ShanghaiDay(now);
  domain::ValidatedCase validated;
  // The intake deadline is counted from the judgment's effective date, by the version in force
  // then.
  const domain::RecordsPolicy& intake_policy = PolicyOn(in.judgment_effective_date.value_or(today));
  for (auto& v : domain::ValidateNewCase(in, today, &validated, intake_policy.intake)) {
    // A malformed date was reported already; the domain sees it as missing.
    bool dup = false;
    for (const auto& seen : violations) dup = dup || seen.field == v.field;
    if (!dup) violations.push_back({v.field, v.description});
  }
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  if (auto st = domain::Authorize(principal, domain::CaseAction::kOpen, in.district_code);
      !st.ok()) {
    return AuditDenied(principal, "OpenCase", "", request.request_id(), st);
  }

  OpenCaseCommand cmd;
  cmd.request_id = absl::AsciiStrToLower(request.request_id());
  cmd.case_id = ids::NewUuid();
  cmd.id_cipher = cipher_.Encrypt(validated.resident_id.normalized, "persons.id_cipher");
  cmd.id_hash = cipher_.KeyedHash(validated.resident_id.normalized);
  cmd.id_last4 = validated.resident_id.normalized.substr(14);
  cmd.case_year = static_cast<int>(today.year());
  cmd.input = std::move(in);
  cmd.validated = validated;

  auto record = store_.OpenCase(principal, cmd, [&](const CaseRecord& c) {
    v1::CaseOpened payload;
    payload.set_case_id(c.case_id);
    payload.set_case_number(c.case_number);
    payload.set_district_code(c.district_code);
    payload.set_office_id(c.office_id);
    payload.set_sentence_kind(ToProto(c.sentence_kind));
    *payload.mutable_judgment_effective_date() = ToProtoDate(c.judgment_effective_date);
    *payload.mutable_supervision_start_date() = ToProtoDate(c.start_date);
    *payload.mutable_supervision_end_date() = ToProtoDate(c.end_date);
    *payload.mutable_intake_deadline() = ToProtoDate(c.intake_deadline);
    payload.set_minor(c.minor);
    return kafka::MakeEnvelope("ccms.records.case_opened", c.case_id, c.district_code, now, now,
                               principal.subject, payload);
  });
  if (!record.ok()) return record.status();
  CaseToProto(*record, response->mutable_case_());
  return absl::OkStatus();
}

absl::Status RecordsServiceImpl::DoRecordIntakeCheckIn(
    const auth::Principal& principal, const v1::RecordIntakeCheckInRequest& request,
    v1::RecordIntakeCheckInResponse* response) {
  if (auto st = domain::Authorize(principal, domain::CaseAction::kRecordIntake); !st.ok()) {
    return AuditDenied(principal, "RecordIntakeCheckIn", request.case_id(), request.request_id(),
                       st);
  }
  if (auto st = CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st = CheckCaseId(request.case_id()); !st.ok()) return st;
  std::vector<FieldViolation> violations;
  auto reported_on = DateField(request.reported_on(), "reported_on", &violations);
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);

  const absl::Time now = clock_.Now();
  const absl::CivilDay today = time::ShanghaiDay(now);
  IntakeCheckInCommand cmd;
  cmd.request_id = absl::AsciiStrToLower(request.request_id());
  cmd.case_id = absl::AsciiStrToLower(request.case_id());
  if (request.version() != 0) cmd.expected_version = request.version();

  auto decide = [&](const CaseRecord& c) -> absl::StatusOr<IntakeOutcome> {
    if (auto st = domain::CheckIntakeTransition(c.status); !st.ok()) return st;
    const absl::CivilDay on = reported_on.value_or(today);
    if (auto st = domain::CheckReportedOn(on, c.judgment_effective_date, today); !st.ok()) {
      return grpc_util::InvalidArgumentWithViolations({{"reported_on", std::string(st.message())}});
    }
    const auto assessment = domain::AssessIntake(c.judgment_effective_date, on,
                                                 PolicyOn(c.judgment_effective_date).intake);
    return IntakeOutcome{on, assessment.late};
  };
  auto record = store_.RecordIntakeCheckIn(principal, cmd, decide, [&](const CaseRecord& c) {
    v1::IntakeReported payload;
    payload.set_case_id(c.case_id);
    payload.set_district_code(c.district_code);
    *payload.mutable_reported_on() = ToProtoDate(*c.intake_reported_on);
    payload.set_days_after_effective(
        static_cast<int32_t>(*c.intake_reported_on - c.judgment_effective_date));
    payload.set_late(c.intake_late);
    return kafka::MakeEnvelope("ccms.records.intake_reported", c.case_id, c.district_code, now, now,
                               principal.subject, payload);
  });
  if (!record.ok()) return record.status();
  CaseToProto(*record, response->mutable_case_());
  return absl::OkStatus();
}

absl::Status RecordsServiceImpl::DoGetCase(const auth::Principal& principal,
                                           const v1::GetCaseRequest& request,
                                           v1::GetCaseResponse* response,
                                           const std::string& call_id) {
  if (auto st = domain::Authorize(principal, domain::CaseAction::kRead); !st.ok()) {
    return AuditDenied(principal, "GetCase", request.case_id(), call_id, st);
  }
  if (auto st = CheckCaseId(request.case_id()); !st.ok()) return st;
  auto record = store_.GetCase(principal, absl::AsciiStrToLower(request.case_id()), call_id);
  if (!record.ok()) return record.status();
  CaseToProto(*record, response->mutable_case_());
  return absl::OkStatus();
}

absl::Status RecordsServiceImpl::DoListCases(const auth::Principal& principal,
                                             const v1::ListCasesRequest& request,
                                             v1::ListCasesResponse* response,
                                             const std::string& call_id) {
  if (auto st = domain::Authorize(principal, domain::CaseAction::kRead); !st.ok()) {
    return AuditDenied(principal, "ListCases", "", call_id, st);
  }
  std::vector<FieldViolation> violations;
  CaseFilter filter;
  filter.page_size =
      CheckPageSize(request.page_size(), kDefaultPageSize, kMaxPageSize, &violations);
  if (!request.page_token().empty()) {
    std::string decoded;
    if (!absl::WebSafeBase64Unescape(request.page_token(), &decoded) ||
        !absl::StartsWith(decoded, kPageTokenPrefix) ||
        !ids::IsUuid(decoded.substr(sizeof(kPageTokenPrefix) - 1))) {
      violations.push_back({"page_token", "is not a token from a previous ListCases response"});
    } else {
      filter.after_case_id = decoded.substr(sizeof(kPageTokenPrefix) - 1);
    }
  }
  filter.district_code = request.district_code();
  DistrictFilterField(filter.district_code, &violations);
  filter.office_id = request.office_id();
  filter.status = FromProto(request.status());
  filter.sentence_kind = FromProto(request.sentence_kind());
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);

  auto page = store_.ListCases(principal, filter, call_id);
  if (!page.ok()) return page.status();
  for (const auto& c : page->cases) CaseToProto(c, response->add_cases());
  if (!page->last_case_id.empty()) {
    response->set_next_page_token(
        absl::WebSafeBase64Escape(absl::StrCat(kPageTokenPrefix, page->last_case_id)));
  }
  return absl::OkStatus();
}

CCMS_UNARY_HANDLER(RecordsServiceImpl, OpenCase)
CCMS_UNARY_HANDLER(RecordsServiceImpl, RecordIntakeCheckIn)
CCMS_UNARY_HANDLER_WITH_CALL_ID(RecordsServiceImpl, GetCase)
CCMS_UNARY_HANDLER_WITH_CALL_ID(RecordsServiceImpl, ListCases)

// ---- The case file beyond intake: contacts, lost contact, the ladder, lists. ----

namespace {

v1::ContactRequirement ToProtoRequirement(domain::ContactRequirement r) {
  switch (r) {
    case domain::ContactRequirement::kReport:
      return v1::CONTACT_REQUIREMENT_REPORT;
    case domain::ContactRequirement::kInPerson:
      return v1::CONTACT_REQUIREMENT_IN_PERSON;
    case domain::ContactRequirement::kVisit:
      return v1::CONTACT_REQUIREMENT_VISIT;
    case domain::ContactRequirement::kSelfReport:
      return v1::CONTACT_REQUIREMENT_SELF_REPORT;
  }
  return v1::CONTACT_REQUIREMENT_UNSPECIFIED;
}

domain::LevelFacts LevelFactsOf(const CaseRecord& c) {
  return {c.intake_reported_on, c.assessed_level, c.level_effective_on};
}

void ToProtoDue(const domain::DueContact& d, v1::DueContact* out) {
  out->set_requirement(ToProtoRequirement(d.requirement));
  *out->mutable_due() = ToProtoDate(d.due);
  out->set_level(ToProtoLevel(d.level));
  out->set_rule(d.rule);
  out->set_days_overdue(d.days_overdue);
}

void ToProtoStatus(const domain::LadderStatus& s, const std::string& policy_version,
                   v1::SanctionStatus* out) {
  out->set_uncorrected_admonitions(s.uncorrected_admonitions);
  out->set_uncorrected_warnings(s.uncorrected_warnings);
  out->set_public_security_referrals(s.public_security_referrals);
  out->set_revocation_requested(s.revocation_requested);
  for (auto g : s.grounds_met) {
    out->add_grounds_met(static_cast<v1::RevocationGround>(static_cast<int>(g) + 1));
  }
  for (const auto& e : s.explanations) out->add_explanations(e);
  out->set_longest_lost_contact_days(s.longest_lost_contact_days);
  out->set_next_step(s.next_step);
  out->set_policy_version(policy_version);
}

}  // namespace

void RecordsServiceImpl::CaseToProto(const CaseRecord& c, v1::Case* out) const {
  ToProtoCase(c, out);
  const absl::CivilDay today = time::ShanghaiDay(clock_.Now());
  out->set_supervision_level(
      ToProtoLevel(domain::LevelOn(LevelFactsOf(c), today, PolicyOn(today))));
}

absl::Status RecordsServiceImpl::AuditDenied(const auth::Principal& principal,
                                             const std::string& action, const std::string& case_id,
                                             const std::string& request_id, absl::Status status) {
  if (status.code() == absl::StatusCode::kPermissionDenied) {
    // Best effort: the denial stands even if its audit row cannot be written.
    (void)store_.AppendAudit(principal, action, absl::AsciiStrToLower(case_id), "DENIED",
                             request_id);
  }
  return status;
}

absl::Status RecordsServiceImpl::DoRecordContact(const auth::Principal& principal,
                                                 const v1::RecordContactRequest& request,
                                                 v1::RecordContactResponse* response) {
  if (auto st = domain::Authorize(principal, domain::CaseAction::kRecordContact); !st.ok()) {
    return AuditDenied(principal, "RecordContact", request.case_id(), request.request_id(), st);
  }
  if (auto st = CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st = CheckCaseId(request.case_id()); !st.ok()) return st;
  auto kind = domain::ParseContactKind(
      grpc_util::EnumSuffix(v1::ContactKind_descriptor(), request.kind(), "CONTACT_KIND_"));
  if (!kind.has_value()) {
    return grpc_util::InvalidArgumentWithViolations({{"kind", "is required"}});
  }
  const absl::Time now = clock_.Now();
  const absl::CivilDay today = time::ShanghaiDay(now);
  auto on = DayNotInFuture(request.occurred_on(), "occurred_on", today);
  if (!on.ok()) return on.status();
  if (auto st = CheckText(request.notes(), "notes", 8000); !st.ok()) return st;
  NewContact contact{ids::NewUuid(), *kind, *on, request.notes()};
  auto result = store_.RecordContact(
      principal, MutationOf(request.request_id(), request.case_id(), "RecordContact"), contact,
      [&](const CaseRecord& c) {
        v1::ContactRecorded payload;
        payload.set_case_id(c.case_id);
        payload.set_district_code(c.district_code);
        payload.set_contact_id(contact.contact_id);
        payload.set_kind(std::string(domain::ContactKindName(contact.kind)));
        *payload.mutable_occurred_on() = ToProtoDate(contact.occurred_on);
        return kafka::MakeEnvelope("ccms.records.contact_recorded", c.case_id, c.district_code, now,
                                   now, principal.subject, payload);
      });
  if (!result.ok()) return result.status();
  response->set_contact_id(result->resource_id);
  // What is due next, from the contacts as they now stand.
  auto facts = store_.ListOverdueCandidates(principal, "", "", today, 1,
                                            absl::AsciiStrToLower(request.case_id()));
  if (facts.ok() && !facts->empty()) {
    for (const auto& d : NextDueOf(facts->front(), today)) ToProtoDue(d, response->add_next_due());
  }
  return absl::OkStatus();
}

std::vector<domain::DueContact> RecordsServiceImpl::NextDueOf(const OverdueCandidate& oc,
                                                              absl::CivilDay today) const {
  if (!oc.c.intake_reported_on.has_value()) return {};
  domain::ContactFacts facts;
  facts.supervision_start = *oc.c.intake_reported_on;
  facts.level = LevelFactsOf(oc.c);
  for (domain::ContactRequirement r : domain::kAllRequirements) {
    auto& last = facts.last[static_cast<int>(r)];
    for (int k = 0; k < 7; ++k) {
      if (oc.last_by_kind[k].has_value() &&
          domain::Satisfies(static_cast<domain::ContactKind>(k), r) &&
          (!last.has_value() || *oc.last_by_kind[k] > *last)) {
        last = oc.last_by_kind[k];
      }
    }
  }
  return domain::NextDue(facts, policies_, today);
}

absl::Status RecordsServiceImpl::DoMarkLostContact(const auth::Principal& principal,
                                                   const v1::MarkLostContactRequest& request,
                                                   v1::MarkLostContactResponse* response) {
  if (auto st = domain::Authorize(principal, domain::CaseAction::kEnforce); !st.ok()) {
    return AuditDenied(principal, "MarkLostContact", request.case_id(), request.request_id(), st);
  }
  if (auto st = CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st = CheckCaseId(request.case_id()); !st.ok()) return st;
  const absl::Time now = clock_.Now();
  auto since = DayNotInFuture(request.since(), "since", time::ShanghaiDay(now));
  if (!since.ok()) return since.status();
  LostContactPeriod period{ids::NewUuid(), *since, std::nullopt};
  auto result = store_.MarkLostContact(
      principal, MutationOf(request.request_id(), request.case_id(), "MarkLostContact"), period,
      [&](const CaseRecord& c) {
        v1::LostContactChanged payload;
        payload.set_case_id(c.case_id);
        payload.set_district_code(c.district_code);
        payload.set_period_id(period.period_id);
        *payload.mutable_since() = ToProtoDate(period.started_on);
        return kafka::MakeEnvelope("ccms.records.lost_contact_marked", c.case_id, c.district_code,
                                   now, now, principal.subject, payload);
      });
  if (!result.ok()) return result.status();
  response->set_period_id(result->resource_id);
  return absl::OkStatus();
}

absl::Status RecordsServiceImpl::DoMarkFoundAgain(const auth::Principal& principal,
                                                  const v1::MarkFoundAgainRequest& request,
                                                  v1::MarkFoundAgainResponse* response) {
  if (auto st = domain::Authorize(principal, domain::CaseAction::kEnforce); !st.ok()) {
    return AuditDenied(principal, "MarkFoundAgain", request.case_id(), request.request_id(), st);
  }
  if (auto st = CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st = CheckCaseId(request.case_id()); !st.ok()) return st;
  const absl::Time now = clock_.Now();
  const absl::CivilDay today = time::ShanghaiDay(now);
  auto found_on = DayNotInFuture(request.found_on(), "found_on", today);
  if (!found_on.ok()) return found_on.status();
  auto period = store_.MarkFoundAgain(
      principal, MutationOf(request.request_id(), request.case_id(), "MarkFoundAgain"), *found_on,
      [&](const CaseRecord& c, const LostContactPeriod& p) {
        v1::LostContactChanged payload;
        payload.set_case_id(c.case_id);
        payload.set_district_code(c.district_code);
        payload.set_period_id(p.period_id);
        *payload.mutable_since() = ToProtoDate(p.started_on);
        *payload.mutable_found_on() = ToProtoDate(*p.ended_on);
        payload.set_days_lost(static_cast<int32_t>(*p.ended_on - p.started_on));
        return kafka::MakeEnvelope("ccms.records.found_again", c.case_id, c.district_code, now, now,
                                   principal.subject, payload);
      });
  if (!period.ok()) return period.status();
  const int days = domain::LostContactDays({period->started_on, period->ended_on}, today);
  response->set_days_lost(days);
  // Judged on the day contact was regained, by the version in force then.
  const domain::RecordsPolicy& policy = PolicyOn(period->ended_on.value_or(today));
  response->set_assessment(days > policy.lost_contact_admonition_max_days
                               ? absl::StrCat("lost contact for ", days, " days, more than ",
                                              policy.lost_contact_admonition_max_days,
                                              ": grounds for a warning (Measures 2020)")
                               : absl::StrCat("lost contact for ", days, " days, at most ",
                                              policy.lost_contact_admonition_max_days,
                                              ": grounds for an admonition (Measures 2020)"));
  return absl::OkStatus();
}

absl::Status RecordsServiceImpl::DoRecordViolation(const auth::Principal& principal,
                                                   const v1::RecordViolationRequest& request,
                                                   v1::RecordViolationResponse* response) {
  if (auto st = domain::Authorize(principal, domain::CaseAction::kEnforce); !st.ok()) {
    return AuditDenied(principal, "RecordViolation", request.case_id(), request.request_id(), st);
  }
  if (auto st = CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st = CheckCaseId(request.case_id()); !st.ok()) return st;
  auto kind = domain::ParseViolationKind(
      grpc_util::EnumSuffix(v1::ViolationKind_descriptor(), request.kind(), "VIOLATION_KIND_"));
  if (!kind.has_value()) return grpc_util::InvalidArgumentWithViolations({{"kind", "is required"}});
  const absl::Time now = clock_.Now();
  auto on = DayNotInFuture(request.occurred_on(), "occurred_on", time::ShanghaiDay(now));
  if (!on.ok()) return on.status();
  if (auto st = CheckText(request.facts(), "facts", 8000); !st.ok()) return st;
  NewViolation v{ids::NewUuid(), *kind, *on, request.facts()};
  auto result = store_.RecordViolation(
      principal, MutationOf(request.request_id(), request.case_id(), "RecordViolation"), v,
      [&](const CaseRecord& c) {
        v1::ViolationRecorded payload;
        payload.set_case_id(c.case_id);
        payload.set_district_code(c.district_code);
        payload.set_violation_id(v.violation_id);
        payload.set_kind(request.kind());
        *payload.mutable_occurred_on() = ToProtoDate(v.occurred_on);
        return kafka::MakeEnvelope("ccms.records.violation_recorded", c.case_id, c.district_code,
                                   now, now, principal.subject, payload);
      });
  if (!result.ok()) return result.status();
  response->set_violation_id(result->resource_id);
  return absl::OkStatus();
}

absl::Status RecordsServiceImpl::DoIssueSanction(const auth::Principal& principal,
                                                 const v1::IssueSanctionRequest& request,
                                                 v1::IssueSanctionResponse* response) {
  if (auto st = domain::Authorize(principal, domain::CaseAction::kEnforce); !st.ok()) {
    return AuditDenied(principal, "IssueSanction", request.case_id(), request.request_id(), st);
  }
  if (auto st = CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st = CheckCaseId(request.case_id()); !st.ok()) return st;
  std::vector<FieldViolation> violations;
  auto kind = domain::ParseSanctionKind(
      grpc_util::EnumSuffix(v1::SanctionKind_descriptor(), request.kind(), "SANCTION_KIND_"));
  if (!kind.has_value()) violations.push_back({"kind", "is required"});
  NewSanction sanction;
  for (int g : request.grounds()) {
    if (g <= 0 || g > 4) {
      violations.push_back({"grounds", "holds an unknown ground"});
      break;
    }
    sanction.grounds.push_back(static_cast<domain::RevocationGround>(g - 1));
  }
  for (const auto& id : request.violation_ids()) {
    if (!ids::IsUuid(id)) {
      violations.push_back({"violation_ids", "must be violation ids (UUIDs)"});
      break;
    }
    sanction.violation_ids.push_back(absl::AsciiStrToLower(id));
  }
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  const absl::Time now = clock_.Now();
  const absl::CivilDay today = time::ShanghaiDay(now);
  auto on = DayNotInFuture(request.issued_on(), "issued_on", today);
  if (!on.ok()) return on.status();
  if (auto st = CheckText(request.reason(), "reason", 8000); !st.ok()) return st;
  sanction.sanction_id = ids::NewUuid();
  sanction.kind = *kind;
  sanction.issued_on = *on;
  sanction.reason = request.reason();
  // The sanction ladder as it stood on the day the sanction is issued.
  const domain::RecordsPolicy& policy = PolicyOn(*on);
  sanction.policy_version = policy.version;
  domain::LadderFacts after;
  auto result = store_.IssueSanction(
      principal, MutationOf(request.request_id(), request.case_id(), "IssueSanction"), sanction,
      [&](const domain::LadderFacts& facts) {
        absl::Status st =
            domain::CheckSanction(sanction.kind, sanction.grounds, facts, policy, today);
        after = facts;
        after.sanctions.push_back({sanction.kind, sanction.issued_on, false});
        return st;
      },
      [&](const CaseRecord& c) {
        v1::SanctionIssued payload;
        payload.set_case_id(c.case_id);
        payload.set_district_code(c.district_code);
        payload.set_sanction_id(sanction.sanction_id);
        payload.set_kind(request.kind());
        *payload.mutable_issued_on() = ToProtoDate(sanction.issued_on);
        for (const auto& id : sanction.violation_ids) payload.add_violation_ids(id);
        return kafka::MakeEnvelope("ccms.records.sanction_issued", c.case_id, c.district_code, now,
                                   now, principal.subject, payload);
      });
  if (!result.ok()) return result.status();
  response->set_sanction_id(result->resource_id);
  ToProtoStatus(domain::EvaluateLadder(after, PolicyOn(today), today), PolicyOn(today).version,
                response->mutable_status());
  return absl::OkStatus();
}

absl::Status RecordsServiceImpl::DoMarkSanctionCorrected(
    const auth::Principal& principal, const v1::MarkSanctionCorrectedRequest& request,
    v1::MarkSanctionCorrectedResponse* response) {
  if (auto st = domain::Authorize(principal, domain::CaseAction::kEnforce); !st.ok()) {
    return AuditDenied(principal, "MarkSanctionCorrected", request.case_id(), request.request_id(),
                       st);
  }
  if (auto st = CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st = CheckCaseId(request.case_id()); !st.ok()) return st;
  if (auto st = CheckUuidField(request.sanction_id(), "sanction_id", "a sanction id"); !st.ok()) {
    return st;
  }
  const absl::CivilDay today = time::ShanghaiDay(clock_.Now());
  auto on = DayNotInFuture(request.corrected_on(), "corrected_on", today);
  if (!on.ok()) return on.status();
  auto result = store_.MarkSanctionCorrected(
      principal, MutationOf(request.request_id(), request.case_id(), "MarkSanctionCorrected"),
      absl::AsciiStrToLower(request.sanction_id()), *on);
  if (!result.ok()) return result.status();
  auto facts = store_.GetLadderFacts(principal, absl::AsciiStrToLower(request.case_id()),
                                     request.request_id());
  if (!facts.ok()) return facts.status();
  ToProtoStatus(domain::EvaluateLadder(*facts, PolicyOn(today), today), PolicyOn(today).version,
                response->mutable_status());
  return absl::OkStatus();
}

absl::Status RecordsServiceImpl::DoRecordCommendation(const auth::Principal& principal,
                                                      const v1::RecordCommendationRequest& request,
                                                      v1::RecordCommendationResponse* response) {
  if (auto st = domain::Authorize(principal, domain::CaseAction::kEnforce); !st.ok()) {
    return AuditDenied(principal, "RecordCommendation", request.case_id(), request.request_id(),
                       st);
  }
  if (auto st = CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st = CheckCaseId(request.case_id()); !st.ok()) return st;
  const absl::Time now = clock_.Now();
  auto on = DayNotInFuture(request.recorded_on(), "recorded_on", time::ShanghaiDay(now));
  if (!on.ok()) return on.status();
  if (auto st = CheckText(request.reason(), "reason", 8000); !st.ok()) return st;
  NewCommendation cm{ids::NewUuid(), *on, request.reason()};
  auto result = store_.RecordCommendation(
      principal, MutationOf(request.request_id(), request.case_id(), "RecordCommendation"), cm,
      [&](const CaseRecord& c) {
        v1::CommendationRecorded payload;
        payload.set_case_id(c.case_id);
        payload.set_district_code(c.district_code);
        payload.set_commendation_id(cm.commendation_id);
        *payload.mutable_recorded_on() = ToProtoDate(cm.recorded_on);
        return kafka::MakeEnvelope("ccms.records.commendation_recorded", c.case_id, c.district_code,
                                   now, now, principal.subject, payload);
      });
  if (!result.ok()) return result.status();
  response->set_commendation_id(result->resource_id);
  return absl::OkStatus();
}

absl::Status RecordsServiceImpl::DoGetSanctionStatus(const auth::Principal& principal,
                                                     const v1::GetSanctionStatusRequest& request,
                                                     v1::GetSanctionStatusResponse* response,
                                                     const std::string& call_id) {
  if (auto st = domain::Authorize(principal, domain::CaseAction::kRead); !st.ok()) {
    return AuditDenied(principal, "GetSanctionStatus", request.case_id(), call_id, st);
  }
  if (auto st = CheckCaseId(request.case_id()); !st.ok()) return st;
  auto facts = store_.GetLadderFacts(principal, absl::AsciiStrToLower(request.case_id()), call_id);
  if (!facts.ok()) return facts.status();
  const absl::CivilDay today = time::ShanghaiDay(clock_.Now());
  ToProtoStatus(domain::EvaluateLadder(*facts, PolicyOn(today), today), PolicyOn(today).version,
                response->mutable_status());
  return absl::OkStatus();
}

absl::Status RecordsServiceImpl::DoListOverdue(const auth::Principal& principal,
                                               const v1::ListOverdueRequest& request,
                                               v1::ListOverdueResponse* response) {
  if (auto st = domain::Authorize(principal, domain::CaseAction::kRead); !st.ok()) {
    return AuditDenied(principal, "ListOverdue", "", "", st);
  }
  std::vector<FieldViolation> violations;
  const std::string district = request.district_code();
  CheckListDistrict(principal, district, &violations);
  const int page_size = CheckPageSize(request.page_size(), 100, 500, &violations);
  std::string after;
  if (!request.page_token().empty()) {
    auto cursor = DecodeToken("o1:", request.page_token());
    if (!cursor.has_value() || !ids::IsUuid(*cursor)) {
      violations.push_back({"page_token", "is not a token from a previous ListOverdue response"});
    } else {
      after = *cursor;
    }
  }
  const absl::CivilDay today = time::ShanghaiDay(clock_.Now());
  auto as_of = DateField(request.as_of(), "as_of", &violations);
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  const absl::CivilDay day = as_of.value_or(today);
  const bool want_never = request.kind() != v1::OVERDUE_KIND_CONTACT;
  const bool want_contact = request.kind() != v1::OVERDUE_KIND_NEVER_REPORTED;

  // Scan cases in id order until the page is full; a bounded scan per call keeps latency flat.
  constexpr int kBatch = 500;
  constexpr int kMaxScanned = 5000;
  int scanned = 0;
  std::string last_case;
  bool more = true;
  while (response->items_size() < page_size && scanned < kMaxScanned && more) {
    auto batch = store_.ListOverdueCandidates(principal, district, after, day, kBatch);
    if (!batch.ok()) return batch.status();
    more = static_cast<int>(batch->size()) == kBatch;
    for (const auto& oc : *batch) {
      ++scanned;
      last_case = oc.c.case_id;
      after = last_case;
      if (oc.c.status == domain::CaseStatus::kPendingIntake) {
        // Counted from the judgment's effective date, by the version in force then.
        const domain::RecordsPolicy& intake = PolicyOn(oc.c.judgment_effective_date);
        if (want_never &&
            domain::IsNeverReported(oc.c.judgment_effective_date, day, intake.intake)) {
          auto* item = response->add_items();
          item->set_case_id(oc.c.case_id);
          item->set_case_number(oc.c.case_number);
          item->set_district_code(oc.c.district_code);
          item->set_office_id(oc.c.office_id);
          item->set_kind(v1::OVERDUE_KIND_NEVER_REPORTED);
          item->set_days_overdue(static_cast<int32_t>(day - oc.c.intake_deadline));
          *item->mutable_due() = ToProtoDate(oc.c.intake_deadline);
          item->set_rule(absl::StrCat("report within ", intake.intake.report_within_days,
                                      " days of the judgment taking effect (Law art. 21; policy ",
                                      intake.version, ")"));
        }
      } else if (want_contact) {
        for (const auto& d : NextDueOf(oc, day)) {
          if (d.days_overdue <= 0) continue;
          auto* item = response->add_items();
          item->set_case_id(oc.c.case_id);
          item->set_case_number(oc.c.case_number);
          item->set_district_code(oc.c.district_code);
          item->set_office_id(oc.c.office_id);
          item->set_kind(v1::OVERDUE_KIND_CONTACT);
          item->set_days_overdue(d.days_overdue);
          *item->mutable_due() = ToProtoDate(d.due);
          item->set_rule(d.rule);
          item->set_requirement(ToProtoRequirement(d.requirement));
        }
      }
      if (response->items_size() >= page_size) break;
    }
    if (batch->empty()) more = false;
  }
  if ((more || response->items_size() >= page_size) && !last_case.empty()) {
    response->set_next_page_token(EncodeToken("o1:", last_case));
  }
  response->set_policy_version(PolicyOn(day).version);
  return absl::OkStatus();
}

absl::Status RecordsServiceImpl::DoGetCaseTimeline(const auth::Principal& principal,
                                                   const v1::GetCaseTimelineRequest& request,
                                                   v1::GetCaseTimelineResponse* response,
                                                   const std::string& call_id) {
  if (auto st = domain::Authorize(principal, domain::CaseAction::kRead); !st.ok()) {
    return AuditDenied(principal, "GetCaseTimeline", request.case_id(), call_id, st);
  }
  if (auto st = CheckCaseId(request.case_id()); !st.ok()) return st;
  std::vector<FieldViolation> violations;
  const int page_size = CheckPageSize(request.page_size(), 100, 500, &violations);
  TimelineCursor cursor;
  if (!request.page_token().empty()) {
    auto decoded = DecodeToken("t1:", request.page_token());
    std::vector<std::string> parts;
    if (decoded.has_value()) parts = absl::StrSplit(*decoded, '|');
    if (parts.size() != 3 || !time::ParseDate(parts[0]).has_value() ||
        !absl::SimpleAtoi(parts[1], &cursor.recorded_at_us)) {
      violations.push_back({"page_token", "is not a token from a previous timeline response"});
    } else {
      cursor.on = parts[0];
      cursor.entry_id = parts[2];
    }
  }
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  auto rows = store_.GetTimeline(principal, absl::AsciiStrToLower(request.case_id()), cursor,
                                 page_size + 1, call_id);
  if (!rows.ok()) return rows.status();
  for (size_t i = 0; i < rows->size() && static_cast<int>(i) < page_size; ++i) {
    const TimelineRow& r = (*rows)[i];
    auto* e = response->add_entries();
    *e->mutable_on() = ToProtoDate(r.on);
    *e->mutable_recorded_at() = ToProtoTimestamp(r.recorded_at);
    e->set_kind(r.kind);
    e->set_entry_id(r.entry_id);
    e->set_recorded_by(r.recorded_by);
    e->set_summary(r.summary);
  }
  if (static_cast<int>(rows->size()) > page_size) {
    const TimelineRow& last = (*rows)[page_size - 1];
    response->set_next_page_token(
        EncodeToken("t1:", absl::StrCat(time::FormatDate(last.on), "|",
                                        absl::ToUnixMicros(last.recorded_at), "|", last.entry_id)));
  }
  return absl::OkStatus();
}

absl::Status RecordsServiceImpl::DoListAuditEntries(const auth::Principal& principal,
                                                    const v1::ListAuditEntriesRequest& request,
                                                    v1::ListAuditEntriesResponse* response) {
  if (auto st = domain::Authorize(principal, domain::CaseAction::kReadAudit); !st.ok()) {
    return AuditDenied(principal, "ListAuditEntries", request.case_id(), "", st);
  }
  std::vector<FieldViolation> violations;
  AuditFilter f;
  OptionalUuidField(request.case_id(), "case_id", "a case id (UUID)", &violations);
  f.case_id = absl::AsciiStrToLower(request.case_id());
  f.actor = request.actor();
  bool invalid = false;
  if (request.has_from()) {
    f.from = grpc_util::FromProtoTimestamp(request.from(), &invalid);
    if (invalid) violations.push_back({"from", "is not a valid time (years 1900 to 2199)"});
  }
  if (request.has_to()) {
    f.to = grpc_util::FromProtoTimestamp(request.to(), &invalid);
    if (invalid) violations.push_back({"to", "is not a valid time (years 1900 to 2199)"});
  }
  f.page_size = CheckPageSize(request.page_size(), 100, 1000, &violations);
  if (!request.page_token().empty()) {
    auto cursor = DecodeToken("a1:", request.page_token());
    if (!cursor.has_value() || !absl::SimpleAtoi(*cursor, &f.after_audit_id)) {
      violations.push_back({"page_token", "is not a token from a previous response"});
    }
  }
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  const int page_size = f.page_size;
  f.page_size += 1;
  auto rows = store_.ListAudit(f);
  if (!rows.ok()) return rows.status();
  for (size_t i = 0; i < rows->size() && static_cast<int>(i) < page_size; ++i) {
    const AuditRow& r = (*rows)[i];
    auto* e = response->add_entries();
    e->set_audit_id(r.audit_id);
    *e->mutable_at() = ToProtoTimestamp(r.at);
    e->set_actor(r.actor);
    e->set_actor_role(r.actor_role);
    e->set_action(r.action);
    e->set_case_id(r.case_id);
    e->set_result(r.result);
    e->set_request_id(r.request_id);
  }
  if (static_cast<int>(rows->size()) > page_size) {
    response->set_next_page_token(
        EncodeToken("a1:", std::to_string((*rows)[page_size - 1].audit_id)));
  }
  return absl::OkStatus();
}

namespace {

void ToProtoTransfer(const TransferRecord& t, const std::vector<std::string>& notices,
                     v1::Transfer* out) {
  out->set_transfer_id(t.transfer_id);
  out->set_case_id(t.case_id);
  out->set_case_number(t.case_number);
  out->set_from_district_code(t.from_district_code);
  out->set_to_district_code(t.to_district_code);
  out->set_to_office_id(t.to_office_id);
  out->set_status(static_cast<v1::TransferStatus>(static_cast<int>(t.status) + 1));
  *out->mutable_requested_on() = ToProtoDate(t.requested_on);
  *out->mutable_planned_move_on() = ToProtoDate(t.planned_move_on);
  *out->mutable_reply_due() = ToProtoDate(t.reply_due);
  if (t.report_due) *out->mutable_report_due() = ToProtoDate(*t.report_due);
  if (t.decided_on) *out->mutable_decided_on() = ToProtoDate(*t.decided_on);
  out->set_policy_version(t.policy_version);
  for (const auto& n : notices) out->add_notices(n);
}

bool IsOfficeId(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  }
  return true;
}

}  // namespace

absl::Status RecordsServiceImpl::DoRequestTransfer(const auth::Principal& principal,
                                                   const v1::RequestTransferRequest& request,
                                                   v1::RequestTransferResponse* response) {
  if (auto st = domain::Authorize(principal, domain::CaseAction::kTransfer); !st.ok()) {
    return AuditDenied(principal, "RequestTransfer", request.case_id(), request.request_id(), st);
  }
  if (auto st = CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st = CheckCaseId(request.case_id()); !st.ok()) return st;
  std::vector<FieldViolation> violations;
  if (!auth::IsDistrictCode(request.to_district_code())) {
    violations.push_back({"to_district_code", "must be a 6-digit district code"});
  }
  if (!IsOfficeId(request.to_office_id())) {
    violations.push_back({"to_office_id", "is required (letters, digits, - and _)"});
  }
  auto planned = DateField(request.planned_move_on(), "planned_move_on", &violations);
  if (!planned.has_value() && violations.empty()) {
    violations.push_back({"planned_move_on", "is required"});
  }
  const absl::Time now = clock_.Now();
  const absl::CivilDay today = time::ShanghaiDay(now);
  if (planned.has_value() && *planned < today) {
    violations.push_back({"planned_move_on", "must not be in the past"});
  }
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  if (auto st = CheckText(request.reason(), "reason", 8000); !st.ok()) return st;
  // Counted from the request, made today.
  const domain::RecordsPolicy& policy = PolicyOn(today);
  const domain::TransferPlan plan = domain::PlanTransfer(today, *planned, policy);
  NewTransfer nt;
  nt.transfer.transfer_id = ids::NewUuid();
  nt.transfer.to_district_code = request.to_district_code();
  nt.transfer.to_office_id = request.to_office_id();
  nt.transfer.requested_on = today;
  nt.transfer.planned_move_on = *planned;
  nt.transfer.reply_due = plan.reply_due;
  nt.transfer.policy_version = policy.version;
  nt.reason = request.reason();
  auto t = store_.RequestTransfer(
      principal, MutationOf(request.request_id(), request.case_id(), "RequestTransfer"), nt,
      [&](const TransferRecord& rec) {
        v1::TransferChanged payload;
        payload.set_case_id(rec.case_id);
        payload.set_transfer_id(rec.transfer_id);
        payload.set_from_district_code(rec.from_district_code);
        payload.set_to_district_code(rec.to_district_code);
        payload.set_status("REQUESTED");
        *payload.mutable_on() = ToProtoDate(today);
        return kafka::MakeEnvelope("ccms.records.transfer_requested", rec.case_id,
                                   rec.from_district_code, now, now, principal.subject, payload);
      });
  if (!t.ok()) return t.status();
  ToProtoTransfer(*t, plan.notices, response->mutable_transfer());
  return absl::OkStatus();
}

absl::Status RecordsServiceImpl::DoDecideTransfer(const auth::Principal& principal,
                                                  domain::TransferStep step,
                                                  const TransferDecisionArgs& request,
                                                  v1::Transfer* transfer) {
  const std::string action = absl::StrCat("Transfer:", std::string(domain::TransferStepName(step)));
  if (auto st = domain::Authorize(principal, domain::CaseAction::kTransfer); !st.ok()) {
    return AuditDenied(principal, action, "", request.request_id, st);
  }
  if (auto st = CheckRequestId(request.request_id); !st.ok()) return st;
  if (auto st = CheckUuidField(request.transfer_id, "transfer_id", "a transfer id"); !st.ok()) {
    return st;
  }
  if (!request.to_office_id.empty() &&
      (step != domain::TransferStep::kAccept || !IsOfficeId(request.to_office_id))) {
    return grpc_util::InvalidArgumentWithViolations(
        {{"to_office_id", "may be given only when accepting (letters, digits, - and _)"}});
  }
  if (auto st = CheckText(request.reason, "reason", 8000); !st.ok()) return st;
  const absl::Time now = clock_.Now();
  const absl::CivilDay today = time::ShanghaiDay(now);
  auto on = DayNotInFuture(request.on, "on", today);
  if (!on.ok()) return on.status();
  TransferDecision d{absl::AsciiStrToLower(request.request_id),
                     absl::AsciiStrToLower(request.transfer_id), step};
  auto t = store_.DecideTransfer(
      principal, d,
      [&](TransferRecord& rec) -> absl::Status {
        auto next = domain::NextTransferStatus(rec.status, step);
        if (!next.ok()) return next.status();
        if (*on < rec.requested_on) {
          return grpc_util::InvalidArgumentWithViolations(
              {{"on", "is before the transfer was requested"}});
        }
        rec.status = *next;
        rec.decided_on = *on;
        if (*next == domain::TransferStatus::kAccepted) {
          // A transfer follows the version in force when it was requested, which it names.
          rec.report_due = domain::ReportDue(*on, PolicyOn(rec.requested_on));
          if (!request.to_office_id.empty()) rec.to_office_id = request.to_office_id;
        }
        rec.decision_reason = request.reason;
        return absl::OkStatus();
      },
      [&](const TransferRecord& rec) {
        if (rec.status == domain::TransferStatus::kAccepted) {
          v1::CaseTransferred payload;
          payload.set_case_id(rec.case_id);
          payload.set_from_district_code(rec.from_district_code);
          payload.set_to_district_code(rec.to_district_code);
          payload.set_to_office_id(rec.to_office_id);
          *payload.mutable_effective_on() = ToProtoDate(*rec.decided_on);
          return kafka::MakeEnvelope("ccms.records.case_transferred", rec.case_id,
                                     rec.to_district_code, now, now, principal.subject, payload);
        }
        v1::TransferChanged payload;
        payload.set_case_id(rec.case_id);
        payload.set_transfer_id(rec.transfer_id);
        payload.set_from_district_code(rec.from_district_code);
        payload.set_to_district_code(rec.to_district_code);
        payload.set_status(std::string(domain::TransferStatusName(rec.status)));
        *payload.mutable_on() = ToProtoDate(*rec.decided_on);
        const std::string type = absl::StrCat(
            "ccms.records.transfer_",
            absl::AsciiStrToLower(std::string(domain::TransferStatusName(rec.status))));
        const bool receiving_side = rec.status != domain::TransferStatus::kConsented;
        return kafka::MakeEnvelope(
            type, rec.case_id,
            receiving_side && rec.status == domain::TransferStatus::kCompleted
                ? rec.to_district_code
                : rec.from_district_code,
            now, now, principal.subject, payload);
      });
  if (!t.ok()) return t.status();
  ToProtoTransfer(*t, {}, transfer);
  return absl::OkStatus();
}

absl::Status RecordsServiceImpl::DoListTransfers(const auth::Principal& principal,
                                                 const v1::ListTransfersRequest& request,
                                                 v1::ListTransfersResponse* response) {
  if (auto st = domain::Authorize(principal, domain::CaseAction::kRead); !st.ok()) {
    return AuditDenied(principal, "ListTransfers", "", "", st);
  }
  std::vector<FieldViolation> violations;
  DistrictFilterField(request.district_code(), &violations);
  const int page_size = CheckPageSize(request.page_size(), 50, 500, &violations);
  std::string after;
  if (!request.page_token().empty()) {
    auto cursor = DecodeToken("x1:", request.page_token());
    if (!cursor.has_value() || !ids::IsUuid(*cursor)) {
      violations.push_back({"page_token", "is not a token from a previous response"});
    } else {
      after = *cursor;
    }
  }
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  std::optional<domain::TransferStatus> status;
  if (request.status() != v1::TRANSFER_STATUS_UNSPECIFIED) {
    status = static_cast<domain::TransferStatus>(static_cast<int>(request.status()) - 1);
  }
  auto rows =
      store_.ListTransfers(principal, request.district_code(), status, after, page_size + 1);
  if (!rows.ok()) return rows.status();
  for (size_t i = 0; i < rows->size() && static_cast<int>(i) < page_size; ++i) {
    ToProtoTransfer((*rows)[i], {}, response->add_transfers());
  }
  if (static_cast<int>(rows->size()) > page_size) {
    response->set_next_page_token(EncodeToken("x1:", (*rows)[page_size - 1].transfer_id));
  }
  return absl::OkStatus();
}

namespace {
// The decisions other than AcceptTransfer name no office.
const std::string& NoOffice() {
  static const std::string* const kNone = new std::string();
  return *kNone;
}
}  // namespace

absl::Status RecordsServiceImpl::DoConsentTransfer(const auth::Principal& principal,
                                                   const v1::ConsentTransferRequest& request,
                                                   v1::ConsentTransferResponse* response) {
  return DoDecideTransfer(
      principal, domain::TransferStep::kConsent,
      {request.request_id(), request.transfer_id(), request.on(), NoOffice(), request.reason()},
      response->mutable_transfer());
}
absl::Status RecordsServiceImpl::DoAcceptTransfer(const auth::Principal& principal,
                                                  const v1::AcceptTransferRequest& request,
                                                  v1::AcceptTransferResponse* response) {
  return DoDecideTransfer(principal, domain::TransferStep::kAccept,
                          {request.request_id(), request.transfer_id(), request.on(),
                           request.to_office_id(), request.reason()},
                          response->mutable_transfer());
}
absl::Status RecordsServiceImpl::DoRejectTransfer(const auth::Principal& principal,
                                                  const v1::RejectTransferRequest& request,
                                                  v1::RejectTransferResponse* response) {
  return DoDecideTransfer(
      principal, domain::TransferStep::kReject,
      {request.request_id(), request.transfer_id(), request.on(), NoOffice(), request.reason()},
      response->mutable_transfer());
}
absl::Status RecordsServiceImpl::DoCompleteTransfer(const auth::Principal& principal,
                                                    const v1::CompleteTransferRequest& request,
                                                    v1::CompleteTransferResponse* response) {
  return DoDecideTransfer(
      principal, domain::TransferStep::kComplete,
      {request.request_id(), request.transfer_id(), request.on(), NoOffice(), request.reason()},
      response->mutable_transfer());
}

CCMS_UNARY_HANDLER(RecordsServiceImpl, RequestTransfer)
CCMS_UNARY_HANDLER(RecordsServiceImpl, ConsentTransfer)
CCMS_UNARY_HANDLER(RecordsServiceImpl, AcceptTransfer)
CCMS_UNARY_HANDLER(RecordsServiceImpl, RejectTransfer)
CCMS_UNARY_HANDLER(RecordsServiceImpl, CompleteTransfer)

absl::Status RecordsServiceImpl::DoDischarge(const auth::Principal& principal,
                                             const v1::DischargeRequest& request,
                                             v1::DischargeResponse* response) {
  if (auto st = domain::Authorize(principal, domain::CaseAction::kEnforce); !st.ok()) {
    return AuditDenied(principal, "Discharge", request.case_id(), request.request_id(), st);
  }
  if (auto st = CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st = CheckCaseId(request.case_id()); !st.ok()) return st;
  if (request.certificate_number().empty() || request.certificate_number().size() > 64) {
    return grpc_util::InvalidArgumentWithViolations(
        {{"certificate_number", "is required (at most 64 characters)"}});
  }
  const absl::Time now = clock_.Now();
  auto on = DayNotInFuture(request.discharged_on(), "discharged_on", time::ShanghaiDay(now));
  if (!on.ok()) return on.status();
  CaseEnding ending{*on, request.certificate_number(), request.announced(),
                    domain::FollowUpsDue(*on, PolicyOn(*on))};
  auto c = store_.EndCase(
      principal, MutationOf(request.request_id(), request.case_id(), "Discharge"), ending,
      [&](const CaseRecord& c, const domain::LadderFacts&) -> absl::StatusOr<domain::CaseStatus> {
        if (auto st = domain::CheckDischarge(c.status, c.end_date, *on); !st.ok()) return st;
        return domain::CaseStatus::kDischarged;
      },
      [&](const CaseRecord& c) {
        v1::CaseClosed payload;
        payload.set_case_id(c.case_id);
        payload.set_district_code(c.district_code);
        payload.set_reason(v1::CASE_CLOSE_REASON_DISCHARGED);
        *payload.mutable_closed_on() = ToProtoDate(*on);
        return kafka::MakeEnvelope("ccms.records.case_closed", c.case_id, c.district_code, now, now,
                                   principal.subject, payload);
      });
  if (!c.ok()) return c.status();
  CaseToProto(*c, response->mutable_case_());
  for (const auto& due : ending.follow_ups) *response->add_follow_ups_due() = ToProtoDate(due);
  return absl::OkStatus();
}

absl::Status RecordsServiceImpl::DoCloseCase(const auth::Principal& principal,
                                             const v1::CloseCaseRequest& request,
                                             v1::CloseCaseResponse* response) {
  if (auto st = domain::Authorize(principal, domain::CaseAction::kEnforce); !st.ok()) {
    return AuditDenied(principal, "CloseCase", request.case_id(), request.request_id(), st);
  }
  if (auto st = CheckRequestId(request.request_id()); !st.ok()) return st;
  if (auto st = CheckCaseId(request.case_id()); !st.ok()) return st;
  domain::CloseReason reason;
  if (request.reason() == v1::CASE_CLOSE_REASON_REVOKED) {
    reason = domain::CloseReason::kRevoked;
  } else if (request.reason() == v1::CASE_CLOSE_REASON_DECEASED) {
    reason = domain::CloseReason::kDeceased;
  } else {
    return grpc_util::InvalidArgumentWithViolations(
        {{"reason", "must be REVOKED or DECEASED (a discharge is Discharge)"}});
  }
  const absl::Time now = clock_.Now();
  auto on = DayNotInFuture(request.closed_on(), "closed_on", time::ShanghaiDay(now));
  if (!on.ok()) return on.status();
  CaseMutation m = MutationOf(request.request_id(), request.case_id(), "CloseCase");
  m.require_active = false;
  auto c = store_.EndCase(
      principal, m, CaseEnding{*on, "", false, {}},
      [&](const CaseRecord& c,
          const domain::LadderFacts& ladder) -> absl::StatusOr<domain::CaseStatus> {
        if (auto st = domain::CheckClose(reason, c.status, ladder); !st.ok()) return st;
        return reason == domain::CloseReason::kRevoked ? domain::CaseStatus::kRevoked
                                                       : domain::CaseStatus::kDeceased;
      },
      [&](const CaseRecord& c) {
        v1::CaseClosed payload;
        payload.set_case_id(c.case_id);
        payload.set_district_code(c.district_code);
        payload.set_reason(request.reason());
        *payload.mutable_closed_on() = ToProtoDate(*on);
        return kafka::MakeEnvelope("ccms.records.case_closed", c.case_id, c.district_code, now, now,
                                   principal.subject, payload);
      });
  if (!c.ok()) return c.status();
  CaseToProto(*c, response->mutable_case_());
  return absl::OkStatus();
}

absl::StatusOr<int> RecordsServiceImpl::EmitDischargeNotices() {
  const absl::Time now = clock_.Now();
  const absl::CivilDay today = time::ShanghaiDay(now);
  return store_.EmitDischargeNotices(
      today, today + PolicyOn(today).discharge_summary_days_before_end, [&](const CaseRecord& c) {
        v1::DischargeApproaching payload;
        payload.set_case_id(c.case_id);
        payload.set_district_code(c.district_code);
        *payload.mutable_end_date() = ToProtoDate(c.end_date);
        return kafka::MakeEnvelope("ccms.records.discharge_approaching", c.case_id, c.district_code,
                                   now, now, "ccms-records", payload);
      });
}

CCMS_UNARY_HANDLER(RecordsServiceImpl, RecordContact)
CCMS_UNARY_HANDLER(RecordsServiceImpl, MarkLostContact)
CCMS_UNARY_HANDLER(RecordsServiceImpl, MarkFoundAgain)
CCMS_UNARY_HANDLER(RecordsServiceImpl, RecordViolation)
CCMS_UNARY_HANDLER(RecordsServiceImpl, IssueSanction)
CCMS_UNARY_HANDLER(RecordsServiceImpl, MarkSanctionCorrected)
CCMS_UNARY_HANDLER(RecordsServiceImpl, RecordCommendation)
CCMS_UNARY_HANDLER_WITH_CALL_ID(RecordsServiceImpl, GetSanctionStatus)
CCMS_UNARY_HANDLER(RecordsServiceImpl, ListOverdue)
CCMS_UNARY_HANDLER_WITH_CALL_ID(RecordsServiceImpl, GetCaseTimeline)
CCMS_UNARY_HANDLER(RecordsServiceImpl, ListAuditEntries)
CCMS_UNARY_HANDLER(RecordsServiceImpl, ListTransfers)
CCMS_UNARY_HANDLER(RecordsServiceImpl, Discharge)
CCMS_UNARY_HANDLER(RecordsServiceImpl, CloseCase)

}  // namespace ccms::records
