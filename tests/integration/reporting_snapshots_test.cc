// Report snapshots against a real PostgreSQL and the dev Kafka broker (started by tests/run):
// a month run and published, the same month run again with nothing late (equal, no version
// added), back-dated events published and the month run again (a restatement: a second version
// and exactly the cells that changed, the first version unchanged and frozen), exports in CSV and
// XLSX read back with openpyxl, and who may do what.
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "ccms/records/v1/records_events.pb.h"
#include "ccms/reporting/v1/reporting_service.grpc.pb.h"
#include "common/grpc/proto_convert.h"
#include "common/ids/uuid.h"
#include "common/kafka/outbox.h"
#include "common/kafka/producer.h"
#include "gtest/gtest.h"
#include "services/reporting/event_translation.h"
#include "services/reporting/wiring.h"
#include "tests/support/service_harness.h"

namespace ccms::testing {
namespace {

using auth::Role;
using D = absl::CivilDay;
namespace v1 = reporting::v1;

// A district no other test uses: the topics are shared.
constexpr char kDistrict[] = "659021";

google::type::Date Date(D d) { return grpc_util::ToProtoDate(d); }

class ReportingSnapshotsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (IntegrationEnv::Get() == nullptr) return;
    harness_ = new ServiceHarness(reporting::Definition(), {});
  }
  static void TearDownTestSuite() {
    delete harness_;
    harness_ = nullptr;
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
  bool WaitForOccurrences(const std::vector<std::string>& ids, int64_t n) {
    const std::string sql = absl::StrCat("SELECT count(*) FROM occurrence WHERE case_id IN ('",
                                         absl::StrJoin(ids, "','"), "')");
    const absl::Time deadline = absl::Now() + absl::Seconds(120);
    while (absl::Now() < deadline) {
      if (Count(sql) == n) return true;
      absl::SleepFor(absl::Milliseconds(100));
    }
    return Count(sql) == n;
  }
  // A case of kDistrict opened on `start` in `office` (probation), reported the next day.
  static void Opened(const std::string& id, D start, const std::string& office,
                     std::vector<events::v1::Envelope>* out) {
    records::v1::CaseOpened open;
    open.set_case_id(id);
    open.set_district_code(kDistrict);
    open.set_office_id(office);
    open.set_sentence_kind(common::v1::SENTENCE_KIND_PROBATION);
    *open.mutable_supervision_start_date() = Date(start);
    *open.mutable_intake_deadline() = Date(start + 10);
    out->push_back(kafka::MakeEnvelope("ccms.records.case_opened", id, kDistrict, absl::Now(),
                                       absl::Now(), "test", open));
    records::v1::IntakeReported r;
    r.set_case_id(id);
    r.set_district_code(kDistrict);
    *r.mutable_reported_on() = Date(start + 1);
    out->push_back(kafka::MakeEnvelope("ccms.records.intake_reported", id, kDistrict, absl::Now(),
                                       absl::Now(), "test", r));
  }

  v1::RunSnapshotResponse RunMonth(const std::string& token, grpc::Status* st,
                                   const std::string& district = kDistrict) {
    v1::RunSnapshotRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_report_id("monthly");
    *req.mutable_period_day() = Date(D(2026, 1, 15));
    req.set_district_code(district);
    v1::RunSnapshotResponse resp;
    *st = stub_->RunSnapshot(ServiceHarness::Context(token).get(), req, &resp);
    return resp;
  }
  v1::GetReportResponse Get(const std::string& token, int version, grpc::Status* st) {
    v1::GetReportRequest req;
    req.set_report_id("monthly");
    *req.mutable_period_day() = Date(D(2026, 1, 1));
    req.set_district_code(kDistrict);
    req.set_version(version);
    v1::GetReportResponse resp;
    *st = stub_->GetReport(ServiceHarness::Context(token).get(), req, &resp);
    return resp;
  }
  grpc::Status Publish(const std::string& token, int version, const std::string& checksum,
                       v1::PublishReportResponse* resp) {
    v1::PublishReportRequest req;
    req.set_request_id(ids::NewUuid());
    req.set_report_id("monthly");
    *req.mutable_period_day() = Date(D(2026, 1, 31));
    req.set_district_code(kDistrict);
    req.set_version(version);
    req.set_checksum(checksum);
    return stub_->PublishReport(ServiceHarness::Context(token).get(), req, resp);
  }
  v1::ExportReportResponse Export(const std::string& token, int version, v1::ExportFormat format,
                                  grpc::Status* st) {
    v1::ExportReportRequest req;
    req.set_report_id("monthly");
    *req.mutable_period_day() = Date(D(2026, 1, 1));
    req.set_district_code(kDistrict);
    req.set_version(version);
    req.set_format(format);
    v1::ExportReportResponse resp;
    *st = stub_->ExportReport(ServiceHarness::Context(token).get(), req, &resp);
    return resp;
  }

  static std::set<std::string> Changes(
      const google::protobuf::RepeatedPtrField<v1::CellChange>& changes) {
    std::set<std::string> out;
    for (const auto& c : changes) {
      out.insert(absl::StrCat(c.table_id(), "|", c.total() ? "TOTAL" : c.row_key(), "|",
                              c.indicator_id(), "|", c.before(), ">", c.after()));
    }
    return out;
  }
  static std::string Cell(const v1::Snapshot& s, const std::string& table, const std::string& key,
                          const std::string& indicator) {
    for (const auto& t : s.tables()) {
      if (t.id() != table) continue;
      int col = -1;
      for (int i = 0; i < t.indicator_ids_size(); ++i) {
        if (t.indicator_ids(i) == indicator) col = i;
      }
      if (col < 0) return "?";
      if (key == "TOTAL") return t.total().cells(col);
      for (const auto& r : t.rows()) {
        if (r.key() == key) return r.cells(col);
      }
      return "-";
    }
    return "?";
  }

  static ServiceHarness* harness_;
  std::unique_ptr<v1::ReportingService::Stub> stub_;
};

ServiceHarness* ReportingSnapshotsTest::harness_ = nullptr;

TEST_F(ReportingSnapshotsTest, PublishedMonthIsFrozenAndARestatementListsExactlyTheChangedCells) {
  const std::string bureau = ServiceHarness::Token(Role::kDistrictBureau, {kDistrict});
  // January: three people received on the 5th in office-1.
  std::vector<std::string> ids;
  std::vector<events::v1::Envelope> events;
  for (int i = 0; i < 3; ++i) {
    ids.push_back(ids::NewUuid());
    Opened(ids.back(), D(2026, 1, 5), "office-1", &events);
  }
  Produce(events);
  ASSERT_TRUE(WaitForOccurrences(ids, 6));

  grpc::Status st;
  auto run = RunMonth(bureau, &st);
  ASSERT_TRUE(st.ok()) << st.error_message();
  const v1::Snapshot v1_draft = run.snapshot();
  EXPECT_EQ(v1_draft.version(), 1);
  EXPECT_FALSE(run.unchanged());
  EXPECT_EQ(run.compared_version(), 0);
  EXPECT_EQ(v1_draft.checksum().size(), 64u);
  EXPECT_EQ(v1_draft.policy_version(), "minor_threshold=5");
  EXPECT_EQ(v1_draft.definitions_version(),
            h().wiring<reporting::ReportingWiring>().definitions().version);
  EXPECT_EQ(v1_draft.reports_version(), h().wiring<reporting::ReportingWiring>().reports().version);
  EXPECT_FALSE(v1_draft.has_published_at());
  // The positions are the consumer's applied ones: after the events it applied.
  ASSERT_GT(v1_draft.positions_size(), 0);
  for (const auto& p : v1_draft.positions()) {
    // The four topics the consumer follows (the worklists and gauges read education's and
    // employment's).
    EXPECT_TRUE(p.topic() == reporting::kRecordsTopic || p.topic() == reporting::kAssessmentTopic ||
                p.topic() == reporting::kEducationTopic || p.topic() == reporting::kEmploymentTopic)
        << p.topic();
    EXPECT_GT(p.next_offset(), 0);
  }
  EXPECT_EQ(Cell(v1_draft, "register", kDistrict, "on_register"), "3");
  EXPECT_EQ(Cell(v1_draft, "register", kDistrict, "received"), "3");
  EXPECT_EQ(Cell(v1_draft, "offices", "office-1", "on_register"), "3");
  // A run before publication replaces the draft: still version 1.
  run = RunMonth(bureau, &st);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_EQ(run.snapshot().version(), 1);
  EXPECT_EQ(run.snapshot().checksum(), v1_draft.checksum());
  // What is published: this replacement, whose positions may have moved on (other tests' events
  // on the shared topics are applied meanwhile; positions are outside the checksum).
  const v1::Snapshot v1_as_published = run.snapshot();

  v1::PublishReportResponse published;
  // A checksum that is not the version's is refused: what was reviewed is what is published.
  st = Publish(bureau, 1, std::string(64, 'a'), &published);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  st = Publish(bureau, 1, v1_draft.checksum(), &published);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_TRUE(published.snapshot().has_published_at());
  EXPECT_EQ(published.snapshot().checksum(), v1_draft.checksum());
  st = Publish(bureau, 1, v1_draft.checksum(), &published);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::FAILED_PRECONDITION);  // published already
  // Frozen in the database itself, even for a superuser.
  EXPECT_ANY_THROW(h().db().QueryValue(
      "UPDATE report_snapshot SET content = '{}' WHERE version = 1 AND scope = '659021'"));
  EXPECT_ANY_THROW(
      h().db().QueryValue("DELETE FROM report_snapshot WHERE version = 1 AND scope = '659021'"));
  EXPECT_ANY_THROW(h().db().QueryValue("TRUNCATE report_snapshot"));
  EXPECT_EQ(Count("SELECT count(*) FROM audit_log WHERE action = 'PublishReport'"
                  " AND result = 'monthly/659021/2026-01-01/v1'"),
            1);

  // Run again with nothing late: equal to the frozen month, no version added.
  run = RunMonth(bureau, &st);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_TRUE(run.unchanged());
  EXPECT_EQ(run.snapshot().version(), 1);
  EXPECT_EQ(run.snapshot().checksum(), v1_draft.checksum());
  EXPECT_EQ(run.changes_size(), 0);

  // Late and back-dated: a fourth person received on 01-20 in office-2, and a warning on 01-10
  // for the first person, both published in February.
  std::vector<events::v1::Envelope> late;
  std::vector<std::string> late_ids = {ids::NewUuid(), ids[0]};
  Opened(late_ids[0], D(2026, 1, 20), "office-2", &late);
  records::v1::SanctionIssued s;
  s.set_case_id(ids[0]);
  s.set_district_code(kDistrict);
  s.set_sanction_id(ids::NewUuid());
  s.set_kind(records::v1::SANCTION_KIND_WARNING);
  *s.mutable_issued_on() = Date(D(2026, 1, 10));
  late.push_back(kafka::MakeEnvelope("ccms.records.sanction_issued", ids[0], kDistrict, absl::Now(),
                                     absl::Now(), "test", s));
  Produce(late);
  ASSERT_TRUE(WaitForOccurrences(late_ids, 2 + 3));

  run = RunMonth(bureau, &st);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_FALSE(run.unchanged());
  EXPECT_EQ(run.snapshot().version(), 2);
  EXPECT_EQ(run.compared_version(), 1);
  EXPECT_NE(run.snapshot().checksum(), v1_draft.checksum());
  const std::set<std::string> want = {
      "register|659021|on_register|3>4",
      "register|TOTAL|on_register|3>4",
      "register|659021|on_register_probation|3>4",
      "register|TOTAL|on_register_probation|3>4",
      "register|659021|received|3>4",
      "register|TOTAL|received|3>4",
      "supervision|659021|warnings|0>1",
      "supervision|TOTAL|warnings|0>1",
      "supervision|659021|warned_people|0>1",
      "supervision|TOTAL|warned_people|0>1",
      "offices|office-2|on_register|0>1",
      "offices|office-2|received|0>1",
      "offices|TOTAL|on_register|3>4",
      "offices|TOTAL|received|3>4",
      "sentence_kinds|PROBATION|on_register|3>4",
      "sentence_kinds|TOTAL|on_register|3>4",
      "sentence_kinds|PROBATION|received|3>4",
      "sentence_kinds|TOTAL|received|3>4",
  };
  EXPECT_EQ(Changes(run.changes()), want);
  const std::string v2_checksum = run.snapshot().checksum();

  // Version 1 is still readable, unchanged; DiffReport gives the same cells.
  auto v1_now = Get(bureau, 1, &st);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_EQ(v1_now.snapshot().checksum(), v1_draft.checksum());
  v1::Snapshot v1_content = v1_now.snapshot();
  v1::Snapshot v1_before = v1_as_published;
  v1_content.clear_published_at();
  v1_content.clear_computed_at();
  v1_before.clear_computed_at();
  EXPECT_EQ(v1_content.SerializeAsString(), v1_before.SerializeAsString());
  ASSERT_EQ(v1_now.versions_size(), 2);
  EXPECT_TRUE(v1_now.versions(0).has_published_at());
  EXPECT_FALSE(v1_now.versions(1).has_published_at());
  auto latest = Get(bureau, 0, &st);
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(latest.snapshot().version(), 2);
  v1::DiffReportRequest diff_req;
  diff_req.set_report_id("monthly");
  *diff_req.mutable_period_day() = Date(D(2026, 1, 1));
  diff_req.set_district_code(kDistrict);
  v1::DiffReportResponse diff;
  st = stub_->DiffReport(ServiceHarness::Context(bureau).get(), diff_req, &diff);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_EQ(diff.from_version(), 1);
  EXPECT_EQ(diff.to_version(), 2);
  EXPECT_EQ(Changes(diff.changes()), want);
  st = Publish(bureau, 2, v2_checksum, &published);
  ASSERT_TRUE(st.ok()) << st.error_message();

  // Exports of version 2: one CSV per table and one workbook, equal cell for cell (openpyxl).
  auto csv = Export(bureau, 2, v1::EXPORT_FORMAT_CSV, &st);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_EQ(csv.checksum(), v2_checksum);
  ASSERT_EQ(csv.files_size(), 5);  // register, supervision, offices, sentence kinds, 服务人数
  EXPECT_EQ(csv.files(0).name(), "monthly-2026-01-01-659021-v2-register.csv");
  EXPECT_NE(csv.files(0).content().find("在册社区矫正对象"), std::string::npos);
  EXPECT_NE(csv.files(0).content().find("合计,4,"), std::string::npos);
  auto xlsx = Export(bureau, 2, v1::EXPORT_FORMAT_XLSX, &st);
  ASSERT_TRUE(st.ok()) << st.error_message();
  ASSERT_EQ(xlsx.files_size(), 1);
  EXPECT_EQ(xlsx.files(0).name(), "monthly-2026-01-01-659021-v2.xlsx");
  char dir_template[] = "/tmp/ccms-export-XXXXXX";
  ASSERT_NE(mkdtemp(dir_template), nullptr);
  const std::string dir = dir_template;
  auto write = [&](const std::string& name, const std::string& bytes) {
    std::ofstream(dir + "/" + name, std::ios::binary) << bytes;
    return dir + "/" + name;
  };
  std::string command =
      absl::StrCat("/usr/bin/python3 ", CCMS_TEST_SOURCE_DIR, "/tests/support/xlsx_matches_csv.py ",
                   write("book.xlsx", xlsx.files(0).content()));
  const auto& report = *h().wiring<reporting::ReportingWiring>().reports().Find("monthly");
  for (int i = 0; i < csv.files_size(); ++i) {
    absl::StrAppend(&command, " '", report.tables[i].title, "=",
                    write(csv.files(i).name(), csv.files(i).content()), "'");
  }
  EXPECT_EQ(std::system(command.c_str()), 0) << command;
  std::system(absl::StrCat("rm -rf ", dir).c_str());
}

// Exports as jobs (docs/reporting.md, "Exports"): a job over a report runs to DONE with its
// progress counted, and its files equal the direct export's; a job whose version is gone, or
// whose worker stopped, says so.
TEST_F(ReportingSnapshotsTest, AnExportJobRunsToDoneAndEqualsTheDirectExport) {
  const std::string bureau = ServiceHarness::Token(Role::kDistrictBureau, {kDistrict});
  v1::RunSnapshotRequest run;
  run.set_request_id(ids::NewUuid());
  run.set_report_id("quarterly");
  *run.mutable_period_day() = Date(D(2026, 1, 15));
  run.set_district_code(kDistrict);
  v1::RunSnapshotResponse ran;
  grpc::Status st = stub_->RunSnapshot(ServiceHarness::Context(bureau).get(), run, &ran);
  ASSERT_TRUE(st.ok()) << st.error_message();
  const int version = ran.snapshot().version();

  auto direct = [&](v1::ExportFormat format) {
    v1::ExportReportRequest req;
    req.set_report_id("quarterly");
    *req.mutable_period_day() = Date(D(2026, 2, 1));
    req.set_district_code(kDistrict);
    req.set_version(version);
    req.set_format(format);
    v1::ExportReportResponse resp;
    EXPECT_TRUE(stub_->ExportReport(ServiceHarness::Context(bureau).get(), req, &resp).ok());
    return resp;
  };
  auto start = [&](v1::ExportFormat format, const std::string& request_id) {
    v1::StartExportRequest req;
    req.set_request_id(request_id);
    req.set_report_id("quarterly");
    *req.mutable_period_day() = Date(D(2026, 3, 31));
    req.set_district_code(kDistrict);
    req.set_format(format);  // version 0: the latest
    v1::StartExportResponse resp;
    grpc::Status started = stub_->StartExport(ServiceHarness::Context(bureau).get(), req, &resp);
    EXPECT_TRUE(started.ok()) << started.error_message();
    return resp.job_id();
  };
  auto job = [&](const std::string& token, const std::string& id, grpc::Status* status) {
    v1::GetExportJobRequest req;
    req.set_job_id(id);
    v1::GetExportJobResponse resp;
    *status = stub_->GetExportJob(ServiceHarness::Context(token).get(), req, &resp);
    return resp;
  };
  // A DONE job's file, its chunks fetched one by one (GetExportChunk).
  auto content = [&](const std::string& id, const v1::GetExportJobResponse& done, int file) {
    std::string bytes;
    for (int c = 0; c < done.files(file).chunk_count(); ++c) {
      v1::GetExportChunkRequest req;
      req.set_job_id(id);
      req.set_file_index(file);
      req.set_chunk_index(c);
      v1::GetExportChunkResponse resp;
      EXPECT_TRUE(stub_->GetExportChunk(ServiceHarness::Context(bureau).get(), req, &resp).ok());
      bytes += resp.content();
    }
    return bytes;
  };

  // CSV: queued, then run by the worker, DONE with every row counted and the same files.
  const std::string request_id = ids::NewUuid();
  const std::string csv_job = start(v1::EXPORT_FORMAT_CSV, request_id);
  ASSERT_TRUE(ids::IsUuid(csv_job));
  EXPECT_EQ(start(v1::EXPORT_FORMAT_CSV, request_id), csv_job);  // a retry: the same job
  EXPECT_EQ(Count("SELECT count(*) FROM export_job WHERE job_id = '" + csv_job + "'"), 1);
  auto queued = job(bureau, csv_job, &st);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_EQ(queued.state(), v1::EXPORT_JOB_STATE_QUEUED);
  EXPECT_EQ(queued.files_size(), 0);
  auto ran_jobs = h().wiring<reporting::ReportingWiring>().export_jobs().RunOnce();
  ASSERT_TRUE(ran_jobs.ok()) << ran_jobs.status();
  EXPECT_EQ(*ran_jobs, 1);
  auto done = job(bureau, csv_job, &st);
  ASSERT_TRUE(st.ok()) << st.error_message();
  ASSERT_EQ(done.state(), v1::EXPORT_JOB_STATE_DONE) << done.failure();
  const auto csv = direct(v1::EXPORT_FORMAT_CSV);
  EXPECT_EQ(done.version(), version);
  EXPECT_EQ(done.checksum(), csv.checksum());
  int64_t rows = 0;
  for (const auto& t : ran.snapshot().tables()) rows += t.rows_size() + 2;
  EXPECT_EQ(done.rows_total(), rows);
  EXPECT_EQ(done.rows_done(), rows);
  ASSERT_EQ(done.files_size(), csv.files_size());
  for (int i = 0; i < csv.files_size(); ++i) {
    EXPECT_EQ(done.files(i).name(), csv.files(i).name());
    EXPECT_EQ(done.files(i).media_type(), csv.files(i).media_type());
    EXPECT_EQ(content(csv_job, done, i), csv.files(i).content()) << csv.files(i).name();
  }

  // XLSX: the workbook equals the direct CSV export cell for cell (openpyxl; its bytes hold the
  // time it was written).
  const std::string xlsx_job = start(v1::EXPORT_FORMAT_XLSX, ids::NewUuid());
  ASSERT_TRUE(h().wiring<reporting::ReportingWiring>().export_jobs().RunOnce().ok());
  auto book = job(bureau, xlsx_job, &st);
  ASSERT_TRUE(st.ok()) << st.error_message();
  ASSERT_EQ(book.state(), v1::EXPORT_JOB_STATE_DONE) << book.failure();
  ASSERT_EQ(book.files_size(), 1);
  EXPECT_EQ(book.files(0).name(), direct(v1::EXPORT_FORMAT_XLSX).files(0).name());
  char dir_template[] = "/tmp/ccms-export-job-XXXXXX";
  ASSERT_NE(mkdtemp(dir_template), nullptr);
  const std::string dir = dir_template;
  auto write = [&](const std::string& name, const std::string& bytes) {
    std::ofstream(dir + "/" + name, std::ios::binary) << bytes;
    return dir + "/" + name;
  };
  std::string command =
      absl::StrCat("/usr/bin/python3 ", CCMS_TEST_SOURCE_DIR, "/tests/support/xlsx_matches_csv.py ",
                   write("book.xlsx", content(xlsx_job, book, 0)));
  const auto& report = *h().wiring<reporting::ReportingWiring>().reports().Find("quarterly");
  for (int i = 0; i < csv.files_size(); ++i) {
    absl::StrAppend(&command, " '", report.tables[i].title, "=",
                    write(csv.files(i).name(), csv.files(i).content()), "'");
  }
  EXPECT_EQ(std::system(command.c_str()), 0) << command;
  std::system(absl::StrCat("rm -rf ", dir).c_str());

  // Who reads a job: as the snapshot. Another district's bureau: it does not exist; office staff
  // of one office: only their office's snapshots' jobs exist for them (this one is the
  // district's); a bad id: INVALID_ARGUMENT.
  job(ServiceHarness::Token(Role::kDistrictBureau, {"659022"}), csv_job, &st);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::NOT_FOUND);
  job(ServiceHarness::Token(Role::kOfficeStaff, {kDistrict}, "s", "", "office-1"), csv_job, &st);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::NOT_FOUND);
  job(bureau, "not-a-job", &st);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(job(ServiceHarness::Token(Role::kAuditor, {"*"}), csv_job, &st).files_size() > 0);
  // A version that does not exist cannot be asked for.
  v1::StartExportRequest missing;
  missing.set_request_id(ids::NewUuid());
  missing.set_report_id("quarterly");
  *missing.mutable_period_day() = Date(D(2026, 1, 1));
  missing.set_district_code(kDistrict);
  missing.set_version(version + 7);
  missing.set_format(v1::EXPORT_FORMAT_CSV);
  v1::StartExportResponse none;
  EXPECT_EQ(stub_->StartExport(ServiceHarness::Context(bureau).get(), missing, &none).error_code(),
            grpc::StatusCode::NOT_FOUND);

  // Failures say so: a queued job whose version is gone, a running job whose worker stopped.
  const std::string gone = ids::NewUuid();
  const std::string stalled = ids::NewUuid();
  h().db().QueryValue(absl::StrCat(
      "INSERT INTO export_job (job_id, report_id, scope, period_start, version, format, state,"
      " requested_by) VALUES ('",
      gone, "', 'quarterly', '", kDistrict, "', '2026-01-01', 999, 'CSV', 'QUEUED', 't')"));
  h().db().QueryValue(absl::StrCat(
      "INSERT INTO export_job (job_id, report_id, scope, period_start, version, format, state,"
      " requested_by, heartbeat_at) VALUES ('",
      stalled, "', 'quarterly', '", kDistrict,
      "', '2026-01-01', 1, 'CSV', 'RUNNING', 't', now() - interval '1 hour')"));
  ASSERT_TRUE(h().wiring<reporting::ReportingWiring>().export_jobs().RunOnce().ok());
  auto failed = job(bureau, gone, &st);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_EQ(failed.state(), v1::EXPORT_JOB_STATE_FAILED);
  EXPECT_EQ(failed.failure(), "NOT_FOUND");
  EXPECT_EQ(failed.files_size(), 0);
  failed = job(bureau, stalled, &st);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_EQ(failed.state(), v1::EXPORT_JOB_STATE_FAILED);
  EXPECT_EQ(failed.failure(), "INTERRUPTED");
}

TEST_F(ReportingSnapshotsTest, WhoMayRunPublishAndRead) {
  grpc::Status st;
  // Office staff and auditors read, they do not run.
  RunMonth(ServiceHarness::Token(Role::kOfficeStaff, {kDistrict}), &st);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  RunMonth(ServiceHarness::Token(Role::kAuditor, {"*"}), &st);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  // A bureau runs its district, not another, not the city.
  RunMonth(ServiceHarness::Token(Role::kDistrictBureau, {"659022"}), &st);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  RunMonth(ServiceHarness::Token(Role::kDistrictBureau, {kDistrict}), &st, "");
  EXPECT_EQ(st.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  // The city admin runs the city (every district counted).
  const std::string admin = ServiceHarness::Token(Role::kCityAdmin, {"*"});
  v1::RunSnapshotRequest city_req;
  city_req.set_request_id(ids::NewUuid());
  city_req.set_report_id("quarterly");
  *city_req.mutable_period_day() = Date(D(2026, 2, 1));
  v1::RunSnapshotResponse city;
  st = stub_->RunSnapshot(ServiceHarness::Context(admin).get(), city_req, &city);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_EQ(city.snapshot().district_code(), "");
  EXPECT_EQ(city.snapshot().version(), 1);
  // A retry of the same request id is answered with the first response, runs nothing again.
  v1::RunSnapshotResponse retry;
  st = stub_->RunSnapshot(ServiceHarness::Context(admin).get(), city_req, &retry);
  ASSERT_TRUE(st.ok()) << st.error_message();
  EXPECT_EQ(retry.SerializeAsString(), city.SerializeAsString());
  EXPECT_EQ(Count("SELECT count(*) FROM audit_log WHERE action = 'RunSnapshot'"
                  " AND result = 'quarterly/city/2026-01-01/v1'"),
            1);
  // Partners get nothing (without their certificate, not even a role check).
  RunMonth(ServiceHarness::Token(Role::kPartner, {}, "p", "agency-1"), &st);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  // Bad requests.
  v1::RunSnapshotRequest req;
  req.set_request_id(ids::NewUuid());
  req.set_report_id("weekly-gossip");
  req.set_district_code("65902");
  v1::RunSnapshotResponse resp;
  st = stub_->RunSnapshot(
      ServiceHarness::Context(ServiceHarness::Token(Role::kCityAdmin, {"*"})).get(), req, &resp);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  v1::GetReportRequest get;
  get.set_report_id("annual");
  *get.mutable_period_day() = Date(D(2019, 3, 1));
  get.set_district_code(kDistrict);
  v1::GetReportResponse got;
  st = stub_->GetReport(
      ServiceHarness::Context(ServiceHarness::Token(Role::kOfficeStaff, {kDistrict})).get(), get,
      &got);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::NOT_FOUND);  // never run
}

// The positions a snapshot records are the group's highest applied offsets per topic and
// partition (V006's index walked key by key): a suffixed member of the group counts, another
// group whose name starts the same does not.
TEST_F(ReportingSnapshotsTest, PositionsAreTheGroupsHighestOffsets) {
  const std::string district = "659029";
  const std::string bureau = ServiceHarness::Token(Role::kDistrictBureau, {district});
  auto decoy = [&](const std::string& consumer, int64_t offset) {
    h().db().QueryValue(
        "INSERT INTO inbox (consumer, event_id, event_type, topic, kafka_partition, kafka_offset)"
        " VALUES ('" +
        consumer + "', gen_random_uuid(), 'test', 'ccms.records.v1', 0, " + std::to_string(offset) +
        ")");
  };
  decoy("ccms-reporting-g1-replica-b", 777777776);  // a member of the group: counted
  decoy("ccms-reporting-g10", 999999998);           // another group: not counted
  decoy("ccms-reporting-g0", 999999997);            // one sorting before it: not counted
  grpc::Status st;
  auto run = RunMonth(bureau, &st, district);
  ASSERT_TRUE(st.ok()) << st.error_message();
  std::map<std::string, int64_t> got;
  for (const auto& p : run.snapshot().positions()) {
    got[p.topic() + "/" + std::to_string(p.partition())] = p.next_offset();
  }
  EXPECT_EQ(got["ccms.records.v1/0"], 777777777);
  // Every other key as the plain aggregate over the inbox gives it (the consumer may apply more
  // events meanwhile: at least what the snapshot recorded).
  for (const auto& [key, next] : got) {
    if (key == "ccms.records.v1/0") continue;
    const std::string topic = key.substr(0, key.rfind('/'));
    const std::string partition = key.substr(key.rfind('/') + 1);
    const int64_t plain = std::stoll(h().db().QueryValue(
        "SELECT max(kafka_offset) + 1 FROM inbox WHERE (consumer = 'ccms-reporting-g1' OR consumer"
        " LIKE 'ccms-reporting-g1-%') AND topic = '" +
        topic + "' AND kafka_partition = " + partition));
    EXPECT_GE(plain, next) << key;
    EXPECT_GT(next, 0) << key;
  }
  EXPECT_EQ(got.size(),
            std::stoul(h().db().QueryValue(
                "SELECT count(DISTINCT (topic, kafka_partition)) FROM inbox WHERE"
                " consumer = 'ccms-reporting-g1' OR consumer LIKE 'ccms-reporting-g1-%'")));
}

}  // namespace
}  // namespace ccms::testing
