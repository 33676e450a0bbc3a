-- Who wrote each revision of a change, and how. The four-eyes rule keeps everyone who authored any
-- revision (created, revised, rebased or rolled back to it) out of that change's review, and the API
-- lists every revision's author; the name is kept with the id so the list needs no other module.
ALTER TABLE governance_change_revisions ADD COLUMN created_by_name text;
ALTER TABLE governance_change_revisions ADD COLUMN action text;

-- Existing rows: the change's author's name where the revision is theirs (else the id), and the
-- action inferred from the content (a rebase keeps the content, a revision changes it).
UPDATE governance_change_revisions r
   SET created_by_name = coalesce(
           (SELECT c.author_name FROM governance_changes c
             WHERE c.id = r.change_id AND c.author_id = r.created_by),
           r.created_by),
       action = CASE
           WHEN r.revision = 1 THEN
               (SELECT CASE WHEN c.rollback_of IS NULL THEN 'create' ELSE 'rollback' END
                  FROM governance_changes c WHERE c.id = r.change_id)
           WHEN r.content = (SELECT p.content FROM governance_change_revisions p
                              WHERE p.change_id = r.change_id AND p.revision = r.revision - 1)
               THEN 'rebase'
           ELSE 'revise'
       END;

ALTER TABLE governance_change_revisions ALTER COLUMN created_by_name SET NOT NULL;
ALTER TABLE governance_change_revisions ALTER COLUMN action SET NOT NULL;
ALTER TABLE governance_change_revisions
    ADD CONSTRAINT governance_change_revisions_action
    CHECK (action IN ('create', 'revise', 'rebase', 'rollback'));
