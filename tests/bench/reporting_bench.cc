// Reporting over a city's history (issue 16 acceptance: the rebuild from the topics at least
// 20,000 events/s; the daily report over 30,000 active cases and 5 years of history in under 2 s).
// ccms-reporting in-process (the test harness: the service as ccms-reporting wires it, on a fresh
// database of the given PostgreSQL and the dev broker):
//  (1) rebuild: a sample of the history (--rebuild-cases cases, every event of each) is produced to
//      ccms.records.v1 and ccms.assessment.v1 as records and assessment publish it; then, as
//      `ccms-reporting --rebuild` does, the projections are emptied (ResetProjections) and a new
//      consumer group reads the topics from the beginning through the service's own handler
//      (ProjectionConsumer::HandleBatch: up to --batch events, default 256 as the service's
//      CCMS_CONSUMER_MAX_BATCH, per inbox transaction; up to --catch-up-batch, default 2,000 as
//      CCMS_REPORTING_CATCH_UP_BATCH, while catching up; the closed cases built beside the
//      batches as the wiring's background thread does, --build-closed 0 to leave them to the end).
//      Its rates: events the group applied (every event of the topics, the sample's and any other)
//      per second, (a) from the consumer's start until every sample event is projected and
//      catch-up has ended (rebuild_rate), (b) the same from its first event, without the group's
//      join (rebuild_rate_from_first), and (c) over the work alone: from the first event to the
//      last batch, plus the end's build, without the join and without the idle wait that
//      detects the end of the topics (rebuild_rate_work: the throughput a large rebuild tends to,
//      where those fixed seconds weigh nothing).
//  (2) the daily report: the whole history (--active cases on the register today and --years of
//      cases closed before, the same generator) is written into the projections as the consumer
//      builds them (the service's own translation and time line, domain::BuildTimeline, written
//      in batches), with an inbox row per event as a rebuild leaves; then RunSnapshot of the
//      "daily" report for the city over gRPC, --runs times after one warm-up run.
//
// The history, per case (docs/benchmarks.md, "Reporting", gives the sources of the ratios):
// sentence kind probation 93.6%, parole 5.0%, temporary outside prison 1.1%, public surveillance
// 0.3% (seeds/004: 336, 18, 4, 1 of 359); a term of 6 to 36 months (uniform), so with 30,000 on
// the register about 1,430 cases open and close a month; case_opened, intake_reported (the same
// or next days), a supervision level at intake and again every 6 months, one contact a month
// (月汇报; the weekly calls are not recorded as contacts), key attention raised for 5% of cases,
// a sanction for 8%, lost contact for 1% (found again 5 to 30 days later), a transfer to another
// district for 3%, case_closed (discharged; 2% revoked) at the end of the term.
//
// Prints key=value figures (tests/bench/run part (i) reads them):
//   reporting.rebuild_events reporting.rebuild_rate reporting.rebuild_rate_from_first
//   reporting.cases reporting.active reporting.events reporting.spans reporting.flows
//   reporting.fill_s reporting.daily_runs reporting.daily_p50_ms reporting.daily_p99_ms
//   reporting.daily_max_ms reporting.daily_on_register reporting.errors
//   reporting.rebuild_order reporting.rebuild_catch_up reporting.rebuild_finish_calls
//   reporting.rebuild_cpu_self_s reporting.rebuild_cpu_pg_s (the CPU of the rebuild's window)
//   reporting.rebuild_cpu_us_per_event reporting.rebuild_join_s reporting.rebuild_keep_s
//   reporting.rebuild_wait_s reporting.rebuild_end_s reporting.rebuild_rate_work
//
//   ccms-bench-reporting [--active N] [--years N] [--rebuild-cases N] [--batch N] [--runs N]
//                        [--seed N] [--case-order 0/1] [--catch-up 0/1] [--catch-up-batch N]
//                        [--build-closed 0/1] [--keep-db NAME] [--report ID]
// --report ID: the report timed in (2), `daily` by default (also monthly, quarterly, annual: the
// period holding today, over the same history).
// --keep-db NAME: the service's database is NAME, created when missing and kept at the end. When
// it holds a finished fill (the table bench_fill), (1) and the fill are skipped and the daily
// report runs on it as it is, after the service's migrations (so one fill serves a before and an
// after; the figures of the fill are the ones it recorded, and --active, --years, --seed and
// --rebuild-cases are taken from it).
// Needs CCMS_TEST_PG_ADMIN_DSN, CCMS_TEST_KAFKA_BOOTSTRAP, CCMS_TEST_KAFKA_CONTROL_PORT (as
// tests/run exports them; tests/bench/run sets them to its stack's).
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "ccms/assessment/v1/assessment_events.pb.h"
#include "ccms/records/v1/records_events.pb.h"
#include "ccms/reporting/v1/reporting_service.grpc.pb.h"
#include "common/grpc/proto_convert.h"
#include "common/ids/uuid.h"
#include "common/kafka/inbox_consumer.h"
#include "common/kafka/outbox.h"
#include "common/kafka/producer.h"
#include "common/time/calendar.h"
#include "services/reporting/domain/timeline.h"
#include "services/reporting/event_translation.h"
#include "services/reporting/wiring.h"
#include "tests/support/service_harness.h"

namespace ccms::testing {
namespace {

using D = absl::CivilDay;
using grpc_util::ToProtoDate;

// Sixteen districts of their own, "6" + a salt of the run + two digits: the topics hold the
// stack's other events too, and the samples of earlier runs on the same broker (a rebuild reads
// them all; only this run's count as its own).
constexpr int kDistricts = 16;
std::string g_district_prefix = "6591";
std::string District(int i) { return absl::StrCat(g_district_prefix, i < 10 ? "0" : "", i); }

int Flag(int argc, char** argv, const char* name, int fallback) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], name) == 0) return std::atoi(argv[i + 1]);
  }
  return fallback;
}

std::string StringFlag(int argc, char** argv, const char* name) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], name) == 0) return argv[i + 1];
  }
  return "";
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t i = static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

// CPU seconds (user + system) of process `pid` from /proc/<pid>/stat, with those of its children
// it has reaped when `reaped`; -1 when it cannot be read. `ppid` gets its parent.
double ProcCpu(long pid, bool reaped, long* ppid = nullptr) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/stat"));
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t paren = stat.rfind(')');
  if (paren == std::string::npos) return -1;
  std::vector<std::string> f = absl::StrSplit(stat.substr(paren + 2), ' ');
  if (f.size() < 15) return -1;
  if (ppid != nullptr) *ppid = std::atol(f[1].c_str());
  double ticks = std::atof(f[11].c_str()) + std::atof(f[12].c_str());
  if (reaped) ticks += std::atof(f[13].c_str()) + std::atof(f[14].c_str());
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// The CPU seconds the PostgreSQL server has used so far (its postmaster, its live processes and
// those it reaped), from its data directory's postmaster.pid; -1 when unknown.
double PostgresCpu(const std::string& data_dir) {
  std::ifstream pid_file(data_dir + "/postmaster.pid");
  long postmaster = 0;
  if (!(pid_file >> postmaster)) return -1;
  double total = ProcCpu(postmaster, true);
  if (total < 0) return -1;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || !std::isdigit(static_cast<unsigned char>(name[0]))) continue;
    long ppid = 0;
    const double cpu = ProcCpu(std::atol(name.c_str()), false, &ppid);
    if (cpu >= 0 && ppid == postmaster) total += cpu;
  }
  return total;
}

double SelfCpu() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

double Seconds(std::chrono::steady_clock::time_point a, std::chrono::steady_clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

struct Produced {
  std::string topic;
  events::v1::Envelope envelope;
};

// The events of one case, in the order the services publish them. `active`: on the register
// today (started within its term before `today`); otherwise closed before today, within `years`.
class History {
 public:
  History(uint32_t seed, D today, int years) : rng_(seed), today_(today), years_(years) {}

  std::vector<Produced> Case(bool active) {
    std::vector<Produced> out;
    const std::string id = ids::NewUuid();
    std::string district = District(Between(0, kDistricts - 1));
    const int term_days = Between(6, 36) * 365 / 12;
    D start, end;
    if (active) {
      start = today_ - Between(0, term_days - 1);
      end = start + term_days;
    } else {
      end = today_ - Between(1, years_ * 365);
      start = end - term_days;
    }
    const D last = std::min(end, today_ - 1);  // the last day anything happened
    auto add = [&](const char* topic, const std::string& type, D day,
                   const google::protobuf::Message& p) {
      // Recorded on its day (the history's own clock), in order within the case.
      const absl::Time at =
          absl::FromCivil(absl::CivilSecond(day.year(), day.month(), day.day(), 10, 0,
                                            static_cast<int>(out.size()) % 60),
                          absl::UTCTimeZone());
      out.push_back({topic, kafka::MakeEnvelope(type, id, district, at, at, "bench", p)});
    };
    auto records = [&](const std::string& type, D day, const google::protobuf::Message& p) {
      add(reporting::kRecordsTopic, type, day, p);
    };
    records::v1::CaseOpened open;
    open.set_case_id(id);
    open.set_district_code(district);
    open.set_office_id(absl::StrCat("office-", Between(1, 6)));
    const int kind = Between(1, 1000);
    // SENTENCE_KIND_: 1 probation, 2 public surveillance, 3 parole, 4 temporary outside prison.
    open.set_sentence_kind(static_cast<common::v1::SentenceKind>(kind <= 936   ? 1
                                                                 : kind <= 939 ? 2
                                                                 : kind <= 989 ? 3
                                                                               : 4));
    *open.mutable_supervision_start_date() = ToProtoDate(start);
    *open.mutable_supervision_end_date() = ToProtoDate(end);
    *open.mutable_intake_deadline() = ToProtoDate(start + 10);
    open.set_minor(Between(1, 100) <= 2);
    open.set_sex(static_cast<common::v1::Sex>(Between(1, 100) <= 85 ? 1 : 2));
    open.set_age_band(static_cast<records::v1::AgeBand>(Between(2, 6)));
    open.set_offence_category("theft");
    records("ccms.records.case_opened", start, open);
    records::v1::IntakeReported intake;
    intake.set_case_id(id);
    intake.set_district_code(district);
    const D reported = std::min(start + Between(0, 3), std::max(start, last));
    *intake.mutable_reported_on() = ToProtoDate(reported);
    records("ccms.records.intake_reported", reported, intake);
    // Dated events through the term, then sorted by day.
    std::vector<std::pair<D, int>> dated;  // day, what (0 level, 1 contact, 2..6 the rarer ones)
    for (D d = start; d <= last; d += 182) dated.push_back({d, 0});
    for (D d = start + 30; d <= last; d += 30) dated.push_back({d - Between(0, 5), 1});
    if (last > start + 20) {
      if (Between(1, 100) <= 5) dated.push_back({start + Between(10, last - start), 2});
      if (Between(1, 100) <= 8) dated.push_back({start + Between(10, last - start), 3});
      if (Between(1, 100) <= 1) dated.push_back({start + Between(10, last - start), 4});
      if (Between(1, 100) <= 3) dated.push_back({start + Between(10, last - start), 5});
    }
    std::stable_sort(dated.begin(), dated.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (const auto& [day, what] : dated) {
      switch (what) {
        case 0: {
          assessment::v1::SupervisionLevelChanged l;
          l.set_case_id(id);
          l.set_district_code(district);
          l.set_level(static_cast<common::v1::SupervisionLevel>(Between(1, 3)));
          *l.mutable_effective_on() = ToProtoDate(day);
          add(reporting::kAssessmentTopic, "ccms.assessment.supervision_level_changed", day, l);
          break;
        }
        case 1: {
          records::v1::ContactRecorded k;
          k.set_case_id(id);
          k.set_district_code(district);
          k.set_contact_id(ids::NewUuid());
          k.set_kind("HOME_VISIT");
          *k.mutable_occurred_on() = ToProtoDate(day);
          records("ccms.records.contact_recorded", day, k);
          break;
        }
        case 2: {
          assessment::v1::KeyAttentionChanged k;
          k.set_case_id(id);
          k.set_district_code(district);
          k.set_key_attention(true);
          add(reporting::kAssessmentTopic, "ccms.assessment.key_attention_changed", day, k);
          break;
        }
        case 3: {
          records::v1::SanctionIssued s;
          s.set_case_id(id);
          s.set_district_code(district);
          s.set_sanction_id(ids::NewUuid());
          s.set_kind(static_cast<records::v1::SanctionKind>(Between(1, 2)));
          *s.mutable_issued_on() = ToProtoDate(day);
          records("ccms.records.sanction_issued", day, s);
          break;
        }
        case 4: {
          records::v1::LostContactChanged l;
          l.set_case_id(id);
          l.set_district_code(district);
          l.set_period_id(ids::NewUuid());
          *l.mutable_since() = ToProtoDate(day);
          records("ccms.records.lost_contact_marked", day, l);
          const D found = day + Between(5, 30);
          if (found <= last) {
            *l.mutable_found_on() = ToProtoDate(found);
            l.set_days_lost(static_cast<int32_t>(found - day));
            records("ccms.records.found_again", found, l);
          }
          break;
        }
        default: {
          records::v1::CaseTransferred t;
          t.set_case_id(id);
          t.set_from_district_code(district);
          district = District((std::stoi(district.substr(4)) + 1) % kDistricts);
          t.set_to_district_code(district);
          t.set_to_office_id(absl::StrCat("office-", Between(1, 6)));
          *t.mutable_effective_on() = ToProtoDate(day);
          records("ccms.records.case_transferred", day, t);
          break;
        }
      }
    }
    if (!active) {
      records::v1::CaseClosed c;
      c.set_case_id(id);
      c.set_district_code(district);
      c.set_reason(Between(1, 100) <= 98 ? records::v1::CASE_CLOSE_REASON_DISCHARGED
                                         : records::v1::CASE_CLOSE_REASON_REVOKED);
      *c.mutable_closed_on() = ToProtoDate(end);
      records("ccms.records.case_closed", end, c);
    }
    return out;
  }

 private:
  int Between(int lo, int hi) { return lo + static_cast<int>(rng_() % (hi - lo + 1)); }

  std::mt19937 rng_;
  D today_;
  int years_;
};

// A PostgreSQL array literal of text values, every element quoted ("" for NULL given as nullopt).
class ArrayText {
 public:
  void Add(const std::string& v) {
    text_ += text_.empty() ? "{\"" : ",\"";
    for (char c : v) {
      if (c == '"' || c == '\\') text_ += '\\';
      text_ += c;
    }
    text_ += '"';
  }
  void AddNull() { text_ += text_.empty() ? "{NULL" : ",NULL"; }
  std::string Take() {
    std::string out = text_.empty() ? "{}" : text_ + "}";
    text_.clear();
    return out;
  }

 private:
  std::string text_;
};

// Writes the projections of many cases at once: the rows ProjectionConsumer would leave (the
// service's own translation and time line), by batches of INSERT … SELECT FROM unnest(...).
class ProjectionWriter {
 public:
  ProjectionWriter(TestDatabase& db, std::string consumer)
      : db_(db), consumer_(std::move(consumer)) {}

  // One case's events, through the service's translation and time line.
  void Add(const std::vector<Produced>& events) {
    std::vector<reporting::domain::Occurrence> all;
    std::string case_id;
    for (const auto& p : events) {
      bool malformed = false;
      auto o = reporting::TranslateEvent(p.envelope, &malformed);
      if (o.has_value()) all.push_back(*std::move(o));
      case_id = p.envelope.case_id();
      inbox_.event_id.Add(p.envelope.event_id());
      inbox_.type.Add(p.envelope.type());
      inbox_.topic.Add(p.topic);
      inbox_.offset.Add(absl::StrCat(next_offset_++));
      ++events_;
    }
    const auto t = reporting::domain::BuildTimeline(std::move(all));
    for (const auto& s : t.spans) {
      spans_.case_id.Add(case_id);
      spans_.from.Add(time::FormatDate(s.from));
      if (s.to.has_value()) {
        spans_.to.Add(time::FormatDate(*s.to));
      } else {
        spans_.to.AddNull();
      }
      spans_.state.Add(s.state);
      ++spans_n_;
    }
    int ord = 0;
    for (const auto& f : t.flows) {
      flows_.case_id.Add(case_id);
      flows_.ord.Add(absl::StrCat(ord++));
      flows_.kind.Add(f.kind);
      flows_.code.Add(f.code);
      flows_.day.Add(time::FormatDate(f.day));
      flows_.state.Add(f.state);
      ++flows_n_;
    }
    const reporting::domain::CaseState now =
        t.spans.empty() ? reporting::domain::CaseState() : t.spans.back().state;
    projection_.case_id.Add(case_id);
    projection_.start.Add(time::FormatDate(t.start));
    if (t.closed_on.has_value()) {
      projection_.closed.Add(time::FormatDate(*t.closed_on));
    } else {
      projection_.closed.AddNull();
    }
    projection_.reason.Add(t.close_reason);
    projection_.state.Add(now);
    if (++pending_ >= 2000) Flush();
  }

  void Flush() {
    if (pending_ == 0) return;
    pending_ = 0;
    const std::string s = absl::StrCat(
        "INSERT INTO case_span (case_id, valid_from, valid_to, ", StateColumns(),
        ") SELECT * FROM unnest('", spans_.case_id.Take(), "'::text[], '", spans_.from.Take(),
        "'::date[], '", spans_.to.Take(), "'::date[], ", spans_.state.Take(), ")");
    const std::string f = absl::StrCat(
        "INSERT INTO case_flow (case_id, ord, kind, code, on_day, ", StateColumns(),
        ") SELECT * FROM unnest('", flows_.case_id.Take(), "'::text[], '", flows_.ord.Take(),
        "'::int[], '", flows_.kind.Take(), "'::text[], '", flows_.code.Take(), "'::text[], '",
        flows_.day.Take(), "'::date[], ", flows_.state.Take(), ")");
    const std::string p = absl::StrCat(
        "INSERT INTO case_projection (case_id, start_on, closed_on, close_reason, ", StateColumns(),
        ") SELECT * FROM unnest('", projection_.case_id.Take(), "'::text[], '",
        projection_.start.Take(), "'::date[], '", projection_.closed.Take(), "'::date[], '",
        projection_.reason.Take(), "'::text[], ", projection_.state.Take(), ")");
    const std::string i = absl::StrCat(
        "INSERT INTO inbox (consumer, event_id, event_type, topic, kafka_partition, kafka_offset)"
        " SELECT '",
        consumer_, "', e, t, p, 0, o FROM unnest('", inbox_.event_id.Take(), "'::uuid[], '",
        inbox_.type.Take(), "'::text[], '", inbox_.topic.Take(), "'::text[], '",
        inbox_.offset.Take(), "'::bigint[]) AS x(e, t, p, o)");
    db_.QueryValue(s + "; " + f + "; " + p + "; " + i);
  }

  int64_t events() const { return events_; }
  int64_t spans() const { return spans_n_; }
  int64_t flows() const { return flows_n_; }

 private:
  // The 11 state columns, as arrays.
  struct StateArrays {
    ArrayText district, office, sentence_kind, sex, age_band, offence_category, level, minor,
        key_attention, lost_contact, never_reported;
    void Add(const reporting::domain::CaseState& s) {
      district.Add(s.district);
      office.Add(s.office);
      sentence_kind.Add(s.sentence_kind);
      sex.Add(s.sex);
      age_band.Add(s.age_band);
      offence_category.Add(s.offence_category);
      level.Add(s.level);
      minor.Add(s.minor ? "t" : "f");
      key_attention.Add(s.key_attention ? "t" : "f");
      lost_contact.Add(s.lost_contact ? "t" : "f");
      never_reported.Add(s.never_reported ? "t" : "f");
    }
    std::string Take() {
      return absl::StrCat("'", district.Take(), "'::text[], '", office.Take(), "'::text[], '",
                          sentence_kind.Take(), "'::text[], '", sex.Take(), "'::text[], '",
                          age_band.Take(), "'::text[], '", offence_category.Take(), "'::text[], '",
                          level.Take(), "'::text[], '", minor.Take(), "'::bool[], '",
                          key_attention.Take(), "'::bool[], '", lost_contact.Take(), "'::bool[], '",
                          never_reported.Take(), "'::bool[]");
    }
  };
  static const char* StateColumns() {
    return "district_code, office_id, sentence_kind, sex, age_band, offence_category, level,"
           " minor, key_attention, lost_contact, never_reported";
  }

  TestDatabase& db_;
  std::string consumer_;
  int pending_ = 0;
  int64_t next_offset_ = 0;
  int64_t events_ = 0, spans_n_ = 0, flows_n_ = 0;
  struct {
    ArrayText case_id, from, to;
    StateArrays state;
  } spans_;
  struct {
    ArrayText case_id, ord, kind, code, day;
    StateArrays state;
  } flows_;
  struct {
    ArrayText case_id, start, closed, reason;
    StateArrays state;
  } projection_;
  struct {
    ArrayText event_id, type, topic, offset;
  } inbox_;
};

// The figures the fill printed (key=value lines), recorded with a kept database.
std::string g_fill_figures;

template <typename... Args>
void Figure(const char* format, Args... args) {
  char line[256];
  std::snprintf(line, sizeof line, format, args...);
  std::fputs(line, stdout);
  g_fill_figures += line;
}

// (1) the rebuild, then the whole history written into the projections; returns the errors, or
// -1 when the bench cannot go on.
int Fill(int argc, char** argv, ServiceHarness& h, int active, int rebuild_cases, D today) {
  const int years = std::max(1, Flag(argc, argv, "--years", 5));
  const int batch = std::max(1, Flag(argc, argv, "--batch", 256));
  const uint32_t seed = static_cast<uint32_t>(Flag(argc, argv, "--seed", 16));
  // The rebuild's sample on the topics: in time order across the cases, as the real history is
  // (a case's ~28 events spread over the whole topic), or with each case's events together
  // (--case-order 1, the sample before 2026-12-06). --catch-up 0: the consumer's catch-up mode
  // off (every batch rebuilds the time lines of the cases it touches), to compare.
  const bool case_order = Flag(argc, argv, "--case-order", 0) != 0;
  const bool catch_up = Flag(argc, argv, "--catch-up", 1) != 0;
  // Closed cases over `years` at the rate the register turns over: `active` cases with a mean
  // term of 21 months leave at active / 21 a month.
  const int closed = static_cast<int>(static_cast<int64_t>(active) * 12 * years / 21);

  auto& wiring = h.wiring<reporting::ReportingWiring>();
  History history(seed, today, years);
  int errors = 0;

  // (1) The rebuild: the sample produced to the topics, then read from the beginning.
  std::vector<std::string> sample_ids;
  int64_t sample_events = 0;
  {
    std::atomic<int> failed{0};
    auto producer =
        kafka::KafkaProducer::Create({.bootstrap_servers = IntegrationEnv::Get()->kafka_bootstrap},
                                     [&](const kafka::DeliveryReport& r) {
                                       if (!r.ok) ++failed;
                                     });
    if (!producer.ok()) {
      std::fprintf(stderr, "ccms-bench-reporting: producer: %s\n",
                   std::string(producer.status().message()).c_str());
      return -1;
    }
    std::vector<Produced> sample;
    for (int c = 0; c < rebuild_cases; ++c) {
      for (auto& p : history.Case(c % 4 == 0)) sample.push_back(std::move(p));  // a quarter active
    }
    if (!case_order) {
      std::stable_sort(sample.begin(), sample.end(), [](const Produced& a, const Produced& b) {
        const auto& x = a.envelope.recorded_at();
        const auto& y = b.envelope.recorded_at();
        return std::make_pair(x.seconds(), x.nanos()) < std::make_pair(y.seconds(), y.nanos());
      });
    }
    {
      for (const auto& p : sample) {
        absl::Status st;
        while (!(st = (*producer)->Produce({.topic = p.topic,
                                            .key = p.envelope.case_id(),
                                            .value = p.envelope.SerializeAsString()}))
                    .ok()) {
          (*producer)->Poll(100);  // queue full: let deliveries drain
        }
        ++sample_events;
      }
    }
    if (!(*producer)->Flush(120000) || failed.load() > 0) {
      std::fprintf(stderr, "ccms-bench-reporting: %d events not delivered\n", failed.load());
      return -1;
    }
  }
  auto generation = wiring.store().ResetProjections();
  if (!generation.ok()) {
    std::fprintf(stderr, "ccms-bench-reporting: reset: %s\n",
                 std::string(generation.status().message()).c_str());
    return -1;
  }
  const std::string group =
      absl::StrCat(reporting::ConsumerGroup(*generation), "-bench-", h.db().name());
  auto consumer = kafka::InboxConsumer::CreateBatched(
      {.bootstrap_servers = IntegrationEnv::Get()->kafka_bootstrap,
       .group_id = group,
       .topics = {reporting::kRecordsTopic, reporting::kAssessmentTopic, reporting::kEducationTopic,
                  reporting::kEmploymentTopic},
       .max_batch = batch},
      h.host().background_pool(),
      [&](pqxx::work& tx, const std::vector<const events::v1::Envelope*>& events) {
        return wiring.consumer().HandleBatch(tx, events);
      },
      nullptr);
  if (!consumer.ok()) {
    std::fprintf(stderr, "ccms-bench-reporting: consumer: %s\n",
                 std::string(consumer.status().message()).c_str());
    return -1;
  }
  // Larger batches while catching up, as the wiring does for its own consumer.
  wiring.consumer().SetBatchSizer([c = consumer->get()](int n) { c->set_max_batch(n); });
  auto count = [&](const std::string& sql) { return std::stoll(h.db().QueryValue(sql)); };
  const std::string mine = absl::StrCat(
      "SELECT count(*) FROM occurrence WHERE district_code LIKE '", g_district_prefix, "%'");
  // The CPU the rebuild takes (this process: the consumer and the service; PostgreSQL), for what
  // a quiet machine would give: the consumer and its backend take turns, so events / (both)
  // bounds the rate with the whole of the two cores free.
  const std::string pg_data = h.db().QueryValue("SHOW data_directory");
  const double pg_cpu0 = PostgresCpu(pg_data), self_cpu0 = SelfCpu();
  const auto t0 = std::chrono::steady_clock::now();
  (*consumer)->Start();
  // The closed cases built beside the batches, as the wiring's background thread does
  // (--build-closed 0: only at the end, to compare).
  std::atomic<bool> rebuild_over{false};
  std::thread closer;
  const bool closer_ran = Flag(argc, argv, "--build-closed", 1) != 0;
  if (closer_ran) {
    closer = std::thread([&] {
      while (!rebuild_over) {
        absl::SleepFor(absl::Milliseconds(250));
        if (auto built = wiring.consumer().BuildClosed(); !built.ok()) {
          std::fprintf(stderr, "ccms-bench-reporting: build closed: %s\n",
                       std::string(built.status().message()).c_str());
        }
      }
    });
  }
  std::chrono::steady_clock::time_point first = t0, done = t0;
  bool started = false;
  const auto deadline = t0 + std::chrono::minutes(60);
  int64_t projected = 0;
  // The consumer's own count of the events it applied is read every 10 ms (free); the sample's
  // occurrences are counted in SQL (a scan: tens of ms on a loaded machine; polled every 100 ms it
  // took a third of a core from the rebuild it measured) only once that count has reached the
  // sample's size and has moved since, at most every 250 ms. Done: when the count reached the
  // value at which every sample event was found projected.
  // Catch-up mode: done also needs the mode ended (the dirty cases built). Nothing comes after the
  // sample to end it (three short batches in a row): after 1 s without a batch the bench ends it,
  // as the service's idle check would (CCMS_REPORTING_CATCH_UP_IDLE_SECONDS, 10 s by default).
  const std::string catching_up = "SELECT count(*) FROM projection_catch_up WHERE active";
  int finish_calls = 0;
  // The end's own time (FinishCatchUp), the bench's idle waits before it (as the service's idle
  // rule waits), and when the last batch was applied.
  double end_s = 0;
  std::chrono::steady_clock::duration waited{};
  std::chrono::steady_clock::time_point last_applied = t0;
  int64_t seen = 0, checked = -1, rebuilt = 0;
  auto seen_at = t0, checked_at = t0 - std::chrono::seconds(1);
  while (std::chrono::steady_clock::now() < deadline) {
    const auto now = std::chrono::steady_clock::now();
    const int64_t applied = (*consumer)->applied();
    if (applied != seen) {
      seen = applied;
      seen_at = now;
    }
    if (!started && applied > 0) {
      started = true;
      first = now;
    }
    if (applied >= sample_events &&
        (applied != checked || now - seen_at >= std::chrono::seconds(1)) &&
        now - checked_at >= std::chrono::milliseconds(250)) {
      checked = applied;
      checked_at = now;
      projected = count(mine);
      if (projected >= sample_events && count(catching_up) > 0 &&
          now - seen_at >= std::chrono::seconds(1)) {
        ++finish_calls;
        if (finish_calls == 1) last_applied = seen_at;
        const auto f0 = std::chrono::steady_clock::now();
        waited += f0 - seen_at;
        auto built = wiring.consumer().FinishCatchUp();
        end_s += Seconds(f0, std::chrono::steady_clock::now());
        if (!built.ok()) {
          std::fprintf(stderr, "ccms-bench-reporting: catch-up: %s\n",
                       std::string(built.status().message()).c_str());
          ++errors;
          break;
        }
        seen_at = std::chrono::steady_clock::now();
      }
      if (projected >= sample_events && count(catching_up) == 0) {
        // Nothing applied meanwhile: the sample was done when the count reached its value.
        const bool moved = (*consumer)->applied() != applied;
        done = moved ? std::chrono::steady_clock::now() : seen_at;
        rebuilt = moved ? (*consumer)->applied() : applied;
        break;
      }
    }
    absl::SleepFor(absl::Milliseconds(10));
  }
  const double pg_cpu = PostgresCpu(pg_data) - pg_cpu0, self_cpu = SelfCpu() - self_cpu0;
  rebuild_over = true;
  if (closer.joinable()) closer.join();
  (*consumer)->Stop();
  if (finish_calls == 0) last_applied = done;  // ended by the batches themselves
  if (projected < sample_events) {
    std::fprintf(stderr, "ccms-bench-reporting: the rebuild projected %lld of %lld events\n",
                 static_cast<long long>(projected), static_cast<long long>(sample_events));
    ++errors;
  }
  Figure("reporting.rebuild_cases=%d\n", rebuild_cases);
  Figure("reporting.rebuild_batch=%d\n", batch);
  Figure("reporting.rebuild_catch_up_batch=%d\n",
         std::max(1, Flag(argc, argv, "--catch-up-batch", 2000)));
  Figure("reporting.rebuild_build_closed=%d\n", closer_ran ? 1 : 0);
  Figure("reporting.rebuild_order=%s\n", case_order ? "case" : "time");
  Figure("reporting.rebuild_catch_up=%d\n", catch_up ? 1 : 0);
  Figure("reporting.rebuild_finish_calls=%d\n", finish_calls);
  Figure("reporting.rebuild_cpu_self_s=%.2f\n", self_cpu);
  Figure("reporting.rebuild_cpu_pg_s=%.2f\n", pg_cpu0 < 0 ? -1.0 : pg_cpu);
  Figure("reporting.rebuild_sample_events=%lld\n", static_cast<long long>(sample_events));
  Figure("reporting.rebuild_events=%lld\n", static_cast<long long>(rebuilt));
  Figure("reporting.rebuild_s=%.2f\n", Seconds(t0, done));
  Figure("reporting.rebuild_rate=%.0f\n", static_cast<double>(rebuilt) / Seconds(t0, done));
  Figure("reporting.rebuild_rate_from_first=%.0f\n",
         static_cast<double>(rebuilt) / std::max(Seconds(first, done), 1e-3));
  // The throughput without the fixed costs (the group's join before the first event, the idle
  // wait that detects the end): from the first event to the last batch, plus the end's build.
  const double keep_s = Seconds(first, last_applied);
  const double wait_s = std::chrono::duration<double>(waited).count();
  Figure("reporting.rebuild_join_s=%.2f\n", Seconds(t0, first));
  Figure("reporting.rebuild_keep_s=%.2f\n", keep_s);
  Figure("reporting.rebuild_wait_s=%.2f\n", wait_s);
  Figure("reporting.rebuild_end_s=%.2f\n", end_s);
  Figure("reporting.rebuild_rate_work=%.0f\n",
         static_cast<double>(rebuilt) / std::max(keep_s + end_s, 1e-3));
  Figure("reporting.rebuild_cpu_us_per_event=%.1f\n",
         rebuilt > 0 && pg_cpu0 >= 0 ? (self_cpu + pg_cpu) * 1e6 / static_cast<double>(rebuilt)
                                     : -1.0);
  std::fflush(stdout);

  // (2) The whole history in the projections, then the daily report.
  const auto f0 = std::chrono::steady_clock::now();
  ProjectionWriter writer(h.db(), group);
  for (int c = 0; c < active + closed; ++c) writer.Add(history.Case(c < active));
  writer.Flush();
  h.db().QueryValue("ANALYZE");
  const auto f1 = std::chrono::steady_clock::now();
  Figure("reporting.active=%d\n", active);
  Figure("reporting.closed=%d\n", closed);
  Figure("reporting.years=%d\n", years);
  Figure("reporting.events=%lld\n", static_cast<long long>(writer.events()));
  Figure("reporting.spans=%lld\n", static_cast<long long>(writer.spans()));
  Figure("reporting.flows=%lld\n", static_cast<long long>(writer.flows()));
  Figure("reporting.inbox_rows=%lld\n", count("SELECT count(*) FROM inbox"));
  Figure("reporting.fill_s=%.1f\n", Seconds(f0, f1));
  std::fflush(stdout);

  return errors;
}

int Run(int argc, char** argv) {
  if (IntegrationEnv::Get() == nullptr) {
    std::fprintf(stderr,
                 "ccms-bench-reporting: needs CCMS_TEST_PG_ADMIN_DSN, CCMS_TEST_KAFKA_BOOTSTRAP "
                 "and CCMS_TEST_KAFKA_CONTROL_PORT\n");
    return 2;
  }
  const std::string keep_db = StringFlag(argc, argv, "--keep-db");
  // The batch and catch-up mode are the service's settings, read when the harness builds it.
  const int batch = std::max(1, Flag(argc, argv, "--batch", 256));
  const bool catch_up = Flag(argc, argv, "--catch-up", 1) != 0;
  const int catch_up_batch = std::max(1, Flag(argc, argv, "--catch-up-batch", 2000));
  ServiceHarness h(reporting::Definition(),
                   {.settings = {{"CCMS_CONSUMER_MAX_BATCH", absl::StrCat(batch)},
                                 {"CCMS_REPORTING_CATCH_UP", catch_up ? "true" : "false"},
                                 {"CCMS_REPORTING_CATCH_UP_BATCH", absl::StrCat(catch_up_batch)}},
                    .keep_database = keep_db});
  g_district_prefix = absl::StrCat("6", 100 + std::hash<std::string>()(h.db().name()) % 900);
  h.host().consumer(0).Stop();  // the bench runs its own rebuild below
  const D today = h.Today();
  const int runs = std::max(1, Flag(argc, argv, "--runs", 20));
  std::string report = StringFlag(argc, argv, "--report");
  if (report.empty()) report = "daily";
  auto count = [&](const std::string& sql) { return std::stoll(h.db().QueryValue(sql)); };
  int active = Flag(argc, argv, "--active", 30000);
  int rebuild_cases = Flag(argc, argv, "--rebuild-cases", 1000);
  int errors = 0;
  const bool filled =
      !keep_db.empty() && h.db().QueryValue("SELECT to_regclass('bench_fill') IS NOT NULL") == "t";
  if (filled) {
    active = static_cast<int>(count("SELECT active FROM bench_fill"));
    rebuild_cases = static_cast<int>(count("SELECT rebuild_cases FROM bench_fill"));
    std::printf("reporting.kept_db=%s\n", keep_db.c_str());
    std::printf("%s", h.db().QueryValue("SELECT figures FROM bench_fill").c_str());
    std::fflush(stdout);
  } else {
    const int fill_errors = Fill(argc, argv, h, active, rebuild_cases, today);
    if (fill_errors < 0) return 1;
    errors += fill_errors;
    if (!keep_db.empty() && errors == 0) {
      // Recorded last: a fill that stopped half-way is not taken for a finished one.
      h.db().QueryValue(
          absl::StrCat("CREATE TABLE bench_fill AS SELECT ", active, " AS active, ", rebuild_cases,
                       " AS rebuild_cases, '", g_fill_figures,
                       "'::text AS figures; ALTER TABLE bench_fill OWNER TO ", h.db().name(),
                       "_owner"));  // owned as the service's tables (the host grants on them)
    }
  }

  auto stub = reporting::v1::ReportingService::NewStub(h.channel());
  const std::string admin = ServiceHarness::Token(auth::Role::kCityAdmin, {"*"}, "bench-admin");
  std::vector<double> ms;
  std::string on_register;
  for (int run = 0; run <= runs; ++run) {
    reporting::v1::RunSnapshotRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_report_id(report);
    *req.mutable_period_day() = ToProtoDate(today);
    reporting::v1::RunSnapshotResponse resp;
    const auto a = std::chrono::steady_clock::now();
    const grpc::Status st = stub->RunSnapshot(ServiceHarness::Context(admin).get(), req, &resp);
    const auto b = std::chrono::steady_clock::now();
    if (!st.ok()) {
      if (++errors == 1) {
        std::fprintf(stderr, "ccms-bench-reporting: RunSnapshot: %s\n", st.error_message().c_str());
      }
      continue;
    }
    if (run > 0) ms.push_back(std::chrono::duration<double, std::milli>(b - a).count());
    // The total row's first cell: people on the register today, city-wide.
    const auto& tables = resp.snapshot().tables();
    if (!tables.empty() && tables[0].total().cells_size() > 0) {
      on_register = tables[0].total().cells(0);
    }
    // The bench's own districts (the topics also hold the stack's cases): every active case of
    // the history and of the sample, and nothing closed.
    int64_t mine_on_register = 0;
    if (!tables.empty()) {
      for (const auto& row : tables[0].rows()) {
        if (row.key().rfind(g_district_prefix, 0) == 0 && row.cells_size() > 0) {
          mine_on_register += std::atoll(row.cells(0).c_str());
        }
      }
    }
    const int64_t want = active + (rebuild_cases + 3) / 4;
    if (mine_on_register != want) {
      std::fprintf(stderr,
                   "ccms-bench-reporting: on the register in the bench's districts %lld, "
                   "want %lld\n",
                   static_cast<long long>(mine_on_register), static_cast<long long>(want));
      ++errors;
    }
  }
  std::printf("reporting.report=%s\n", report.c_str());
  std::printf("reporting.daily_runs=%zu\n", ms.size());
  std::printf("reporting.daily_p50_ms=%.1f\n", Percentile(ms, 0.50));
  std::printf("reporting.daily_p99_ms=%.1f\n", Percentile(ms, 0.99));
  std::printf("reporting.daily_max_ms=%.1f\n",
              ms.empty() ? 0.0 : *std::max_element(ms.begin(), ms.end()));
  std::printf("reporting.daily_on_register=%s\n", on_register.empty() ? "0" : on_register.c_str());
  std::printf("reporting.errors=%d\n", errors);
  return errors == 0 && !ms.empty() ? 0 : 1;
}

}  // namespace
}  // namespace ccms::testing

int main(int argc, char** argv) { return ccms::testing::Run(argc, argv); }
