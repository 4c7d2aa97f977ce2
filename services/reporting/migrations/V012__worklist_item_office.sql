-- A worklist row carries its case's district and office as they stand now, so ListWorklist reads
-- worklist_item alone. It used to join every row to case_projection and filter on the joined
-- district: with a million projections that was a hash join over all of them, ~1 s a page
-- (docs/benchmarks.md, "The reporting worklist at a million cases"). The store keeps both
-- columns equal to the projection's whenever it writes a row or rebuilds a case's projection.
ALTER TABLE worklist_item ADD COLUMN office_id text NOT NULL DEFAULT '';
UPDATE worklist_item w SET district_code = p.district_code, office_id = p.office_id
  FROM case_projection p
 WHERE p.case_id = w.case_id
   AND (w.district_code, w.office_id) IS DISTINCT FROM (p.district_code, p.office_id);
-- A district's page and an office's page, in the lists' order.
CREATE INDEX worklist_item_district_order
  ON worklist_item (district_code, due_on, kind, case_id, item_id);
CREATE INDEX worklist_item_office_order
  ON worklist_item (office_id, due_on, kind, case_id, item_id);
