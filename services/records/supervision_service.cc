#include "services/records/supervision_service.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "ccms/records/v1/records_events.pb.h"
#include "common/grpc/proto_convert.h"
#include "common/grpc/status.h"
#include "common/grpc/unary_handler.h"
#include "common/ids/uuid.h"
#include "common/kafka/outbox.h"
#include "common/time/calendar.h"
#include "services/records/domain/access.h"
#include "services/records/follow_through_proto.h"

namespace ccms::records {
namespace {

using grpc_util::FieldViolation;
using grpc_util::ToProtoDate;

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

void ToProtoDue(const domain::DueContact& d, v1::DueContact* out) {
  out->set_requirement(ToProtoRequirement(d.requirement));
  *out->mutable_due() = ToProtoDate(d.due);
  out->set_level(ToProtoLevel(d.level));
  out->set_rule(d.rule);
  out->set_days_overdue(d.days_overdue);
}

}  // namespace

absl::Status SupervisionServiceImpl::DoRecordContact(const auth::Principal& principal,
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

std::vector<domain::DueContact> SupervisionServiceImpl::NextDueOf(const OverdueCandidate& oc,
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

absl::Status SupervisionServiceImpl::DoMarkLostContact(const auth::Principal& principal,
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

absl::Status SupervisionServiceImpl::DoMarkFoundAgain(const auth::Principal& principal,
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
  if (!request.has_liability()) {
    return grpc_util::InvalidArgumentWithViolations(
        {{"liability", "is required: whether staff were responsible (责任性脱管) and why"}});
  }
  auto liability = LiabilityFromProto(request.liability(), "liability");
  if (!liability.ok()) return liability.status();
  auto period = store_.MarkFoundAgain(
      principal, MutationOf(request.request_id(), request.case_id(), "MarkFoundAgain"), *found_on,
      *liability, [&](const CaseRecord& c, const LostContactPeriod& p) {
        v1::LostContactChanged payload;
        payload.set_case_id(c.case_id);
        payload.set_district_code(c.district_code);
        payload.set_period_id(p.period_id);
        *payload.mutable_since() = ToProtoDate(p.started_on);
        *payload.mutable_found_on() = ToProtoDate(*p.ended_on);
        payload.set_days_lost(static_cast<int32_t>(*p.ended_on - p.started_on));
        *payload.mutable_liability() = LiabilityToProto(*liability);
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

absl::Status SupervisionServiceImpl::DoListOverdue(const auth::Principal& principal,
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
  if (!v1::OverdueKind_IsValid(request.kind())) {
    violations.push_back({"kind", "is not a kind of overdue item"});
  }
  if (!violations.empty()) return grpc_util::InvalidArgumentWithViolations(violations);
  const absl::CivilDay day = as_of.value_or(today);
  const bool want_all = request.kind() == v1::OVERDUE_KIND_UNSPECIFIED;
  const bool want_never = want_all || request.kind() == v1::OVERDUE_KIND_NEVER_REPORTED;
  const bool want_contact = want_all || request.kind() == v1::OVERDUE_KIND_CONTACT;
  const bool want_home_visit = want_all || request.kind() == v1::OVERDUE_KIND_INTAKE_HOME_VISIT;
  const bool want_exit_filing =
      want_all || request.kind() == v1::OVERDUE_KIND_EXIT_RESTRICTION_FILING;
  const bool want_exit_lifting =
      want_all || request.kind() == v1::OVERDUE_KIND_EXIT_RESTRICTION_LIFTING;

  // Scan cases in id order until the page is full; a bounded scan per call keeps latency flat.
  // The first batch is twice the page (most open cases owe something), each next one twice the
  // last, up to kBatch: a first page of 50 reads 100 cases' contacts, not 500.
  constexpr int kBatch = 500;
  constexpr int kMaxScanned = 5000;
  int batch_size = std::min(kBatch, 2 * page_size);
  int scanned = 0;
  std::string last_case;
  bool more = true;
  while (response->items_size() < page_size && scanned < kMaxScanned && more) {
    auto batch = store_.ListOverdueCandidates(principal, district, after, day, batch_size);
    if (!batch.ok()) return batch.status();
    more = static_cast<int>(batch->size()) == batch_size;
    batch_size = std::min(kBatch, 2 * batch_size);
    auto follow_through = LoadFollowThrough(principal, *batch, request.kind());
    if (!follow_through.ok()) return follow_through.status();
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
      } else if (oc.c.status == domain::CaseStatus::kActive) {
        if (want_home_visit && oc.c.intake_reported_on.has_value()) {
          // Counted from the intake day, by the version in force then.
          const absl::CivilDay intake_on = *oc.c.intake_reported_on;
          const domain::RecordsPolicy& policy = PolicyOn(intake_on);
          const auto home_visit =
              oc.last_by_kind[static_cast<int>(domain::ContactKind::kHomeVisit)];
          if (auto days = domain::IntakeHomeVisitDaysOverdue(intake_on, home_visit, day, policy)) {
            auto* item = response->add_items();
            item->set_case_id(oc.c.case_id);
            item->set_case_number(oc.c.case_number);
            item->set_district_code(oc.c.district_code);
            item->set_office_id(oc.c.office_id);
            item->set_kind(v1::OVERDUE_KIND_INTAKE_HOME_VISIT);
            item->set_days_overdue(*days);
            *item->mutable_due() = ToProtoDate(domain::IntakeHomeVisitDue(intake_on, policy));
            item->set_rule(absl::StrCat("home visit within ", policy.home_visit_within_days,
                                        " days of the intake check-in (policy ", policy.version,
                                        ")"));
          }
        }
      }
      if (want_exit_filing || want_exit_lifting) {
        AddExitRestrictionOverdue(oc, day, want_exit_filing, want_exit_lifting, response);
      }
      if (want_contact && oc.c.status == domain::CaseStatus::kActive) {
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
      AddFollowThroughItems(oc, *follow_through, day, request.kind(), response);
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

CCMS_UNARY_HANDLER(SupervisionServiceImpl, RecordContact)
CCMS_UNARY_HANDLER(SupervisionServiceImpl, MarkLostContact)
CCMS_UNARY_HANDLER(SupervisionServiceImpl, MarkFoundAgain)
CCMS_UNARY_HANDLER(SupervisionServiceImpl, ListOverdue)

}  // namespace ccms::records
