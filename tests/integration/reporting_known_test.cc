// Issue 16 items 3, 4 and 7 against a real PostgreSQL and the dev Kafka broker (started by
// tests/run): a snapshot run as known at an instant, published, then back-dated events: run again
// as known at the same instant it is reproduced (same cells, same checksum, no version added),
// run as known now it is a restatement; a snapshot of one office and who may run, publish and read
// it; export jobs whose files are kept in chunks and fetched one by one (GetExportChunk), and
// their expiry after the policy's retention (docs/reporting.md).
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "ccms/records/v1/records_events.pb.h"
#include "ccms/reporting/v1/reporting_service.grpc.pb.h"
#include "common/grpc/proto_convert.h"
#include "common/ids/uuid.h"
#include "common/kafka/outbox.h"
#include "common/kafka/producer.h"
#include "common/time/clock.h"
#include "gtest/gtest.h"
#include "services/reporting/event_translation.h"
#include "services/reporting/wiring.h"
#include "tests/support/service_harness.h"

namespace ccms::testing {
namespace {

using auth::Role;
using D = absl::CivilDay;
namespace v1 = reporting::v1;

// Districts no other test uses.
constexpr char kKnown[] = "659061";
constexpr char kOffices[] = "659062";
constexpr char kJobs[] = "659063";
// The chunk size the harness's service keeps export files in: small, so a report's file has
// several chunks.
constexpr int kChunkBytes = 64;

google::type::Date Date(D d) { return grpc_util::ToProtoDate(d); }

// Records' events of one district, recorded at `recorded` (the envelope's recorded_at).
struct Events {
  std::string district;
  absl::Time recorded;
  std::vector<events::v1::Envelope> out;

  void Add(const std::string& type, const std::string& id, const google::protobuf::Message& m) {
    out.push_back(kafka::MakeEnvelope(type, id, district, recorded, recorded, "test", m));
  }
  // Opened on `start` in `office` (probation), reported the next day.
  void Opened(const std::string& id, D start, const std::string& office) {
    records::v1::CaseOpened open;
    open.set_case_id(id);
    open.set_district_code(district);
    open.set_office_id(office);
    open.set_sentence_kind(common::v1::SENTENCE_KIND_PROBATION);
    *open.mutable_supervision_start_date() = Date(start);
    *open.mutable_intake_deadline() = Date(start + 10);
    Add("ccms.records.case_opened", id, open);
    records::v1::IntakeReported r;
    r.set_case_id(id);
    r.set_district_code(district);
    *r.mutable_reported_on() = Date(start + 1);
    Add("ccms.records.intake_reported", id, r);
  }
  void Contact(const std::string& id, D on) {
    records::v1::ContactRecorded k;
    k.set_case_id(id);
    k.set_district_code(district);
    k.set_contact_id(ids::NewUuid());
    k.set_kind("HOME_VISIT");
    *k.mutable_occurred_on() = Date(on);
    Add("ccms.records.contact_recorded", id, k);
  }
  void Closed(const std::string& id, D on) {
    records::v1::CaseClosed cl;
    cl.set_case_id(id);
    cl.set_district_code(district);
    cl.set_reason(records::v1::CASE_CLOSE_REASON_DISCHARGED);
    *cl.mutable_closed_on() = Date(on);
    Add("ccms.records.case_closed", id, cl);
  }
};

class ReportingKnownTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (IntegrationEnv::Get() == nullptr) return;
    clock_ = new time::FakeClock(FixedTestNow());
    harness_ = new ServiceHarness(
        reporting::Definition(),
        {.clock = clock_,
         .settings = {{"CCMS_REPORTING_EXPORT_CHUNK_BYTES", absl::StrCat(kChunkBytes)}}});
  }
  static void TearDownTestSuite() {
    delete harness_;
    harness_ = nullptr;
    delete clock_;
    clock_ = nullptr;
  }
  void SetUp() override {
    if (harness_ == nullptr) GTEST_SKIP() << "needs PostgreSQL and the dev broker: run tests/run";
    stub_ = v1::ReportingService::NewStub(h().channel());
  }

  ServiceHarness& h() { return *harness_; }
  int64_t Count(const std::string& sql) { return std::stoll(h().db().QueryValue(sql)); }

  void Produce(const std::vector<events::v1::Envelope>& events) {
    std::atomic<int> delivered{0};
    auto producer = kafka::KafkaProducer::Create(
        {.bootstrap_servers = IntegrationEnv::Get()->kafka_bootstrap},
        [&](const kafka::DeliveryReport& r) { delivered += r.ok ? 1 : 0; });
    ASSERT_TRUE(producer.ok());
    for (const auto& e : events) {
      ASSERT_TRUE((*producer)
                      ->Produce({.topic = reporting::kRecordsTopic,
                                 .key = e.case_id(),
                                 .value = e.SerializeAsString()})
                      .ok());
    }
    ASSERT_TRUE((*producer)->Flush(30000));
    ASSERT_EQ(delivered.load(), static_cast<int>(events.size()));
  }
  // Produces `events` and waits until the district has `total` occurrences.
  void ProduceAndWait(const Events& events, int64_t total) {
    Produce(events.out);
    const std::string sql = absl::StrCat("SELECT count(*) FROM occurrence WHERE district_code = '",
                                         events.district, "'");
    const absl::Time deadline = absl::Now() + absl::Seconds(120);
    while (absl::Now() < deadline && Count(sql) < total) absl::SleepFor(absl::Milliseconds(100));
    ASSERT_EQ(Count(sql), total);
  }

  v1::RunSnapshotResponse Run(const std::string& token, const std::string& report, D day,
                              const std::string& district, const std::string& office,
                              std::optional<absl::Time> known_at, grpc::Status* st) {
    v1::RunSnapshotRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_report_id(report);
    *req.mutable_period_day() = Date(day);
    req.set_district_code(district);
    req.set_office_id(office);
    if (known_at.has_value()) *req.mutable_as_known_at() = grpc_util::ToProtoTimestamp(*known_at);
    v1::RunSnapshotResponse resp;
    *st = stub_->RunSnapshot(ServiceHarness::Context(token).get(), req, &resp);
    return resp;
  }
  grpc::Status Publish(const std::string& token, const std::string& report, D day,
                       const std::string& district, const std::string& office,
                       const v1::Snapshot& s) {
    v1::PublishReportRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_report_id(report);
    *req.mutable_period_day() = Date(day);
    req.set_district_code(district);
    req.set_office_id(office);
    req.set_version(s.version());
    req.set_checksum(s.checksum());
    v1::PublishReportResponse resp;
    return stub_->PublishReport(ServiceHarness::Context(token).get(), req, &resp);
  }
  v1::GetReportResponse Get(const std::string& token, const std::string& report, D day,
                            const std::string& district, const std::string& office, int version,
                            grpc::Status* st) {
    v1::GetReportRequest req;
    req.set_report_id(report);
    *req.mutable_period_day() = Date(day);
    req.set_district_code(district);
    req.set_office_id(office);
    req.set_version(version);
    v1::GetReportResponse resp;
    *st = stub_->GetReport(ServiceHarness::Context(token).get(), req, &resp);
    return resp;
  }
  std::string StartJob(const std::string& token, const std::string& report, D day,
                       const std::string& district, const std::string& office,
                       v1::ExportFormat format, grpc::Status* st) {
    v1::StartExportRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_report_id(report);
    *req.mutable_period_day() = Date(day);
    req.set_district_code(district);
    req.set_office_id(office);
    req.set_format(format);
    v1::StartExportResponse resp;
    *st = stub_->StartExport(ServiceHarness::Context(token).get(), req, &resp);
    return resp.job_id();
  }
  v1::GetExportJobResponse Job(const std::string& token, const std::string& id, grpc::Status* st) {
    v1::GetExportJobRequest req;
    req.set_job_id(id);
    v1::GetExportJobResponse resp;
    *st = stub_->GetExportJob(ServiceHarness::Context(token).get(), req, &resp);
    return resp;
  }
  v1::GetExportChunkResponse Chunk(const std::string& token, const std::string& id, int file,
                                   int chunk, grpc::Status* st) {
    v1::GetExportChunkRequest req;
    req.set_job_id(id);
    req.set_file_index(file);
    req.set_chunk_index(chunk);
    v1::GetExportChunkResponse resp;
    *st = stub_->GetExportChunk(ServiceHarness::Context(token).get(), req, &resp);
    return resp;
  }

  static std::string Tables(const v1::Snapshot& s) {
    std::string out;
    for (const auto& t : s.tables()) out += t.SerializeAsString();
    return out;
  }
  static const v1::CellChange* Change(const v1::RunSnapshotResponse& r, const std::string& table,
                                      const std::string& row, const std::string& indicator) {
    for (const auto& c : r.changes()) {
      if (c.table_id() == table && c.row_key() == row && c.indicator_id() == indicator) return &c;
    }
    return nullptr;
  }

  static time::FakeClock* clock_;
  static ServiceHarness* harness_;
  std::unique_ptr<v1::ReportingService::Stub> stub_;
};

time::FakeClock* ReportingKnownTest::clock_ = nullptr;
ServiceHarness* ReportingKnownTest::harness_ = nullptr;

// Item 3: a snapshot as known at T1 is reproduced exactly after a back-dated event; as known now
// it is the restatement.
TEST_F(ReportingKnownTest, ASnapshotAsKnownAtAnInstantIsReproducedAfterBackDatedEvents) {
  const absl::Time now = clock_->Now();
  const std::string bureau = ServiceHarness::Token(Role::kDistrictBureau, {kKnown});
  const D march(2026, 3, 15);
  Events e{kKnown, now - absl::Hours(2), {}};
  const std::string a = ids::NewUuid();
  const std::string b = ids::NewUuid();
  e.Opened(a, D(2026, 3, 2), "office-1");
  e.Opened(b, D(2026, 3, 2), "office-1");
  e.Contact(a, D(2026, 3, 5));
  ProduceAndWait(e, 5);

  const absl::Time t1 = now - absl::Hours(1);
  grpc::Status st;
  const auto first = Run(bureau, "monthly", march, kKnown, "", t1, &st);
  ASSERT_TRUE(st.ok()) << st.error_message();
  ASSERT_EQ(first.snapshot().version(), 1);
  bool invalid = false;
  EXPECT_EQ(grpc_util::FromProtoTimestamp(first.snapshot().as_known_at(), &invalid), t1);
  ASSERT_TRUE(Publish(bureau, "monthly", march, kKnown, "", first.snapshot()).ok());

  // Recorded after T1, back-dated into March: a third person received on 03-10 (office-2), a
  // contact of b's on 03-06, a's discharge on 03-20.
  Events late{kKnown, now - absl::Minutes(10), {}};
  const std::string c = ids::NewUuid();
  late.Opened(c, D(2026, 3, 10), "office-2");
  late.Contact(b, D(2026, 3, 6));
  late.Closed(a, D(2026, 3, 20));
  ProduceAndWait(late, 9);

  // As known at T1 again: the same cells and checksum; nothing late counts, no version added.
  const auto again = Run(bureau, "monthly", march, kKnown, "", t1, &st);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_TRUE(again.unchanged());
  EXPECT_EQ(again.compared_version(), 1);
  EXPECT_EQ(again.snapshot().version(), 1);
  EXPECT_EQ(again.snapshot().checksum(), first.snapshot().checksum());
  EXPECT_EQ(Tables(again.snapshot()), Tables(first.snapshot()));
  EXPECT_EQ(again.changes_size(), 0);

  // As known now: the restatement, version 2, with the cells the late events changed.
  const auto now_known = Run(bureau, "monthly", march, kKnown, "", std::nullopt, &st);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_FALSE(now_known.unchanged());
  EXPECT_EQ(now_known.snapshot().version(), 2);
  EXPECT_EQ(now_known.compared_version(), 1);
  EXPECT_FALSE(now_known.snapshot().has_as_known_at());
  EXPECT_NE(now_known.snapshot().checksum(), first.snapshot().checksum());
  for (const auto& [table, indicator, before, after] :
       std::vector<std::tuple<std::string, std::string, std::string, std::string>>{
           {"register", "received", "2", "3"},
           {"register", "discharged", "0", "1"},
           {"supervision", "contacts", "1", "2"},
           {"offices", "received", "", ""}}) {
    const std::string row = table == "offices" ? "office-2" : kKnown;
    const v1::CellChange* ch = Change(now_known, table, row, indicator);
    ASSERT_NE(ch, nullptr) << table << " " << row << " " << indicator;
    if (!before.empty()) {
      EXPECT_EQ(ch->before(), before) << indicator;
      EXPECT_EQ(ch->after(), after) << indicator;
    }
  }
  // On the register on 31 March: a (closed 03-20) and b before; b and c after: not a change.
  EXPECT_EQ(Change(now_known, "register", kKnown, "on_register"), nullptr);
  // The same run as known at T1 computed by RunReport: the published cells.
  v1::RunReportRequest rr;
  rr.set_period_kind(v1::PERIOD_KIND_MONTH);
  *rr.mutable_period_day() = Date(march);
  rr.set_breakdown("district");
  rr.add_indicator_ids("received");
  *rr.mutable_as_known_at() = grpc_util::ToProtoTimestamp(t1);
  v1::RunReportResponse report;
  ASSERT_TRUE(stub_->RunReport(ServiceHarness::Context(bureau).get(), rr, &report).ok());
  EXPECT_EQ(report.total().cells(0), "2");

  // The versions say what each knew; the first is unchanged.
  const auto versions = Get(bureau, "monthly", march, kKnown, "", 1, &st);
  ASSERT_TRUE(st.ok()) << st.error_message();
  ASSERT_EQ(versions.versions_size(), 2);
  EXPECT_EQ(grpc_util::FromProtoTimestamp(versions.versions(0).as_known_at(), &invalid), t1);
  EXPECT_FALSE(versions.versions(1).has_as_known_at());
  EXPECT_EQ(versions.snapshot().checksum(), first.snapshot().checksum());
  EXPECT_EQ(Tables(versions.snapshot()), Tables(first.snapshot()));
  EXPECT_EQ(Count(absl::StrCat("SELECT count(*) FROM report_snapshot WHERE scope = '", kKnown,
                               "' AND as_known_at IS NOT NULL")),
            1);

  // Not in the future, not outside the calendar.
  Run(bureau, "monthly", march, kKnown, "", now + absl::Hours(1), &st);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

// Item 7: a snapshot of one office counts that office's cases; office staff run and read their
// office's, the bureau publishes it.
TEST_F(ReportingKnownTest, AnOfficesSnapshotAndWhoMayRunPublishAndReadIt) {
  const D march(2026, 3, 15);
  Events e{kOffices, clock_->Now() - absl::Hours(3), {}};
  e.Opened(ids::NewUuid(), D(2026, 3, 2), "office-1");
  e.Opened(ids::NewUuid(), D(2026, 3, 3), "office-2");
  e.Opened(ids::NewUuid(), D(2026, 3, 4), "office-2");
  ProduceAndWait(e, 6);
  const std::string bureau = ServiceHarness::Token(Role::kDistrictBureau, {kOffices});
  const std::string staff2 =
      ServiceHarness::Token(Role::kOfficeStaff, {kOffices}, "s2", "", "office-2");
  const std::string staff1 =
      ServiceHarness::Token(Role::kOfficeStaff, {kOffices}, "s1", "", "office-1");

  grpc::Status st;
  const auto district = Run(bureau, "monthly", march, kOffices, "", std::nullopt, &st);
  ASSERT_TRUE(st.ok()) << st.error_message();
  const auto office = Run(staff2, "monthly", march, kOffices, "office-2", std::nullopt, &st);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_EQ(office.snapshot().office_id(), "office-2");
  EXPECT_EQ(office.snapshot().district_code(), kOffices);
  EXPECT_EQ(office.snapshot().version(), 1);  // its own versions, beside the district's
  auto total = [](const v1::Snapshot& s, const std::string& table, const std::string& indicator) {
    for (const auto& t : s.tables()) {
      if (t.id() != table) continue;
      for (int i = 0; i < t.indicator_ids_size(); ++i) {
        if (t.indicator_ids(i) == indicator) return t.total().cells(i);
      }
    }
    return std::string("?");
  };
  EXPECT_EQ(total(district.snapshot(), "register", "received"), "3");
  EXPECT_EQ(total(office.snapshot(), "register", "received"), "2");
  for (const auto& t : office.snapshot().tables()) {
    if (t.breakdown() != "office") continue;
    ASSERT_EQ(t.rows_size(), 1);
    EXPECT_EQ(t.rows(0).key(), "office-2");
  }
  // The bureau runs it too (the same figures: the draft is replaced by equal content).
  const auto by_bureau = Run(bureau, "monthly", march, kOffices, "office-2", std::nullopt, &st);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_EQ(by_bureau.snapshot().checksum(), office.snapshot().checksum());

  // Office staff: not another office, not the district, no publication.
  Run(staff1, "monthly", march, kOffices, "office-2", std::nullopt, &st);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  Run(staff2, "monthly", march, kOffices, "", std::nullopt, &st);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  Get(staff2, "monthly", march, kOffices, "", 0, &st);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Publish(staff2, "monthly", march, kOffices, "office-2", office.snapshot()).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(Publish(bureau, "monthly", march, kOffices, "office-2", office.snapshot()).ok());
  const auto read = Get(staff2, "monthly", march, kOffices, "office-2", 0, &st);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_TRUE(read.snapshot().has_published_at());
  EXPECT_EQ(read.snapshot().checksum(), office.snapshot().checksum());
  Get(staff1, "monthly", march, kOffices, "office-2", 0, &st);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  // The district's snapshot is still a draft of its own.
  const auto district_read = Get(bureau, "monthly", march, kOffices, "", 0, &st);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_FALSE(district_read.snapshot().has_published_at());
  EXPECT_EQ(district_read.snapshot().office_id(), "");
  // Another district's bureau, an office without its district, a bad office id.
  Run(ServiceHarness::Token(Role::kDistrictBureau, {"659022"}), "monthly", march, kOffices,
      "office-2", std::nullopt, &st);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  Run(ServiceHarness::Token(Role::kCityAdmin, {"*"}), "monthly", march, "", "office-2",
      std::nullopt, &st);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  Run(bureau, "monthly", march, kOffices, "../office", std::nullopt, &st);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  // The audit row names the office's scope.
  EXPECT_GE(Count(absl::StrCat("SELECT count(*) FROM audit_log WHERE action = 'PublishReport'"
                               " AND result = 'monthly/",
                               kOffices, "/office-2/2026-03-01/v1'")),
            1);

  // Its export job: office staff of the office read it; the other office's do not see it, nor a
  // job of the district's snapshot.
  const std::string job =
      StartJob(staff2, "monthly", march, kOffices, "office-2", v1::EXPORT_FORMAT_CSV, &st);
  ASSERT_TRUE(st.ok()) << st.error_message();
  const std::string district_job =
      StartJob(bureau, "monthly", march, kOffices, "", v1::EXPORT_FORMAT_CSV, &st);
  ASSERT_TRUE(st.ok()) << st.error_message();
  ASSERT_TRUE(h().wiring<reporting::ReportingWiring>().export_jobs().RunOnce().ok());
  const auto done = Job(staff2, job, &st);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_EQ(done.state(), v1::EXPORT_JOB_STATE_DONE) << done.failure();
  EXPECT_EQ(done.office_id(), "office-2");
  ASSERT_GT(done.files_size(), 0);
  EXPECT_EQ(done.files(0).name(), "monthly-2026-03-01-659062-office-2-v1-register.csv");
  Chunk(staff2, job, 0, 0, &st);
  EXPECT_TRUE(st.ok()) << st.error_message();
  Job(staff1, job, &st);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::NOT_FOUND);
  Chunk(staff1, job, 0, 0, &st);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::NOT_FOUND);
  Job(staff2, district_job, &st);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::NOT_FOUND);
  Job(bureau, job, &st);
  EXPECT_TRUE(st.ok()) << st.error_message();
}

// Items 3 and 4 of the brief (export jobs): files in chunks of at most kChunkBytes, fetched one
// by one and equal to the direct export; after the policy's retention the job is NOT_FOUND naming
// its expiry, and the worker's round removes its files.
TEST_F(ReportingKnownTest, ExportJobFilesComeInChunksAndExpire) {
  const D q1(2026, 2, 1);
  Events e{kJobs, clock_->Now() - absl::Hours(3), {}};
  for (int i = 0; i < 6; ++i) {
    e.Opened(ids::NewUuid(), D(2026, 1, 5) + 11 * i, absl::StrCat("office-", i % 3));
  }
  ProduceAndWait(e, 12);
  const std::string bureau = ServiceHarness::Token(Role::kDistrictBureau, {kJobs});
  grpc::Status st;
  Run(bureau, "quarterly", q1, kJobs, "", std::nullopt, &st);
  ASSERT_TRUE(st.ok()) << st.error_message();
  const std::string csv_job =
      StartJob(bureau, "quarterly", q1, kJobs, "", v1::EXPORT_FORMAT_CSV, &st);
  ASSERT_TRUE(st.ok()) << st.error_message();
  const std::string xlsx_job =
      StartJob(bureau, "quarterly", q1, kJobs, "", v1::EXPORT_FORMAT_XLSX, &st);
  ASSERT_TRUE(st.ok()) << st.error_message();
  // A queued job has no chunk yet.
  Chunk(bureau, csv_job, 0, 0, &st);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  auto ran = h().wiring<reporting::ReportingWiring>().export_jobs().RunOnce();
  ASSERT_TRUE(ran.ok()) << ran.status();
  EXPECT_EQ(*ran, 2);
  const absl::Time finished = clock_->Now();

  v1::ExportReportRequest direct_req;
  direct_req.set_report_id("quarterly");
  *direct_req.mutable_period_day() = Date(q1);
  direct_req.set_district_code(kJobs);
  direct_req.set_format(v1::EXPORT_FORMAT_CSV);
  v1::ExportReportResponse direct;
  ASSERT_TRUE(stub_->ExportReport(ServiceHarness::Context(bureau).get(), direct_req, &direct).ok());

  // Every file of a job, chunk by chunk; `splits` counts the chunks that begin inside a UTF-8
  // character (a Chinese heading cut across two chunks).
  int splits = 0;
  auto fetch = [&](const std::string& id, const v1::GetExportJobResponse& job) {
    std::vector<std::string> files;
    for (int f = 0; f < job.files_size(); ++f) {
      EXPECT_TRUE(job.files(f).content().empty());  // the listing carries no bytes
      EXPECT_EQ(job.files(f).chunk_count(),
                std::max<int64_t>(1, (job.files(f).size_bytes() + kChunkBytes - 1) / kChunkBytes));
      std::string bytes;
      for (int c = 0; c < job.files(f).chunk_count(); ++c) {
        grpc::Status cst;
        const auto chunk = Chunk(bureau, id, f, c, &cst);
        EXPECT_TRUE(cst.ok()) << cst.error_message();
        EXPECT_LE(chunk.content().size(), static_cast<size_t>(kChunkBytes));
        EXPECT_EQ(chunk.chunk_count(), job.files(f).chunk_count());
        EXPECT_EQ(chunk.name(), job.files(f).name());
        if (c > 0 && !chunk.content().empty() &&
            (static_cast<unsigned char>(chunk.content()[0]) & 0xC0) == 0x80) {
          ++splits;
        }
        bytes += chunk.content();
      }
      EXPECT_EQ(static_cast<int64_t>(bytes.size()), job.files(f).size_bytes());
      files.push_back(std::move(bytes));
    }
    return files;
  };
  const auto csv = Job(bureau, csv_job, &st);
  ASSERT_TRUE(st.ok()) << st.error_message();
  ASSERT_EQ(csv.state(), v1::EXPORT_JOB_STATE_DONE) << csv.failure();
  ASSERT_EQ(csv.files_size(), direct.files_size());
  const auto csv_files = fetch(csv_job, csv);
  int several = 0;
  for (int f = 0; f < direct.files_size(); ++f) {
    EXPECT_EQ(csv.files(f).name(), direct.files(f).name());
    EXPECT_EQ(csv_files[f], direct.files(f).content()) << direct.files(f).name();
    several += csv.files(f).chunk_count() > 1 ? 1 : 0;
  }
  EXPECT_GT(several, 0);  // the chunking was exercised
  EXPECT_GT(splits, 0);   // and cut characters came back whole
  // Expiry: the policy's 7 days from when it finished (the service's clock).
  bool invalid = false;
  EXPECT_EQ(grpc_util::FromProtoTimestamp(csv.expires_at(), &invalid), finished + absl::Hours(168));

  // The workbook, reassembled, equals the CSV files cell for cell (openpyxl).
  const auto book = Job(bureau, xlsx_job, &st);
  ASSERT_TRUE(st.ok()) << st.error_message();
  ASSERT_EQ(book.files_size(), 1);
  EXPECT_GT(book.files(0).chunk_count(), 2);
  const auto book_bytes = fetch(xlsx_job, book);
  char dir_template[] = "/tmp/ccms-export-chunks-XXXXXX";
  ASSERT_NE(mkdtemp(dir_template), nullptr);
  const std::string dir = dir_template;
  auto write = [&](const std::string& name, const std::string& bytes) {
    std::ofstream(dir + "/" + name, std::ios::binary) << bytes;
    return dir + "/" + name;
  };
  std::string command =
      absl::StrCat("/usr/bin/python3 ", CCMS_TEST_SOURCE_DIR, "/tests/support/xlsx_matches_csv.py ",
                   write("book.xlsx", book_bytes[0]));
  const auto& report = *h().wiring<reporting::ReportingWiring>().reports().Find("quarterly");
  for (int i = 0; i < direct.files_size(); ++i) {
    absl::StrAppend(&command, " '", report.tables[i].title, "=",
                    write(direct.files(i).name(), direct.files(i).content()), "'");
  }
  EXPECT_EQ(std::system(command.c_str()), 0) << command;
  std::system(absl::StrCat("rm -rf ", dir).c_str());

  // Past the last file or chunk; bad indexes; another district's bureau.
  Chunk(bureau, csv_job, csv.files_size(), 0, &st);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::OUT_OF_RANGE);
  Chunk(bureau, csv_job, 0, csv.files(0).chunk_count(), &st);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::OUT_OF_RANGE);
  Chunk(bureau, csv_job, -1, 0, &st);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  Chunk(bureau, csv_job, 0, -1, &st);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  Chunk(bureau, "not-a-job", 0, 0, &st);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  Chunk(ServiceHarness::Token(Role::kDistrictBureau, {"659022"}), csv_job, 0, 0, &st);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::NOT_FOUND);

  // A minute before the expiry: still there; the round removes nothing.
  const std::string files_of = absl::StrCat(
      "SELECT count(*) FROM export_job_chunk WHERE job_id IN ('", csv_job, "', '", xlsx_job, "')");
  const int64_t chunks = Count(files_of);
  EXPECT_GT(chunks, 2);
  clock_->Advance(absl::Hours(168) - absl::Minutes(1));
  Job(bureau, csv_job, &st);
  EXPECT_TRUE(st.ok()) << st.error_message();
  auto expired = h().wiring<reporting::ReportingWiring>().export_jobs().ExpireOnce();
  ASSERT_TRUE(expired.ok()) << expired.status();
  EXPECT_EQ(Count(files_of), chunks);
  // After it: NOT_FOUND naming the expiry, even before the round has removed the files.
  clock_->Advance(absl::Minutes(2));
  const std::string expiry =
      absl::FormatTime(absl::RFC3339_sec, finished + absl::Hours(168), absl::UTCTimeZone());
  Job(bureau, csv_job, &st);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_NE(st.error_message().find("expired at " + expiry), std::string::npos)
      << st.error_message();
  Chunk(bureau, xlsx_job, 0, 0, &st);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_NE(st.error_message().find("expired at"), std::string::npos) << st.error_message();
  expired = h().wiring<reporting::ReportingWiring>().export_jobs().ExpireOnce();
  ASSERT_TRUE(expired.ok()) << expired.status();
  EXPECT_GE(*expired, 2);
  EXPECT_EQ(Count(files_of), 0);
  EXPECT_EQ(Count(absl::StrCat("SELECT count(*) FROM export_job_file WHERE job_id IN ('", csv_job,
                               "', '", xlsx_job, "')")),
            0);
  // The rows stay (codes and counts) to name the expiry.
  EXPECT_EQ(Count(absl::StrCat("SELECT count(*) FROM export_job WHERE expired_at IS NOT NULL AND"
                               " job_id IN ('",
                               csv_job, "', '", xlsx_job, "')")),
            2);
  Job(bureau, csv_job, &st);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_NE(st.error_message().find("expired at " + expiry), std::string::npos)
      << st.error_message();
  // A job that never finished does not expire.
  const std::string queued =
      StartJob(bureau, "quarterly", q1, kJobs, "", v1::EXPORT_FORMAT_CSV, &st);
  ASSERT_TRUE(st.ok()) << st.error_message();
  ASSERT_TRUE(h().wiring<reporting::ReportingWiring>().export_jobs().ExpireOnce().ok());
  EXPECT_EQ(Job(bureau, queued, &st).state(), v1::EXPORT_JOB_STATE_QUEUED);
}

}  // namespace
}  // namespace ccms::testing
