-- Issue 21: a comment on a change may answer another comment of the same change (the console's
-- thread with replies). The service checks that the parent is a comment of the same change and
-- tenant; the foreign key keeps a reply from ever naming a comment that does not exist.
ALTER TABLE governance_comments ADD COLUMN parent_id uuid REFERENCES governance_comments (id);
CREATE INDEX governance_comments_parent ON governance_comments (parent_id) WHERE parent_id IS NOT NULL;
