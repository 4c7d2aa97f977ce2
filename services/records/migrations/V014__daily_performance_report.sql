-- The daily-performance report (日常表现综合评估报告) joins the discharge paperwork: due with the
-- personal summary in the last stretch of the term, recorded with the day it was completed and
-- its author (a staff account id, never a name). NULL: not received yet (the discharge list says so).
ALTER TABLE cases
  ADD COLUMN performance_report_on date,
  ADD COLUMN performance_report_author text;
