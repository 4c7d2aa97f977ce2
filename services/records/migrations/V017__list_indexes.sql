-- Indexes of the lists at a million cases (docs/benchmarks.md, "City scale", issue 18).
-- ListLeavesNotReturned reads two branches (records_leaves_not_returned): the leaves still out
-- whose end has passed, and, for a past as-of day, the leaves returned after it. The index
-- they replace held every approved and returned leave (2 million in a city): the list's scan
-- read all the returned ones on every call.
DROP INDEX leaves_approved_by_end;
CREATE INDEX leaves_out_by_end ON leaves (end_date) WHERE status = 'APPROVED';
-- end_date in the key so a past as-of day skips the leaves that ended after it in the index.
CREATE INDEX leaves_returned_late ON leaves (returned_on, end_date) WHERE status = 'RETURNED';
-- ListOverdue without a district (every district in scope): the open cases in id order.
CREATE INDEX cases_open ON cases (case_id) WHERE status IN ('PENDING_INTAKE', 'ACTIVE');
