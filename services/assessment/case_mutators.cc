#include "services/assessment/case_mutators.h"

#include "common/time/calendar.h"
#include "services/assessment/event_builder.h"

namespace ccms::assessment {

namespace {

CaseWrite Prepare(const domain::CaseState& current, const domain::AssessmentPolicy& policy,
                  absl::CivilDay today) {
  CaseWrite w;
  w.state = current;
  w.points_base = policy.points_base;
  w.policy_version = policy.version;
  w.today = today;
  return w;
}

void Merge(domain::Effects* into, domain::Effects from) {
  for (auto& d : from.dues) {
    bool replaced = false;
    for (auto& existing : into->dues) {
      if (existing.instrument == d.instrument && existing.kind == d.kind) {
        existing = d;
        replaced = true;
      }
    }
    if (!replaced) into->dues.push_back(d);
  }
  for (auto& c : from.completed_dues) into->completed_dues.push_back(c);
  into->cancel_open_dues = into->cancel_open_dues || from.cancel_open_dues;
  for (auto& l : from.ledger) into->ledger.push_back(l);
  for (auto& m : from.open_months) into->open_months.push_back(m);
  if (from.level_change.has_value()) {
    if (into->level_change.has_value()) from.level_change->from = into->level_change->from;
    into->level_change = std::move(from.level_change);
    if (into->level_change->from == into->level_change->to && !into->level_change->override) {
      into->level_change.reset();
    }
  }
  into->key_attention_changed = into->key_attention_changed || from.key_attention_changed;
  if (!from.previous_district.empty() && into->previous_district.empty()) {
    into->previous_district = from.previous_district;
  }
}

}  // namespace

CaseMutator RecordsFactsMutator(std::vector<domain::RecordsFact> facts,
                                const domain::AssessmentPolicies& policies,
                                const time::Clock& clock, std::string source_event_id) {
  return [facts = std::move(facts), &policies, &clock, source = std::move(source_event_id)](
             const domain::CaseState& current) -> absl::StatusOr<CaseWrite> {
    const absl::Time now = clock.Now();
    const absl::CivilDay today = time::ShanghaiDay(now);
    const domain::AssessmentPolicy& policy = policies.InForce(today);
    CaseWrite w = Prepare(current, policy, today);
    for (const auto& fact : facts) {
      Merge(&w.effects, domain::ApplyRecordsFact(w.state, fact, policy, today));
    }
    w.ledger_source = source;
    FinishWrite(&w, kServiceActor, now, policy.version);
    return w;
  };
}

CaseMutator MonthClosedMutator(absl::CivilDay month, const domain::AssessmentPolicies& policies,
                               const time::Clock& clock) {
  return [month, &policies, &clock](const domain::CaseState& current) -> absl::StatusOr<CaseWrite> {
    const absl::Time now = clock.Now();
    const absl::CivilDay today = time::ShanghaiDay(now);
    const domain::AssessmentPolicy& policy = policies.InForce(today);
    CaseWrite w = Prepare(current, policy, today);
    for (const auto& m : current.closed_months) {
      if (m.month == month) {
        w.events.push_back(MonthClosedEvent(current, m, kServiceActor, policy.version, now));
      }
    }
    w.effects = domain::ApplyMonthClosed(w.state, policy, today);
    FinishWrite(&w, kServiceActor, now, policy.version);
    return w;
  };
}

CaseMutator ReviewMutator(const domain::AssessmentPolicies& policies, const time::Clock& clock) {
  return [&policies, &clock](const domain::CaseState& current) -> absl::StatusOr<CaseWrite> {
    const absl::Time now = clock.Now();
    const absl::CivilDay today = time::ShanghaiDay(now);
    const domain::AssessmentPolicy& policy = policies.InForce(today);
    CaseWrite w = Prepare(current, policy, today);
    w.effects = domain::Reevaluate(w.state, policy, today);
    FinishWrite(&w, kServiceActor, now, policy.version);
    return w;
  };
}

}  // namespace ccms::assessment
